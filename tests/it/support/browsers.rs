//! The browsers `fed` opens in the tests: stub browsers (executable scripts that record what they
//! were given and follow the one-time link), and the real headless Chromium, which a test skips
//! without, except under CI.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::journey;

/// The flags that make Chromium headless and quiet on a closed network (without the
/// background-networking ones it stalls).
pub(crate) const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The real Chromium for `test`, or `None` after saying on stderr that `test` is skipped;
/// under CI (`CI` set), where `.ci/run` installs Chromium, a missing browser fails the test.
pub(crate) fn chromium(test: &str) -> Option<PathBuf> {
    let found = journey::chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{}",
            journey::MISSING_CHROMIUM
        );
        eprintln!("SKIPPED {test}: {}", journey::MISSING_CHROMIUM);
    }
    found
}

/// Writes the executable script `path` with `text`.
pub(crate) fn executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("make it executable");
}

/// A `$BROWSER` script in `dir` that records its arguments (`argv`), its environment (`env`),
/// the page it was given (`page`) and the modes of that page and its directory (`modes`).
pub(crate) fn recording_browser(dir: &Path) -> PathBuf {
    let browser = dir.join("browser");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{dir}/argv'\nenv > '{dir}/env'\n\
         case \"$1\" in file://*) cat \"${{1#file://}}\" > '{dir}/page';; esac\n\
         ls -ld \"$(dirname \"${{1#file://}}\")\" \"${{1#file://}}\" > '{dir}/modes' 2>/dev/null\n",
        dir = dir.display()
    );
    executable(&browser, &script);
    browser
}

/// Writes an executable `name` into `dir` that records its arguments (one per line) in
/// `dir/NAME.argv` and its environment in `dir/NAME.env`, then follows the `http://127.0.0.1`
/// link it was given (also inside a container URL): its `Location` is kept in
/// `dir/NAME.location`. It touches `dir/NAME.done` last ([`finished`]).
pub(crate) fn stub_browser(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let script = format!(
        r#"#!/bin/bash
printf '%s\n' "$@" > '{dir}/{name}.argv'
env > '{dir}/{name}.env'
for arg in "$@"; do
  case "$arg" in
    *http*127.0.0.1*)
      link=$(printf '%s' "$arg" | grep -o 'http[^&]*' | head -1)
      link=$(printf '%b' "${{link//%/\\x}}")
      curl -s -o /dev/null -D - "$link" | tr -d '\r' | sed -n 's/^Location: //p' > '{dir}/{name}.location' ;;
  esac
done
touch '{dir}/{name}.done'
"#,
        dir = dir.display()
    );
    executable(&path, &script);
    path
}

/// PATH with `dir` first.
pub(crate) fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Waits until the stub browser `name` has finished (fed may return first: it does once the
/// link is followed), and forgets that it did, for the next run.
pub(crate) fn finished(dir: &Path, name: &str) {
    let done = dir.join(format!("{name}.done"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done.exists() {
        assert!(Instant::now() < deadline, "{name} never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::remove_file(done).expect("rm");
}

/// The text of `file` in `dir`.
pub(crate) fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}
