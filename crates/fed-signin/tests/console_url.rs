//! `Client::console_url` against the federation emulator: the SessionDuration
//! policy, the notes for the user, and the URL that signs in.

use std::time::Duration;

use fed_core::{Arn, CredentialOrigin, Credentials, Issuer, Partition};
use fed_local::federation::{
    self, Config as EmulatorConfig, Emulator, ResolvedIdentity, StaticResolver,
};
use fed_signin::{Client, Config, ConsoleLogin};
use url::Url;

fn credentials(key: &str) -> Credentials {
    Credentials::new(
        key,
        "fake-secret-console",
        Some("fake-token-console".to_owned()),
        None,
    )
}

async fn emulator() -> Emulator {
    let resolver = StaticResolver::new()
        .with(
            "ASIAROLE",
            ResolvedIdentity::new(
                "arn:aws:sts::123456789012:assumed-role/demo/alice"
                    .parse::<Arn>()
                    .expect("ARN"),
                CredentialOrigin::AssumedRole { chained: false },
            ),
        )
        .with(
            "ASIACHAINED",
            ResolvedIdentity::new(
                "arn:aws:sts::123456789012:assumed-role/second/bob"
                    .parse::<Arn>()
                    .expect("ARN"),
                CredentialOrigin::AssumedRole { chained: true },
            ),
        );
    federation::start(EmulatorConfig::new(Partition::Aws), resolver)
        .await
        .expect("emulator")
}

fn client(emulator: &Emulator) -> Client {
    let mut config = Config::new(emulator.federation_url());
    config.retry_without_session_duration = true;
    config.backoff = Duration::from_millis(10);
    Client::new(config).expect("client")
}

fn login<'a>(
    credentials: &'a Credentials,
    origin: CredentialOrigin,
    requested: Option<Duration>,
    issuer: &'a Issuer,
    destination: &'a Url,
) -> ConsoleLogin<'a> {
    ConsoleLogin {
        credentials,
        origin,
        requested_duration: requested,
        credentials_partition: Some(Partition::Aws),
        issuer,
        destination,
        logout_endpoint: None,
    }
}

/// A non-chained role session sends the requested SessionDuration, and the
/// URL signs in as that session.
#[tokio::test]
async fn sends_session_duration_when_allowed_and_signs_in() {
    let emulator = emulator().await;
    let issuer = Issuer::new("fed").expect("issuer");
    let destination = Url::parse("https://console.aws.amazon.com/").expect("URL");
    let creds = credentials("ASIAROLE");
    let console = client(&emulator)
        .console_url(&login(
            &creds,
            CredentialOrigin::AssumedRole { chained: false },
            Some(Duration::from_secs(7200)),
            &issuer,
            &destination,
        ))
        .await
        .expect("signed in");
    assert_eq!(console.session_duration.map(|d| d.seconds()), Some(7200));
    assert!(console.notes.is_empty(), "{:?}", console.notes);
    assert_eq!(emulator.requests()[0].session_duration, Some(7200));
    let debug = format!("{console:?}");
    assert!(!debug.contains("SigninToken"), "Debug is redacted: {debug}");
    assert!(
        debug.starts_with(r#"ConsoleUrl { url: "** redacted **", issued_at: "#),
        "{debug}"
    );
    let page = reqwest::get(console.expose())
        .await
        .expect("login")
        .text()
        .await
        .expect("page");
    assert!(page.contains("assumed-role/demo/alice"), "{page}");
}

/// Role-chained credentials never send SessionDuration, and the user is told why.
#[tokio::test]
async fn leaves_session_duration_out_for_chained_credentials() {
    let emulator = emulator().await;
    let issuer = Issuer::new("fed").expect("issuer");
    let destination = Url::parse("https://console.aws.amazon.com/").expect("URL");
    let creds = credentials("ASIACHAINED");
    let console = client(&emulator)
        .console_url(&login(
            &creds,
            CredentialOrigin::AssumedRole { chained: true },
            Some(Duration::from_secs(7200)),
            &issuer,
            &destination,
        ))
        .await
        .expect("signed in");
    assert_eq!(console.session_duration, None);
    assert!(
        console.notes.iter().any(|n| n.contains("role chaining")),
        "{:?}",
        console.notes
    );
    assert!(
        !emulator.requests()[0]
            .params
            .iter()
            .any(|p| p == "SessionDuration")
    );
}

/// When the endpoint refuses SessionDuration anyway (here: the caller claimed
/// a non-chained session for chained credentials), the retry without it is
/// reported as a note.
#[tokio::test]
async fn reports_a_refused_session_duration() {
    let emulator = emulator().await;
    let issuer = Issuer::new("fed").expect("issuer");
    let destination = Url::parse("https://console.aws.amazon.com/").expect("URL");
    let creds = credentials("ASIACHAINED");
    let console = client(&emulator)
        .console_url(&login(
            &creds,
            CredentialOrigin::AssumedRole { chained: false },
            Some(Duration::from_secs(7200)),
            &issuer,
            &destination,
        ))
        .await
        .expect("signed in on the second try");
    assert_eq!(console.session_duration, None);
    assert!(
        console
            .notes
            .iter()
            .any(|n| n.contains("refused SessionDuration")),
        "{:?}",
        console.notes
    );
    assert_eq!(emulator.requests().len(), 2);
}

/// With a logout endpoint, the URL logs out first and still signs in.
#[tokio::test]
async fn logout_first_wraps_the_login() {
    let emulator = emulator().await;
    let issuer = Issuer::new("fed").expect("issuer");
    let destination = Url::parse("https://console.aws.amazon.com/").expect("URL");
    let creds = credentials("ASIAROLE");
    let logout = emulator.logout_url();
    let mut request = login(
        &creds,
        CredentialOrigin::AssumedRole { chained: false },
        None,
        &issuer,
        &destination,
    );
    request.logout_endpoint = Some(&logout);
    let console = client(&emulator)
        .console_url(&request)
        .await
        .expect("signed in");
    assert_eq!(Url::parse(console.expose()).expect("URL").path(), "/oauth");
    let page = reqwest::get(console.expose())
        .await
        .expect("logout, login")
        .text()
        .await
        .expect("page");
    assert!(page.contains("assumed-role/demo/alice"), "{page}");
}
