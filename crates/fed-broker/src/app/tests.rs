//! The HTTP rules, in process: the app built by [`app`] answers requests through tower's
//! `oneshot`, with the provider, STS and the federation endpoint at addresses that refuse or
//! never answer, and the audit records written to a buffer (or to a writer that always fails).

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use fed_core::{Credentials, Region};
use fed_flow::{ServiceCredentials, Signer, SignerConfig};
use serde_json::Value;
use tower::ServiceExt;
use url::Url;

use super::*;
use crate::audit::{Decision, Record};
use crate::config::Config;
use crate::cookies::KeyRing;
use crate::entitlements::Entitlements;
use crate::issue::Issuer;
use crate::oidc::{Person, Provider};
use crate::rules::Rules;
use crate::session::{SESSION_COOKIE, Session};

const READER: &str = "arn:aws:iam::111122223333:role/reader";

/// Audit records, as the broker wrote them.
#[derive(Clone, Default)]
struct Out(Arc<Mutex<Vec<u8>>>);

impl Write for Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("the buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Out {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().expect("the buffer").clone();
        String::from_utf8(bytes)
            .expect("UTF-8")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn records(&self) -> Vec<Value> {
        self.lines()
            .iter()
            .map(|line| serde_json::from_str(line).expect("one JSON record per line"))
            .collect()
    }

    fn reasons(&self) -> Vec<String> {
        self.records()
            .iter()
            .map(|r| r["reason"].as_str().unwrap_or("-").to_owned())
            .collect()
    }
}

/// A disk that is full: no write succeeds.
struct Full;

impl Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::from_raw_os_error(28))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::Error::from_raw_os_error(28))
    }
}

/// An address where nothing listens.
fn closed() -> Url {
    let port = fed_local::ports::unused_port().expect("a port");
    Url::parse(&format!("http://127.0.0.1:{port}/")).expect("a URL")
}

/// An address that accepts connections and never answers, while the listener lives.
fn silent() -> (std::net::TcpListener, Url) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    (
        listener,
        Url::parse(&format!("http://127.0.0.1:{port}/")).expect("a URL"),
    )
}

struct Test {
    broker: Arc<Broker>,
    out: Out,
    keys: KeyRing,
}

fn key() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode([7u8; 64])
}

async fn signer(sts: &Url) -> Signer {
    Signer::new(
        SignerConfig::new(ServiceCredentials::Explicit(Credentials::new(
            "AKIDBROKERTEST",
            "not-a-real-secret",
            None,
            None,
        )))
        .region(Region::new("us-east-1").expect("a region"))
        .sts_endpoint(sts.clone())
        .signin_endpoint(closed()),
    )
    .await
    .expect("a signer")
}

/// A broker at `public_url` with `sections` added to its configuration, the provider's token
/// endpoint at `token`, STS at `sts`, and audit records to `out`.
async fn broker_to(
    public_url: &str,
    sections: &str,
    token: &Url,
    sts: &Url,
    out: Box<dyn Write + Send>,
) -> (Broker, KeyRing) {
    let config = Config::parse(
        &format!(
            "listen = \"127.0.0.1:0\"\npublic_url = \"{public_url}\"\nentitlements = \"e.toml\"\n\
             [oidc]\nissuer = \"http://127.0.0.1:9\"\nclient_id = \"fed-broker\"\n\
             client_secret_env = \"S\"\ngroups_claim = \"groups\"\n\
             [session]\nkeys_env = \"K\"\n{sections}"
        ),
        Path::new("."),
    )
    .expect("a configuration");
    let rules = Rules::compile(entitlements(), None).expect("rules");
    let keys = KeyRing::parse("K", &key(), public_url.starts_with("https")).expect("keys");
    let provider = Provider::described(&Url::parse("http://127.0.0.1:9").expect("a URL"), token);
    let broker = Broker::new(
        config,
        provider,
        keys.clone(),
        rules,
        Issuer::new(signer(sts).await),
    )
    .with_audit_writer(out);
    (broker, keys)
}

