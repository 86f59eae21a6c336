//! The broker end to end, as a person uses it: the real `fed-broker serve`, a real OpenID
//! provider (oidc-provider), and the strict local AWS (STS and the federation endpoint
//! emulator). Sign in at the provider, see exactly the entitled roles, open the console as
//! `assumed-role/<role>/<user>` with SourceIdentity set, with an audit record; refusals for a
//! role not entitled and a missing CSRF token.

mod support;

use std::time::Duration;

use fed_local::{LocalStack, Service};
use serde_json::json;
use support::broker::{
    BrokerProcess, address_and_provider, free_port, hidden, land, read_only, role,
    stack_with_reader,
};
use support::{OpenIdProvider, browser, follow_to};
use url::Url;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_see_the_entitled_roles_and_open_the_console() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let finance = role(&stack, "finance").await;
    let admin = role(&stack, "admin").await;
    let entitlements = format!(
        "[[role]]\nname = \"Read-only\"\narn = \"{reader}\"\ngroups = [\"engineering\"]\nmax_session = \"2h\"\nservices = [\"s3\", \"ec2\"]\nregions = [\"eu-west-1\"]\n\
         [[role]]\nname = \"Finance\"\narn = \"{finance}\"\ngroups = [\"finance\"]\n\
         [[role]]\nname = \"Admin\"\narn = \"{admin}\"\nusers = [\"bob@example.com\"]\n"
    );
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;

    // Sign in: the broker sends the browser to the provider and back.
    let browser = browser();
    let (back, _) = follow_to(&browser, &broker.url, "alice", &callback).await;
    let response = browser.get(back).send().await.expect("callback");
    assert_eq!(response.status(), 303);
    let page = browser
        .get(broker.url.clone())
        .send()
        .await
        .expect("the role page")
        .text()
        .await
        .expect("a page");
    assert!(page.contains("alice@example.com"), "{page}");
    assert!(
        page.contains("Read-only") && page.contains(&reader),
        "{page}"
    );
    assert!(
        !page.contains("Finance") && !page.contains(&finance),
        "only entitled roles: {page}"
    );
    assert!(!page.contains(&admin), "only entitled roles: {page}");
    let csrf = hidden(&page, "csrf");

    // Open the console: a POST with the CSRF token, answered with the sign-in URL.
    stack.log().clear();
    let response = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("role", reader.as_str()),
            ("service", "s3"),
            ("region", "eu-west-1"),
        ])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303);
    let timing = response.headers()["server-timing"].to_str().expect("text");
    let times: Vec<f64> = timing
        .split(", ")
        .zip(["upstream;dur=", "total;dur="])
        .filter_map(|(metric, name)| metric.strip_prefix(name)?.parse().ok())
        .collect();
    assert!(
        matches!(times[..], [upstream, total] if upstream > 0.0 && total >= upstream),
        "the time AWS took and the whole request's: {timing}"
    );
    let (signin, landed) = land(response).await;
    assert!(
        landed.contains("assumed-role/reader/alice@example.com"),
        "the console page shows the person's session: {landed}"
    );
    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert_eq!(
        assumed[0].param("SourceIdentity"),
        Some("alice@example.com")
    );
    assert_eq!(
        assumed[0].param("RoleSessionName"),
        Some("alice@example.com")
    );
    assert_eq!(assumed[0].param("DurationSeconds"), Some("7200"));

    // Refusals: a role not entitled, and no CSRF token.
    let not_entitled = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf.as_str()), ("role", finance.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(not_entitled.status(), 403);
    let no_csrf = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(no_csrf.status(), 403);
    assert_eq!(
        stack.log().calls(Service::Sts, "AssumeRole").len(),
        1,
        "no more sessions"
    );

    let metrics = reqwest::get(broker.url.join("metrics").expect("a URL"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for line in [
        "fed_broker_sessions_issued_total 1",
        "fed_broker_requests_denied_total{reason=\"csrf\"} 1",
        "fed_broker_requests_denied_total{reason=\"not_entitled\"} 1",
        "fed_broker_upstream_seconds_count 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in:\n{metrics}");
    }

    let (audit, logs) = broker.stop().await;
    let records: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let decisions: Vec<(&str, Option<&str>)> = records
        .iter()
        .map(|r| (r["decision"].as_str().unwrap_or(""), r["reason"].as_str()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("signed_in", None),
            ("issued", None),
            ("denied", Some("not_entitled")),
            ("denied", Some("csrf"))
        ]
    );
    assert_eq!(records[0]["decision"], "signed_in");
    let records = &records[1..];
    assert_eq!(records[0]["user"], "alice@example.com");
    // Only the groups the entitlements name (alice is also in on-call).
    assert_eq!(records[0]["groups"], json!(["engineering"]));
    assert_eq!(records[0]["role_arn"], reader.as_str());
    assert_eq!(records[0]["duration_seconds"], 7200);
    // No secret in the records or the logs.
    let token = Url::parse(&signin)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "SigninToken")
        .map(|(_, v)| v.into_owned())
        .expect("a token");
    for text in [&audit, &logs] {
        assert!(!text.contains(&token), "the sign-in token leaked");
        assert!(!text.contains("test-secret"), "the client secret leaked");
        assert!(
            !text.contains(stack.credentials().secret_access_key()),
            "credentials leaked"
        );
    }
    provider.stop().await;
}

