//! The client against the federation emulator of fed-local: both sides of
//! the sign-in protocol, proven against each other.

mod support;

use std::time::Duration;

use fed_core::{Issuer, LoginUrl, Partition, SessionDuration};
use fed_local::federation::{self, Config as EmulatorConfig, Emulator, Rejection};
use fed_local::fixtures::{ROLE_SESSION_ARN, Unavailable, keys, one_of_each_kind};
use fed_signin::{Client, Config, Error, Hint, Method, TokenRequest};
use support::{SECRET_KEY, SESSION_TOKEN, assert_no_secrets, credentials_with_key, within};

async fn emulator() -> Emulator {
    federation::start(EmulatorConfig::new(Partition::Aws), one_of_each_kind())
        .await
        .expect("emulator")
}

fn client(emulator: &Emulator, method: Method) -> Client {
    let mut config = Config::new(emulator.federation_url());
    config.method = method;
    config.partition = Some(Partition::Aws);
    config.backoff = Duration::from_millis(10);
    Client::new(config).expect("client")
}

/// Fetches a token with `method`, follows the login URL built by fed-core
/// and checks the console page shows who signed in.
async fn sign_in_with(method: Method) {
    let emulator = emulator().await;
    let client = client(&emulator, method);
    let creds = credentials_with_key(keys::ROLE);
    let response = within(
        Duration::from_secs(10),
        client.get_signin_token(&TokenRequest::new(&creds)),
    )
    .await
    .expect("token");
    assert_eq!(response.attempts(), 1);
    assert!(!response.dropped_session_duration());

    let issuer = Issuer::new("https://idp.example.org/fed").expect("issuer");
    let destination = url::Url::parse("https://console.aws.amazon.com/s3/home").expect("URL");
    let login = LoginUrl::new(
        &emulator.federation_url(),
        &issuer,
        &destination,
        response.token(),
    );
    let browser = reqwest::Client::new();
    let page = browser.get(login.to_url()).send().await.expect("login");
    assert_eq!(page.status(), 200);
    assert!(
        page.url().path().starts_with("/console/"),
        "landed on {}",
        page.url().path()
    );
    let html = page.text().await.expect("page");
    assert!(
        html.contains(ROLE_SESSION_ARN),
        "ARN missing from the console page: {html}"
    );
    assert!(html.contains("https://console.aws.amazon.com/s3/home"));
    assert!(html.contains("https://idp.example.org/fed"));

    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    let token_request = &requests[0];
    assert_eq!(
        token_request.method,
        if method == Method::Post {
            "POST"
        } else {
            "GET"
        }
    );
    assert_eq!(token_request.action.as_deref(), Some("getSigninToken"));
    assert_eq!(token_request.status, 200);
    assert!(token_request.params.contains(&"Session".to_owned()));
    assert_eq!(
        token_request.query_params.contains(&"Session".to_owned()),
        method == Method::Get,
        "Session travels in the query string only for GET"
    );
    assert_eq!(requests[1].action.as_deref(), Some("login"));
    assert_eq!(requests[1].status, 302);
}

/// POST (the default) gets a token, and its login URL lands on the console page.
#[tokio::test]
async fn post_sign_in_lands_on_console_page() {
    sign_in_with(Method::Post).await;
}

/// GET gets a token too, and its login URL lands on the console page.
#[tokio::test]
async fn get_sign_in_lands_on_console_page() {
    sign_in_with(Method::Get).await;
}

/// A logout-first URL also ends on the console page.
#[tokio::test]
async fn logout_first_url_lands_on_console_page() {
    let emulator = emulator().await;
    let creds = credentials_with_key(keys::ROLE);
    let response = client(&emulator, Method::Post)
        .get_signin_token(&TokenRequest::new(&creds))
        .await
        .expect("token");
    let issuer = Issuer::new("fed").expect("issuer");
    let login = LoginUrl::new(
        &emulator.federation_url(),
        &issuer,
        &emulator.console_url(),
        response.token(),
    );
    let url = login.with_logout_first(&emulator.logout_url());
    let url = url.expect("the emulator's logout and federation endpoints share a host");
    let page = reqwest::get(url.expose()).await.expect("logout then login");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("page").contains(ROLE_SESSION_ARN));
}

/// A valid SessionDuration is accepted for first-hop assumed-role credentials.
#[tokio::test]
async fn session_duration_accepted_for_assumed_role() {
    let emulator = emulator().await;
    let creds = credentials_with_key(keys::ROLE);
    let duration = SessionDuration::from_secs(7200).expect("duration");
    let request = TokenRequest::new(&creds).session_duration(Some(duration));
    let response = client(&emulator, Method::Post)
        .get_signin_token(&request)
        .await
        .expect("token");
    assert_eq!(response.session_duration(), Some(duration));
    assert_eq!(emulator.requests()[0].session_duration, Some(7200));
}