fn entitlements() -> Entitlements {
    Entitlements::parse(&format!(
        "[[role]]\nname = \"Read-only\"\narn = \"{READER}\"\ngroups = [\"engineering\"]\n"
    ))
    .expect("entitlements")
}

async fn broker_with(public_url: &str, sections: &str, token: &Url, sts: &Url) -> Test {
    let out = Out::default();
    let (broker, keys) = broker_to(public_url, sections, token, sts, Box::new(out.clone())).await;
    Test {
        broker: Arc::new(broker),
        out,
        keys,
    }
}

async fn broker(sections: &str) -> Test {
    broker_with("http://127.0.0.1:8080", sections, &closed(), &closed()).await
}

impl Test {
    /// A session cookie of `user` in `groups` (`name=value`), and the session.
    fn session(&self, user: &str, groups: &[&str]) -> (String, Session) {
        self.session_by(user, groups, &["pwd"])
    }

    /// A session cookie of `user` in `groups` who signed in by `amr`, and the session.
    fn session_by(&self, user: &str, groups: &[&str], amr: &[&str]) -> (String, Session) {
        let person = Person {
            user: user.to_owned(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            issuer: "https://login.example.com".to_owned(),
            subject: "248289761001".to_owned(),
            amr: amr.iter().map(|a| (*a).to_owned()).collect(),
        };
        let session = Session::begin(person, &self.broker.rules());
        let cookie = self.keys.seal(
            SESSION_COOKIE,
            &session,
            std::time::Duration::from_secs(3600),
        );
        (format!("{}={}", cookie.name(), cookie.value()), session)
    }

    async fn send(&self, request: Request<Body>) -> Response {
        self.send_from(request, [203, 0, 113, 7].into()).await
    }

    async fn send_from(&self, mut request: Request<Body>, ip: IpAddr) -> Response {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, 40000)));
        app(Arc::clone(&self.broker))
            .oneshot(request)
            .await
            .expect("an answer")
    }
}

fn form(path: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut request =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request
        .body(Body::from(body.to_owned()))
        .expect("a request")
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).expect("a request")
}

async fn text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("a body");
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

fn header_of<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[track_caller]
fn assert_safe_for_browsers(response: &Response, https: bool) {
    let csp = header_of(response, "content-security-policy").unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(header_of(response, "x-frame-options"), Some("DENY"));
    assert_eq!(
        header_of(response, "x-content-type-options"),
        Some("nosniff")
    );
    assert_eq!(header_of(response, "referrer-policy"), Some("no-referrer"));
    assert_eq!(header_of(response, "cache-control"), Some("no-store"));
    assert_eq!(
        header_of(response, "strict-transport-security").is_some(),
        https
    );
}

#[tokio::test]
async fn every_page_is_safe_for_browsers() {
    let test = broker("").await;
    let (cookie, session) = test.session("alice@example.com", &["engineering"]);
    let roles = test.send(get("/", Some(&cookie))).await;
    assert_eq!(roles.status(), StatusCode::OK);
    assert_safe_for_browsers(&roles, false);
    let page = text(roles).await;
    assert!(page.contains(READER), "{page}");
    // Signing out takes the session's CSRF token too.
    assert!(
        page.contains(&format!(
            "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
            session.csrf
        )),
        "{page}"
    );
    let refused = test.send(form("/console", None, "role=x")).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_safe_for_browsers(&refused, false);
    let login = test.send(get("/login", None)).await;
    assert!(login.status().is_redirection());
    assert_safe_for_browsers(&login, false);
    let set = header_of(&login, "set-cookie").unwrap_or_default();
    assert!(set.starts_with("fed_login="), "{set}");

    // Over https: HSTS, and cookies only that host can set, over https, for the whole site.
    let secure = broker_with("https://broker.example.com", "", &closed(), &closed()).await;
    let login = secure.send(get("/login", None)).await;
    assert_safe_for_browsers(&login, true);
    let set = header_of(&login, "set-cookie").unwrap_or_default();
    assert!(set.starts_with("__Host-fed_login="), "{set}");
    assert!(
        set.contains("; Secure") && set.contains("; Path=/"),
        "{set}"
    );
    assert!(!set.to_ascii_lowercase().contains("domain="), "{set}");
    let (cookie, _) = secure.session("alice@example.com", &["engineering"]);
    assert!(cookie.starts_with("__Host-fed_session="), "{cookie}");
    let roles = secure.send(get("/", Some(&cookie))).await;
    assert_eq!(roles.status(), StatusCode::OK);
    assert_safe_for_browsers(&roles, true);
}

