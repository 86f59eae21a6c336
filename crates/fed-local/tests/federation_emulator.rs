//! The federation emulator, driven over raw HTTP: each documented rule of
//! the real endpoint, the console page, logout, the recorder and shutdown.

use std::time::Duration;

use fed_core::Partition;
use fed_local::federation::{self, Config, Emulator, ManualClock, Rejection};
use fed_local::fixtures::{ROLE_SESSION_ARN, Unavailable, epoch, keys, one_of_each_kind};
use reqwest::StatusCode;
use url::Url;

const SECRET_KEY: &str = "fake/Secret+Key=ExampleONLY0000000000001";
const SESSION_TOKEN: &str = "FakeSessionToken/For+Tests==ONLY0000000001";
struct Harness {
    emulator: Emulator,
    clock: ManualClock,
    http: reqwest::Client,
}

async fn harness() -> Harness {
    let clock = ManualClock::new(epoch());
    let config = Config::new(Partition::Aws).with_clock(clock.clone());
    let emulator = federation::start(config, one_of_each_kind())
        .await
        .expect("emulator");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Harness {
        emulator,
        clock,
        http,
    }
}

fn session(key_id: &str) -> String {
    serde_json::json!({ "sessionId": key_id, "sessionKey": SECRET_KEY, "sessionToken": SESSION_TOKEN })
        .to_string()
}

struct Answer {
    status: StatusCode,
    content_type: String,
    location: Option<String>,
    body: String,
}

impl Harness {
    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("emulator answers");
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let location = header(reqwest::header::LOCATION);
        let status = response.status();
        Answer {
            status,
            content_type,
            location,
            body: response.text().await.expect("body"),
        }
    }

    async fn get(&self, path: &str, params: &[(&str, &str)]) -> Answer {
        let mut url = self.emulator.base_url().join(path).expect("URL");
        url.query_pairs_mut().extend_pairs(params);
        self.send(self.http.get(url)).await
    }

    async fn post(&self, params: &[(&str, &str)]) -> Answer {
        self.send(self.http.post(self.emulator.federation_url()).form(params))
            .await
    }

    /// getSigninToken by POST for `key_id`, with optional SessionDuration.
    async fn token_for(&self, key_id: &str, duration: Option<&str>) -> Answer {
        let session = session(key_id);
        let mut params = vec![
            ("Action", "getSigninToken"),
            ("SessionType", "json"),
            ("Session", &session),
        ];
        if let Some(d) = duration {
            params.push(("SessionDuration", d));
        }
        self.post(&params).await
    }

    /// A sign-in token for `key_id`.
    async fn token(&self, key_id: &str, duration: Option<&str>) -> String {
        let answer = self.token_for(key_id, duration).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let json: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        json["SigninToken"]
            .as_str()
            .expect("SigninToken")
            .to_owned()
    }

    async fn login(&self, token: &str, destination: &str, issuer: Option<&str>) -> Answer {
        let mut params = vec![
            ("Action", "login"),
            ("Destination", destination),
            ("SigninToken", token),
        ];
        if let Some(issuer) = issuer {
            params.push(("Issuer", issuer));
        }
        self.get("federation", &params).await
    }

    fn last_rejection(&self) -> Option<Rejection> {
        self.emulator
            .requests()
            .last()
            .expect("a recorded request")
            .rejection
    }
}

#[track_caller]
fn assert_refused(answer: &Answer, rejection: Rejection) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert!(
        answer.content_type.starts_with("text/plain"),
        "{}",
        answer.content_type
    );
    assert_eq!(answer.body, rejection.message());
}

/// getSigninToken by POST and by GET answers 200 with a JSON SigninToken.
#[tokio::test]
async fn get_signin_token_by_post_and_get() {
    let h = harness().await;
    let answer = h.token_for(keys::ROLE, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/json");
    let session = session(keys::ROLE);
    let answer = h
        .get(
            "federation",
            &[("Action", "getSigninToken"), ("Session", &session)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
    assert!(json["SigninToken"].as_str().is_some_and(|t| t.len() >= 64));

    let requests = h.emulator.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].params, ["Action", "SessionType", "Session"]);
    assert!(requests[0].query_params.is_empty());
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].query_params, ["Action", "Session"]);
}

