//! Provisioning moto fails with an error that says what to install.

use fed_local::Error;
use fed_local::moto::provision;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Without a Python interpreter the error names what to install.
#[test]
fn missing_python_says_what_to_install() {
    let dir = scratch("moto-no-python");
    let err = provision(&dir, "/nonexistent/python3").expect_err("no interpreter");
    assert!(matches!(err, Error::PythonMissing { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("install Python 3"), "{message}");
    assert!(message.contains("python3-venv"), "{message}");
    assert!(!message.contains('\n'));
}

/// An interpreter that cannot create the venv points at the venv module.
#[test]
fn failing_venv_says_what_to_install() {
    let dir = scratch("moto-bad-venv");
    let err = provision(&dir, "false").expect_err("venv fails");
    assert!(matches!(err, Error::VenvFailed { .. }), "{err:?}");
    assert!(
        err.to_string().contains("apt-get install python3-venv"),
        "{err}"
    );
    assert!(!dir.join("venv").join("fed-moto-installed").exists());
}