/// Two replicas with the same keys and no shared store: the journey works with requests
/// alternating between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_replica_serves_any_request() {
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port_a, port_b) = (free_port(), free_port());
    let public = Url::parse(&format!("http://127.0.0.1:{port_a}")).expect("a URL");
    let callback = format!("{public}callback");
    let provider = OpenIdProvider::start(0, "key-1", &callback).await;
    let a = BrokerProcess::start(port_a, &public, &provider, &stack, &entitlements).await;
    let b = BrokerProcess::start(port_b, &public, &provider, &stack, &entitlements).await;

    let browser = browser();
    // B starts the sign-in; the provider sends the browser back to A.
    let (back, _) = follow_to(
        &browser,
        &b.url.join("login").expect("a URL"),
        "bob",
        &callback,
    )
    .await;
    assert_eq!(
        browser.get(back).send().await.expect("callback").status(),
        303
    );
    // B shows the roles; A issues the session.
    let page = browser
        .get(b.url.clone())
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains(&reader), "{page}");
    let csrf = hidden(&page, "csrf");
    let response = browser
        .post(a.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303);
    let (_, landed) = land(response).await;
    assert!(
        landed.contains("assumed-role/reader/bob@example.com"),
        "{landed}"
    );
    a.stop().await;
    b.stop().await;
    provider.stop().await;
}

