//! The workspace's binaries (`fed`, `fed-broker`, `xtask`), built once per test run with the
//! cargo profile this test binary was built with, so `cargo test --release` runs release
//! binaries; and the repository root.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fed_local::programs::Profile;

/// The repository root.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Path to a workspace binary (`fed`, `fed-broker` or `xtask`), built on first use with the
/// same profile as this test binary.
pub(crate) fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<Profile> = OnceLock::new();
    let profile = BUILT.get_or_init(|| {
        let profile = Profile::of_running_test().expect("this test binary's profile");
        profile
            .build(&["-p", "fed-cli", "-p", "fed-broker", "-p", "xtask"])
            .unwrap_or_else(|err| panic!("{err}"));
        profile
    });
    let path = profile.binary(name);
    assert!(path.exists(), "{} was not built", path.display());
    path
}

/// Whether `program` is on PATH.
pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Whether the tests can act as another user (`nobody`): they run as root and `setpriv` is
/// there. Tests of what another local user can do run only then, and say they skipped
/// otherwise.
pub(crate) fn can_act_as_nobody() -> bool {
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|u| u.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false);
    root && on_path("setpriv")
}
