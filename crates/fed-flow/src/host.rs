//! The seam between the flow and the machine it runs on: environment variables and the AWS
//! config files. [`Host::real`] is the process's own; [`Host::fake`] is a set of variables and
//! files for tests, so that nothing of the machine running them is read.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the flow reads environment variables and files from.
///
/// ```
/// use fed_flow::Host;
///
/// let host = Host::fake()
///     .var("HOME", "/home/alice")
///     .file("/home/alice/.aws/config", "[profile prod]\nregion = eu-west-1\n");
/// assert_eq!(host.files_read(), 0);
/// ```
#[derive(Clone)]
pub struct Host {
    kind: Kind,
    reads: Arc<AtomicUsize>,
}

#[derive(Clone)]
enum Kind {
    Real,
    Fake {
        vars: HashMap<String, String>,
        files: HashMap<PathBuf, String>,
    },
}

impl Host {
    /// The process's environment and file system.
    pub fn real() -> Host {
        Host {
            kind: Kind::Real,
            reads: Arc::default(),
        }
    }

    /// No variables and no files; add them with [`Host::var`] and [`Host::file`].
    pub fn fake() -> Host {
        Host {
            kind: Kind::Fake {
                vars: HashMap::new(),
                files: HashMap::new(),
            },
            reads: Arc::default(),
        }
    }

    /// With the variable `name` set to `value` (a fake host only; the real one is unchanged).
    #[must_use]
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Host {
        if let Kind::Fake { vars, .. } = &mut self.kind {
            vars.insert(name.into(), value.into());
        }
        self
    }

    /// With the file `path` holding `contents` (a fake host only).
    #[must_use]
    pub fn file(mut self, path: impl Into<PathBuf>, contents: impl Into<String>) -> Host {
        if let Kind::Fake { files, .. } = &mut self.kind {
            files.insert(path.into(), contents.into());
        }
        self
    }

    /// How many files were read through this host and its clones: the AWS config files are
    /// read once per [`crate::Context`].
    pub fn files_read(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }

    /// A variable's value; empty or blank counts as unset.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let value = match &self.kind {
            Kind::Real => std::env::var(name).ok(),
            Kind::Fake { vars, .. } => vars.get(name).cloned(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    /// Whether the variable `name` is set to something.
    pub(crate) fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The text of the file at `path`; `Ok(None)` when there is no such file.
    pub(crate) fn read(&self, path: &Path) -> std::io::Result<Option<String>> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(path = %path.display(), "reading an AWS config file");
        match &self.kind {
            Kind::Real => match std::fs::read(path) {
                Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            Kind::Fake { files, .. } => Ok(files.get(path).cloned()),
        }
    }

    /// The home directory, as the AWS SDKs find it: `HOME`, else on Windows `USERPROFILE` or
    /// `HOMEDRIVE` and `HOMEPATH`.
    pub(crate) fn home(&self) -> Option<PathBuf> {
        if let Some(home) = self.get("HOME") {
            return Some(PathBuf::from(home));
        }
        if cfg!(windows) {
            if let Some(profile) = self.get("USERPROFILE") {
                return Some(PathBuf::from(profile));
            }
            if let (Some(drive), Some(path)) = (self.get("HOMEDRIVE"), self.get("HOMEPATH")) {
                return Some(PathBuf::from(format!("{drive}{path}")));
            }
        }
        None
    }
}

/// Names the kind and the variables set, never their values (they may hold secret keys).
impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Real => f.write_str("Host::real()"),
            Kind::Fake { vars, files } => {
                let mut names: Vec<&str> = vars.keys().map(String::as_str).collect();
                names.sort_unstable();
                let mut paths: Vec<&Path> = files.keys().map(PathBuf::as_path).collect();
                paths.sort_unstable();
                f.debug_struct("Host::fake")
                    .field("vars", &names)
                    .field("files", &paths)
                    .finish()
            }
        }
    }
}
