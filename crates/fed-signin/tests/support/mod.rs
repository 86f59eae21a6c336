//! Shared fixtures of the fed-signin tests: fake credentials, a loopback
//! server and the secret-leak check.

#![allow(dead_code, unreachable_pub)]

use std::error::Error as _;
use std::time::Duration;

use axum::Router;
use fed_core::Credentials;
use url::Url;

/// An obviously fake access key id.
pub const ACCESS_KEY_ID: &str = "ASIAFAKEEXAMPLE00001";
/// An obviously fake secret key, with characters that change when encoded.
pub const SECRET_KEY: &str = "fake/Secret+Key=ExampleONLY0000000000001";
/// An obviously fake session token, with characters that change when encoded.
pub const SESSION_TOKEN: &str = "FakeSessionToken/For+Tests==ONLY0000000001";

/// Fake temporary credentials.
pub fn credentials() -> Credentials {
    Credentials::new(
        ACCESS_KEY_ID,
        SECRET_KEY,
        Some(SESSION_TOKEN.to_owned()),
        None,
    )
}

/// Fake temporary credentials with another key id.
pub fn credentials_with_key(access_key_id: &str) -> Credentials {
    Credentials::new(
        access_key_id,
        SECRET_KEY,
        Some(SESSION_TOKEN.to_owned()),
        None,
    )
}

/// Serves `router` on `127.0.0.1` and a free port until the test's runtime
/// ends, and returns its base URL.
pub async fn serve(router: Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("test server");
    });
    Url::parse(&format!("http://{addr}/")).expect("base URL")
}

/// Runs `future`, failing the test if it takes longer than `limit`.
pub async fn within<F: std::future::Future>(limit: Duration, future: F) -> F::Output {
    tokio::time::timeout(limit, future)
        .await
        .expect("finished within the time limit")
}

/// The encodings in which a secret could leak into a message.
fn forms(secret: &str) -> Vec<String> {
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).expect("a string serializes");
    vec![
        secret.to_owned(),
        encoded,
        json.trim_matches('"').to_owned(),
    ]
}

/// Asserts that neither the `Display` nor the `Debug` of `error`, nor of any
/// error in its `source()` chain, contains one of `secrets` in any encoding.
#[track_caller]
pub fn assert_no_secrets(error: &fed_signin::Error, secrets: &[&str]) {
    let mut texts = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = error.source();
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    for text in &texts {
        for secret in secrets {
            for form in forms(secret) {
                assert!(
                    !text.contains(&form),
                    "a secret leaked into an error message: {text}"
                );
            }
        }
        assert!(
            !text.contains("Session="),
            "request parameters leaked into an error: {text}"
        );
        assert!(
            !text.contains("sessionKey"),
            "the Session JSON leaked into an error: {text}"
        );
    }
}

/// Asserts the error's message is one line, without a trailing period.
#[track_caller]
pub fn assert_message_style(error: &fed_signin::Error) {
    let message = error.to_string();
    assert!(!message.contains('\n'), "multi-line message: {message}");
    assert!(!message.ends_with('.'), "trailing period: {message}");
    let first = message.chars().next().expect("non-empty message");
    assert!(
        !first.is_uppercase(),
        "message starts upper-case: {message}"
    );
}