/// Asks for a token and returns the error, after checking the emulator
/// refused with `rejection` and no secret leaked.
async fn refused(key: &str, duration: Option<u64>, rejection: Rejection) -> Error {
    let emulator = emulator().await;
    let creds = credentials_with_key(key);
    let mut request = TokenRequest::new(&creds)
        .session_duration(duration.map(|d| SessionDuration::from_secs(d).expect("duration")));
    if key == keys::CHINA {
        request = request.credentials_partition(Partition::AwsCn);
    }
    let error = within(
        Duration::from_secs(10),
        client(&emulator, Method::Post).get_signin_token(&request),
    )
    .await
    .expect_err("refused");
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1, "a 400 is not retried");
    assert_eq!(requests[0].rejection, Some(rejection));
    assert_eq!(requests[0].status, 400);
    assert_no_secrets(&error, &[SECRET_KEY, SESSION_TOKEN]);
    match &error {
        Error::BadRequest {
            status: 400,
            excerpt,
            ..
        } => {
            assert_eq!(
                excerpt,
                rejection.message(),
                "the plain-text body is excerpted"
            );
        }
        other => panic!("expected a bad request, got {other}"),
    }
    error
}

/// GetSessionToken credentials are refused; the hint names the credentials.
#[tokio::test]
async fn session_token_credentials_hint_credentials() {
    let error = refused(keys::SESSION, None, Rejection::SessionTokenCredentials).await;
    assert_eq!(error.hint(), Some(Hint::Credentials));
}

/// Long-term credentials (as the resolver reports them) are refused; the hint names the credentials.
#[tokio::test]
async fn long_term_credentials_hint_credentials() {
    let error = refused(keys::LONG_TERM, None, Rejection::LongTermCredentials).await;
    assert_eq!(error.hint(), Some(Hint::Credentials));
}

/// Unknown credentials are refused; the hint names the credentials.
#[tokio::test]
async fn unknown_credentials_hint_credentials() {
    let error = refused("ASIAUNKNOWN", None, Rejection::InvalidCredentials).await;
    assert_eq!(error.hint(), Some(Hint::Credentials));
}

/// SessionDuration with GetFederationToken credentials is refused; the hint names SessionDuration.
#[tokio::test]
async fn federation_token_with_session_duration_hints_session_duration() {
    let error = refused(
        keys::FEDERATED,
        Some(3600),
        Rejection::SessionDurationWithFederationToken,
    )
    .await;
    assert_eq!(error.hint(), Some(Hint::SessionDuration));
}

/// SessionDuration with role-chained credentials is refused; the hint names SessionDuration.
#[tokio::test]
async fn chained_role_with_session_duration_hints_session_duration() {
    let error = refused(
        keys::CHAINED,
        Some(900),
        Rejection::SessionDurationWithChainedRole,
    )
    .await;
    assert_eq!(error.hint(), Some(Hint::SessionDuration));
}

/// Credentials of another partition are refused; the hint names both partitions.
#[tokio::test]
async fn other_partition_hints_wrong_partition() {
    let error = refused(keys::CHINA, None, Rejection::WrongPartition).await;
    assert_eq!(
        error.hint(),
        Some(Hint::WrongPartition {
            credentials: Partition::AwsCn,
            endpoint: Partition::Aws
        })
    );
    assert!(error.to_string().contains("aws-cn"), "{error}");
}

/// With the option on, a 400 to a request with SessionDuration is retried once without it, and reported.
#[tokio::test]
async fn retry_without_session_duration_is_reported() {
    let emulator = emulator().await;
    let mut config = Config::new(emulator.federation_url());
    config.retry_without_session_duration = true;
    let client = Client::new(config).expect("client");
    let creds = credentials_with_key(keys::FEDERATED);
    let request = TokenRequest::new(&creds)
        .session_duration(Some(SessionDuration::from_secs(3600).expect("duration")));
    let response = client
        .get_signin_token(&request)
        .await
        .expect("token on the second request");
    assert!(response.dropped_session_duration());
    assert_eq!(response.session_duration(), None);
    assert_eq!(response.attempts(), 2);
    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].session_duration, Some(3600));
    assert_eq!(requests[0].status, 400);
    assert!(!requests[1].params.contains(&"SessionDuration".to_owned()));
    assert_eq!(requests[1].status, 200);
}

/// Without the option, the same refusal is an error and nothing is resent.
#[tokio::test]
async fn no_retry_without_session_duration_by_default() {
    refused(
        keys::FEDERATED,
        Some(900),
        Rejection::SessionDurationWithFederationToken,
    )
    .await;
}

/// Long-term keys without a session token never reach the endpoint.
#[tokio::test]
async fn credentials_without_session_token_are_refused_locally() {
    let emulator = emulator().await;
    let creds = fed_core::Credentials::new(keys::LONG_TERM, SECRET_KEY, None, None);
    let error = client(&emulator, Method::Post)
        .get_signin_token(&TokenRequest::new(&creds))
        .await
        .expect_err("refused");
    assert!(
        matches!(error, Error::Request(fed_core::Error::MissingSessionToken)),
        "{error:?}"
    );
    assert!(emulator.requests().is_empty());
    assert_no_secrets(&error, &[SECRET_KEY]);
}

/// A 500 from the emulator is retried up to the bound, then reported as a server error.
#[tokio::test]
async fn emulator_500_is_retried_then_reported() {
    let emulator = federation::start(EmulatorConfig::new(Partition::Aws), Unavailable)
        .await
        .expect("emulator");
    let creds = credentials_with_key(keys::ROLE);
    let error = within(
        Duration::from_secs(10),
        client(&emulator, Method::Post).get_signin_token(&TokenRequest::new(&creds)),
    )
    .await
    .expect_err("server error");
    assert!(
        matches!(
            error,
            Error::Server {
                status: 500,
                attempts: 3
            }
        ),
        "{error:?}"
    );
    assert_eq!(emulator.requests().len(), 3);
}
