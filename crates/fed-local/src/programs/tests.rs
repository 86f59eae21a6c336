//! The profile of a test executable, read from its path.

use std::path::Path;

use super::Profile;

#[track_caller]
fn check(exe: &str, expect: Option<(&str, &str)>) {
    let profile = Profile::of_test_executable(Path::new(exe));
    let got = profile
        .as_ref()
        .ok()
        .map(|p| (p.name(), p.dir().to_str().expect("UTF-8")));
    assert_eq!(got, expect, "{exe}: {profile:?}");
}

#[test]
fn profiles_are_read_from_the_executables_place() {
    check(
        "/w/target/debug/deps/it-0123abcd",
        Some(("dev", "/w/target/debug")),
    );
    check(
        "/w/target/release/deps/it-0123abcd",
        Some(("release", "/w/target/release")),
    );
    check(
        "/w/target/dist/deps/examples-0123abcd",
        Some(("dist", "/w/target/dist")),
    );
    // A binary run outside cargo's layout has no profile.
    check("/usr/local/bin/it", None);
    check("it", None);
}