/// Each refusal has its status and an audit record with its reason: a missing or tampered
/// cookie, a callback with a wrong state, the callback again once its login cookie is gone
/// (`refusals.rs` replays a code with its login cookie).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_have_their_status_and_audit_record() {
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;
    let console = broker.url.join("console").expect("a URL");

    // No session cookie.
    let stranger = browser();
    let response = stranger
        .post(console.clone())
        .form(&[("csrf", "x"), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 401);
    // A session cookie that was changed.
    let response = reqwest::Client::new()
        .post(console.clone())
        .header(
            "cookie",
            "fed_session=AAAAaGVsbG8gd29ybGQgdGhpcyBpcyBub3QgaXQ=",
        )
        .form(&[("csrf", "x"), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 401);
    // A callback whose state is not the one sent.
    let browser = browser();
    let (back, _) = follow_to(
        &browser,
        &broker.url.join("login").expect("a URL"),
        "alice",
        &callback,
    )
    .await;
    let mut forged = back.clone();
    let code: String = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    forged.set_query(Some(&format!("state=forged&code={code}")));
    assert_eq!(
        browser.get(forged).send().await.expect("callback").status(),
        400
    );
    // The real callback, then the same again: the login cookie is gone, and the code used.
    let (back, _) = follow_to(
        &browser,
        &broker.url.join("login").expect("a URL"),
        "alice",
        &callback,
    )
    .await;
    assert_eq!(
        browser
            .get(back.clone())
            .send()
            .await
            .expect("callback")
            .status(),
        303
    );
    assert_eq!(
        browser.get(back).send().await.expect("callback").status(),
        400
    );

    let (audit, _) = broker.stop().await;
    let reasons: Vec<String> = audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .filter(|r| r["decision"] != "signed_in")
        .map(|r| {
            assert_eq!(r["decision"], "denied");
            r["reason"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "missing_cookie",
            "tampered_cookie",
            "wrong_state",
            "missing_cookie"
        ]
    );
    provider.stop().await;
}

/// SIGHUP reloads the entitlements and the extra policies together: a role added to the file
/// is on the page at the next request, without a restart; a file with a mistake keeps the
/// previous ones, and a mistake in the policies keeps the previous entitlements too; a policy
/// added refuses the console at once, naming itself in the record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_entitlements_and_policies() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let writer = role(&stack, "writer").await;
    let first = read_only(&reader);
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &first).await;
    let browser = browser();
    let (back, _) = follow_to(&browser, &broker.url, "bob", &callback).await;
    assert_eq!(
        browser.get(back).send().await.expect("callback").status(),
        303
    );
    let page = || async {
        browser
            .get(broker.url.clone())
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("text")
    };
    assert!(!page().await.contains(&writer));

    let file = broker.dir.path().join("entitlements.toml");
    let hangup = || {
        let pid = broker.child.id().expect("running");
        let status = std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    };
    std::fs::write(&file, "[[role]]\nname = \"broken\"\n").expect("write");
    hangup();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        page().await.contains(&reader),
        "a broken file keeps the previous entitlements"
    );

    let second = format!(
        "{first}[[role]]\nname = \"Writer\"\narn = \"{writer}\"\nusers = [\"bob@example.com\"]\n"
    );
    std::fs::write(&file, &second).expect("write");
    hangup();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !page().await.contains(&writer) {
        assert!(
            std::time::Instant::now() < deadline,
            "the new role never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // New entitlements with policies that have a mistake: neither is taken.
    let policies = broker.dir.path().join("extra.cedar");
    let third = format!(
        "{first}[[role]]\nname = \"Writer\"\narn = \"{writer}\"\nusers = [\"bob@example.com\"]\n\
         [[role]]\nname = \"Third\"\narn = \"arn:aws:iam::123456789012:role/third\"\nusers = [\"bob@example.com\"]\n"
    );
    std::fs::write(&file, &third).expect("write");
    std::fs::write(
        &policies,
        format!("forbid (principal, action, resource == Role::\"{writer}\")\n"),
    )
    .expect("write");
    hangup();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !page().await.contains("role/third"),
        "policies with a mistake keep the previous entitlements too"
    );

    // Both right: both taken at once; the policy refuses the writer role.
    let no_writer = format!(
        "@id(\"no writer\")\nforbid (principal, action, resource == Role::\"{writer}\");\n"
    );
    std::fs::write(&policies, &no_writer).expect("write");
    hangup();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !page().await.contains("role/third") {
        assert!(
            std::time::Instant::now() < deadline,
            "the reload never happened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csrf = hidden(&page().await, "csrf");
    let refused = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf.as_str()), ("role", writer.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(refused.status(), 403);

    let (stdout, logs) = broker.stop().await;
    let refusal = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .find(|r| r["reason"] == "not_entitled")
        .unwrap_or_else(|| panic!("no refusal in {stdout}"));
    assert_eq!(refusal["policies"], json!(["no writer"]));
    assert_eq!(refusal["role_arn"], writer.as_str());
    assert!(
        logs.contains("entitlements and policies not reloaded"),
        "{logs}"
    );
    assert!(
        logs.contains("entitlements and policies reloaded"),
        "{logs}"
    );
    // The log names the digests of exactly what was loaded.
    let sha256 = |text: &str| -> String {
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(
            text.as_bytes(),
        ))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
    };
    assert!(
        logs.contains(&format!("\"sha256\":\"{}\"", sha256(&second))),
        "{logs}"
    );
    assert!(
        logs.contains(&format!(
            "\"sha256\":\"{}\",\"policies_sha256\":\"{}\"",
            sha256(&third),
            sha256(&no_writer)
        )),
        "{logs}"
    );
    provider.stop().await;
}

/// Rate limits: per user on sessions, and per client address as the trusted proxy's header
/// gives it; a refused request is 429 with an audit record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_per_user_and_per_client_address() {
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let limits = "[limits]\nper_user_per_minute = 2\nper_ip_per_minute = 5\ntrusted_proxy_header = \"X-Forwarded-For\"\n";
    let broker =
        BrokerProcess::start_with(port, &public, &provider, &stack, &entitlements, limits).await;
    let browser = browser();
    let (back, _) = follow_to(&browser, &broker.url, "bob", &callback).await;
    let response = browser
        .get(back)
        .header("X-Forwarded-For", "203.0.113.1")
        .send()
        .await
        .expect("callback");
    assert_eq!(response.status(), 303);
    let page = browser
        .get(broker.url.clone())
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    let csrf = hidden(&page, "csrf");
    let open = |ip: &'static str| {
        browser
            .post(broker.url.join("console").expect("a URL"))
            .header("X-Forwarded-For", ip)
            .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
            .send()
    };
    // Two sessions for bob, then his limit; from other addresses, so theirs is not the cause.
    assert_eq!(open("203.0.113.2").await.expect("console").status(), 303);
    // What the client wrote in front of the proxy's address is not believed.
    assert_eq!(
        open("192.0.2.66, 203.0.113.3")
            .await
            .expect("console")
            .status(),
        303
    );
    assert_eq!(open("203.0.113.4").await.expect("console").status(), 429);
    // One address: five requests, then its limit (before the user's is even looked at).
    for _ in 0..5 {
        assert_eq!(open("198.51.100.7").await.expect("console").status(), 429);
    }
    assert_eq!(open("198.51.100.7").await.expect("console").status(), 429);
    let (audit, _) = broker.stop().await;
    let reasons: Vec<String> = audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .map(|r| {
            r["reason"]
                .as_str()
                .or(r["decision"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    // Six refusals for bob's limit, of which three are recorded: a client being limited cannot
    // flood the audit (/metrics counts them all).
    assert_eq!(
        reasons,
        [
            "signed_in",
            "issued",
            "issued",
            "rate_limited_user",
            "rate_limited_user",
            "rate_limited_user",
            "rate_limited_ip",
        ]
    );
    let ips: Vec<String> = audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .map(|r| r["source_ip"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        ips[1], "203.0.113.2",
        "the address is the trusted proxy's header"
    );
    assert_eq!(
        ips[2], "203.0.113.3",
        "the address is the one the proxy appended"
    );
    provider.stop().await;
}

/// A form over 16 KiB (a huge `role`, as a flood of the audit would send) is refused with 413
/// before anything else: the same request with a small body gets the missing cookie's 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_form_is_refused_before_anything_else() {
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port, public, _, provider) = address_and_provider().await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;
    let console = broker.url.join("console").expect("a URL");
    let huge = "r".repeat(20 * 1024);
    for (role, status) in [(huge.as_str(), 413), (reader.as_str(), 401)] {
        let response = reqwest::Client::new()
            .post(console.clone())
            .form(&[("csrf", "x"), ("role", role)])
            .send()
            .await
            .expect("console");
        assert_eq!(response.status(), status, "a role of {} bytes", role.len());
    }
    let (audit, _) = broker.stop().await;
    assert!(
        audit.lines().all(|line| line.len() < 4096),
        "no record holds the huge role: {audit}"
    );
}

/// With `[server] metrics_listen`, `/metrics` is served there only: the public listener
/// answers 404 for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_be_served_on_a_listener_of_their_own() {
    let (stack, _, entitlements) = stack_with_reader().await;
    let (port, public, _callback, provider) = address_and_provider().await;
    let metrics_port = free_port();
    let broker = BrokerProcess::start_with(
        port,
        &public,
        &provider,
        &stack,
        &entitlements,
        &format!("[server]\nmetrics_listen = \"127.0.0.1:{metrics_port}\"\n"),
    )
    .await;
    let public_metrics = reqwest::get(broker.url.join("metrics").expect("a URL"))
        .await
        .expect("answers");
    assert_eq!(public_metrics.status(), 404);
    let metrics = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .expect("answers");
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.expect("text");
    assert!(
        text.contains("fed_broker_sessions_issued_total 0"),
        "{text}"
    );
    broker.stop().await;
    provider.stop().await;
}
