//! `console_url` against the federation emulator: the SessionDuration
//! policy, the notes for the user, and the URL that signs in.

use std::time::Duration;

use fed_core::{CredentialOrigin, Credentials, Issuer, Omitted, Partition, RequestedDuration};
use fed_flow::{ConsoleLogin, ConsoleUrl, LengthWhy, Notice, console_url};
use fed_local::federation::{self, Config as EmulatorConfig, Emulator};
use fed_local::fixtures::{keys, one_of_each_kind};
use fed_signin::{Client, Config};
use url::Url;

const NOT_CHAINED: CredentialOrigin = CredentialOrigin::AssumedRole { chained: false };
const CHAINED: CredentialOrigin = CredentialOrigin::AssumedRole { chained: true };
fn two_hours() -> Option<RequestedDuration> {
    Some(RequestedDuration::from_secs(7200).expect("in range"))
}

async fn emulator() -> Emulator {
    federation::start(EmulatorConfig::new(Partition::Aws), one_of_each_kind())
        .await
        .expect("emulator")
}

/// Signs in at `emulator` with the credentials of `key`, claiming `origin`.
async fn sign_in(
    emulator: &Emulator,
    key: &str,
    origin: CredentialOrigin,
    requested_duration: Option<RequestedDuration>,
    logout_endpoint: Option<&Url>,
) -> ConsoleUrl {
    let mut config = Config::new(emulator.federation_url());
    config.retry_without_session_duration = true;
    config.backoff = Duration::from_millis(10);
    let credentials = Credentials::new(
        key,
        "fake-secret-console",
        Some("fake-token-console".to_owned()),
        None,
    );
    let issuer = Issuer::new("fed").expect("issuer");
    let destination = Url::parse("https://console.aws.amazon.com/").expect("URL");
    let client = Client::new(config).expect("client");
    let mut login = ConsoleLogin::new(&credentials, origin, &issuer, &destination)
        .credentials_partition(Partition::Aws);
    if let Some(duration) = requested_duration {
        login = login.requested_duration(duration);
    }
    if let Some(logout) = logout_endpoint {
        login = login.logout_endpoint(logout);
    }
    console_url(&client, &login).await.expect("signed in")
}

/// Follows the URL as a browser would and returns the page it ends on.
async fn follow(console: &ConsoleUrl) -> String {
    reqwest::get(console.expose())
        .await
        .expect("the URL answers")
        .text()
        .await
        .expect("a page")
}

/// A non-chained role session sends the requested SessionDuration, and the
/// URL signs in as that session.
#[tokio::test]
async fn sends_session_duration_when_allowed_and_signs_in() {
    let emulator = emulator().await;
    let console = sign_in(&emulator, keys::ROLE, NOT_CHAINED, two_hours(), None).await;
    assert_eq!(
        console.session.session_duration.map(|d| d.seconds()),
        Some(7200)
    );
    assert_eq!(console.session.why, LengthWhy::SessionDuration);
    assert!(console.notices.is_empty(), "{:?}", console.notices);
    assert_eq!(emulator.requests()[0].session_duration, Some(7200));
    let debug = format!("{console:?}");
    assert!(!debug.contains("SigninToken"), "Debug is redacted: {debug}");
    assert!(
        debug.starts_with(r#"ConsoleUrl { url: "** redacted **", issued_at: "#),
        "{debug}"
    );
    let page = follow(&console).await;
    assert!(page.contains("assumed-role/demo/alice"), "{page}");
}

/// Role-chained credentials never send SessionDuration, and the user is told why.
#[tokio::test]
async fn leaves_session_duration_out_for_chained_credentials() {
    let emulator = emulator().await;
    let console = sign_in(&emulator, keys::CHAINED, CHAINED, two_hours(), None).await;
    assert_eq!(console.session.session_duration, None);
    let omitted = Notice::SessionDurationOmitted {
        seconds: 7200,
        why: Omitted::RoleChaining,
    };
    assert_eq!(console.notices, [omitted]);
    assert_eq!(
        console.session.why,
        LengthWhy::Omitted(Omitted::RoleChaining)
    );
    let params = &emulator.requests()[0].params;
    assert!(!params.iter().any(|p| p == "SessionDuration"), "{params:?}");
}

/// When the endpoint refuses SessionDuration anyway (here: the caller claimed
/// a non-chained session for chained credentials), the retry without it is
/// reported as a note.
#[tokio::test]
async fn reports_a_refused_session_duration() {
    let emulator = emulator().await;
    let console = sign_in(&emulator, keys::CHAINED, NOT_CHAINED, two_hours(), None).await;
    assert_eq!(console.session.session_duration, None);
    assert_eq!(console.notices, [Notice::SessionDurationRefused]);
    assert_eq!(console.session.why, LengthWhy::Refused);
    assert_eq!(emulator.requests().len(), 2);
}

/// With a logout endpoint, the URL logs out first and still signs in.
#[tokio::test]
async fn logout_first_wraps_the_login() {
    let emulator = emulator().await;
    let logout = emulator.logout_url();
    let console = sign_in(&emulator, keys::ROLE, NOT_CHAINED, None, Some(&logout)).await;
    assert_eq!(Url::parse(console.expose()).expect("URL").path(), "/oauth");
    let page = follow(&console).await;
    assert!(page.contains("assumed-role/demo/alice"), "{page}");
}

/// The URL, redacted, as a snapshot: every parameter decoded, the token
/// replaced and the emulator's port filtered.
#[tokio::test]
async fn the_redacted_url_is_stable() {
    let emulator = emulator().await;
    let logout = emulator.logout_url();
    let console = sign_in(
        &emulator,
        keys::ROLE,
        NOT_CHAINED,
        two_hours(),
        Some(&logout),
    )
    .await;
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT")]}, {
        insta::assert_snapshot!(console.redacted(), @r"
        http://127.0.0.1:PORT/oauth
          Action=logout
          redirect_uri=http://127.0.0.1:PORT/federation
            Action=login
            Issuer=fed
            Destination=https://console.aws.amazon.com/
            SigninToken=[redacted]
        ");
    });
}

/// A logout endpoint on another host than the federation endpoint would sign
/// out and stop there: it is refused before any token is asked for.
#[tokio::test]
async fn a_logout_endpoint_on_another_host_is_refused_up_front() {
    let emulator = emulator().await;
    let client = Client::new(Config::new(emulator.federation_url())).expect("client");
    let credentials = Credentials::new(keys::ROLE, "secret", Some("token".to_owned()), None);
    let issuer = Issuer::new("fed").expect("issuer");
    let destination = Url::parse("https://console.aws.amazon.com/").expect("URL");
    let logout = Partition::Aws.logout_endpoint();
    let login = ConsoleLogin::new(&credentials, NOT_CHAINED, &issuer, &destination)
        .logout_endpoint(&logout);
    let err = console_url(&client, &login).await.expect_err("refused");
    assert!(
        err.to_string().contains("redirects only to its own host"),
        "{err}"
    );
    assert!(emulator.requests().is_empty(), "no token was asked for");
}
