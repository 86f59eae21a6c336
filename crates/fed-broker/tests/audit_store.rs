//! The audit store end to end: the real `fed-broker` with a real PostgreSQL (Debian's
//! `pg_virtualenv`), the strict local AWS and a real OpenID provider. Every decision is a row
//! that matches its stdout record; a store that goes away means no session (503,
//! `audit_unavailable`) and not ready; a store that cannot be reached at start stops the
//! start; no secret is in a record, a row or a log line.

mod support;

use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use fed_local::{LocalStack, Service};
use serde_json::{Value, json};
use sqlx::Row;
use support::broker::{
    BrokerProcess, address_and_provider, free_port, records, role, signed_in, stack_with_reader,
};
use support::postgres::Postgres;
use url::Url;

const VARIABLE: &str = "FED_BROKER_DATABASE_URL";
const AUDIT: &str = "[audit]\ndatabase_url_env = \"FED_BROKER_DATABASE_URL\"\n";

/// The rows of the audit table, in order, as JSON objects.
async fn rows(database: &Postgres) -> Vec<Value> {
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&database.url)
        .await
        .expect("the test connects");
    sqlx::query("SELECT row_to_json(a)::text FROM fed_broker_audit a ORDER BY id")
        .fetch_all(&mut connection)
        .await
        .expect("the table")
        .iter()
        .map(|row| serde_json::from_str(row.get::<&str, _>(0)).expect("JSON"))
        .collect()
}

/// Seconds since the epoch of an RFC 3339 time.
fn seconds(time: &Value) -> f64 {
    let text = time.as_str().expect("a time");
    let time = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    time.unix_timestamp_nanos() as f64 / 1e9
}

/// A row holds exactly what its stdout record holds.
#[track_caller]
fn assert_same(row: &Value, record: &Value) {
    for (column, field) in [
        ("request_id", "request_id"),
        ("decision", "decision"),
        ("reason", "reason"),
        ("user_name", "user"),
        ("groups", "groups"),
        ("role_arn", "role_arn"),
        ("duration_seconds", "duration_seconds"),
        ("source_ip", "source_ip"),
        ("iss", "iss"),
        ("sub", "sub"),
        ("session_id", "session_id"),
        ("service", "service"),
        ("region", "region"),
        ("source_identity", "source_identity"),
        ("suppressed", "suppressed"),
        ("policies", "policies"),
    ] {
        let expected = record.get(field).cloned().unwrap_or(Value::Null);
        assert_eq!(row[column], expected, "{column} of {row} and {record}");
    }
    assert!(
        (seconds(&row["time"]) - seconds(&record["time"])).abs() < 0.001,
        "time of {row} and {record}"
    );
}

async fn status(url: Url) -> u16 {
    reqwest::get(url).await.expect("answers").status().as_u16()
}

