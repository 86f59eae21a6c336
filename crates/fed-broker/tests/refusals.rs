//! Refusals end to end, with the real `fed-broker serve`, a real OpenID provider
//! (oidc-provider) and the strict local AWS: a session cookie kept past its lifetime, an
//! authorization code replayed with the login cookie it was issued for, and what the broker's
//! own temporary credentials and a role's `session_tags` do to AssumeRole. Each refusal is a
//! page with its status, its reason and the request id of its one audit record; no secret is
//! in a page, an audit record or a log line.

mod support;

use std::time::Duration;

use fed_aws::{AssumeRoleRequest, Sts, StsClient};
use fed_core::RoleSessionName;
use fed_local::{CallerKind, LocalStack, Service};
use support::broker::{
    BrokerProcess, address_and_provider, assert_no_secret, cookie_keys, land, records, refusal,
    role, role_trusting, signed_in, stack_with_reader,
};
use url::Url;

/// The secrets every broker of these tests knows, by name.
fn secrets(stack: &LocalStack) -> Vec<(&'static str, String)> {
    vec![
        ("the client secret", "test-secret".to_owned()),
        ("the cookie keys", cookie_keys()),
        (
            "the stack user's AWS secret key",
            stack.credentials().secret_access_key().to_owned(),
        ),
    ]
}

/// Asserts that none of `secrets` is in any of `texts`, each given with its name.
#[track_caller]
fn assert_no_secrets(texts: &[(&str, &str)], secrets: &[(&str, String)]) {
    let secrets: Vec<(&str, &str)> = secrets.iter().map(|(n, s)| (*n, s.as_str())).collect();
    for (what, text) in texts {
        assert_no_secret(what, text, &secrets);
    }
}

/// The `SigninToken` of a console sign-in URL.
fn signin_token(url: &str) -> String {
    Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "SigninToken")
        .map(|(_, v)| v.into_owned())
        .expect("a sign-in token")
}

/// A session cookie kept past the session's lifetime (by a browser that ignores `Max-Age`) is
/// refused: 401 `expired_cookie` with one audit record, and the role page sends the browser
/// to sign in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_past_its_lifetime_is_refused() {
    let (stack, reader, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start_with(
        port,
        &public,
        &provider,
        &stack,
        &entitlements,
        "lifetime = \"3s\"\n",
    )
    .await;
    // Signed in: the role page shows the role.
    let (browser, csrf) = signed_in(&broker, &callback, "alice").await;
    let session = browser.cookie("fed_session").expect("a session cookie");
    tokio::time::sleep(Duration::from_secs(4)).await;

    stack.log().clear();
    let response = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 401);
    let page = response.text().await.expect("a page");
    let home = browser
        .get(broker.url.clone())
        .send()
        .await
        .expect("the role page");
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/login");
    assert_eq!(stack.log().count(Service::Sts, "AssumeRole"), 0);

    let (audit, logs) = broker.stop().await;
    let records = records(&audit);
    assert_eq!(records.len(), 2, "{audit}");
    let records = &records[1..];
    assert_eq!(records[0]["decision"], "denied");
    assert_eq!(records[0]["reason"], "expired_cookie");
    assert_eq!(records[0]["role_arn"], reader.as_str());
    let (reason, request_id) = refusal(&page);
    assert_eq!(reason, "expired_cookie");
    assert_eq!(records[0]["request_id"], request_id.as_str());
    let mut secrets = secrets(&stack);
    secrets.push(("the session cookie", session));
    secrets.push(("the CSRF token", csrf));
    assert_no_secrets(
        &[
            ("the page", &page),
            ("the audit", &audit),
            ("the logs", &logs),
        ],
        &secrets,
    );
    provider.stop().await;
}

