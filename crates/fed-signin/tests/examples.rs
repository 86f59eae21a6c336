//! The programs of `examples/`, run as a user runs them, against the federation endpoint
//! emulator of fed-local.

use std::path::PathBuf;
use std::process::{Command, Output};

/// An example's executable, built with this test's profile.
fn example(name: &str) -> PathBuf {
    fed_local::programs::example(env!("CARGO_PKG_NAME"), name)
        .unwrap_or_else(|err| panic!("the example {name}: {err}"))
}

fn console_url(endpoint: &str, session_token: Option<&str>) -> Output {
    let mut command = Command::new(example("console_url"));
    command
        .env_clear()
        .env("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example-secret")
        .env("FED_SIGNIN_ENDPOINT", endpoint);
    if let Some(token) = session_token {
        command.env("AWS_SESSION_TOKEN", token);
    }
    command.output().expect("the example runs")
}

/// `console_url` turns temporary credentials into a URL that signs in to the console home.
/// The emulator serves from other threads while the example runs.
#[tokio::test(flavor = "multi_thread")]
async fn console_url_signs_in_with_temporary_credentials() {
    let emulator = fed_local::federation::start_any_session()
        .await
        .expect("the emulator starts");
    let output = console_url(emulator.federation_url().as_str(), Some("example-token"));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let redacted = fed_core::RedactedUrl::parse(&stdout).expect("a URL");
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
        insta::assert_snapshot!(redacted, @r"
        http://127.0.0.1:PORT/federation
          Action=login
          Issuer=fed-example
          Destination=https://console.aws.amazon.com/
          SigninToken=[redacted]
        ");
    });
    let page = reqwest::get(stdout.trim())
        .await
        .expect("the URL answers")
        .text()
        .await
        .expect("a page");
    assert!(page.contains("assumed-role/fed-test/"), "{page}");
    assert_eq!(
        emulator.requests().len(),
        2,
        "getSigninToken, then the login"
    );
}

/// Without a session token, the example names the variable and asks nothing.
#[tokio::test(flavor = "multi_thread")]
async fn console_url_names_a_missing_session_token() {
    let emulator = fed_local::federation::start_any_session()
        .await
        .expect("the emulator starts");
    let output = console_url(emulator.federation_url().as_str(), None);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(stderr.contains("AWS_SESSION_TOKEN is not set"), "{stderr}");
    assert!(emulator.requests().is_empty());
}
