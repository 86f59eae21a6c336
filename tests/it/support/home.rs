//! A temporary HOME for the runs of one test: the AWS config and credentials files that the
//! isolated environment names (absent until written), and whatever else a test puts there.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A temporary HOME; clones share it, and the last one removes it.
#[derive(Clone)]
pub(crate) struct Home(Arc<tempfile::TempDir>);

impl Home {
    /// A new, empty HOME.
    pub(crate) fn new() -> Home {
        Home(Arc::new(tempfile::tempdir().expect("temp dir")))
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    /// The AWS config file of the isolated environment (`AWS_CONFIG_FILE`).
    pub(crate) fn config(&self) -> PathBuf {
        self.path().join("config")
    }

    /// The AWS credentials file of the isolated environment (`AWS_SHARED_CREDENTIALS_FILE`).
    pub(crate) fn credentials(&self) -> PathBuf {
        self.path().join("credentials")
    }

    /// Writes `text` to `file` under HOME (`config`, `.aws/config`, …), making its directory;
    /// the file's path.
    pub(crate) fn write(&self, file: &str, text: &str) -> PathBuf {
        let path = self.path().join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the file's directory");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}
