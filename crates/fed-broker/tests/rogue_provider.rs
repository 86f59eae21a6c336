//! The broker against a misbehaving OpenID provider (`tests/oidc-provider/rogue.mjs`) whose
//! discovery document and keys are right but whose id_token is wrong in one way: another
//! issuer or audience, expired, another nonce, or a signature that is not the provider's. Each
//! is refused at the callback with 400, no session cookie, and one audit record naming why;
//! the same provider with nothing wrong signs the person in, so the refusals are the claims'.

mod support;

use std::time::Duration;

use fed_local::LocalStack;
use support::broker::{BrokerProcess, free_port, stack_with_reader};
use support::{OpenIdProvider, browser, follow_to};
use url::Url;

/// Each way `rogue.mjs` gets the id_token wrong, and the reason the broker refuses it for
/// (none: the person is signed in).
const CASES: &[(&str, Option<&str>)] = &[
    ("good", None),
    ("wrong_issuer", Some("wrong_issuer")),
    ("wrong_audience", Some("wrong_audience")),
    ("extra_audience", Some("wrong_audience")),
    ("expired", Some("token_expired")),
    ("wrong_nonce", Some("wrong_nonce")),
    ("unknown_key", Some("unknown_key")),
    ("forged", Some("bad_signature")),
    ("symmetric", Some("bad_signature")),
    ("none", Some("bad_signature")),
    ("unverified_email", Some("email_not_verified")),
    ("unstated_email", Some("email_not_verified")),
];

/// What one sign-in at the rogue provider in `mode` came to.
struct Run {
    /// Why the callback refused the token; none when it signed the person in (303 to the role
    /// page with a session cookie, and no audit record).
    refusal: Option<String>,
    /// The requests the rogue provider answered.
    requests: Vec<String>,
    /// The broker's logs.
    logs: String,
}

async fn sign_in(stack: &LocalStack, entitlements: &str, mode: &str) -> Run {
    sign_in_with(stack, entitlements, mode, "").await
}

/// [`sign_in`] with `oidc`, more keys of the broker's `[oidc]` table.
async fn sign_in_with(stack: &LocalStack, entitlements: &str, mode: &str, oidc: &str) -> Run {
    let rogue = OpenIdProvider::rogue(mode).await;
    let port = free_port();
    let public = Url::parse(&format!("http://127.0.0.1:{port}")).expect("a URL");
    let broker = BrokerProcess::start_configured(
        port,
        &public,
        &rogue,
        stack,
        entitlements,
        (oidc, ""),
        &[],
    )
    .await;
    let browser = browser();
    let (back, _) = follow_to(
        &browser,
        &broker.url.join("login").expect("a URL"),
        "alice",
        &format!("{public}callback"),
    )
    .await;
    let response = browser.get(back).send().await.expect("callback");
    let status = response.status().as_u16();
    let session_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with("fed_session=")));
    let page = browser
        .get(broker.url.clone())
        .send()
        .await
        .expect("the role page");
    let signed_in = page.status() == 200
        && page
            .text()
            .await
            .expect("a page")
            .contains("alice@example.com");
    let (audit, logs) = broker.stop().await;
    let records: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let refusal = match (status, session_cookie, signed_in, records.as_slice()) {
        (303, true, true, []) => None,
        // A refusal: 400 without a session cookie, and one audit record.
        (400, false, false, [record]) if record["decision"] == "denied" => {
            assert!(record.get("user").is_none(), "{mode}: {record}");
            Some(record["reason"].as_str().unwrap_or_default().to_owned())
        }
        _ => panic!(
            "{mode}: status {status}, session cookie {session_cookie}, signed in {signed_in}, \
             audit {audit:?}"
        ),
    };
    // The provider's lines are read as they come: wait for the last one this sign-in makes.
    for _ in 0..50 {
        if rogue.output().iter().any(|r| r == "POST /token") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let requests = rogue.output();
    rogue.stop().await;
    Run {
        refusal,
        requests,
        logs,
    }
}

/// Each wrong id_token is refused with its own reason, and only the token's fault stops it:
/// the provider answered the token request every time, and with nothing wrong it signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_wrong_in_any_way_is_refused_with_its_reason() {
    let (stack, _, entitlements) = stack_with_reader().await;
    let mut got = Vec::new();
    for (mode, _) in CASES {
        let run = sign_in(&stack, &entitlements, mode).await;
        assert!(
            run.requests.iter().any(|r| r == "POST /token"),
            "{mode}: the token was not asked for: {:?}",
            run.requests
        );
        // The broker fetched the keys at its start, and once more for a key it had not seen.
        let fetched = run.requests.iter().filter(|r| *r == "GET /jwks").count();
        assert_eq!(
            fetched,
            if *mode == "unknown_key" { 2 } else { 1 },
            "{mode}"
        );
        // The refusals are logged, without what the token claimed.
        assert_eq!(
            run.logs.contains("sign-in refused"),
            run.refusal.is_some(),
            "{mode}: {}",
            run.logs
        );
        for claimed in ["another-client", "another-nonce", "/another"] {
            assert!(!run.logs.contains(claimed), "{mode}: {}", run.logs);
        }
        got.push((*mode, run.refusal));
    }
    let want: Vec<(&str, Option<String>)> = CASES
        .iter()
        .map(|(mode, reason)| (*mode, reason.map(str::to_owned)))
        .collect();
    assert_eq!(got, want);
}

/// An email the provider has not verified (or does not say it has) names nobody: with `email`
/// as the user claim it is refused unless the configuration opts out with
/// `require_verified_email = false`, which then signs the person in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverified_email_is_refused_unless_the_configuration_opts_out() {
    let (stack, _, entitlements) = stack_with_reader().await;
    for mode in ["unverified_email", "unstated_email"] {
        let run = sign_in(&stack, &entitlements, mode).await;
        assert_eq!(run.refusal.as_deref(), Some("email_not_verified"), "{mode}");
        let opted_out = sign_in_with(
            &stack,
            &entitlements,
            mode,
            "require_verified_email = false\n",
        )
        .await;
        assert_eq!(opted_out.refusal, None, "{mode}: signed in when opted out");
    }
}
