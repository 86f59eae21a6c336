//! A federation endpoint that answers 400 with the request echoed back, in every encoding a
//! server might echo it in: the error withholds the body, and neither its `Display` nor its
//! `Debug` contains a secret in any of those encodings.

mod support;

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use fed_signin::{Client, Config, Error, Method, TokenRequest};
use support::{
    SECRET_KEY, SESSION_TOKEN, assert_message_style, assert_no_secrets, credentials, forms,
    lower_hex, python_quote, serve, within,
};
use url::Url;

/// What of the request the server echoes.
const SHAPES: [&str; 4] = ["request", "session", "secret key", "session token"];

/// How the server encodes what it echoes.
const ENCODINGS: [&str; 9] = [
    "raw",
    "form",
    "quote",
    "lower-case hex",
    "json",
    "base64",
    "base64 unpadded",
    "base64url",
    "base64url unpadded",
];

/// Put before the echo, so that base64 meets the secret at each alignment.
const PREFIXES: [&str; 3] = ["", "x", "xy"];

const WITHHELD: &str = "[withheld: the response echoes the credentials]";

/// The part of the request that `shape` names: the form body (or query) as sent, the `Session`
/// JSON, or one of the secrets in it.
fn part_of(request: &[u8], shape: &str) -> Option<String> {
    if shape == "request" {
        return String::from_utf8(request.to_vec()).ok();
    }
    let session = url::form_urlencoded::parse(request)
        .find(|(name, _)| name == "Session")?
        .1
        .into_owned();
    let key = match shape {
        "session" => return Some(session),
        "secret key" => "sessionKey",
        _ => "sessionToken",
    };
    let json: serde_json::Value = serde_json::from_str(&session).ok()?;
    json[key].as_str().map(str::to_owned)
}

fn encode(text: &str, encoding: &str) -> String {
    let base64 = |encoding: &data_encoding::Encoding| encoding.encode(text.as_bytes());
    match encoding {
        "raw" => text.to_owned(),
        "form" => url::form_urlencoded::byte_serialize(text.as_bytes()).collect(),
        "quote" => python_quote(text),
        "lower-case hex" => lower_hex(&python_quote(text)),
        "json" => serde_json::to_string(text).expect("a string serializes"),
        "base64" => base64(&data_encoding::BASE64),
        "base64 unpadded" => base64(&data_encoding::BASE64_NOPAD),
        "base64url" => base64(&data_encoding::BASE64URL),
        _ => base64(&data_encoding::BASE64URL_NOPAD),
    }
}

/// Answers `/echo/{shape}/{encoding}/{prefix}` (indices into the tables above) with a 400 whose
/// body is that part of the request, encoded so. A request without the part gets a 500, which
/// fails the test.
async fn echo(
    Path((shape, encoding, prefix)): Path<(usize, usize, usize)>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let request = if body.is_empty() {
        query.unwrap_or_default().into_bytes()
    } else {
        body.to_vec()
    };
    let Some(part) = part_of(&request, SHAPES[shape]) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let echoed = encode(&format!("{}{part}", PREFIXES[prefix]), ENCODINGS[encoding]);
    (StatusCode::BAD_REQUEST, format!("echo: {echoed}")).into_response()
}

async fn fetch(base: &Url, path: &str, method: Method) -> Error {
    let mut config = Config::new(base.join(path).expect("URL"));
    config.method = method;
    config.max_attempts = 1;
    config.timeout = Duration::from_secs(5);
    let client = Client::new(config).expect("client");
    let creds = credentials();
    within(
        Duration::from_secs(10),
        client.get_signin_token(&TokenRequest::new(&creds)),
    )
    .await
    .expect_err("a 400")
}

/// Every part of the request, in every encoding, at every alignment, by POST and by GET.
#[tokio::test]
async fn echoed_requests_are_withheld_in_every_encoding() {
    let base = serve(Router::new().route("/echo/{shape}/{encoding}/{prefix}", any(echo))).await;
    for method in [Method::Post, Method::Get] {
        for (shape, shape_name) in SHAPES.iter().enumerate() {
            for (encoding, encoding_name) in ENCODINGS.iter().enumerate() {
                for (prefix, prefix_text) in PREFIXES.iter().enumerate() {
                    let case = format!(
                        "{method:?}, the {shape_name} echoed {encoding_name} after {prefix_text:?}"
                    );
                    let error =
                        fetch(&base, &format!("/echo/{shape}/{encoding}/{prefix}"), method).await;
                    let Error::BadRequest { excerpt, .. } = &error else {
                        panic!("{case}: unexpected {error:?}")
                    };
                    assert_eq!(excerpt, WITHHELD, "{case}");
                    assert_no_secrets(&error, &[SECRET_KEY, SESSION_TOKEN]);
                    assert_message_style(&error);
                }
            }
        }
    }
}

/// The echo server and the leak check work: a secret the server echoes shows in the body in
/// exactly one of the forms the check looks for.
#[test]
fn the_leak_check_knows_every_echo() {
    let request = {
        let session = serde_json::json!({
            "sessionId": "ASIAFAKEEXAMPLE00001",
            "sessionKey": SECRET_KEY,
            "sessionToken": SESSION_TOKEN,
        })
        .to_string();
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("Action", "getSigninToken")
            .append_pair("Session", &session)
            .finish()
    };
    for (shape, secret) in [("secret key", SECRET_KEY), ("session token", SESSION_TOKEN)] {
        let part = part_of(request.as_bytes(), shape).expect("the part");
        assert_eq!(part, secret);
        for encoding in ENCODINGS {
            for prefix in PREFIXES {
                let echoed = encode(&format!("{prefix}{part} and more"), encoding);
                assert!(
                    forms(secret).iter().any(|form| echoed.contains(form)),
                    "{encoding} after {prefix:?}: {echoed}"
                );
            }
        }
    }
}

/// A 400 that echoes nothing keeps its excerpt: the echo route itself is not what withholds.
#[tokio::test]
async fn a_body_without_an_echo_keeps_its_excerpt() {
    let base = serve(Router::new().route(
        "/plain",
        any(|| async { (StatusCode::BAD_REQUEST, "echo: nothing").into_response() }),
    ))
    .await;
    let error = fetch(&base, "/plain", Method::Post).await;
    assert!(
        matches!(&error, Error::BadRequest { excerpt, .. } if excerpt == "echo: nothing"),
        "{error:?}"
    );
}
