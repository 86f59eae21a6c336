//! Secrets stay out of the `Debug` of the client's public types, and the
//! leak check used by the other tests does catch leaks, in every encoding.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::post;
use fed_signin::{Client, Config, Error, Hint, TokenRequest};
use support::{SECRET_KEY, SESSION_TOKEN, assert_no_secrets, credentials, forms, serve};

const TOKEN: &str = "SECRET-SIGNIN-TOKEN-0001";

/// Neither a token request nor a response shows a secret in its `Debug`.
#[tokio::test]
async fn debug_of_request_and_response_is_redacted() {
    let router = Router::new().route(
        "/federation",
        post(|| async { format!(r#"{{"SigninToken":"{TOKEN}"}}"#).into_response() }),
    );
    let base = serve(router).await;
    let client = Client::new(Config::new(base)).expect("client");
    let creds = credentials();
    let request = TokenRequest::new(&creds);
    let response = client.get_signin_token(&request).await.expect("token");
    assert_eq!(response.token().expose(), TOKEN);
    for text in [
        format!("{request:?}"),
        format!("{response:?}"),
        format!("{client:?}"),
    ] {
        for secret in [SECRET_KEY, SESSION_TOKEN, TOKEN] {
            assert!(!text.contains(secret), "secret in Debug output: {text}");
        }
    }
}

/// The leak check fails on an error that carries a secret, raw or encoded.
#[test]
fn leak_check_catches_leaks() {
    let encoded: String = url::form_urlencoded::byte_serialize(SESSION_TOKEN.as_bytes()).collect();
    let base64 = data_encoding::BASE64URL.encode(format!("x{SECRET_KEY}").as_bytes());
    let mut excerpts = vec![
        SECRET_KEY.to_owned(),
        encoded,
        "Session=x".to_owned(),
        base64,
    ];
    excerpts.extend(
        forms(SESSION_TOKEN)
            .into_iter()
            .map(|form| format!("a {form} b")),
    );
    for excerpt in excerpts {
        let error = Error::BadRequest {
            status: 400,
            hint: Hint::Credentials,
            excerpt,
        };
        let caught = catch_unwind(AssertUnwindSafe(|| {
            assert_no_secrets(&error, &[SECRET_KEY, SESSION_TOKEN]);
        }));
        assert!(caught.is_err(), "the leak check missed {error:?}");
    }
    let clean = Error::Server {
        status: 500,
        attempts: 3,
    };
    assert_no_secrets(&clean, &[SECRET_KEY, SESSION_TOKEN]);
}
