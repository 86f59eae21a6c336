//! A throw-away PostgreSQL, for fed-broker's store (audit records, revocations, grants) in tests
//! and in `cargo xtask broker --local`.
//!
//! Debian's `pg_virtualenv` (package `postgresql-common`) creates a cluster in a temporary
//! directory (`-t`, also as root) on a port of its own, runs a shell that prints the connection
//! and then waits on its stdin, and drops the cluster once that stdin closes. So the owner
//! decides when the database goes away, and one that ends early (or panics) still leaves
//! nothing behind: its end closes the pipe.
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), fed_local::Error> {
//! let database = fed_local::LocalPostgres::start().await?;
//! println!("FED_BROKER_DATABASE_URL={}", database.url());
//! database.stop().await?;
//! # Ok(()) }
//! ```

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin};

use crate::error::Error;

/// What to install when `pg_virtualenv` is missing.
pub const MISSING: &str = "pg_virtualenv is not installed: install Debian's postgresql (apt-get install postgresql), which brings postgresql-common and its pg_virtualenv";

/// The line the shell prints once the cluster runs.
const READY: &str = "fed-local-postgres";

/// A running cluster; dropped when this is stopped or dropped.
#[derive(Debug)]
pub struct LocalPostgres {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
    password: String,
}

fn installed() -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| dir.join("pg_virtualenv").is_file())
    })
}

fn failed(reason: impl Into<String>) -> Error {
    Error::Postgres {
        reason: reason.into(),
    }
}

impl LocalPostgres {
    /// Starts a cluster on a free port of loopback, within two minutes.
    pub async fn start() -> Result<LocalPostgres, Error> {
        if !installed() {
            return Err(failed(MISSING));
        }
        let port = crate::ports::unused_port().map_err(|e| failed(format!("no free port: {e}")))?;
        let mut child = tokio::process::Command::new("sh")
            .args([
                "-c",
                "exec pg_virtualenv -t sh -c \
                 'echo \"fed-local-postgres $PGPORT $PGUSER $PGPASSWORD $PGDATABASE\"; cat >/dev/null' 2>&1",
            ])
            .env("PGPORT", port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| failed(format!("cannot run sh: {e}")))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| failed("no output of pg_virtualenv"))?;
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = Vec::new();
        let ready = tokio::time::timeout(Duration::from_secs(120), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.strip_prefix(READY) {
                    return Some(rest.trim().to_owned());
                }
                seen.push(line);
            }
            None
        })
        .await;
        let Ok(Some(ready)) = ready else {
            return Err(failed(format!(
                "pg_virtualenv did not start a cluster: {}",
                seen.join(" / ")
            )));
        };
        // Keep reading, so that pg_virtualenv never writes to a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let fields: Vec<&str> = ready.split_whitespace().collect();
        let [port, user, password, database] = fields[..] else {
            return Err(failed("pg_virtualenv printed an unexpected connection"));
        };
        Ok(LocalPostgres {
            url: format!("postgres://{user}:{password}@127.0.0.1:{port}/{database}"),
            password: password.to_owned(),
            child,
            stdin,
        })
    }

    /// `postgres://user:password@127.0.0.1:port/database`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The password in [`LocalPostgres::url`], to look for where it must not be.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// Stops the cluster and drops it; returns once it is gone (within a minute).
    pub async fn stop(mut self) -> Result<(), Error> {
        drop(self.stdin.take());
        match tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            other => Err(failed(format!("pg_virtualenv did not stop: {other:?}"))),
        }
    }
}
