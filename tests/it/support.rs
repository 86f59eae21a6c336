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

/// A command for a workspace binary whose environment holds only `PATH` and `home` (empty AWS
/// config and credentials files, no instance metadata), so the host's AWS setup is never used.
pub(crate) fn isolated_command(name: &str, home: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(binary(name));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// Whether `program` is on PATH.
pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
