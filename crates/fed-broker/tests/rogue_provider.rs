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
    /// page with a session cookie, and one `signed_in` record).
    refusal: Option<String>,
    /// The audit records.
    records: Vec<serde_json::Value>,
    /// The length of the session cookie as the broker set it, attributes included.
    cookie_bytes: usize,
    /// How long the callback took.
    callback_took: Duration,
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
    let started = std::time::Instant::now();
    let response = browser.get(back).send().await.expect("callback");
    let callback_took = started.elapsed();
    let status = response.status().as_u16();
    let cookie_bytes = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("fed_session="))
        .map_or(0, str::len);
    let session_cookie = cookie_bytes > 0;
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
        (303, true, true, [record]) if record["decision"] == "signed_in" => None,
        // A refusal: 400 (502 when the provider is at fault) without a session cookie, and one
        // audit record.
        (400 | 502, false, false, [record]) if record["decision"] == "denied" => {
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
        records,
        cookie_bytes,
        callback_took,
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

/// A person in 300 groups signs in in one pass: the session keeps only the groups the
/// entitlements name, so its cookie stays far under the 4 KB browsers keep.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_in_300_groups_signs_in_in_one_pass() {
    let (stack, _, entitlements) = stack_with_reader().await;
    let run = sign_in(&stack, &entitlements, "many_groups").await;
    assert_eq!(run.refusal, None);
    assert!(
        (1..2000).contains(&run.cookie_bytes),
        "{} bytes",
        run.cookie_bytes
    );
    assert_eq!(run.records[0]["groups"], serde_json::json!(["engineering"]));
}

/// A provider that takes the token request and never answers: the sign-in is refused as
/// `provider_unavailable` (502) once the broker's timeout for the provider passes, not left
/// hanging and not mistaken for a refused code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_hangs_is_unavailable_in_time() {
    let (stack, _, entitlements) = stack_with_reader().await;
    let run = sign_in(&stack, &entitlements, "hang_token").await;
    assert_eq!(run.refusal.as_deref(), Some("provider_unavailable"));
    assert!(
        run.callback_took >= fed_broker::PROVIDER_TIMEOUT
            && run.callback_took < fed_broker::PROVIDER_TIMEOUT + Duration::from_secs(5),
        "{:?}",
        run.callback_took
    );
}