/// An authorization code replayed by someone who copied both the callback URL and the login
/// cookie it was issued for: the broker opens the cookie and the state matches, but the
/// provider refuses the used code (400, `code_refused`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_code_is_refused_by_the_provider() {
    let (stack, _, entitlements) = stack_with_reader().await;
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;

    let browser = support::browser();
    let (back, _) = support::follow_to(
        &browser,
        &broker.url.join("login").expect("a URL"),
        "alice",
        &callback,
    )
    .await;
    let login = browser.cookie("fed_login").expect("a login cookie");
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let response = browser.get(back.clone()).send().await.expect("callback");
    assert_eq!(response.status(), 303);
    let session = browser.cookie("fed_session").expect("signed in");
    assert!(
        browser.cookie("fed_login").is_none(),
        "the login cookie goes"
    );

    let attacker = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let replayed = attacker
        .get(back)
        .header("cookie", format!("fed_login={login}"))
        .send()
        .await
        .expect("callback");
    assert_eq!(replayed.status(), 400);
    assert!(
        replayed.headers().get("set-cookie").is_none(),
        "no session for the replay"
    );
    let page = replayed.text().await.expect("a page");

    let (audit, logs) = broker.stop().await;
    let records = records(&audit);
    assert_eq!(records.len(), 2, "the sign-in, then the replay: {audit}");
    assert_eq!(records[0]["decision"], "signed_in");
    let records = &records[1..];
    assert_eq!(records[0]["decision"], "denied");
    assert_eq!(records[0]["reason"], "code_refused");
    assert!(records[0].get("user").is_none(), "{}", records[0]);
    let (reason, request_id) = refusal(&page);
    assert_eq!(reason, "code_refused");
    assert_eq!(records[0]["request_id"], request_id.as_str());
    assert!(
        logs.contains("the provider refused the authorization code"),
        "{logs}"
    );
    let mut secrets = secrets(&stack);
    secrets.push(("the login cookie", login));
    secrets.push(("the session cookie", session));
    secrets.push(("the authorization code", code));
    assert_no_secrets(
        &[
            ("the page", &page),
            ("the audit", &audit),
            ("the logs", &logs),
        ],
        &secrets,
    );
    provider.stop().await;
}

