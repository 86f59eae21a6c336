//! The one error type of fed-local.

use std::path::PathBuf;

/// Why the local stack, moto, a fixture, a program or an SSO login could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Python interpreter could not be run.
    #[error(
        "cannot run `{python}` to provision moto: install Python 3 with the venv module and pip (e.g. `apt-get install python3 python3-venv python3-pip`) or set FED_PYTHON"
    )]
    PythonMissing {
        /// The interpreter that was tried.
        python: String,
        /// Why it could not be started.
        #[source]
        source: std::io::Error,
    },
    /// `python3 -m venv` failed.
    #[error(
        "`{python} -m venv {}` failed ({status}): install the Python venv module (e.g. `apt-get install python3-venv`)",
        venv.display()
    )]
    VenvFailed {
        /// The interpreter that was used.
        python: String,
        /// The venv directory.
        venv: PathBuf,
        /// The exit status or its reason.
        status: String,
    },
    /// `pip install` failed.
    #[error(
        "`pip install {}` into {} failed ({status}): check access to PyPI, or install those packages yourself and set FED_MOTO_SERVER to the moto_server executable",
        crate::moto::PACKAGES.join(" "),
        venv.display()
    )]
    PipFailed {
        /// The venv directory.
        venv: PathBuf,
        /// The exit status or its reason.
        status: String,
    },
    /// A file system operation on the venv directory failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// moto_server could not be started, exited early or did not answer in time.
    #[error("moto_server at {} did not start: {reason} (log: {})", server.display(), log.display())]
    Start {
        /// The moto_server executable.
        server: PathBuf,
        /// What went wrong.
        reason: String,
        /// The server's log file.
        log: PathBuf,
    },
    /// A local server could not listen.
    #[error("cannot start the {server}")]
    Listen {
        /// Which server.
        server: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The certificate authority could not be made or written.
    #[error("cannot set up TLS for the local stack: {reason}")]
    Tls {
        /// What went wrong.
        reason: String,
    },
    /// The stack's IAM user could not be created in moto.
    #[error("cannot create the local stack's IAM user in moto: {reason}")]
    Bootstrap {
        /// What went wrong.
        reason: String,
    },
    /// A program of the workspace (an example, a binary) could not be built or found.
    #[error("cannot build {what}: {reason}")]
    Build {
        /// What was being built.
        what: String,
        /// What went wrong.
        reason: String,
    },
    /// The throw-away PostgreSQL could not be started or stopped.
    #[error("PostgreSQL: {reason}")]
    Postgres {
        /// What went wrong.
        reason: String,
    },
    /// A fixture (a user, a role, an MFA device) could not be made.
    #[error("cannot {what}: {reason}")]
    Fixture {
        /// What was being made.
        what: String,
        /// What went wrong.
        reason: String,
    },
}

impl Error {
    pub(crate) fn fixture(what: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Fixture {
            what: what.into(),
            reason: reason.into(),
        }
    }
}
