//! How the `fed` process hardens itself as it starts: it cannot dump core (a core would hold the
//! caller's and the role's secrets), whatever signal ends it. Linux only: the limits are read
//! from `/proc`.
#![cfg(target_os = "linux")]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use crate::support::Fed;

/// Fake temporary credentials: fed gets no further than its first request with them.
const ENV: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "ASIAFAKEHARDENING001"),
    ("AWS_SECRET_ACCESS_KEY", "fake/Secret+Key=Hardening01"),
    ("AWS_SESSION_TOKEN", "FakeSessionToken/Hardening=01"),
    ("AWS_REGION", "us-east-1"),
];

/// The soft and hard "Max core file size" of a `/proc/<pid>/limits`.
fn core_limits(limits: &str) -> (String, String) {
    const NAME: &str = "Max core file size";
    let line = limits
        .lines()
        .find(|line| line.starts_with(NAME))
        .unwrap_or_else(|| panic!("no {NAME:?} in:\n{limits}"));
    let mut columns = line[NAME.len()..].split_whitespace().map(str::to_owned);
    let soft = columns.next().expect("a soft limit");
    let hard = columns.next().expect("a hard limit");
    (soft, hard)
}

/// `fed url` against endpoints that accept the connection and never answer: while fed waits,
/// its limits show a core file size of 0, soft and hard. (The hard limit of whoever runs the
/// test is usually unlimited, so fed must lower it itself.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fed_runs_with_core_dumps_disabled() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let mut fed = Fed::new()
        .envs(&ENV)
        .env("AWS_ENDPOINT_URL", format!("http://{addr}"))
        .env("FED_SIGNIN_ENDPOINT", format!("http://{addr}/"))
        .command(&["url"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fed starts");
    let pid = fed.id().expect("fed is running");

    // Once fed has connected it is well past its start; the connection is held, unanswered.
    let connection = tokio::select! {
        accepted = tokio::time::timeout(Duration::from_secs(60), listener.accept()) => {
            accepted.expect("fed connects within a minute").expect("accept").0
        }
        status = fed.wait() => {
            let mut stderr = String::new();
            if let Some(mut pipe) = fed.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr).await;
            }
            panic!("fed ended before it connected ({status:?}): {stderr}");
        }
    };
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("fed's limits");
    fed.kill().await.expect("fed is stopped");
    drop(connection);

    assert_eq!(
        core_limits(&limits),
        ("0".to_owned(), "0".to_owned()),
        "fed can dump core; its limits:\n{limits}"
    );
}

/// `setpriv` as `nobody`, running `program`.
fn as_nobody(program: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(program);
    command
}

/// fed run by a user (`nobody`) is not dumpable: another process of that same user cannot
/// read its environment (which holds the secret key) or its memory; `/proc/PID/environ` is
/// root's. A `sleep` of the same user, for comparison, is readable. It needs to act as another
/// user, so it runs where the tests run as root with `setpriv`, and says it skipped otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fed_is_not_dumpable_for_its_own_user() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if !crate::support::can_act_as_nobody() {
        eprintln!("SKIPPED fed_is_not_dumpable_for_its_own_user: needs root and setpriv");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let fed = Fed::new()
        .envs(&ENV)
        .env("AWS_ENDPOINT_URL", format!("http://{addr}"))
        .env("FED_SIGNIN_ENDPOINT", format!("http://{addr}/"));
    // nobody reads the (empty) HOME and runs a copy of fed it may execute.
    let open = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(fed.home().path(), open.clone()).expect("chmod HOME");
    let bin = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(bin.path(), open.clone()).expect("chmod");
    let program = bin.path().join("fed");
    std::fs::copy(fed.path(), &program).expect("copy fed");
    std::fs::set_permissions(&program, open).expect("chmod fed");

    let mut command = fed.wrapper("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&program)
        .arg("url")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = tokio::process::Command::from(command)
        .kill_on_drop(true)
        .spawn()
        .expect("fed starts as nobody");
    let pid = child.id().expect("fed is running");
    let connection = tokio::select! {
        accepted = tokio::time::timeout(Duration::from_secs(60), listener.accept()) => {
            accepted.expect("fed connects within a minute").expect("accept").0
        }
        status = child.wait() => {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr).await;
            }
            panic!("fed ended before it connected ({status:?}): {stderr}");
        }
    };
    let environ = format!("/proc/{pid}/environ");
    let owner = std::fs::metadata(&environ).expect("fed's environ").uid();
    let read = as_nobody(std::path::Path::new("/bin/cat"))
        .arg(&environ)
        .arg(format!("/proc/{pid}/mem"))
        .output()
        .expect("cat runs");
    child.kill().await.expect("fed is stopped");
    drop(connection);
    assert_eq!(owner, 0, "fed's /proc/PID/environ is root's");
    assert!(!read.status.success(), "nobody read fed's environment");
    let text = String::from_utf8_lossy(&read.stdout);
    assert!(!text.contains(ENV[1].1), "the secret key was read: {text}");

    // A process of nobody's that is dumpable is readable by nobody: the check above can fail.
    let mut sleep = as_nobody(std::path::Path::new("/bin/sleep"))
        .arg("30")
        .spawn()
        .expect("sleep as nobody");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let readable = as_nobody(std::path::Path::new("/bin/cat"))
        .arg(format!("/proc/{}/environ", sleep.id()))
        .output()
        .expect("cat runs");
    let _ = sleep.kill();
    let _ = sleep.wait();
    assert!(
        readable.status.success(),
        "a dumpable process of nobody is readable by nobody"
    );
}

#[test]
fn core_limits_are_read_from_proc() {
    let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                  Max file size             unlimited            unlimited            bytes     \n\
                  Max core file size        0                    unlimited            bytes     \n";
    assert_eq!(
        core_limits(limits),
        ("0".to_owned(), "unlimited".to_owned())
    );
}
