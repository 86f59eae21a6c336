//! What crosses fed's process boundary besides the URL: no request through a proxy when the
//! endpoint is a plain-http loopback one, and no escape sequence from a hostile server on the
//! terminal.

use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fed_local::LocalStack;
use fed_local::fixtures::trusting;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support;

/// A server that answers every request with `response` and counts the connections it got.
async fn server(response: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = tokio::time::timeout(
                    std::time::Duration::from_millis(500),
                    stream.read(&mut buf),
                )
                .await;
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, count)
}

fn http_response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Escape sequences a hostile server may send: set the window title, clear the screen.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m";

/// What XML can carry of them: C1 controls (the 8-bit CSI clears the screen too); ESC and BEL
/// are not XML characters, and the SDK refuses a document with them.
const HOSTILE_XML: &str = "\u{9b}2J\u{9b}31mpwned";

async fn role(stack: &LocalStack) -> String {
    let trusted = format!("arn:aws:iam::{}:root", stack.account_id());
    stack
        .create_role("fed-boundary", &trusting(&trusted), None)
        .await
        .expect("CreateRole")
}

async fn fed(stack_env: &[(&str, String)], args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    support::isolated_command("fed", home.path())
        .envs(stack_env.iter().map(|(k, v)| (*k, v.as_str())))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("fed runs")
}

fn stack_env(stack: &LocalStack) -> Vec<(&'static str, String)> {
    let keys = stack.credentials();
    vec![
        ("AWS_ENDPOINT_URL", stack.endpoint_url().to_owned()),
        ("AWS_REGION", stack.region().to_owned()),
        ("AWS_ACCESS_KEY_ID", keys.access_key_id().to_owned()),
        ("AWS_SECRET_ACCESS_KEY", keys.secret_access_key().to_owned()),
        ("FED_SIGNIN_ENDPOINT", stack.signin_base_url().to_string()),
    ]
}

/// With every proxy variable pointing at a logging proxy, requests to the plain-http loopback
/// stack (STS and the federation endpoint) never go to the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_endpoints_skip_proxies() {
    let stack = LocalStack::start().await.expect("stack");
    let role_arn = role(&stack).await;
    let (proxy, connections) = server(http_response("502 Bad Gateway", "text/plain", "no")).await;
    let mut env = stack_env(&stack);
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        env.push((name, proxy.clone()));
    }
    let out = fed(&env, &["url", "--role-arn", &role_arn]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the proxy saw a request"
    );
}

#[track_caller]
fn assert_clean_failure(out: &Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("pwned"), "the server's text is shown: {err}");
    for control in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(
            !err.contains(control),
            "a control character reached stderr: {err:?}"
        );
    }
}

/// A hostile STS's error message reaches stderr without its escape sequences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_sts_cannot_write_escapes() {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{HOSTILE_XML} denied</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    );
    let (sts, _) = server(http_response("403 Forbidden", "text/xml", &body)).await;
    let env = vec![
        ("AWS_ENDPOINT_URL", sts),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "AKIAHOSTILE000000001".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "not-a-secret".to_owned()),
    ];
    let out = fed(
        &env,
        &[
            "url",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--session-name",
            "s1",
        ],
    )
    .await;
    assert_clean_failure(&out);
}

/// A hostile federation endpoint's error body reaches stderr without its escape sequences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_federation_endpoint_cannot_write_escapes() {
    let stack = LocalStack::start().await.expect("stack");
    let role_arn = role(&stack).await;
    let (signin, _) = server(http_response(
        "400 Bad Request",
        "text/plain",
        &format!("{HOSTILE} refused"),
    ))
    .await;
    let mut env = stack_env(&stack);
    env.retain(|(k, _)| *k != "FED_SIGNIN_ENDPOINT");
    env.push(("FED_SIGNIN_ENDPOINT", format!("{signin}/federation")));
    let out = fed(&env, &["url", "--role-arn", &role_arn]).await;
    assert_clean_failure(&out);
}
