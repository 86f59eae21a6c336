//! Just-in-time access end to end, with the real binary on two replicas sharing PostgreSQL, the
//! real OpenID provider, the strict local stack and a webhook receiver that checks signatures:
//! bob requests a role with a justification, alice (an approver) approves on the other replica,
//! bob opens the console under the grant, alice ends it and bob is refused, and the console he
//! had open says access is denied (the deny policy the broker put on the role, which it removes
//! once its time has come); nobody approves
//! their own request, a non-approver's forged approval is refused, a grant expires on time and
//! its activation and expiry are recorded once across the replicas, and break-glass is usable at
//! once, recorded and notified.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use fed_local::Service;
use serde_json::Value;
use support::Browser;
use support::broker::{
    BrokerProcess, address_and_provider, free_port, land_at, records, role, signed_in,
};
use support::postgres::Postgres;

const SECRET: &str = "webhook-signing-secret";

/// The notifications a receiver took: the body of each, whose signature it checked.
type Taken = Arc<Mutex<Vec<Value>>>;

/// A webhook receiver on loopback that takes only correctly signed notifications.
async fn receiver() -> (String, Taken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
    let taken: Taken = Arc::default();
    let keep = Arc::clone(&taken);
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let keep = Arc::clone(&keep);
            async move {
                let signature = headers
                    .get(fed_broker::SIGNATURE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if signature != format!("sha256={}", fed_broker::sign(SECRET.as_bytes(), &body)) {
                    return StatusCode::UNAUTHORIZED;
                }
                let value: Value = serde_json::from_slice(&body).expect("JSON");
                keep.lock().expect("the list").push(value);
                StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, taken)
}

fn events(taken: &Taken) -> Vec<String> {
    taken
        .lock()
        .expect("the list")
        .iter()
        .map(|v| v["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// POSTs `form` to `path` at `broker` as `browser`; the answer's status and its `Location` or
/// page.
async fn post(
    browser: &Browser,
    broker: &BrokerProcess,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = browser
        .post(broker.url.join(path).expect("a URL"))
        .form(form)
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let text = match response.headers().get("location") {
        Some(location) => location.to_str().expect("text").to_owned(),
        None => response.text().await.expect("a page"),
    };
    (status, text)
}

async fn page(browser: &Browser, broker: &BrokerProcess, path: &str) -> String {
    browser
        .get(broker.url.join(path).expect("a URL"))
        .send()
        .await
        .expect("a page")
        .text()
        .await
        .expect("text")
}

/// Opens the console of `role` at `broker` as `browser` (POST /console, then the sign-in URL
/// it answers with): the console page it lands on, and that page.
async fn open_console(
    browser: &Browser,
    broker: &BrokerProcess,
    csrf: &str,
    role: &str,
) -> (reqwest::Url, String) {
    let response = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf), ("role", role)])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303);
    let (_, console, landed) = land_at(response).await;
    (console, landed)
}

/// The status and page of the emulator's console page `console`.
async fn console_status(console: &reqwest::Url) -> (u16, String) {
    let response = reqwest::get(console.clone())
        .await
        .expect("the console page answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a page"))
}

