//! The whole journey in a real browser: Debian's headless Chromium, driven by puppeteer-core
//! (`tests/browser/journey.mjs`) with clicks and typing, against the real `fed-broker serve`,
//! oidc-provider and the strict local AWS. Open the broker, sign in on the provider's page,
//! see exactly the entitled roles, pick a service and region, click the role's button, and
//! land on the federation emulator's console page as `assumed-role/<role>/<user>`, with
//! SourceIdentity set and an `issued` audit record.
//!
//! Without Chromium, Node.js or npm the test fails and says what to install.

mod support;

use fed_local::{LocalStack, Service};
use serde_json::json;
use support::OpenIdProvider;
use support::broker::{BrokerProcess, free_port, role};
use support::journey::{MISSING_CHROMIUM, chromium};
use url::Url;

const MISSING_NODE: &str =
    "node or npm is not installed: install Debian's nodejs and npm (apt-get install nodejs npm)";

/// `name` on the PATH.
fn on_path(name: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).any(|dir| dir.join(name).is_file())
}

/// What `journey.mjs` saw; its fields are described there.
#[derive(Debug, serde::Deserialize)]
struct Journey {
    login: String,
    roles: Vec<String>,
    user: String,
    console: Vec<Step>,
    landed: String,
    principal: String,
    issuer: String,
    destination: String,
}

/// A navigation of the click on a role's button, and its response's status.
#[derive(Debug, serde::Deserialize)]
struct Step {
    method: String,
    url: String,
    status: u16,
    csrf: bool,
}

/// Drives Chromium through the journey from `broker` as `user`, opening the console for
/// `role` with `service` and `region` chosen on the page.
async fn journey(
    chromium: &std::path::Path,
    broker: &Url,
    user: &str,
    role: &str,
    service: &str,
    region: &str,
) -> Journey {
    let seen = support::journey::journey(
        chromium,
        broker.as_str(),
        user,
        role,
        Some((service, region)),
    )
    .await;
    serde_json::from_value(seen.clone()).unwrap_or_else(|e| panic!("{e}: {seen}"))
}

/// A person signs in and opens the console in a real browser, by clicks and typing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_and_opens_the_console_in_a_browser() {
    let chromium = chromium().unwrap_or_else(|| panic!("{MISSING_CHROMIUM}"));
    assert!(
        chromium.is_file(),
        "{MISSING_CHROMIUM}: {} is not a file",
        chromium.display()
    );
    assert!(on_path("node") && on_path("npm"), "{MISSING_NODE}");
    let stack = LocalStack::start().await.expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let on_call = role(&stack, "on-call").await;
    let finance = role(&stack, "finance").await;
    let admin = role(&stack, "admin").await;
    let entitlements = format!(
        "[[role]]\nname = \"Read-only\"\narn = \"{reader}\"\ngroups = [\"engineering\"]\nmax_session = \"2h\"\nservices = [\"s3\", \"ec2\"]\nregions = [\"eu-west-1\", \"us-east-1\"]\n\
         [[role]]\nname = \"Finance\"\narn = \"{finance}\"\ngroups = [\"finance\"]\n\
         [[role]]\nname = \"On-call\"\narn = \"{on_call}\"\ngroups = [\"on-call\"]\n\
         [[role]]\nname = \"Admin\"\narn = \"{admin}\"\nusers = [\"bob@example.com\"]\n"
    );
    let port = free_port();
    let public = Url::parse(&format!("http://127.0.0.1:{port}")).expect("a URL");
    let provider = OpenIdProvider::start(0, "key-1", &format!("{public}callback")).await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;
    stack.log().clear();

    let seen = journey(
        &chromium,
        &broker.url,
        "alice",
        "Read-only",
        "ec2",
        "us-east-1",
    )
    .await;

    // The password was typed on the provider's own page.
    let provider_origin = provider.issuer.as_str().trim_end_matches('/');
    assert!(
        seen.login
            .starts_with(&format!("{provider_origin}/interaction/")),
        "{seen:?}"
    );
    // Exactly the entitled roles, in the file's order.
    assert_eq!(seen.user, "alice@example.com");
    assert_eq!(seen.roles, ["Read-only", "On-call"]);
    // The click posted the form with its CSRF token to the broker, which sent the browser
    // through the federation endpoint to the console page.
    let broker_origin = broker.url.as_str().trim_end_matches('/');
    let signin_origin = stack.signin_base_url().as_str().trim_end_matches('/');
    let steps: Vec<(&str, &str, u16, bool)> = seen
        .console
        .iter()
        .map(|s| (s.method.as_str(), s.url.as_str(), s.status, s.csrf))
        .collect();
    let [post, federation, console] = steps.as_slice() else {
        panic!("three navigations: {steps:?}");
    };
    assert_eq!(
        *post,
        (
            "POST",
            format!("{broker_origin}/console").as_str(),
            303,
            true
        )
    );
    assert_eq!(
        *federation,
        (
            "GET",
            format!("{signin_origin}/federation").as_str(),
            302,
            false
        )
    );
    assert_eq!((console.0, console.2), ("GET", 200), "{steps:?}");
    assert_eq!(console.1, seen.landed);
    assert!(
        seen.landed
            .starts_with(&format!("{signin_origin}/console/")),
        "{seen:?}"
    );
    assert!(
        seen.principal.starts_with("arn:aws:sts::")
            && seen
                .principal
                .ends_with(":assumed-role/reader/alice@example.com"),
        "the console page names the person's session: {seen:?}"
    );
    assert_eq!(seen.issuer.trim_end_matches('/'), broker_origin, "{seen:?}");
    assert!(
        seen.destination.contains("/ec2/") && seen.destination.contains("region=us-east-1"),
        "the chosen service and region: {seen:?}"
    );
    // One AssumeRole, with the person as SourceIdentity.
    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert_eq!(assumed[0].param("RoleArn"), Some(reader.as_str()));
    assert_eq!(
        assumed[0].param("SourceIdentity"),
        Some("alice@example.com")
    );
    assert_eq!(assumed[0].param("DurationSeconds"), Some("7200"));

    let (audit, _) = broker.stop().await;
    let records: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    // The sign-in, then the session, each naming the person as the provider does.
    assert_eq!(records.len(), 2, "{audit}");
    assert_eq!(records[0]["decision"], "signed_in");
    assert_eq!(records[0]["sub"], "alice");
    assert_eq!(records[0]["session_id"], records[1]["session_id"]);
    let records = &records[1..];
    assert_eq!(records[0]["decision"], "issued");
    assert_eq!(records[0]["user"], "alice@example.com");
    assert_eq!(records[0]["sub"], "alice");
    assert_eq!(records[0]["source_identity"], "alice@example.com");
    assert_eq!(records[0]["service"], "ec2");
    assert_eq!(records[0]["region"], "us-east-1");
    assert_eq!(records[0]["groups"], json!(["engineering", "on-call"]));
    assert_eq!(records[0]["role_arn"], reader.as_str());
    assert_eq!(records[0]["duration_seconds"], 7200);
    provider.stop().await;
}
