//! Notifications against a receiver on loopback: the body, its signature, retries, and a
//! receiver that never takes them.

use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use super::*;

/// What a receiver got: each request's signature header and body.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A receiver that answers the first `failures` requests with 500, then 200.
async fn receiver(failures: usize) -> (Url, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = Url::parse(&format!(
        "http://{}/hook",
        listener.local_addr().expect("an address")
    ))
    .expect("a URL");
    let received: Received = Arc::default();
    let seen = Arc::clone(&received);
    let router = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let seen = Arc::clone(&seen);
            async move {
                let mut seen = seen.lock().expect("the list");
                let signature = headers
                    .get(SIGNATURE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                seen.push((signature, body.to_vec()));
                if seen.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received)
}

fn notice() -> Notice {
    let mut notice = Notice::new(
        Event::Approved,
        "alice@example.com",
        "bob@example.com",
        "Production admin",
        "arn:aws:iam::111122223333:role/admin",
    );
    notice.grant_id = Some("g-1".to_owned());
    notice.starts_at = Some(1_800_000_000);
    notice.ends_at = Some(1_800_003_600);
    notice.justification = Some("deploy the fix\nfor INC-42".to_owned());
    notice.comment = Some("ok".to_owned());
    notice
}

#[tokio::test]
async fn a_notification_is_signed_json_with_a_slack_text() {
    let (url, received) = receiver(0).await;
    let failures = Arc::new(AtomicU64::new(0));
    let notifier = Notifier::counted(url, "hook-secret", Arc::clone(&failures));
    assert!(notifier.deliver(&notice()).await);
    let received = received.lock().expect("the list").clone();
    assert_eq!(received.len(), 1);
    let (signature, body) = &received[0];
    assert_eq!(
        signature,
        &format!("sha256={}", sign(b"hook-secret", body)),
        "the signature is the HMAC of the exact body"
    );
    assert_ne!(signature, &format!("sha256={}", sign(b"another", body)));
    let value: serde_json::Value = serde_json::from_slice(body).expect("JSON");
    assert_eq!(
        value["text"],
        "alice@example.com approved bob@example.com's request for Production admin for 1h: deploy the fixfor INC-42 (ok)"
    );
    assert_eq!(value["event"], "approved");
    assert_eq!(value["actor"], "alice@example.com");
    assert_eq!(value["user"], "bob@example.com");
    assert_eq!(value["role_arn"], "arn:aws:iam::111122223333:role/admin");
    assert_eq!(value["grant_id"], "g-1");
    assert_eq!(value["ends_at"], 1_800_003_600);
    assert!(value["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    // A known HMAC-SHA256 (RFC 4231, test case 2).
    assert_eq!(
        sign(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[tokio::test]
async fn a_failing_webhook_is_retried_then_counted() {
    let failures = Arc::new(AtomicU64::new(0));
    // Two failures, then it takes it.
    let (url, received) = receiver(2).await;
    let notifier =
        Notifier::counted(url, "s", Arc::clone(&failures)).with_backoff(Duration::from_millis(10));
    assert!(notifier.deliver(&notice()).await);
    assert_eq!(received.lock().expect("the list").len(), 3);
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    // Never: every attempt, then counted.
    let (url, received) = receiver(usize::MAX).await;
    let notifier =
        Notifier::counted(url, "s", Arc::clone(&failures)).with_backoff(Duration::from_millis(10));
    assert!(!notifier.deliver(&notice()).await);
    assert_eq!(received.lock().expect("the list").len(), ATTEMPTS as usize);
    assert_eq!(failures.load(Ordering::Relaxed), 1);
    // Nobody listening: counted too, and the URL is in no Debug output.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    let url = Url::parse(&format!("http://127.0.0.1:{port}/T0KEN/secret-path")).expect("a URL");
    let notifier =
        Notifier::counted(url, "s", Arc::clone(&failures)).with_backoff(Duration::from_millis(10));
    assert!(!format!("{notifier:?}").contains("secret-path"));
    assert!(!notifier.deliver(&notice()).await);
    assert_eq!(failures.load(Ordering::Relaxed), 2);
}
