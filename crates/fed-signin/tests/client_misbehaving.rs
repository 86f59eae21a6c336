//! The client against loopback servers that misbehave in the ways the real
//! endpoint has been seen to, and worse. Every case ends with the right
//! error within a bounded time, and no error leaks a secret.

mod support;

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use fed_core::SessionDuration;
use fed_signin::{Client, Config, Error, Hint, MAX_BODY_BYTES, Method, TokenRequest, USER_AGENT};
use support::{
    SECRET_KEY, SESSION_TOKEN, assert_message_style, assert_no_secrets, credentials, serve, within,
};
use url::Url;

/// Serves `/federation` with `respond(n)` for the n-th request (from 1) and
/// returns the base URL and the request counter.
async fn scripted<F, Fut>(respond: F) -> (Url, Arc<AtomicU32>)
where
    F: Fn(u32) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let hits = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&hits);
    let router = Router::new().route(
        "/federation",
        any(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            respond(n)
        }),
    );
    (serve(router).await, hits)
}

fn config(base: &Url) -> Config {
    let mut config = Config::new(base.clone());
    config.timeout = Duration::from_secs(3);
    config.backoff = Duration::from_millis(10);
    config.max_backoff = Duration::from_millis(50);
    config
}

async fn fetch_with(config: Config) -> Result<fed_signin::SigninTokenResponse, Error> {
    let client = Client::new(config).expect("client");
    let creds = credentials();
    within(
        Duration::from_secs(15),
        client.get_signin_token(&TokenRequest::new(&creds)),
    )
    .await
}

/// Fetches with the test configuration and checks any error for leaks and style.
async fn fetch(base: &Url) -> Result<fed_signin::SigninTokenResponse, Error> {
    checked(fetch_with(config(base)).await)
}

fn checked<T>(result: Result<T, Error>) -> Result<T, Error> {
    if let Err(error) = &result {
        assert_no_secrets(error, &[SECRET_KEY, SESSION_TOKEN]);
        assert_message_style(error);
    }
    result
}

fn token_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"SigninToken":"tok-123/+="}"#,
    )
        .into_response()
}

