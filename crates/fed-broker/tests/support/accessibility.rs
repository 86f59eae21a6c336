//! The accessibility check of the broker's pages: `tests/browser/axe.mjs`, axe-core in
//! headless Chromium, run on pages as the broker served them.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use super::journey::node_package;

/// Checks `pages` (each a name and the HTML the broker served) with axe-core in headless
/// `chromium`, with the broker's `stylesheet`, in light and dark, at a desktop's and a phone's
/// width; with `FED_SCREENSHOTS` set to a directory, also saves a screenshot of each page there
/// (how docs/images is made). What `axe.mjs` found, as JSON.
pub(crate) async fn accessibility(
    chromium: &Path,
    stylesheet: &str,
    pages: &[(&str, String)],
) -> serde_json::Value {
    let dir = node_package("browser", "axe-core");
    let work = tempfile::tempdir().expect("temp dir");
    let input = work.path().join("pages.json");
    let pages: Vec<serde_json::Value> = pages
        .iter()
        .map(|(name, html)| serde_json::json!({ "name": name, "html": html }))
        .collect();
    std::fs::write(
        &input,
        serde_json::json!({ "stylesheet": stylesheet, "pages": pages }).to_string(),
    )
    .expect("pages written");
    let profile = work.path().join("profile");
    std::fs::create_dir(&profile).expect("a profile directory");
    let mut command = tokio::process::Command::new("node");
    command.arg("axe.mjs").arg(&input);
    if let Some(shots) = std::env::var_os("FED_SCREENSHOTS") {
        // A relative directory is the workspace's, as docs/broker.md runs it from the root.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .find(|dir| dir.join("Cargo.lock").is_file())
            .expect("the workspace root");
        command.arg(root.join(shots));
    }
    let run = command
        .current_dir(dir)
        .env("FED_CHROMIUM", chromium)
        .env("FED_PROFILE", &profile)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("the accessibility check ends within 3 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the accessibility check failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}