#[tokio::test]
async fn bodies_that_are_not_forms_are_refused_and_recorded() {
    let test = broker("").await;
    let (cookie, session) = test.session("alice@example.com", &["engineering"]);
    let big = format!("csrf={}&role={}", session.csrf, "a".repeat(BODY_LIMIT + 1));
    let too_large = test.send(form("/console", Some(&cookie), &big)).await;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let not_a_form = Request::post("/console")
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::COOKIE, &cookie)
        .body(Body::from("role=x"))
        .expect("a request");
    let not_a_form = test.send(not_a_form).await;
    assert_eq!(not_a_form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let no_role = test
        .send(form(
            "/console",
            Some(&cookie),
            &format!("csrf={}", session.csrf),
        ))
        .await;
    assert_eq!(no_role.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        test.out.reasons(),
        ["body_too_large", "unsupported_media_type", "bad_form"]
    );
    for record in test.out.records() {
        assert_eq!(record["decision"], "denied");
        assert_eq!(record["source_ip"], "203.0.113.7");
    }
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token() {
    let test = broker("").await;
    let (cookie, session) = test.session("alice@example.com", &["engineering"]);
    // A page elsewhere posting to /logout: refused, and the session stays.
    let forged = test.send(form("/logout", Some(&cookie), "")).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(header_of(&forged, "set-cookie").is_none());
    let wrong = test.send(form("/logout", Some(&cookie), "csrf=0000")).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let signed_out = test
        .send(form(
            "/logout",
            Some(&cookie),
            &format!("csrf={}", session.csrf),
        ))
        .await;
    assert_eq!(signed_out.status(), StatusCode::OK);
    let removal = header_of(&signed_out, "set-cookie").unwrap_or_default();
    assert!(
        removal.starts_with("fed_session=;") && removal.contains("Max-Age=0"),
        "{removal}"
    );
    let records = test.out.records();
    assert_eq!(test.out.reasons(), ["csrf", "csrf", "-"]);
    assert_eq!(records[2]["decision"], "signed_out");
    assert_eq!(records[2]["session_id"], session.id.as_str());
    assert_eq!(records[2]["sub"], "248289761001");
}

#[tokio::test]
async fn records_of_untrusted_values_are_bounded() {
    let test = broker("").await;
    let user = format!("eve\u{0}\n{{\"decision\":\"issued\"}}{}", "é".repeat(3000));
    let (cookie, session) = test.session(&user, &["engineering"]);
    let role = format!(
        "arn:aws:iam::111122223333:role/{}",
        "\u{1}x\u{7f}".repeat(1500)
    );
    let body = format!(
        "csrf={}&role={}&service={}",
        session.csrf,
        percent_encoding::utf8_percent_encode(&role, percent_encoding::NON_ALPHANUMERIC),
        "s".repeat(1000)
    );
    assert!(body.len() < BODY_LIMIT, "{}", body.len());
    let refused = test.send(form("/console", Some(&cookie), &body)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let lines = test.out.lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert!(
        line.len() < crate::audit::MAX_RECORD_BYTES,
        "{}",
        line.len()
    );
    for escaped in ["\\u0000", "\\n", "\\u0001", "\\u007f"] {
        assert!(!line.contains(escaped), "{escaped} in {line}");
    }
    let record: Value = serde_json::from_str(line).expect("JSON");
    assert_eq!(record["decision"], "denied");
    assert_eq!(record["reason"], "not_entitled");
    let kept = record["role_arn"].as_str().expect("the role");
    assert!(
        kept.starts_with("arn:aws:iam::111122223333:role/xx"),
        "{kept}"
    );
    assert!(kept.ends_with('…'), "{kept}");
    assert!(record["user"].as_str().expect("a user").starts_with("eve{"));
}

#[tokio::test]
async fn a_rate_limited_client_gets_a_few_records_a_minute() {
    let test = broker("[limits]\nper_ip_per_minute = 1\n").await;
    for _ in 0..50 {
        test.send(form("/console", None, "role=x")).await;
    }
    // Another client is not affected.
    let other = test
        .send_from(form("/console", None, "role=x"), [198, 51, 100, 1].into())
        .await;
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        test.out.reasons(),
        [
            "missing_cookie",
            "rate_limited_ip",
            "rate_limited_ip",
            "rate_limited_ip",
            "missing_cookie"
        ]
    );
    // /metrics counts every refusal.
    let metrics = text(
        test.send_from(get("/metrics", None), [10, 0, 0, 1].into())
            .await,
    )
    .await;
    assert!(
        metrics
            .lines()
            .any(|l| l == "fed_broker_requests_denied_total{reason=\"rate_limited_ip\"} 49"),
        "{metrics}"
    );
    // Within a minute, one record counts the ones left out.
    test.broker.every_minute().await;
    let records = test.out.records();
    assert_eq!(records.len(), 6);
    assert_eq!(records[5]["reason"], "rate_limited_ip");
    assert_eq!(records[5]["suppressed"], 46);
    assert_eq!(records[5]["source_ip"], "203.0.113.7");
}

#[tokio::test]
async fn a_decision_stdout_does_not_take_grants_nothing() {
    let (full, _) = broker_to(
        "http://127.0.0.1:8080",
        "",
        &closed(),
        &closed(),
        Box::new(Full),
    )
    .await;
    let mut record = Record::new(Decision::SignedIn, "req");
    record.user = Some("alice@example.com".to_owned());
    let refused = full.grant(&record).await.expect_err("nothing granted");
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text(refused).await.contains("audit_unavailable"));
    // A refusal stands, its record counted as not written.
    let refused = full.refuse(Reason::Csrf, record).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let metrics = full.metrics.render();
    for line in [
        "fed_broker_audit_stdout_failures_total 2",
        "fed_broker_requests_denied_total{reason=\"audit_unavailable\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line}: {metrics}");
    }
    // With a writer that takes it, the same grant stands.
    let test = broker("").await;
    assert!(
        test.broker
            .grant(&Record::new(Decision::SignedIn, "r"))
            .await
            .is_ok()
    );
    assert_eq!(test.out.records()[0]["decision"], "signed_in");
}

