//! A [`Context`]: the environment and the AWS config files, read once, from which every decision
//! of a sign-in is made: the profile list, the profile and why, the plan, the portal link.

use std::path::PathBuf;
use std::sync::Arc;

use aws_config::profile::{Profile, ProfileSet};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};

use crate::error::{Error, Input};
use crate::host::Host;
use crate::profiles::ProfileSummary;
use crate::selection::{self, Selection};

/// The environment and the AWS config files (`AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE` honoured), read once.
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// use fed_flow::{Context, Host};
///
/// let context = Context::load(Host::real()).await?;
/// for profile in context.profiles() {
///     println!("{} ({})", profile.name, profile.kind);
/// }
/// println!("credentials of {}", context.selection(None).source);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
}

struct Inner {
    host: Host,
    profiles: ProfileSet,
    /// The files' text, handed to aws-config's providers so they do not read them again.
    config: Option<String>,
    credentials: Option<String>,
}

impl Context {
    /// Reads the AWS config and credentials files of `host`; missing files hold no profiles.
    pub async fn load(host: Host) -> Result<Context, Error> {
        let read = |path: Option<PathBuf>| -> Result<Option<String>, Error> {
            let Some(path) = path else { return Ok(None) };
            host.read(&path).map_err(|err| {
                Error::invalid(
                    Input::Profile,
                    format!("cannot read the AWS config file {}: {err}", path.display()),
                )
            })
        };
        let config = read(file_path(&host, "AWS_CONFIG_FILE", "config"))?;
        let credentials = read(file_path(
            &host,
            "AWS_SHARED_CREDENTIALS_FILE",
            "credentials",
        ))?;
        let profiles = parse(config.as_deref(), credentials.as_deref()).await?;
        Ok(Context {
            inner: Arc::new(Inner {
                host,
                profiles,
                config,
                credentials,
            }),
        })
    }

    /// The host the context was read from.
    pub fn host(&self) -> &Host {
        &self.inner.host
    }

    /// The profiles, `default` first, then by name, with what each is.
    pub fn profiles(&self) -> Vec<ProfileSummary> {
        let set = &self.inner.profiles;
        let mut names: Vec<&str> = set.profiles().collect();
        names.sort_by_key(|name| (*name != "default", *name));
        names
            .into_iter()
            .filter_map(|name| set.get_profile(name))
            .map(ProfileSummary::of)
            .collect()
    }

    /// Which profile and why, for a caller that names `named` (or none): the one rule of
    /// [`Selection`].
    pub fn selection(&self, named: Option<&str>) -> Selection {
        selection::select(named, &self.inner.host, self.profile("default").is_some())
    }

    /// The value of `key` in the profile `name`, when both exist; an empty value counts as
    /// unset. For settings of a tool's own, such as `fed_browser`.
    pub fn profile_value(&self, name: &str, key: &str) -> Option<String> {
        self.profile(name)?
            .get(key)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }

    pub(crate) fn profile(&self, name: &str) -> Option<&Profile> {
        self.inner.profiles.get_profile(name)
    }

    pub(crate) fn profile_set(&self) -> &ProfileSet {
        &self.inner.profiles
    }

    /// The profile `name`, or the error that names the ones there are.
    pub(crate) fn require(&self, name: &str) -> Result<&Profile, Error> {
        self.profile(name).ok_or_else(|| Error::UnknownProfile {
            name: name.to_owned(),
            known: {
                let mut known: Vec<String> =
                    self.inner.profiles.profiles().map(str::to_owned).collect();
                known.sort();
                known
            },
        })
    }

    /// A variable of the host; empty counts as unset.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        self.inner.host.get(name)
    }

    /// The files as aws-config's providers take them: the text already read.
    pub(crate) fn profile_files(&self) -> EnvConfigFiles {
        files(
            self.inner.config.as_deref(),
            self.inner.credentials.as_deref(),
        )
    }

    /// The region of the environment, else of the profile `settings`.
    pub(crate) fn region(&self, settings: Option<&str>) -> Option<String> {
        self.var("AWS_REGION")
            .or_else(|| self.var("AWS_DEFAULT_REGION"))
            .or_else(|| self.profile_value(settings?, "region"))
    }
}

/// Names the host and the profiles, never the files' text: the credentials file holds secret
/// keys.
impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut profiles: Vec<&str> = self.inner.profiles.profiles().collect();
        profiles.sort_unstable();
        f.debug_struct("Context")
            .field("host", &self.inner.host)
            .field("profiles", &profiles)
            .finish_non_exhaustive()
    }
}

/// Where a file is: the variable `var` (with `~` for the home directory), else `~/.aws/NAME`.
fn file_path(host: &Host, var: &str, name: &str) -> Option<PathBuf> {
    match host.get(var) {
        Some(path) => match path.strip_prefix("~/").or(path.strip_prefix("~\\")) {
            Some(rest) => Some(host.home()?.join(rest)),
            None => Some(PathBuf::from(path)),
        },
        None => Some(host.home()?.join(".aws").join(name)),
    }
}

/// Parses the files' text with aws-config's parser; nothing else is read.
async fn parse(config: Option<&str>, credentials: Option<&str>) -> Result<ProfileSet, Error> {
    use aws_types::os_shim_internal::{Env, Fs};
    // With the files' text given, the parser reads no file and no variable: these are empty.
    aws_config::profile::load(
        &Fs::from_slice(&[]),
        &Env::from_slice(&[]),
        &files(config, credentials),
        None,
    )
    .await
    .map_err(|err| {
        Error::invalid(
            Input::Profile,
            format!("cannot read the AWS config files: {err}"),
        )
    })
}

/// The files' text as aws-config takes it.
fn files(config: Option<&str>, credentials: Option<&str>) -> EnvConfigFiles {
    EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Config, config.unwrap_or_default())
        .with_contents(
            EnvConfigFileKind::Credentials,
            credentials.unwrap_or_default(),
        )
        .build()
}
