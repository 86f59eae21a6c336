//! The Rust side of the workspace's `tests/browser/journey.mjs`: Chromium found, the npm
//! packages of the workspace's `tests/` installed from their lock files, and the browser journey
//! run and read. The workspace's `tests/it` includes this file with `#[path]`, so that its
//! journey through `cargo xtask broker --local` drives the browser as fed-broker's own does.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// What to do when [`chromium`] finds none.
pub(crate) const MISSING_CHROMIUM: &str = "chromium is not installed: install Debian's chromium (apt-get install chromium) or set FED_CHROMIUM";

/// The browser of the tests: `FED_CHROMIUM`, or Debian's `chromium` on the PATH.
pub(crate) fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FED_CHROMIUM") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// The package `name` under the workspace's `tests/` (`browser`, `oidc-provider`), with its
/// npm packages installed from its lock file unless `probe` is already in its `node_modules`.
pub(crate) fn node_package(name: &str, probe: &str) -> PathBuf {
    // Tests run at once in one process: one installs while the others wait (`npm ci` empties
    // `node_modules` first, under the feet of a test already using it).
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALLING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests").join(name))
        .find(|dir| dir.join("package.json").is_file())
        .unwrap_or_else(|| panic!("no tests/{name}/package.json above the crate"));
    if !dir.join("node_modules").join(probe).is_dir() {
        let status = std::process::Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (install Debian's nodejs and npm)");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    dir
}

/// Signs in at `broker` as `user` (whose password is the user name) in headless `chromium`,
/// and opens the console of the role named `role`, with the service and region of `page` chosen
/// on the role page; what `journey.mjs` saw, as JSON (its fields are described there).
pub(crate) async fn journey(
    chromium: &Path,
    broker: &str,
    user: &str,
    role: &str,
    page: Option<(&str, &str)>,
) -> serde_json::Value {
    let mut args = vec![broker, user, role];
    if let Some((service, region)) = page {
        args.extend([service, region]);
    }
    browser_script(chromium, "journey.mjs", &args, &[("FED_PASSWORD", user)]).await
}

/// Runs `script` of the workspace's `tests/browser` with `args` and `env` (where passwords go,
/// off the command line), driving `chromium` with a profile of its own; what it printed, as JSON.
pub(crate) async fn browser_script(
    chromium: &Path,
    script: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> serde_json::Value {
    let dir = node_package("browser", "puppeteer-core");
    let profile = tempfile::tempdir().expect("temp dir");
    let run = tokio::process::Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .env("FED_CHROMIUM", chromium)
        .env("FED_PROFILE", profile.path())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("the browser script ends within 3 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}
