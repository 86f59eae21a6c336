//! Shared helpers: the real binaries, built once per test run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn target_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let meta = cargo_metadata::MetadataCommand::new()
            .manifest_path(project_root().join("Cargo.toml"))
            .no_deps()
            .exec()
            .expect("cargo metadata runs");
        meta.target_directory.into_std_path_buf()
    })
    .clone()
}

/// The repository root.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Path to a workspace binary (`fed` or `xtask`), built on first use with the
/// same profile as this test binary.
pub(crate) fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .current_dir(project_root())
            .args(["build", "--quiet", "-p", "fed-cli", "-p", "xtask"])
            .status()
            .expect("cargo build runs");
        assert!(status.success(), "building the binaries failed");
    });
    let path = target_dir()
        .join("debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} was not built", path.display());
    path
}