#[tokio::test]
async fn metrics_can_have_a_listener_of_their_own() {
    let shared = broker("").await;
    assert_eq!(
        shared.send(get("/metrics", None)).await.status(),
        StatusCode::OK
    );
    let apart = broker("[server]\nmetrics_listen = \"127.0.0.1:9464\"\n").await;
    assert_eq!(
        apart.send(get("/metrics", None)).await.status(),
        StatusCode::NOT_FOUND
    );
    let metrics = metrics_app(Arc::clone(&apart.broker))
        .oneshot(get("/metrics", None))
        .await
        .expect("an answer");
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(
        text(metrics)
            .await
            .contains("fed_broker_sessions_issued_total 0")
    );
}

/// The state the provider's redirect carries, and the login cookie (`name=value`).
async fn start_sign_in(test: &Test) -> (String, String) {
    let login = test.send(get("/login", None)).await;
    let location = Url::parse(header_of(&login, "location").expect("a redirect")).expect("a URL");
    let state = location
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("a state");
    let cookie = header_of(&login, "set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a cookie")
        .to_owned();
    (state, cookie)
}

#[tokio::test]
async fn a_provider_that_is_down_is_provider_unavailable() {
    let test = broker("").await;
    let (state, cookie) = start_sign_in(&test).await;
    let answer = test
        .send(get(
            &format!("/callback?state={state}&code=abc"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
    assert!(header_of(&answer, "set-cookie").is_none());
    assert_eq!(test.out.reasons(), ["provider_unavailable"]);
}

#[tokio::test(start_paused = true)]
async fn a_provider_that_hangs_is_provider_unavailable_in_time() {
    let (_listener, token) = silent();
    let test = broker_with("http://127.0.0.1:8080", "", &token, &closed()).await;
    let (state, cookie) = start_sign_in(&test).await;
    let started = tokio::time::Instant::now();
    let answer = test
        .send(get(
            &format!("/callback?state={state}&code=abc"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
    assert!(started.elapsed() <= crate::oidc::PROVIDER_TIMEOUT + std::time::Duration::from_secs(1));
    assert_eq!(test.out.reasons(), ["provider_unavailable"]);
}

#[tokio::test(start_paused = true)]
async fn a_request_that_takes_too_long_is_cut() {
    let (_listener, sts) = silent();
    let test = broker_with("http://127.0.0.1:8080", "", &closed(), &sts).await;
    let (cookie, session) = test.session("alice@example.com", &["engineering"]);
    let started = tokio::time::Instant::now();
    let answer = test
        .send(form(
            "/console",
            Some(&cookie),
            &format!("csrf={}&role={READER}", session.csrf),
        ))
        .await;
    assert!(started.elapsed() <= REQUEST_TIMEOUT + std::time::Duration::from_secs(1));
    assert_eq!(answer.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_safe_for_browsers(&answer, false);
    assert_eq!(test.out.reasons(), ["request_timeout"]);
}

/// An extra policy that forbids consoles without a second factor: a session whose `amr` is
/// `["pwd"]` is refused as `not_entitled`, its record naming the policy; one with `mfa` is
/// allowed (and goes on to STS, which is not there).
#[tokio::test]
async fn an_extra_policy_refuses_a_console_without_mfa() {
    let test = broker("").await;
    let extra = "@id(\"mfa required\")\nforbid (principal, action == Action::\"use\", resource)\nunless { context.amr.contains(\"mfa\") };\n";
    test.broker.set_rules(
        Rules::compile(entitlements(), Some((Path::new("extra.cedar"), extra))).expect("rules"),
    );
    let (cookie, session) = test.session_by("alice@example.com", &["engineering"], &["pwd"]);
    let body = format!("csrf={}&role={READER}", session.csrf);
    let refused = test.send(form("/console", Some(&cookie), &body)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(text(refused).await.contains("not_entitled"));
    let (cookie, session) = test.session_by("alice@example.com", &["engineering"], &["pwd", "mfa"]);
    let body = format!("csrf={}&role={READER}", session.csrf);
    let allowed = test.send(form("/console", Some(&cookie), &body)).await;
    assert_eq!(allowed.status(), StatusCode::BAD_GATEWAY);
    let records = test.out.records();
    assert_eq!(test.out.reasons(), ["not_entitled", "upstream_failed"]);
    assert_eq!(records[0]["policies"], serde_json::json!(["mfa required"]));
    assert_eq!(records[0]["role_arn"], READER);
    assert_eq!(records[1]["policies"], serde_json::json!(["role[0] use"]));
}

/// Without the extra policy, the entitlements decide: a group that is not the role's is
/// refused, and no policy is named.
#[tokio::test]
async fn a_console_for_a_role_not_entitled_names_no_policy() {
    let test = broker("").await;
    let (cookie, session) = test.session("bob@example.com", &["marketing"]);
    let body = format!("csrf={}&role={READER}", session.csrf);
    let refused = test.send(form("/console", Some(&cookie), &body)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let records = test.out.records();
    assert_eq!(test.out.reasons(), ["not_entitled"]);
    assert!(records[0].get("policies").is_none(), "{:?}", records[0]);
}

#[tokio::test]
async fn the_stylesheet_is_served_and_may_be_kept() {
    let test = broker("").await;
    let css = test.send(get("/style.css", None)).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(
        header_of(&css, "content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        header_of(&css, "cache-control"),
        Some("public, max-age=3600")
    );
    assert_eq!(header_of(&css, "x-content-type-options"), Some("nosniff"));
    let text = text(css).await;
    assert!(text.contains("prefers-color-scheme: dark"), "{text}");
    assert!(!text.contains("http"), "nothing from elsewhere: {text}");
}
