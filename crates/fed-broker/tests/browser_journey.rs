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
use support::broker::{BrokerProcess, address_and_provider, free_port, records, role};
use support::journey::{MISSING_CHROMIUM, browser_script, chromium};
use support::postgres::Postgres;
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

/// Just-in-time access in a real browser, two people in two browser contexts, on two replicas
/// sharing PostgreSQL: bob asks for the role with a justification, alice approves it on the
/// other replica, bob opens the console under the grant and lands as himself, alice ends the
/// grant, and bob's console page says access is denied (the local stack enforcing the deny
/// policy the broker put on the role); once its time has come the policy is removed. The
/// webhook takes connections and never answers: nothing waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_is_asked_approved_used_and_ended_in_a_browser() {
    let chromium = chromium().unwrap_or_else(|| panic!("{MISSING_CHROMIUM}"));
    assert!(on_path("node") && on_path("npm"), "{MISSING_NODE}");
    let database = Postgres::start().await;
    let stack = LocalStack::start().await.expect("the local stack starts");
    let admin = role(&stack, "admin").await;
    let entitlements = format!(
        "[[role]]\nname = \"Production admin\"\narn = \"{admin}\"\ngroups = [\"engineering\"]\n\
         access = \"request\"\napprovers = [\"on-call\"]\nmax_grant = \"2h\"\njustification = true\n"
    );
    let (port, public, _, provider) = address_and_provider().await;
    // A webhook that takes every connection and never answers.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let hook = format!("http://{}/hook", hanging.local_addr().expect("an address"));
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&connections);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = hanging.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            held.push(stream);
        }
    });
    let extra = "[audit]\ndatabase_url_env = \"FED_BROKER_DATABASE_URL\"\n\
                 [notify]\nwebhook_url_env = \"FED_BROKER_WEBHOOK_URL\"\nsecret_env = \"FED_BROKER_WEBHOOK_SECRET\"\n";
    let env = [
        ("FED_BROKER_DATABASE_URL", database.url.as_str()),
        ("FED_BROKER_WEBHOOK_URL", hook.as_str()),
        ("FED_BROKER_WEBHOOK_SECRET", "webhook-signing-secret"),
    ];
    let a =
        BrokerProcess::start_with_env(port, &public, &provider, &stack, &entitlements, extra, &env)
            .await;
    let b = BrokerProcess::start_with_env(
        free_port(),
        &public,
        &provider,
        &stack,
        &entitlements,
        extra,
        &env,
    )
    .await;

    let seen = browser_script(
        &chromium,
        "jit.mjs",
        &[
            a.url.as_str(),
            b.url.as_str(),
            "Production admin",
            "bob",
            "alice",
            "deploy the fix for INC-42",
        ],
        &[
            ("FED_REQUESTER_PASSWORD", "bob"),
            ("FED_APPROVER_PASSWORD", "alice"),
        ],
    )
    .await;
    let grant = seen["requested"]["grant"].as_str().expect("a grant id");
    assert_eq!(seen["requested"]["state"], "pending", "{seen}");
    assert_eq!(seen["requested"]["why"], "deploy the fix for INC-42");
    assert_eq!(seen["approvals"]["who"], "bob@example.com", "{seen}");
    assert_eq!(seen["approvals"]["approve"], true, "{seen}");
    let approved = seen["approved"].as_str().expect("a state");
    assert!(approved.starts_with("active until "), "{seen}");
    // The webhook was called and never answered; the approval did not wait for its first
    // attempt's 5 s.
    assert!(
        connections.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "the webhook was called"
    );
    assert!(
        seen["approveMs"].as_u64().is_some_and(|ms| ms < 5_000),
        "{seen}"
    );
    assert!(
        seen["granted"]
            .as_str()
            .is_some_and(|g| g.starts_with("Granted until ")),
        "{seen}"
    );
    assert!(
        seen["principal"]
            .as_str()
            .is_some_and(|p| p.ends_with(":assumed-role/admin/bob@example.com")),
        "{seen}"
    );
    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(assumed.len(), 1, "one console session");
    assert_eq!(assumed[0].param("SourceIdentity"), Some("bob@example.com"));
    assert_eq!(
        seen["ended"], "gone",
        "an ended grant leaves alice's list: {seen}"
    );
    let policy = format!("fed-broker-revoke-{grant}");
    assert!(
        seen["denied"].as_str().is_some_and(|d| d.contains(&policy)),
        "{seen}"
    );
    assert_eq!(seen["mine"], "ended", "{seen}");

    // The deny policy is on the role until its time comes (here: the store is told it has).
    let iam = fed_aws::IamClient::new(&stack.sdk_config().await);
    let admin_role = fed_core::RoleName::new("admin").expect("a role name");
    let policies = || async {
        fed_aws::Iam::inline_policies(&iam, &admin_role)
            .await
            .expect("ListRolePolicies")
    };
    assert_eq!(policies().await, [policy.as_str()]);
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&database.url)
        .await
        .expect("PostgreSQL");
    sqlx::query("UPDATE fed_broker_revocations SET lift_after = now() WHERE grant_id = $1")
        .bind(grant)
        .execute(&mut connection)
        .await
        .expect("the revocation's time has come");
    let mut left = policies().await;
    for _ in 0..60 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        left = policies().await;
    }
    assert_eq!(left, Vec::<String>::new(), "the deny policy is removed");

    let (out_a, _) = a.stop().await;
    let (out_b, _) = b.stop().await;
    let all: Vec<serde_json::Value> = records(&out_a).into_iter().chain(records(&out_b)).collect();
    let of = |decision: &str| {
        all.iter()
            .filter(|r| r["decision"] == decision && r["grant_id"] == grant)
            .count()
    };
    for decision in [
        "requested",
        "approved",
        "issued",
        "ended",
        "sessions_revoked",
    ] {
        assert_eq!(of(decision), 1, "{decision}: {out_a}{out_b}");
    }
    provider.stop().await;
    database.stop().await;
}