/// Missing or unknown Action, and a missing or malformed Session, are refused.
#[tokio::test]
async fn malformed_requests_are_refused() {
    let h = harness().await;
    assert_refused(
        &h.post(&[("Session", &session(keys::ROLE))]).await,
        Rejection::MissingAction,
    );
    assert_refused(
        &h.post(&[("Action", "getSigninTokens")]).await,
        Rejection::UnknownAction,
    );
    assert_refused(
        &h.post(&[("Action", "getSigninToken")]).await,
        Rejection::MissingSession,
    );
    // Names are case-sensitive.
    let lower = [
        ("Action", "getSigninToken"),
        ("session", &session(keys::ROLE)),
    ];
    assert_refused(&h.post(&lower).await, Rejection::MissingSession);
    let malformed = [
        "not json".to_owned(),
        "[]".to_owned(),
        r#"{"sessionId":1,"sessionKey":"k","sessionToken":"t"}"#.to_owned(),
        r#"{"sessionId":"ASIAROLE","sessionToken":"t"}"#.to_owned(),
        r#"{"sessionId":"ASIAROLE","sessionKey":"k","sessionToken":7}"#.to_owned(),
    ];
    for session in &malformed {
        let answer = h
            .post(&[("Action", "getSigninToken"), ("Session", session)])
            .await;
        assert_refused(&answer, Rejection::MalformedSession);
    }
}

/// Long-term keys, which have no session token, are refused.
#[tokio::test]
async fn session_without_token_is_refused() {
    let h = harness().await;
    for session in [
        r#"{"sessionId":"AKIALONGTERM","sessionKey":"k"}"#,
        r#"{"sessionId":"AKIALONGTERM","sessionKey":"k","sessionToken":""}"#,
    ] {
        let answer = h
            .post(&[("Action", "getSigninToken"), ("Session", session)])
            .await;
        assert_refused(&answer, Rejection::MissingSessionToken);
    }
}

/// SessionDuration must be an integer from 900 to 43200.
#[tokio::test]
async fn session_duration_range() {
    let h = harness().await;
    for bad in ["899", "43201", "3600s", "", "-900", "1e3", "09OO"] {
        assert_refused(
            &h.token_for(keys::ROLE, Some(bad)).await,
            Rejection::InvalidSessionDuration,
        );
    }
    for good in ["900", "43200"] {
        assert_eq!(
            h.token_for(keys::ROLE, Some(good)).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        h.emulator
            .requests()
            .last()
            .expect("request")
            .session_duration,
        Some(43200)
    );
}

/// A misspelled sessionDuration is ignored, as on AWS.
#[tokio::test]
async fn misspelled_session_duration_is_ignored() {
    let h = harness().await;
    let session = session(keys::FEDERATED);
    let params = [
        ("Action", "getSigninToken"),
        ("Session", &session),
        ("sessionDuration", "3600"),
    ];
    assert_eq!(h.post(&params).await.status, StatusCode::OK);
    assert!(
        h.emulator.requests()[0]
            .params
            .contains(&"sessionDuration".to_owned())
    );
}

/// What the resolver reports decides what is refused.
#[tokio::test]
async fn resolver_rules() {
    let h = harness().await;
    let cases: [(&str, Option<&str>, Option<Rejection>); 9] = [
        ("ASIAUNKNOWN", None, Some(Rejection::InvalidCredentials)),
        (
            keys::SESSION,
            None,
            Some(Rejection::SessionTokenCredentials),
        ),
        (keys::LONG_TERM, None, Some(Rejection::LongTermCredentials)),
        (keys::FEDERATED, None, None),
        (
            keys::FEDERATED,
            Some("900"),
            Some(Rejection::SessionDurationWithFederationToken),
        ),
        (keys::CHAINED, None, None),
        (
            keys::CHAINED,
            Some("900"),
            Some(Rejection::SessionDurationWithChainedRole),
        ),
        (keys::ROLE, Some("43200"), None),
        (keys::CHINA, None, Some(Rejection::WrongPartition)),
    ];
    for (key, duration, expected) in cases {
        let answer = h.token_for(key, duration).await;
        match expected {
            Some(rejection) => assert_refused(&answer, rejection),
            None => assert_eq!(
                answer.status,
                StatusCode::OK,
                "{key} {duration:?}: {}",
                answer.body
            ),
        }
        assert_eq!(h.last_rejection(), expected, "{key} {duration:?}");
    }
}

/// A failing resolver makes the emulator answer 500.
#[tokio::test]
async fn resolver_failure_is_a_server_error() {
    let emulator = federation::start(Config::new(Partition::Aws), Unavailable)
        .await
        .expect("emulator");
    let session = session(keys::ROLE);
    let response = reqwest::Client::new()
        .post(emulator.federation_url())
        .form(&[("Action", "getSigninToken"), ("Session", session.as_str())])
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        emulator.requests()[0].rejection,
        Some(Rejection::ResolverUnavailable)
    );
}