/// With temporary credentials of its own (a role session, as on ECS or EKS), the broker's
/// AssumeRole is role chaining: an entitlement of four hours gets the one hour STS allows, the
/// session is issued, and its audit record says one hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_chaining_caps_the_session_at_one_hour() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let user = stack.user_arn().to_string();
    let own_role = role_trusting(&stack, "fed-broker", &user, &["sts:AssumeRole"]).await;
    let own = StsClient::new(&stack.sdk_config().await)
        .assume_role(&AssumeRoleRequest::new(
            own_role.parse().expect("a role ARN"),
            RoleSessionName::new("fed-broker").expect("a session name"),
        ))
        .await
        .expect("the broker's own session");
    let keys = &own.credentials;
    let token = keys.session_token().expect("temporary credentials");
    let reader = role_trusting(
        &stack,
        "reader",
        &own_role,
        &["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    )
    .await;
    let entitlements = format!(
        "[[role]]\nname = \"Read-only\"\narn = \"{reader}\"\ngroups = [\"engineering\"]\nmax_session = \"4h\"\n"
    );
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start_with_env(
        port,
        &public,
        &provider,
        &stack,
        &entitlements,
        "",
        &[
            ("AWS_ACCESS_KEY_ID", keys.access_key_id()),
            ("AWS_SECRET_ACCESS_KEY", keys.secret_access_key()),
            ("AWS_SESSION_TOKEN", token),
        ],
    )
    .await;
    let (browser, csrf) = signed_in(&broker, &callback, "alice").await;

    stack.log().clear();
    let response = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
        .send()
        .await
        .expect("console");
    assert_eq!(response.status(), 303);
    let (signin, landed) = land(response).await;
    assert!(
        landed.contains("assumed-role/reader/alice@example.com"),
        "{landed}"
    );
    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert_eq!(
        assumed[0].caller,
        CallerKind::AssumedRole {
            hops: 1,
            chained: false
        },
        "the broker signs with its role session"
    );
    assert_eq!(assumed[0].param("RoleArn"), Some(reader.as_str()));
    assert_eq!(assumed[0].param("DurationSeconds"), Some("3600"));
    assert_eq!(assumed[0].status, 200);

    let (audit, logs) = broker.stop().await;
    let records = records(&audit);
    assert_eq!(records.len(), 2, "{audit}");
    let records = &records[1..];
    assert_eq!(records[0]["decision"], "issued");
    assert_eq!(records[0]["duration_seconds"], 3600);
    let mut secrets = secrets(&stack);
    secrets.push((
        "the broker's own AWS secret key",
        keys.secret_access_key().to_owned(),
    ));
    secrets.push(("the broker's session token", token.to_owned()));
    secrets.push(("the sign-in token", signin_token(&signin)));
    assert_no_secrets(&[("the audit", &audit), ("the logs", &logs)], &secrets);
    provider.stop().await;
}

/// Session tags: AssumeRole carries `fed:user` and `fed:groups` unless the role's entitlement
/// says `session_tags = false`, which is how a role whose trust policy does not allow
/// `sts:TagSession` is used. With tags, STS refuses such a role: 502, `upstream_failed`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_tags_only_where_the_entitlement_wants_them() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let user = stack.user_arn().to_string();
    let tagged = role(&stack, "tagged").await;
    let no_tags = ["sts:AssumeRole", "sts:SetSourceIdentity"];
    let untagged = role_trusting(&stack, "untagged", &user, &no_tags).await;
    let refused = role_trusting(&stack, "refused", &user, &no_tags).await;
    let entitlements = format!(
        "[[role]]\nname = \"Tagged\"\narn = \"{tagged}\"\ngroups = [\"engineering\"]\n\
         [[role]]\nname = \"Untagged\"\narn = \"{untagged}\"\ngroups = [\"engineering\"]\nsession_tags = false\n\
         [[role]]\nname = \"Refused\"\narn = \"{refused}\"\ngroups = [\"engineering\"]\n"
    );
    let (port, public, callback, provider) = address_and_provider().await;
    let broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;
    let (browser, csrf) = signed_in(&broker, &callback, "alice").await;

    stack.log().clear();
    let mut tokens = Vec::new();
    let mut pages = Vec::new();
    for (arn, name, status) in [
        (&tagged, "tagged", 303),
        (&untagged, "untagged", 303),
        (&refused, "refused", 502),
    ] {
        let response = browser
            .post(broker.url.join("console").expect("a URL"))
            .form(&[("csrf", csrf.as_str()), ("role", arn.as_str())])
            .send()
            .await
            .expect("console");
        assert_eq!(response.status(), status, "{name}");
        if status == 303 {
            let (signin, landed) = land(response).await;
            assert!(
                landed.contains(&format!("assumed-role/{name}/alice@example.com")),
                "{landed}"
            );
            tokens.push(signin_token(&signin));
        } else {
            pages.push(response.text().await.expect("a page"));
        }
    }

    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    let tags = |role: &str| -> Vec<(String, String)> {
        let call = assumed
            .iter()
            .find(|c| c.param("RoleArn") == Some(role))
            .expect("its AssumeRole");
        call.params
            .iter()
            .filter(|(n, _)| n.starts_with("Tags."))
            .cloned()
            .collect()
    };
    let fed_tags: Vec<(String, String)> = [
        ("Tags.member.1.Key", "fed:user"),
        ("Tags.member.1.Value", "alice@example.com"),
        ("Tags.member.2.Key", "fed:groups"),
        // Alice is also in on-call, which no entitlement names: the session keeps only the
        // groups that decide something.
        ("Tags.member.2.Value", "engineering"),
    ]
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .to_vec();
    assert_eq!(tags(&tagged), fed_tags);
    assert_eq!(tags(&untagged), []);
    assert_eq!(tags(&refused), fed_tags);
    let outcomes: Vec<(u16, Option<&str>)> = assumed
        .iter()
        .map(|c| (c.status, c.error.as_deref()))
        .collect();
    assert_eq!(
        outcomes,
        [(200, None), (200, None), (403, Some("AccessDenied"))],
        "the stack refuses tags without sts:TagSession"
    );

    let (audit, logs) = broker.stop().await;
    let records = records(&audit);
    let decisions: Vec<(&str, Option<&str>, Option<&str>)> = records
        .iter()
        .map(|r| {
            (
                r["decision"].as_str().unwrap_or_default(),
                r["reason"].as_str(),
                r["role_arn"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            ("signed_in", None, None),
            ("issued", None, Some(tagged.as_str())),
            ("issued", None, Some(untagged.as_str())),
            ("denied", Some("upstream_failed"), Some(refused.as_str())),
        ]
    );
    let (reason, request_id) = refusal(&pages[0]);
    assert_eq!(reason, "upstream_failed");
    assert_eq!(records[3]["request_id"], request_id.as_str());
    assert!(
        !pages[0].contains("AccessDenied") && !pages[0].contains(&user),
        "the page does not quote STS: {}",
        pages[0]
    );
    let mut secrets = secrets(&stack);
    secrets.push((
        "the session cookie",
        browser.cookie("fed_session").expect("a cookie"),
    ));
    for token in tokens {
        secrets.push(("a sign-in token", token));
    }
    assert_no_secrets(
        &[
            ("the page", &pages[0]),
            ("the audit", &audit),
            ("the logs", &logs),
        ],
        &secrets,
    );
    provider.stop().await;
}
