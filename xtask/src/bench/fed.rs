//! One `fed url` run: a fresh process of the release build, timed from spawn to exit with its
//! output read.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How to run fed for one path: the binary, its arguments and its whole environment.
#[derive(Debug)]
pub(super) struct FedRun {
    fed: PathBuf,
    args: Vec<String>,
    environment: Vec<(String, String)>,
    /// The path's name, for messages.
    name: &'static str,
}

impl FedRun {
    pub(super) fn new(
        fed: &Path,
        name: &'static str,
        args: Vec<String>,
        environment: Vec<(String, String)>,
    ) -> FedRun {
        FedRun {
            fed: fed.to_path_buf(),
            args,
            environment,
            name,
        }
    }

    /// Runs fed once and checks that it succeeded with one URL on stdout.
    pub(super) async fn once(&self) -> anyhow::Result<Duration> {
        let mut command = tokio::process::Command::new(&self.fed);
        command
            .env_clear()
            .envs(self.environment.iter().map(|(k, v)| (k, v)))
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let output = command.output().await?;
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        anyhow::ensure!(
            output.status.success(),
            "{}: `fed {}` failed ({}); its stderr:\n{}",
            self.name,
            self.args.join(" "),
            output.status,
            stderr.trim_end()
        );
        anyhow::ensure!(
            stdout.lines().count() == 1 && stdout.starts_with("https://"),
            "{}: `fed {}` printed no URL; its stdout:\n{}\nits stderr:\n{}",
            self.name,
            self.args.join(" "),
            stdout.trim_end(),
            stderr.trim_end()
        );
        Ok(took)
    }
}
