//! The test OpenID Provider (`tests/oidc-provider`: oidc-provider, OpenID Certified, on
//! Node.js) with its fixed users, started on loopback for the broker.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};
use url::Url;

/// A running provider; stopped on [`Provider::stop`] or on drop.
pub(crate) struct Provider {
    child: Child,
    /// Its issuer URL.
    pub(crate) issuer: Url,
}

/// The provider's directory, with its npm packages installed from the lock file if they are not.
async fn directory() -> anyhow::Result<PathBuf> {
    let dir = crate::build::project_root().join("tests/oidc-provider");
    if dir.join("node_modules/oidc-provider").is_dir() {
        return Ok(dir);
    }
    tell!(
        "installing the test OpenID Provider (npm ci in {})…",
        dir.display()
    );
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .await
        .context("cannot run npm: install Node.js and npm (apt-get install nodejs npm)")?;
    anyhow::ensure!(
        status.success(),
        "npm ci in {} failed ({status})",
        dir.display()
    );
    Ok(dir)
}

impl Provider {
    /// Starts the provider on any free port, for the client `fed-broker` with `secret` that
    /// redirects to `redirect`.
    pub(crate) async fn start(secret: &str, redirect: &Url) -> anyhow::Result<Provider> {
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(directory().await?)
            .env("PORT", "0")
            .env("CLIENT_ID", "fed-broker")
            .env("CLIENT_SECRET", secret)
            .env("REDIRECT_URIS", redirect.as_str())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("cannot run node: install Node.js (apt-get install nodejs)")?;
        let stdout = child.stdout.take().context("the provider's output")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .context("the OpenID Provider did not start within 30 s")??
            .context("the OpenID Provider stopped at start")?;
        let issuer = line
            .strip_prefix("listening on ")
            .with_context(|| format!("the OpenID Provider said {line:?}"))?;
        let issuer = Url::parse(issuer)?;
        // Keep reading, so that the provider never writes to a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Provider { child, issuer })
    }

    /// Stops it.
    pub(crate) async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
