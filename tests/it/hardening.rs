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