/// `fed-broker check` with the database URL in the environment: its exit code, stdout and
/// stderr.
fn check(config: &str, url: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broker.toml"), config).expect("config");
    std::fs::write(
        dir.path().join("entitlements.toml"),
        "[[role]]\nname = \"Read-only\"\narn = \"arn:aws:iam::123456789012:role/ReadOnly\"\ngroups = [\"engineering\"]\n",
    )
    .expect("entitlements");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"))
        .args(["check", "--config"])
        .arg(dir.path().join("broker.toml"))
        .env_clear()
        .env(VARIABLE, url)
        .output()
        .expect("fed-broker runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A configuration that names the audit store; nothing else in it is reached before the store.
fn config(port: u16) -> String {
    format!(
        "listen = \"127.0.0.1:{port}\"\npublic_url = \"http://127.0.0.1:{port}\"\nentitlements = \"entitlements.toml\"\n\
         [oidc]\nissuer = \"http://127.0.0.1:9\"\nclient_id = \"fed-broker\"\nclient_secret_env = \"FED_BROKER_CLIENT_SECRET\"\ngroups_claim = \"groups\"\n\
         [session]\nkeys_env = \"FED_BROKER_COOKIE_KEYS\"\n{AUDIT}"
    )
}

/// Every decision is a row that matches its stdout record: an issued session, a role not
/// entitled and a missing CSRF token; `check` says the store answers, and names the variable
/// (never the password) when it does not let the broker in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_decision_is_a_row_like_its_record() {
    let database = Postgres::start().await;
    let (code, out, err) = check(&config(free_port()), &database.url);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("audit records also go to PostgreSQL (FED_BROKER_DATABASE_URL), which answers and its table will be created at start"),
        "{out}"
    );
    let wrong = database.url.replace(&database.password, "not-the-password");
    let (code, out, err) = check(&config(free_port()), &wrong);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.starts_with("error: the audit store in FED_BROKER_DATABASE_URL: cannot connect: ")
            && err.contains("password authentication failed")
            && err.lines().count() == 1,
        "{err}"
    );
    assert!(!err.contains("not-the-password"), "{err}");

    let stack = LocalStack::start().await.expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let finance = role(&stack, "finance").await;
    let entitlements = format!(
        "[[role]]\nname = \"Read-only\"\narn = \"{reader}\"\ngroups = [\"engineering\"]\nmax_session = \"2h\"\n\
         [[role]]\nname = \"Finance\"\narn = \"{finance}\"\ngroups = [\"finance\"]\n"
    );
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start_with_env(
        port,
        &public,
        &provider,
        &stack,
        &entitlements,
        AUDIT,
        &[(VARIABLE, &database.url)],
    )
    .await;
    assert_eq!(status(broker.url.join("readyz").expect("a URL")).await, 200);

    let (browser, csrf) = signed_in(&broker, &callback, "alice").await;
    let console = broker.url.join("console").expect("a URL");
    let response = browser
        .post(console.clone())
        .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303);
    let signin = response.headers()["location"]
        .to_str()
        .expect("a URL")
        .to_owned();
    let not_entitled = browser
        .post(console.clone())
        .form(&[("csrf", csrf.as_str()), ("role", finance.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(not_entitled.status(), 403);
    let no_csrf = browser
        .post(console.clone())
        .form(&[("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(no_csrf.status(), 403);

    let rows = rows(&database).await;
    let (stdout, logs) = broker.stop().await;
    let records = records(&stdout);
    let decisions: Vec<(&str, Option<&str>)> = rows
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
    assert_eq!(rows.len(), records.len(), "{stdout}");
    for (row, record) in rows.iter().zip(&records) {
        assert_same(row, record);
    }
    // The sign-in: who, as the provider says it, with the groups the entitlements name.
    assert_eq!(rows[0]["user_name"], "alice@example.com");
    assert_eq!(rows[0]["sub"], "alice");
    assert_eq!(
        rows[0]["iss"],
        provider.issuer.as_str().trim_end_matches('/')
    );
    assert_eq!(rows[0]["groups"], json!(["engineering"]));
    assert_eq!(rows[0]["session_id"], rows[1]["session_id"]);
    assert_eq!(rows[1]["user_name"], "alice@example.com");
    assert_eq!(rows[1]["groups"], json!(["engineering"]));
    assert_eq!(rows[1]["role_arn"], reader.as_str());
    assert_eq!(rows[1]["source_identity"], "alice@example.com");
    assert_eq!(rows[1]["duration_seconds"], 7200);
    assert_eq!(rows[1]["source_ip"], "127.0.0.1");
    // The Cedar policy that allowed it; none permits the role refused.
    assert_eq!(rows[1]["policies"], json!(["role[0] use"]));
    assert_eq!(rows[2]["policies"], Value::Null);

    // No secret in the records, the rows or the logs.
    let token = Url::parse(&signin)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "SigninToken")
        .map(|(_, v)| v.into_owned())
        .expect("a token");
    let table = serde_json::to_string(&rows).expect("JSON");
    for text in [&stdout, &logs, &table] {
        assert!(!text.contains(&token), "the sign-in token leaked");
        assert!(
            !text.contains(&database.password),
            "the database password leaked"
        );
        assert!(!text.contains("test-secret"), "the client secret leaked");
        assert!(
            !text.contains(stack.credentials().secret_access_key()),
            "credentials leaked"
        );
    }
    provider.stop().await;
    database.stop().await;
}

/// The store goes away while the broker runs. Fail closed twice over: a signed-in person's
/// console request is refused before anything is asked of AWS (503 `revocation_unavailable`:
/// nobody can tell whether the session was revoked), and a new sign-in gets no session cookie
/// (503 `audit_unavailable`: its record cannot be stored). Both refusals are on stdout, the
/// failures are logged and counted, and the broker is not ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_goes_away_means_no_session() {
    let database = Postgres::start().await;
    let password = database.password.clone();
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start_with_env(
        port,
        &public,
        &provider,
        &stack,
        &entitlements,
        AUDIT,
        &[(VARIABLE, &database.url)],
    )
    .await;
    let (browser, csrf) = signed_in(&broker, &callback, "alice").await;
    let readyz = broker.url.join("readyz").expect("a URL");
    assert_eq!(status(readyz.clone()).await, 200);

    database.stop().await;
    stack.log().clear();
    let console = broker.url.join("console").expect("a URL");
    let started = std::time::Instant::now();
    let response = browser
        .post(console.clone())
        .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a dead store fails fast"
    );
    assert!(response.headers().get("location").is_none());
    let page = response.text().await.expect("a page");
    assert!(page.contains("revocation_unavailable"), "{page}");
    assert!(stack.log().calls(Service::Sts, "AssumeRole").is_empty());

    // A new sign-in: the provider says who it is, and the broker cannot record it.
    let bob = support::browser();
    let (back, _) = support::follow_to(
        &bob,
        &broker.url.join("login").expect("a URL"),
        "bob",
        &callback,
    )
    .await;
    let response = bob.get(back).send().await.expect("callback");
    assert_eq!(response.status(), 503);
    assert!(
        !response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.starts_with("fed_session="))),
        "no session without its record"
    );
    let page = response.text().await.expect("a page");
    assert!(page.contains("audit_unavailable"), "{page}");
    assert_eq!(status(readyz.clone()).await, 503);
    let metrics = reqwest::get(broker.url.join("metrics").expect("a URL"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for line in [
        "fed_broker_sessions_issued_total 0",
        "fed_broker_sign_ins_total 1",
        "fed_broker_requests_denied_total{reason=\"audit_unavailable\"} 1",
        "fed_broker_requests_denied_total{reason=\"revocation_unavailable\"} 1",
        // The console refusal's record, then bob's sign-in.
        "fed_broker_audit_store_failures_total 2",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in:\n{metrics}");
    }

    let (stdout, logs) = broker.stop().await;
    let records = records(&stdout);
    let decisions: Vec<(&str, Option<&str>)> = records
        .iter()
        .map(|r| (r["decision"].as_str().unwrap_or(""), r["reason"].as_str()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("signed_in", None),
            ("denied", Some("revocation_unavailable")),
            ("denied", Some("audit_unavailable"))
        ]
    );
    // Whose session it was cannot be trusted until the store answers.
    assert!(records[1].get("user").is_none(), "{stdout}");
    assert_eq!(records[1]["role_arn"], reader.as_str());
    assert_eq!(records[2]["user"], "bob@example.com");
    assert!(
        logs.contains("the decision could not be recorded; nothing is granted"),
        "{logs}"
    );
    assert!(logs.contains("audit record not written"), "{logs}");
    for text in [&stdout, &logs] {
        assert!(
            !text.contains("SigninToken"),
            "a sign-in URL leaked: {text}"
        );
        assert!(!text.contains(&password), "the database password leaked");
        assert!(
            !text.contains(stack.credentials().secret_access_key()),
            "credentials leaked"
        );
    }
    provider.stop().await;
}

/// A configured store that cannot be reached, or a variable that is unset or not a
/// PostgreSQL URL, stops the start with one `error:` line naming the variable, never the URL's
/// password; `check` says the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_be_reached_stops_the_start() {
    let unreachable = format!(
        "postgres://fed:never-this-pw@127.0.0.1:{}/audit",
        free_port()
    );
    for (url, expected) in [
        (
            Some(unreachable.as_str()),
            "error: the audit store in FED_BROKER_DATABASE_URL: cannot connect: ",
        ),
        (
            Some("mysql://fed:never-this-pw@127.0.0.1/audit"),
            "error: FED_BROKER_DATABASE_URL: is not a PostgreSQL URL",
        ),
        (None, "error: FED_BROKER_DATABASE_URL is not set"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        std::fs::write(dir.path().join("broker.toml"), config(port)).expect("config");
        std::fs::write(
            dir.path().join("entitlements.toml"),
            "[[role]]\nname = \"Read-only\"\narn = \"arn:aws:iam::123456789012:role/ReadOnly\"\ngroups = [\"engineering\"]\n",
        )
        .expect("entitlements");
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"));
        command
            .args(["serve", "--config"])
            .arg(dir.path().join("broker.toml"))
            .env_clear()
            .env("FED_BROKER_CLIENT_SECRET", "test-secret")
            .env(
                "FED_BROKER_COOKIE_KEYS",
                base64::engine::general_purpose::STANDARD.encode([7u8; 64]),
            )
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if let Some(url) = url {
            command.env(VARIABLE, url);
        }
        let out = tokio::time::timeout(Duration::from_secs(30), command.output())
            .await
            .expect("the broker stops by itself")
            .expect("fed-broker runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(out.stdout.is_empty(), "no record");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with(expected), "{expected} in: {stderr}");
        assert!(!stderr.contains("never-this-pw"), "{stderr}");
        assert!(
            reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
                .await
                .is_err(),
            "nothing listens"
        );

        // An empty variable is an unset one.
        let (code, out, err) = check(&config(port), url.unwrap_or(""));
        assert_eq!(code, Some(2), "{out}{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(expected), "{expected} in: {err}");
        assert!(!err.contains("never-this-pw"), "{err}");
    }
}

/// A signed-in browser's session cookie, as a header another client can send, and the CSRF
/// token on its role page.
async fn copied_session(broker: &BrokerProcess, callback: &str, user: &str) -> (String, String) {
    let browser = support::browser();
    let (back, _) = support::follow_to(
        &browser,
        &broker.url.join("login").expect("a URL"),
        user,
        callback,
    )
    .await;
    let response = browser.get(back).send().await.expect("callback");
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("fed_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let page = browser
        .get(broker.url.clone())
        .send()
        .await
        .expect("the role page")
        .text()
        .await
        .expect("a page");
    (cookie, support::broker::hidden(&page, "csrf"))
}

/// What `cookie` gets at `broker`: the role page's status, and a console request's.
async fn uses(broker: &BrokerProcess, cookie: &str, csrf: &str, role: &str) -> (u16, u16) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let page = client
        .get(broker.url.clone())
        .header("cookie", cookie)
        .send()
        .await
        .expect("the role page")
        .status()
        .as_u16();
    let console = client
        .post(broker.url.join("console").expect("a URL"))
        .header("cookie", cookie)
        .form(&[("csrf", csrf), ("role", role)])
        .send()
        .await
        .expect("console")
        .status()
        .as_u16();
    (page, console)
}

/// Sign-out and revocation reach every replica: a cookie copied before its person signed out
/// at one replica is refused at the other (`session_revoked`), and `fed-broker revoke --user`
/// ends every session of that user, and only theirs, on both; each is audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_and_revocation_reach_every_replica() {
    let database = Postgres::start().await;
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let env = [(VARIABLE, database.url.as_str())];
    let a =
        BrokerProcess::start_with_env(port, &public, &provider, &stack, &entitlements, AUDIT, &env)
            .await;
    let b = BrokerProcess::start_with_env(
        free_port(),
        &public,
        &provider,
        &stack,
        &entitlements,
        AUDIT,
        &env,
    )
    .await;

    // Alice signs in at A; a copy of her cookie works at B.
    let (copied, csrf) = copied_session(&a, &callback, "alice").await;
    assert_eq!(uses(&b, &copied, &csrf, &reader).await, (200, 303));
    // She signs out at A, with her CSRF token: the copy is refused at B too.
    let client = reqwest::Client::new();
    let signed_out = client
        .post(a.url.join("logout").expect("a URL"))
        .header("cookie", &copied)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(signed_out.status(), 200);
    assert_eq!(uses(&b, &copied, &csrf, &reader).await, (303, 401));
    assert_eq!(uses(&a, &copied, &csrf, &reader).await, (303, 401));

    // Alice signs in again, and so does bob; the operator revokes alice.
    let (again, again_csrf) = copied_session(&b, &callback, "alice").await;
    let (bob, bob_csrf) = copied_session(&a, &callback, "bob").await;
    assert_eq!(uses(&a, &again, &again_csrf, &reader).await, (200, 303));
    let revoke = std::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"))
        .args(["revoke", "--config"])
        .arg(a.config())
        .args(["--user", "alice@example.com"])
        .env_clear()
        .env(VARIABLE, &database.url)
        .output()
        .expect("fed-broker runs");
    let out = String::from_utf8_lossy(&revoke.stdout).into_owned();
    let err = String::from_utf8_lossy(&revoke.stderr).into_owned();
    assert_eq!(revoke.status.code(), Some(0), "{out}{err}");
    let record: Value = serde_json::from_str(out.trim()).expect("the audit record");
    assert_eq!(record["decision"], "revoked");
    assert_eq!(record["user"], "alice@example.com");
    assert!(err.contains("alice@example.com"), "{err}");
    for replica in [&a, &b] {
        assert_eq!(
            uses(replica, &again, &again_csrf, &reader).await,
            (303, 401)
        );
        assert_eq!(uses(replica, &bob, &bob_csrf, &reader).await.0, 200);
    }
    // A sign-in after the revocation is a new session, which works.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (after, after_csrf) = copied_session(&a, &callback, "alice").await;
    assert_eq!(uses(&b, &after, &after_csrf, &reader).await, (200, 303));

    let rows = rows(&database).await;
    let decisions: Vec<&str> = rows
        .iter()
        .map(|r| r["decision"].as_str().unwrap_or_default())
        .collect();
    assert!(decisions.contains(&"signed_out"), "{decisions:?}");
    assert!(decisions.contains(&"revoked"), "{decisions:?}");
    let revoked = rows
        .iter()
        .filter(|r| r["reason"] == "session_revoked")
        .count();
    assert_eq!(revoked, 4, "{decisions:?}");

    // Without the store, revoking is refused with what to set.
    let (code, _, err) = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"))
            .args(["revoke", "--config"])
            .arg(a.config())
            .args(["--user", "alice@example.com"])
            .env_clear()
            .output()
            .expect("fed-broker runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("error: FED_BROKER_DATABASE_URL is not set") && err.lines().count() == 1,
        "{err}"
    );
    a.stop().await;
    b.stop().await;
    provider.stop().await;
    database.stop().await;
}

/// Audit records that stdout cannot take (a full disk) grant nothing: the sign-in is refused
/// with 503 `audit_unavailable` and no session cookie, which the logs and /metrics say.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_stdout_means_no_session() {
    let (stack, _, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let broker = BrokerProcess::start_writing_to(
        port,
        &public,
        &provider,
        &stack,
        &entitlements,
        ("", ""),
        &[],
        Stdio::from(full),
    )
    .await;
    let browser = support::browser();
    let (back, _) = support::follow_to(
        &browser,
        &broker.url.join("login").expect("a URL"),
        "alice",
        &callback,
    )
    .await;
    let response = browser.get(back).send().await.expect("callback");
    assert_eq!(response.status(), 503);
    assert!(
        !response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.starts_with("fed_session="))),
        "no session without its record"
    );
    assert!(
        response
            .text()
            .await
            .expect("a page")
            .contains("audit_unavailable")
    );
    let metrics = reqwest::get(broker.url.join("metrics").expect("a URL"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for line in [
        "fed_broker_sign_ins_total 0",
        "fed_broker_audit_stdout_failures_total 1",
        "fed_broker_requests_denied_total{reason=\"audit_unavailable\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in:\n{metrics}");
    }
    let (_, logs) = broker.stop().await;
    assert!(
        logs.contains("the decision could not be recorded; nothing is granted"),
        "{logs}"
    );
    provider.stop().await;
}
