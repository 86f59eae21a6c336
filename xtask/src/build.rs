//! Building the workspace's binaries that commands run as processes (`fed`, `fed-broker`), with
//! the cargo that runs this xtask, and finding them in the target directory.

use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Cargo's profile of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// `dev`: quick to build, what `cargo test` builds too.
    Debug,
    /// `release`: what users run, and what benchmarks time.
    Release,
}

/// Builds binary `bin` of `package` and returns its path.
pub(crate) async fn binary(package: &str, bin: &str, profile: Profile) -> anyhow::Result<PathBuf> {
    let mut args = vec!["build", "-p", package, "--bin", bin];
    if profile == Profile::Release {
        args.push("--release");
    }
    tell!("building {bin} (cargo {})…", args.join(" "));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = tokio::process::Command::new(cargo)
        .args(&args)
        .current_dir(project_root())
        .stdin(Stdio::null())
        .status()
        .await?;
    anyhow::ensure!(
        status.success(),
        "cargo {} failed ({status})",
        args.join(" ")
    );
    let dir = match profile {
        Profile::Debug => "debug",
        Profile::Release => "release",
    };
    let path = target_dir()
        .join(dir)
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(path.is_file(), "no {bin} binary at {}", path.display());
    Ok(path)
}

/// The workspace root.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace root")
        .to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, or `target` in the workspace root.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => project_root().join(dir),
        None => project_root().join("target"),
    }
}