/// Waits, up to 10 s, for the console page to say access is denied; the page. Else fails with
/// the revocations the store at `database` holds.
async fn until_console_denied(console: &reqwest::Url, database: &str) -> String {
    for _ in 0..40 {
        let (status, page) = console_status(console).await;
        if status == 403 {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(database)
        .await
        .expect("PostgreSQL");
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT row_to_json(r)::text FROM fed_broker_revocations r")
            .fetch_all(&mut connection)
            .await
            .expect("the revocations");
    panic!("the console page of {console} is still open 10 s after the grant ended: {rows:#?}")
}

/// The id of the first grant row of `page`.
fn grant_id(page: &str) -> String {
    let start = page.find("id=\"grant-").expect("a grant") + "id=\"grant-".len();
    page[start..].split('"').next().expect("an id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_approve_use_end_expire_and_break_glass() {
    let database = Postgres::start().await;
    let stack = fed_local::LocalStack::start()
        .await
        .expect("the local stack starts");
    let admin = role(&stack, "admin").await;
    let emergency = role(&stack, "emergency").await;
    let entitlements = format!(
        "[[role]]\nname = \"Production admin\"\narn = \"{admin}\"\ngroups = [\"engineering\"]\n\
         access = \"request\"\napprovers = [\"on-call\"]\nmax_grant = \"2h\"\njustification = true\n\
         [[role]]\nname = \"Emergency\"\narn = \"{emergency}\"\ngroups = [\"engineering\"]\nbreak_glass = true\n"
    );
    let (hook, taken) = receiver().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let extra = "[audit]\ndatabase_url_env = \"FED_BROKER_DATABASE_URL\"\n\
                 [notify]\nwebhook_url_env = \"FED_BROKER_WEBHOOK_URL\"\nsecret_env = \"FED_BROKER_WEBHOOK_SECRET\"\n\
                 [grants]\nmin_grant = \"1s\"\n";
    let env = [
        ("FED_BROKER_DATABASE_URL", database.url.as_str()),
        ("FED_BROKER_WEBHOOK_URL", hook.as_str()),
        ("FED_BROKER_WEBHOOK_SECRET", SECRET),
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
    // The pages people use, as served, checked for accessibility at the end.
    let mut seen: Vec<(&str, String)> = Vec::new();
    let (bob, bob_csrf) = signed_in(&a, &callback, "bob").await;
    let (alice, alice_csrf) = signed_in(&a, &callback, "alice").await;
    let (carol, carol_csrf) = signed_in(&a, &callback, "carol").await;

    // Bob's role page offers the role on request, and the request form.
    let roles = page(&bob, &a, "/").await;
    assert!(roles.contains("Request access"), "{roles}");
    seen.push(("roles", roles.clone()));
    let form = page(&bob, &a, &format!("/request?role={admin}")).await;
    seen.push(("request", form.clone()));
    assert!(
        form.contains("name=\"justification\"") && form.contains(" required"),
        "{form}"
    );
    // Without a grant, no console.
    let (status, _) = post(
        &bob,
        &a,
        "/console",
        &[("csrf", &bob_csrf), ("role", &admin)],
    )
    .await;
    assert_eq!(status, 403);
    // A justification is required; a length over max_grant is refused.
    let ask = |duration: &'static str, why: &'static str| {
        let bob = &bob;
        let a = &a;
        let csrf = bob_csrf.clone();
        let admin = admin.clone();
        async move {
            post(
                bob,
                a,
                "/request",
                &[
                    ("csrf", &csrf),
                    ("role", &admin),
                    ("duration", duration),
                    ("justification", why),
                ],
            )
            .await
        }
    };
    let (status, refused) = ask("1h", "").await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused.contains("justification_required"), "{refused}");
    seen.push(("refused", refused.clone()));
    let (status, _) = ask("3h", "INC-42").await;
    assert_eq!(status, 400);
    let (status, location) = ask("1h", "deploy the fix for INC-42").await;
    assert_eq!((status, location.as_str()), (303, "/requests"));
    let mine = page(&bob, &a, "/requests").await;
    assert!(
        mine.contains("pending") && mine.contains("INC-42"),
        "{mine}"
    );
    seen.push(("requests", mine.clone()));
    let id = grant_id(&mine);

    // Carol is no approver: her forged approval is refused.
    let (status, _) = post(
        &carol,
        &b,
        "/approvals",
        &[
            ("csrf", &carol_csrf),
            ("grant", &id),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    // Alice approves on the other replica.
    let approvals = page(&alice, &b, "/approvals").await;
    assert!(
        approvals.contains("bob@example.com") && approvals.contains("value=\"approve\""),
        "{approvals}"
    );
    seen.push(("approvals", approvals.clone()));
    let (status, _) = post(
        &alice,
        &b,
        "/approvals",
        &[
            ("csrf", &alice_csrf),
            ("grant", &id),
            ("decision", "approve"),
            ("comment", "go ahead"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    // Bob opens the console under the grant, as himself.
    stack.log().clear();
    // The console page his sign-in landed on stands for the console's calls.
    let (console, landed) = open_console(&bob, &a, &bob_csrf, &admin).await;
    assert!(
        landed.contains("assumed-role/admin/bob@example.com"),
        "{landed}"
    );
    assert_eq!(console_status(&console).await.0, 200);
    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    let asked: u64 = assumed[0]
        .param("DurationSeconds")
        .and_then(|d| d.parse().ok())
        .expect("a duration");
    assert!(asked <= 3600, "no longer than the grant has left: {asked}");
    assert_eq!(assumed[0].param("SourceIdentity"), Some("bob@example.com"));
    let roles = page(&bob, &a, "/").await;
    assert!(roles.contains("Granted until"), "{roles}");
    seen.push(("roles-granted", roles.clone()));
    let stylesheet = page(&bob, &a, "/style.css").await;
    // The role he used comes first.
    let recent = roles
        .split("<section id=\"recent\">")
        .nth(1)
        .expect("recently used roles");
    assert!(
        recent
            .split("</section>")
            .next()
            .unwrap_or_default()
            .contains("Production admin"),
        "{roles}"
    );

    // Alice asks for the role herself and cannot approve her own request.
    let (status, _) = post(
        &alice,
        &a,
        "/request",
        &[
            ("csrf", &alice_csrf),
            ("role", &admin),
            ("duration", "1h"),
            ("justification", "audit"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let own = grant_id(&page(&alice, &a, "/requests").await);
    let approvals = page(&alice, &a, "/approvals").await;
    assert!(approvals.contains("Your own request"), "{approvals}");
    let (status, refused) = post(
        &alice,
        &a,
        "/approvals",
        &[
            ("csrf", &alice_csrf),
            ("grant", &own),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert!(refused.contains("self_approval"), "{refused}");

    // Alice ends bob's grant: his next console session is refused, and the console he has
    // open says access is denied, as the deny policy on the role reaches it.
    let (status, _) = post(
        &alice,
        &b,
        "/grants/end",
        &[("csrf", &alice_csrf), ("grant", &id)],
    )
    .await;
    assert_eq!(status, 303);
    let denied = until_console_denied(&console, &database.url).await;
    assert!(denied.contains("Access denied"), "{denied}");
    let policy = format!("fed-broker-revoke-{id}");
    assert!(denied.contains(&policy), "{denied}");
    let iam = fed_aws::IamClient::new(&stack.sdk_config().await);
    let admin_role = fed_core::RoleName::new("admin").expect("a role name");
    assert_eq!(
        fed_aws::Iam::inline_policies(&iam, &admin_role)
            .await
            .expect("ListRolePolicies"),
        [policy.as_str()]
    );
    let (status, _) = post(
        &bob,
        &a,
        "/console",
        &[("csrf", &bob_csrf), ("role", &admin)],
    )
    .await;
    assert_eq!(status, 403);

    // An operator revokes another grant of bob's: the console he opened under it is denied too.
    // (A session issued in the same second as the first grant's end would be denied by its
    // policy: the revocation's time is rounded up, as session issue times are whole seconds.)
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _) = ask("1h", "INC-43").await;
    assert_eq!(status, 303);
    let second = grant_id(&page(&bob, &a, "/requests").await);
    let (status, _) = post(
        &alice,
        &b,
        "/approvals",
        &[
            ("csrf", &alice_csrf),
            ("grant", &second),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (reopened, _) = open_console(&bob, &a, &bob_csrf, &admin).await;
    assert_eq!(console_status(&reopened).await.0, 200);
    let revoke = std::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"))
        .args(["revoke", "--config"])
        .arg(a.config())
        .args(["--grant", &second])
        .env_clear()
        .env("FED_BROKER_DATABASE_URL", &database.url)
        .output()
        .expect("fed-broker runs");
    let said = String::from_utf8_lossy(&revoke.stderr).into_owned();
    assert_eq!(revoke.status.code(), Some(0), "{said}");
    assert!(said.contains("console sessions"), "{said}");
    let denied = until_console_denied(&reopened, &database.url).await;
    assert!(
        denied.contains(&format!("fed-broker-revoke-{second}")),
        "{denied}"
    );

    // A grant of two seconds: active, then expired, each recorded once by the two replicas.
    let (status, _) = ask("2s", "a quick look").await;
    assert_eq!(status, 303);
    let short = grant_id(&page(&bob, &a, "/requests").await);
    let (status, _) = post(
        &alice,
        &a,
        "/approvals",
        &[
            ("csrf", &alice_csrf),
            ("grant", &short),
            ("decision", "approve"),
        ],
    )
    .await;
    assert_eq!(status, 303);

    // Break glass: at once, without approval.
    let (status, _) = post(
        &bob,
        &b,
        "/console",
        &[("csrf", &bob_csrf), ("role", &emergency)],
    )
    .await;
    assert_eq!(status, 303);

    // Two ticks of both replicas: the short grant began and ended.
    tokio::time::sleep(fed_broker::GRANT_TICK * 2 + Duration::from_secs(2)).await;
    let mine = page(&bob, &a, "/requests").await;
    assert!(mine.contains("ended (expired)"), "{mine}");

    // Once every session it denies could have ended (here: the store is told that time has
    // come), a replica removes the deny policy.
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&database.url)
        .await
        .expect("PostgreSQL");
    let lift_after: f64 = sqlx::query_scalar(
        "SELECT extract(epoch from lift_after)::float8 FROM fed_broker_revocations WHERE grant_id = $1",
    )
    .bind(&id)
    .fetch_one(&mut connection)
    .await
    .expect("the revocation");
    // The grant of an hour, ended a few seconds after it began: removed at its planned end plus
    // five minutes, as the role's sessions may last 12 hours.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("now")
        .as_secs_f64();
    let left_for = lift_after - now;
    assert!(
        (3000.0..=3900.0).contains(&left_for),
        "removed at the grant's planned end plus five minutes, in {left_for} s"
    );
    sqlx::query("UPDATE fed_broker_revocations SET lift_after = now() WHERE grant_id = $1")
        .bind(&id)
        .execute(&mut connection)
        .await
        .expect("the revocation's time has come");
    let mut left = vec![policy.clone()];
    for _ in 0..40 {
        left = fed_aws::Iam::inline_policies(&iam, &admin_role)
            .await
            .expect("ListRolePolicies");
        if !left.contains(&policy) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Its record is in the store (the replicas are stopped below without waiting for stdout).
    let mut lifted = 0_i64;
    for _ in 0..20 {
        lifted = sqlx::query_scalar(
            "SELECT count(*) FROM fed_broker_audit WHERE decision = 'revocation_lifted' AND grant_id = $1",
        )
        .bind(&id)
        .fetch_one(&mut connection)
        .await
        .expect("the audit table");
        if lifted > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(lifted, 1, "recorded once across the replicas");
    // The revoked grant's policy stays until its own time.
    assert_eq!(
        left,
        [format!("fed-broker-revoke-{second}")],
        "the deny policy is removed"
    );

    let (out_a, _) = a.stop().await;
    let (out_b, _) = b.stop().await;
    let all: Vec<Value> = records(&out_a).into_iter().chain(records(&out_b)).collect();
    let of = |decision: &str, grant: &str| {
        all.iter()
            .filter(|r| r["decision"] == decision && r["grant_id"] == grant)
            .count()
    };
    assert_eq!(of("requested", &id), 1);
    assert_eq!(of("approved", &id), 1);
    assert_eq!(of("activated", &id), 1, "once across the replicas");
    assert_eq!(of("ended", &id), 1);
    assert_eq!(of("sessions_revoked", &id), 1, "once across the replicas");
    assert_eq!(
        of("sessions_revoked", &second),
        1,
        "once across the replicas"
    );
    let revoked = all
        .iter()
        .find(|r| r["decision"] == "sessions_revoked" && r["grant_id"] == id.as_str())
        .expect("sessions revoked");
    assert_eq!(revoked["source_identity"], "bob@example.com");
    assert_eq!(revoked["policies"], serde_json::json!([policy]));
    // The short grant was not ended early: its sessions end with it, and nothing is revoked.
    assert_eq!(of("sessions_revoked", &short), 0);
    assert_eq!(of("activated", &short), 1, "once across the replicas");
    assert_eq!(of("expired", &short), 1, "once across the replicas");
    let approved = all
        .iter()
        .find(|r| r["decision"] == "approved" && r["grant_id"] == id.as_str())
        .expect("approved");
    assert_eq!(approved["actor"], "alice@example.com");
    assert_eq!(approved["user"], "bob@example.com");
    assert_eq!(approved["justification"], "deploy the fix for INC-42");
    assert_eq!(approved["comment"], "go ahead");
    let issued = all
        .iter()
        .find(|r| r["decision"] == "issued" && r["grant_id"] == id.as_str())
        .expect("issued under the grant");
    assert_eq!(issued["user"], "bob@example.com");
    assert!(
        all.iter()
            .any(|r| r["decision"] == "break_glass" && r["role_arn"] == emergency.as_str()),
        "{out_b}"
    );
    assert!(
        all.iter()
            .any(|r| r["decision"] == "denied" && r["reason"] == "self_approval")
    );

    // The webhook got every step, each correctly signed (it refuses others).
    let got = events(&taken);
    for event in [
        "requested",
        "approved",
        "activated",
        "ended",
        "expired",
        "break_glass",
    ] {
        assert!(got.iter().any(|e| e == event), "{event} in {got:?}");
    }
    let approved = taken
        .lock()
        .expect("the list")
        .iter()
        .find(|v| v["event"] == "approved" && v["grant_id"] == id.as_str())
        .cloned()
        .expect("approved");
    assert_eq!(
        approved["text"],
        "alice@example.com approved bob@example.com's request for Production admin for 1h: deploy the fix for INC-42 (go ahead)"
    );
    // Every page passes axe-core, light and dark, on a desktop and a phone, without
    // scrolling sideways.
    let chromium = support::journey::chromium().expect(support::journey::MISSING_CHROMIUM);
    let checked = support::accessibility::accessibility(&chromium, &stylesheet, &seen).await;
    let results = checked["pages"].as_array().expect("results");
    assert_eq!(results.len(), seen.len() * 4);
    for result in results {
        assert_eq!(result["violations"], serde_json::json!([]), "{result}");
        assert_eq!(result["overflow"], false, "{result}");
    }
    provider.stop().await;
    database.stop().await;
}
