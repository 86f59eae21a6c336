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

/// `secret` percent-encoded as Python's `urllib.parse.quote()` does (safe="/": letters, digits,
/// `_.-~` and `/` stay, a space is `%20`).
pub fn python_quote(secret: &str) -> String {
    let mut out = String::new();
    for &b in secret.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` with the hex digits of its `%XX` escapes in lower case.
pub fn lower_hex(text: &str) -> String {
    let mut out = String::new();
    let mut escape = 0;
    for c in text.chars() {
        if c == '%' {
            escape = 2;
            out.push(c);
        } else if escape > 0 {
            escape -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The base64 texts (standard and URL-safe) that show `secret` inside any longer base64-encoded
/// body: the secret is encoded after 0, 1 and 2 bytes of prefix, and the groups that also hold
/// prefix or following bytes are dropped, leaving the part that does not depend on them.
pub fn base64_middles(secret: &str) -> Vec<String> {
    let mut middles = Vec::new();
    for encoding in [&data_encoding::BASE64, &data_encoding::BASE64URL] {
        for prefix in ["", "x", "xy"] {
            let encoded = encoding.encode(format!("{prefix}{secret}").as_bytes());
            let start = if prefix.is_empty() { 0 } else { 4 };
            let end = if (prefix.len() + secret.len()).is_multiple_of(3) {
                encoded.len()
            } else {
                encoded.len() - 4
            };
            middles.push(encoded[start..end].to_owned());
        }
    }
    middles
}

/// The encodings in which a secret could leak into a message: as it is, form-encoded (as
/// `url::form_urlencoded::byte_serialize` does), as Python's `quote()`, both with lower-case hex,
/// JSON-escaped (as serde_json does, and with `/` escaped), and base64 (standard and URL-safe, at
/// every alignment, padded or not).
pub fn forms(secret: &str) -> Vec<String> {
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).expect("a string serializes");
    let json = json.trim_matches('"').to_owned();
    let quoted = python_quote(secret);
    let mut forms = vec![
        secret.to_owned(),
        lower_hex(&encoded),
        encoded,
        lower_hex(&quoted),
        quoted,
        json.replace('/', "\\/"),
        json,
    ];
    forms.extend(base64_middles(secret));
    forms
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
                // Messages quote the excerpt with `{:?}`, which escapes backslashes.
                let quoted = form.escape_debug().to_string();
                assert!(
                    !text.contains(&form) && !text.contains(&quoted),
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
