//! A throw-away PostgreSQL for the audit store: Debian's `pg_virtualenv` creates a cluster in
//! a temporary directory (`-t`, also as root) on a port of its own, runs a shell that prints
//! the connection and then waits on its stdin, and drops the cluster once that stdin closes. So
//! the test decides when the database goes away, and a test that ends early (or panics) still
//! leaves nothing behind: its end closes the pipe.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin};

use super::broker::free_port;

/// What to install when `pg_virtualenv` is missing.
pub const MISSING: &str = "pg_virtualenv is not installed: install Debian's postgresql (apt-get install postgresql), which brings postgresql-common and its pg_virtualenv";

/// The line the shell prints once the cluster runs.
const READY: &str = "fed-test-postgres";

/// A running cluster; dropped when this is stopped or dropped.
pub struct Postgres {
    child: Child,
    stdin: Option<ChildStdin>,
    /// `postgres://user:password@127.0.0.1:port/database`.
    pub url: String,
    /// The password in the URL, to look for where it must not be.
    pub password: String,
}

fn installed() -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| dir.join("pg_virtualenv").is_file())
    })
}

impl Postgres {
    /// Starts a cluster; fails with what to install when `pg_virtualenv` is missing.
    pub async fn start() -> Postgres {
        assert!(installed(), "{MISSING}");
        let port = free_port();
        let mut child = tokio::process::Command::new("sh")
            .args([
                "-c",
                "exec pg_virtualenv -t sh -c \
                 'echo \"fed-test-postgres $PGPORT $PGUSER $PGPASSWORD $PGDATABASE\"; cat >/dev/null' 2>&1",
            ])
            .env("PGPORT", port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs");
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
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
            panic!(
                "pg_virtualenv did not start a cluster:\n{}",
                seen.join("\n")
            );
        };
        // Keep reading, so that pg_virtualenv never writes to a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let fields: Vec<&str> = ready.split_whitespace().collect();
        let [port, user, password, database] = fields[..] else {
            panic!("unexpected: {ready}");
        };
        Postgres {
            child,
            stdin,
            url: format!("postgres://{user}:{password}@127.0.0.1:{port}/{database}"),
            password: password.to_owned(),
        }
    }

    /// Stops the cluster and drops it; returns once it is gone.
    pub async fn stop(mut self) {
        drop(self.stdin.take());
        let stopped = tokio::time::timeout(Duration::from_secs(60), self.child.wait()).await;
        assert!(
            matches!(stopped, Ok(Ok(status)) if status.success()),
            "pg_virtualenv did not stop: {stopped:?}"
        );
    }
}