/// A 400 with a plain-text body is a bad request carrying the text, not retried.
#[tokio::test]
async fn bad_request_with_text_body() {
    let (base, hits) = scripted(|_| async {
        (
            StatusCode::BAD_REQUEST,
            "Invalid Credentials Parameter. The request sent by the client was syntactically incorrect.",
        )
            .into_response()
    })
    .await;
    let error = fetch(&base).await.expect_err("bad request");
    match &error {
        Error::BadRequest {
            status: 400,
            hint: Hint::Credentials,
            excerpt,
        } => {
            assert!(
                excerpt.starts_with("Invalid Credentials Parameter"),
                "{excerpt}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// A 400 with an HTML page is a bad request whose excerpt has no markup.
#[tokio::test]
async fn bad_request_with_html_body() {
    let (base, hits) = scripted(|_| async {
        (
            StatusCode::BAD_REQUEST,
            [
                (header::CONTENT_TYPE, "text/html;charset=UTF-8"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
            ],
            "<!DOCTYPE html>\n<html><head><title>Error</title><style>body{color:red}</style>\
             <script>var x = 1 < 2;</script></head>\n<body><h1>Bad Request</h1>\n<p>Something   went wrong</p></body></html>",
        )
            .into_response()
    })
    .await;
    let error = fetch(&base).await.expect_err("bad request");
    let Error::BadRequest { excerpt, .. } = &error else {
        panic!("unexpected {error:?}")
    };
    assert_eq!(excerpt, "Error Bad Request Something went wrong");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// A 400 with an empty body is a bad request that says the body was empty.
#[tokio::test]
async fn bad_request_with_empty_body() {
    let (base, hits) = scripted(|_| async { StatusCode::BAD_REQUEST.into_response() }).await;
    let error = fetch(&base).await.expect_err("bad request");
    assert!(
        matches!(&error, Error::BadRequest { excerpt, .. } if excerpt.is_empty()),
        "{error:?}"
    );
    assert!(error.to_string().contains("empty response body"), "{error}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// A 400 to a request with SessionDuration hints at SessionDuration.
#[tokio::test]
async fn bad_request_after_session_duration_hints_it() {
    let (base, _) = scripted(|_| async { StatusCode::BAD_REQUEST.into_response() }).await;
    let client = Client::new(config(&base)).expect("client");
    let creds = credentials();
    let request = TokenRequest::new(&creds)
        .session_duration(Some(SessionDuration::from_secs(43200).expect("duration")));
    let error = checked(client.get_signin_token(&request).await).expect_err("bad request");
    assert_eq!(error.hint(), Some(Hint::SessionDuration));
    assert!(error.to_string().contains("SessionDuration"), "{error}");
}

/// A 404 hints that the URL is not a federation endpoint.
#[tokio::test]
async fn not_found_hints_wrong_endpoint() {
    let base = serve(Router::new()).await;
    let error = fetch(&base).await.expect_err("not found");
    assert_eq!(error.hint(), Some(Hint::NotFederationEndpoint));
}

/// A 400 body that echoes the credentials is withheld from the error.
#[tokio::test]
async fn bad_request_echoing_secrets_is_withheld() {
    let encoded: String = url::form_urlencoded::byte_serialize(SECRET_KEY.as_bytes()).collect();
    let body =
        format!("<html><body>Bad Session=<b>{encoded}</b> token {SESSION_TOKEN}</body></html>");
    let (base, _) = scripted(move |_| {
        let body = body.clone();
        async move { (StatusCode::BAD_REQUEST, body).into_response() }
    })
    .await;
    for method in [Method::Post, Method::Get] {
        let mut config = config(&base);
        config.method = method;
        let error = checked(fetch_with(config).await).expect_err("bad request");
        let Error::BadRequest { excerpt, .. } = &error else {
            panic!("unexpected {error:?}")
        };
        assert!(excerpt.starts_with("[withheld"), "{excerpt}");
    }
}

/// A 500 followed by a 200 is retried and succeeds.
#[tokio::test]
async fn server_error_then_success_is_retried() {
    let (base, hits) = scripted(|n| async move {
        if n == 1 {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        } else {
            token_json()
        }
    })
    .await;
    let response = fetch(&base).await.expect("token after a retry");
    assert_eq!(response.token().expose(), "tok-123/+=");
    assert_eq!(response.attempts(), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

/// A 500 forever gives up after the bound.
#[tokio::test]
async fn server_error_forever_gives_up() {
    let (base, hits) = scripted(|_| async { StatusCode::BAD_GATEWAY.into_response() }).await;
    let mut config = config(&base);
    config.max_attempts = 4;
    let error = checked(fetch_with(config).await).expect_err("server error");
    assert!(
        matches!(
            error,
            Error::Server {
                status: 502,
                attempts: 4
            }
        ),
        "{error:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 4);
}

/// A 429 is retried, honouring a short Retry-After, then succeeds.
#[tokio::test]
async fn throttled_then_success_is_retried() {
    let (base, hits) = scripted(|n| async move {
        if n < 3 {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "0")]).into_response()
        } else {
            token_json()
        }
    })
    .await;
    let response = fetch(&base).await.expect("token after retries");
    assert_eq!(response.attempts(), 3);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

/// A 429 forever gives up after the bound, and a long Retry-After is capped.
#[tokio::test]
async fn throttled_forever_gives_up() {
    let (base, hits) = scripted(|_| async {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "3600")],
        )
            .into_response()
    })
    .await;
    let started = Instant::now();
    let error = fetch(&base).await.expect_err("throttled");
    assert!(
        matches!(error, Error::Throttled { attempts: 3 }),
        "{error:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "Retry-After was not capped"
    );
}

/// A response slower than the timeout ends in a timeout, without retrying.
#[tokio::test]
async fn slow_response_times_out() {
    let (base, hits) = scripted(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        token_json()
    })
    .await;
    let mut config = config(&base);
    config.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let error = checked(fetch_with(config).await).expect_err("timeout");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// The same timeout with GET does not put the URL, which carries the secrets, in the error.
#[tokio::test]
async fn slow_get_times_out_without_leaking_the_url() {
    let (base, _) = scripted(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        token_json()
    })
    .await;
    let mut config = config(&base);
    config.method = Method::Get;
    config.timeout = Duration::from_millis(300);
    let error = checked(fetch_with(config).await).expect_err("timeout");
    assert!(
        !format!("{error:?}").contains("getSigninToken"),
        "{error:?}"
    );
}

/// A port nobody listens on is unreachable after the bound, for POST and GET.
#[tokio::test]
async fn closed_port_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base =
        Url::parse(&format!("http://{}/", listener.local_addr().expect("addr"))).expect("URL");
    drop(listener);
    for method in [Method::Post, Method::Get] {
        let mut config = config(&base);
        config.method = method;
        let error = checked(fetch_with(config).await).expect_err("unreachable");
        assert!(
            matches!(error, Error::Unreachable { attempts: 3, .. }),
            "{error:?}"
        );
        assert!(
            !format!("{error:?}").contains("getSigninToken"),
            "{error:?}"
        );
    }
}

/// A 200 that is not JSON is an invalid response.
#[tokio::test]
async fn non_json_success_is_invalid() {
    let (base, _) = scripted(|_| async { "<html>Welcome</html>".into_response() }).await;
    let error = fetch(&base).await.expect_err("invalid");
    assert!(
        matches!(
            error,
            Error::InvalidResponse {
                status: 200,
                problem: "response body is not JSON"
            }
        ),
        "{error:?}"
    );
}

/// A 200 with JSON but no SigninToken is an invalid response.
#[tokio::test]
async fn json_without_token_is_invalid() {
    for body in [
        r#"{"Token":"x"}"#,
        r#"{"SigninToken":""}"#,
        r#"{"SigninToken":42}"#,
        "[1]",
    ] {
        let (base, _) = scripted(move |_| async move { body.into_response() }).await;
        let error = fetch(&base).await.expect_err("invalid");
        assert!(
            matches!(error, Error::InvalidResponse { status: 200, .. }),
            "{body}: {error:?}"
        );
    }
}

/// A 10 MiB body is cut off at the cap and is an invalid response, quickly.
#[tokio::test]
async fn huge_body_is_capped() {
    let (base, _) = scripted(|_| async {
        let mut body = br#"{"SigninToken":""#.to_vec();
        body.resize(10 * 1024 * 1024, b'a');
        body.extend_from_slice(br#""}"#);
        body.into_response()
    })
    .await;
    let started = Instant::now();
    let error = fetch(&base).await.expect_err("too large");
    assert!(
        matches!(
            error,
            Error::InvalidResponse {
                status: 200,
                problem: "response body larger than 64 KiB"
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(MAX_BODY_BYTES, 64 * 1024);
}

/// A 10 MiB 400 body gives a short excerpt.
#[tokio::test]
async fn huge_bad_request_body_gives_short_excerpt() {
    let (base, _) =
        scripted(|_| async { (StatusCode::BAD_REQUEST, "no ".repeat(3_500_000)).into_response() })
            .await;
    let error = fetch(&base).await.expect_err("bad request");
    let Error::BadRequest { excerpt, .. } = &error else {
        panic!("unexpected {error:?}")
    };
    assert!(excerpt.chars().count() <= 161, "{}", excerpt.len());
}

/// A redirect is not followed: the credentials go nowhere else.
#[tokio::test]
async fn redirect_is_not_followed() {
    let (base, hits) = scripted(|_| async {
        (
            StatusCode::FOUND,
            [(header::LOCATION, "http://127.0.0.1:9/elsewhere")],
        )
            .into_response()
    })
    .await;
    let error = fetch(&base).await.expect_err("invalid");
    assert!(
        matches!(error, Error::InvalidResponse { status: 302, .. }),
        "{error:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// Plain http to a non-loopback host, or another scheme, is refused before any request.
#[tokio::test]
async fn insecure_endpoint_is_refused() {
    for endpoint in [
        "http://signin.example.org/federation",
        "ftp://127.0.0.1/federation",
    ] {
        let error =
            Client::new(Config::new(Url::parse(endpoint).expect("URL"))).expect_err("refused");
        assert!(matches!(error, Error::InvalidEndpoint { .. }), "{error:?}");
        assert_message_style(&error);
    }
    assert!(Client::new(Config::new(Url::parse("http://localhost:1/").expect("URL"))).is_ok());
}

/// What the test server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: HttpMethod,
    query: Option<String>,
    user_agent: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// POST sends a form body and no query; GET sends the query and no body;
/// both name fed in the User-Agent.
#[tokio::test]
async fn request_shape() {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = Arc::clone(&seen);
    let router = Router::new().route(
        "/federation",
        any(
            move |method: HttpMethod,
                  RawQuery(query): RawQuery,
                  headers: HeaderMap,
                  body: Bytes| {
                let log = Arc::clone(&log);
                async move {
                    let header = |name| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    log.lock().expect("lock").push(Seen {
                        method,
                        query,
                        user_agent: header(header::USER_AGENT),
                        content_type: header(header::CONTENT_TYPE),
                        body: body.to_vec(),
                    });
                    token_json()
                }
            },
        ),
    );
    let base = serve(router).await;
    for method in [Method::Post, Method::Get] {
        let mut config = config(&base);
        config.method = method;
        fetch_with(config).await.expect("token");
    }
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    let (post, get) = (&seen[0], &seen[1]);
    assert!(USER_AGENT.starts_with("fed/"));
    for request in [post, get] {
        assert_eq!(request.user_agent.as_deref(), Some(USER_AGENT));
    }

    assert_eq!(post.method, HttpMethod::POST);
    assert_eq!(post.query, None);
    assert_eq!(
        post.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&post.body)
        .into_owned()
        .collect();
    let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Action", "SessionType", "Session"]);
    let session: serde_json::Value = serde_json::from_str(&pairs[2].1).expect("Session JSON");
    assert_eq!(session["sessionKey"], SECRET_KEY);
    assert_eq!(session["sessionToken"], SESSION_TOKEN);

    assert_eq!(get.method, HttpMethod::GET);
    assert!(get.body.is_empty());
    let query = get.query.as_deref().expect("query");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(pairs[0], ("Action".to_owned(), "getSigninToken".to_owned()));
    assert!(pairs.iter().any(|(n, _)| n == "Session"));
}
