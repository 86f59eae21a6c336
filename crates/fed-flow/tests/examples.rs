//! The programs of `examples/`, run as a user runs them: against the local stack, with the
//! environment `cargo xtask local` prints.

use std::path::PathBuf;
use std::process::Command;

use fed_local::fixtures::trusting;
use fed_local::{LocalStack, Service};

/// An example's executable, built with this test's profile.
fn example(name: &str) -> PathBuf {
    fed_local::programs::example(env!("CARGO_PKG_NAME"), name)
        .unwrap_or_else(|err| panic!("the example {name}: {err}"))
}

/// `assume_role_s3_url` assumes the role once and prints a URL that lands on the S3 console of
/// eu-west-1 as that role's session. The stack serves from other threads while the example runs.
#[tokio::test(flavor = "multi_thread")]
async fn assume_role_s3_url_runs_against_the_local_stack() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let user = stack.create_user("example").await.expect("user");
    let role = format!("arn:aws:iam::{}:role/reader", stack.account_id());
    stack
        .create_role(
            "reader",
            &trusting(&format!("arn:aws:iam::{}:user/example", stack.account_id())),
            None,
        )
        .await
        .expect("role");
    stack.log().clear();
    let home = tempfile::tempdir().expect("temp dir");

    let output = Command::new(example("assume_role_s3_url"))
        .arg(&role)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", user.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", user.secret_access_key())
        .env("AWS_ENDPOINT_URL", stack.endpoint_url())
        .env("AWS_REGION", stack.region())
        .env("FED_SIGNIN_ENDPOINT", stack.federation_url().as_str())
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "signed in as arn:aws:sts::{}:assumed-role/reader/",
            stack.account_id()
        )),
        "{stderr}"
    );
    assert_eq!(stack.log().count(Service::Sts, "AssumeRole"), 1);

    let redacted = fed_core::RedactedUrl::parse(&stdout).expect("a URL");
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
        insta::assert_snapshot!(redacted, @r"
        http://127.0.0.1:PORT/federation
          Action=login
          Issuer=fed-example
          Destination=https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1
          SigninToken=[redacted]
        ");
    });
    let page = reqwest::get(stdout.trim())
        .await
        .expect("the URL answers")
        .text()
        .await
        .expect("a page");
    assert!(page.contains("assumed-role/reader/"), "{page}");
}