/// A login redirects to a console page that shows principal, expiry, issuer and destination.
#[tokio::test]
async fn login_lands_on_console_page() {
    let h = harness().await;
    let token = h.token(keys::ROLE, Some("7200")).await;
    let answer = h
        .login(
            &token,
            "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2",
            Some("<b>idp</b>"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let location = Url::parse(answer.location.as_deref().expect("Location")).expect("URL");
    assert_eq!(location.origin(), h.emulator.base_url().origin());
    assert!(location.path().starts_with("/console/"));

    let page = h.send(h.http.get(location)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains(ROLE_SESSION_ARN));
    assert!(
        page.body.contains("2023-11-15T00:13:20Z (active)"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("&lt;b&gt;idp&lt;/b&gt;"),
        "the issuer is escaped"
    );
    assert!(
        page.body
            .contains("https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2")
    );
    assert!(
        page.body
            .contains("<dd id=\"origin\">assumed-role credentials</dd>"),
        "{}",
        page.body
    );

    h.clock.advance(Duration::from_secs(7200));
    let page = h
        .send(
            h.http.get(
                h.emulator
                    .base_url()
                    .join(&answer.location.expect("Location"))
                    .expect("URL"),
            ),
        )
        .await;
    assert!(page.body.contains("(expired)"), "{}", page.body);
}

/// Without SessionDuration the console session follows the credentials' expiry, or lasts one hour.
#[tokio::test]
async fn console_session_expiry_defaults() {
    let h = harness().await;
    for (key, expected) in [
        (keys::EXPIRING, "2023-11-14T22:43:20Z"),
        (keys::ROLE, "2023-11-14T23:13:20Z"),
    ] {
        let token = h.token(key, None).await;
        let answer = h
            .login(&token, h.emulator.console_url().as_str(), None)
            .await;
        let location = answer.location.expect("Location");
        let page = h
            .send(
                h.http
                    .get(h.emulator.base_url().join(&location).expect("URL")),
            )
            .await;
        assert!(page.body.contains(expected), "{key}: {}", page.body);
        assert!(page.body.contains("(none)"), "no issuer is shown as such");
    }
}

/// A token is valid for less than 15 minutes, by the emulator's clock.
#[tokio::test]
async fn token_expires_after_15_minutes() {
    let h = harness().await;
    let destination = "https://console.aws.amazon.com/";
    let token = h.token(keys::ROLE, None).await;
    h.clock.advance(Duration::from_secs(15 * 60 - 1));
    assert_eq!(
        h.login(&token, destination, None).await.status,
        StatusCode::FOUND
    );
    h.clock.advance(Duration::from_secs(1));
    assert_refused(
        &h.login(&token, destination, None).await,
        Rejection::ExpiredSigninToken,
    );
}

/// Missing and foreign tokens are refused.
#[tokio::test]
async fn unknown_tokens_are_refused() {
    let h = harness().await;
    let destination = "https://console.aws.amazon.com/";
    assert_refused(
        &h.login("", destination, None).await,
        Rejection::MissingSigninToken,
    );
    assert_refused(
        &h.login("not-issued-here", destination, None).await,
        Rejection::UnknownSigninToken,
    );
    let answer = h
        .get(
            "federation",
            &[("Action", "login"), ("Destination", destination)],
        )
        .await;
    assert_refused(&answer, Rejection::MissingSigninToken);
}

/// Destination must be a console URL of the identity's partition or the emulator's console page.
#[tokio::test]
async fn destination_rules() {
    let h = harness().await;
    let token = h.token(keys::ROLE, None).await;
    let own = h.emulator.console_url();
    let good = [
        "https://console.aws.amazon.com/",
        "https://console.aws.amazon.com/s3/home",
        "https://eu-west-1.console.aws.amazon.com/go/view?arn=x",
        own.as_str(),
    ];
    for destination in good {
        assert_eq!(
            h.login(&token, destination, None).await.status,
            StatusCode::FOUND,
            "{destination}"
        );
    }
    let bad = [
        "http://console.aws.amazon.com/",
        "https://s3.amazonaws.com/",
        "https://console.aws.amazon.com.evil.example/",
        "https://console.amazonaws.cn/",
        "https://evil.example.org/",
        "/console",
        "",
    ];
    for destination in bad {
        assert_refused(
            &h.login(&token, destination, None).await,
            Rejection::InvalidDestination,
        );
    }
    let answer = h
        .get(
            "federation",
            &[("Action", "login"), ("SigninToken", &token)],
        )
        .await;
    assert_refused(&answer, Rejection::InvalidDestination);
}

/// Logout redirects only to a login URL of this emulator.
#[tokio::test]
async fn logout_rules() {
    let h = harness().await;
    let mut login = h.emulator.federation_url();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("SigninToken", "x");
    let answer = h
        .get(
            "oauth",
            &[("Action", "logout"), ("redirect_uri", login.as_str())],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.location.as_deref(), Some(login.as_str()));

    let foreign = "https://us-east-1.signin.aws.amazon.com/federation?Action=login&SigninToken=x";
    let console = h.emulator.console_url();
    for uri in [foreign, console.as_str(), "not a url"] {
        let answer = h
            .get("oauth", &[("Action", "logout"), ("redirect_uri", uri)])
            .await;
        assert_refused(&answer, Rejection::InvalidRedirectUri);
    }

    let answer = h.get("oauth", &[("Action", "logout")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("Signed out"));
    assert_refused(&h.get("oauth", &[]).await, Rejection::MissingAction);
}

/// The console page of an unknown session says so.
#[tokio::test]
async fn unknown_console_session_is_not_found() {
    let h = harness().await;
    let answer = h.get("console/nobody", &[]).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.body.contains("Not signed in"));
}

/// The recorder keeps parameter names, never values.
#[tokio::test]
async fn recorder_holds_no_secret_values() {
    let h = harness().await;
    let token = h.token(keys::ROLE, Some("3600")).await;
    h.login(&token, "https://console.aws.amazon.com/", Some("issuer"))
        .await;
    let mut login = h.emulator.federation_url();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("SigninToken", &token);
    h.get(
        "oauth",
        &[("Action", "logout"), ("redirect_uri", login.as_str())],
    )
    .await;

    let requests = h.emulator.requests();
    assert_eq!(requests.len(), 3);
    let text = format!("{requests:?}");
    for secret in [SECRET_KEY, SESSION_TOKEN, token.as_str()] {
        assert!(
            !text.contains(secret),
            "a secret value was recorded: {text}"
        );
    }
    assert_eq!(
        requests[1].params,
        ["Action", "Destination", "SigninToken", "Issuer"]
    );
    h.emulator.clear_requests();
    assert!(h.emulator.requests().is_empty());
}

async fn refuses_connections(url: Url) -> bool {
    for _ in 0..50 {
        match reqwest::Client::new()
            .get(url.clone())
            .timeout(Duration::from_secs(1))
            .send()
            .await
        {
            Err(error) if error.is_connect() => return true,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    false
}

/// An explicit shutdown stops the server.
#[tokio::test]
async fn shutdown_stops_the_server() {
    let h = harness().await;
    let url = h.emulator.console_url();
    assert_eq!(h.get("console", &[]).await.status, StatusCode::OK);
    h.emulator.shutdown().await;
    assert!(refuses_connections(url).await);
}

/// Dropping the handle stops the server.
#[tokio::test]
async fn drop_stops_the_server() {
    let emulator = federation::start(Config::new(Partition::Aws), one_of_each_kind())
        .await
        .expect("emulator");
    let url = emulator.console_url();
    assert_eq!(
        reqwest::get(url.clone()).await.expect("answer").status(),
        StatusCode::OK
    );
    drop(emulator);
    assert!(refuses_connections(url).await);
}
