//! What crosses fed's process boundary besides the URL: no request through a proxy when the
//! endpoint is a plain-http loopback one, and no escape sequence from a hostile server on the
//! terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::{Fed, assert_failure, assert_success, create_role, start_stack};

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

/// With every proxy variable pointing at a logging proxy, requests to the plain-http loopback
/// stack (STS and the federation endpoint) never go to the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_endpoints_skip_proxies() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-boundary").await;
    let (proxy, connections) = server(http_response("502 Bad Gateway", "text/plain", "no")).await;
    let mut fed = Fed::on(&stack);
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        fed = fed.env(name, &proxy);
    }
    let out = fed.run(&["url", "--role-arn", &role_arn]).await;
    assert_success(&out);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the proxy saw a request"
    );
}

/// A hostile STS's error message reaches stderr without its escape sequences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_sts_cannot_write_escapes() {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{HOSTILE_XML} denied</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    );
    let (sts, _) = server(http_response("403 Forbidden", "text/xml", &body)).await;
    let out = Fed::new()
        .env("AWS_ENDPOINT_URL", sts)
        .env("AWS_REGION", "us-east-1")
        .keys("AKIAHOSTILE000000001", "not-a-secret", None)
        .run(&[
            "url",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--session-name",
            "s1",
        ])
        .await;
    // The server's text is shown, and none of its control characters (the failure contract).
    assert_failure(&out, 1, "pwned");
}

/// A hostile federation endpoint's error body reaches stderr without its escape sequences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_federation_endpoint_cannot_write_escapes() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-boundary").await;
    let (signin, _) = server(http_response(
        "400 Bad Request",
        "text/plain",
        &format!("{HOSTILE} refused"),
    ))
    .await;
    let out = Fed::on(&stack)
        .env("FED_SIGNIN_ENDPOINT", format!("{signin}/federation"))
        .run(&["url", "--role-arn", &role_arn])
        .await;
    // The server's text is shown, and none of its control characters (the failure contract).
    assert_failure(&out, 1, "pwned");
}
