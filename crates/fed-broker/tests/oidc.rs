//! Sign-in against a real OpenID Provider (oidc-provider, started from `tests/oidc-provider`):
//! the whole authorization code flow with PKCE, `state` and `nonce`, driven as a browser does;
//! a replayed code, a wrong state and a wrong nonce are refused; a provider that rotates its
//! signing key is followed.

use std::process::Stdio;
use std::time::Duration;

use fed_broker::{Pending, Person, Provider, SignInError};
use tokio::io::{AsyncBufReadExt, BufReader};
use url::Url;

const REDIRECT: &str = "http://localhost:9/callback";

/// The provider's directory, with its npm packages installed (once) from the lock file.
fn provider_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider");
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        if !dir.join("node_modules/oidc-provider").is_dir() {
            let status = std::process::Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .expect("npm runs");
            assert!(status.success(), "npm ci failed");
        }
    });
    dir
}

/// A running provider; killed on drop.
struct OpenIdProvider {
    child: tokio::process::Child,
    issuer: Url,
}

impl OpenIdProvider {
    async fn start(port: u16, key_id: &str) -> OpenIdProvider {
        let mut child = tokio::process::Command::new("node")
            .arg("server.mjs")
            .current_dir(provider_dir())
            .env("PORT", port.to_string())
            .env("KEY_ID", key_id)
            .env("CLIENT_ID", "fed-broker")
            .env("CLIENT_SECRET", "test-secret")
            .env("REDIRECT_URIS", REDIRECT)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the provider starts")
            .expect("a line")
            .expect("a line");
        let issuer = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected: {line}"))
            .to_owned();
        // Keep reading, so that the provider never writes to a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        OpenIdProvider {
            child,
            issuer: Url::parse(&issuer).expect("a URL"),
        }
    }

    fn port(&self) -> u16 {
        self.issuer.port().expect("a port")
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

async fn client(provider: &OpenIdProvider) -> Provider {
    Provider::discover(
        &provider.issuer,
        "fed-broker",
        "test-secret",
        &Url::parse(REDIRECT).expect("a URL"),
        "email",
        "groups",
    )
    .await
    .expect("discovery")
}

/// Signs in at the provider as `user`, as a browser does, from `start` to the callback; the
/// callback's `state` and `code`.
async fn sign_in_at_provider(start: &Url, user: &str) -> (String, String) {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut next = start.clone();
    for _ in 0..10 {
        if next.as_str().starts_with(REDIRECT) {
            let pairs: std::collections::HashMap<_, _> = next.query_pairs().into_owned().collect();
            return (pairs["state"].clone(), pairs["code"].clone());
        }
        let response = browser
            .get(next.clone())
            .send()
            .await
            .expect("the provider answers");
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().expect("text");
            next = next.join(location).expect("a URL");
            continue;
        }
        let page = response.text().await.expect("a page");
        assert!(page.contains("Company sign-in"), "{page}");
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a form");
        let response = browser
            .post(next.join(action).expect("a URL"))
            .form(&[("login", user), ("password", user)])
            .send()
            .await
            .expect("the provider answers");
        let location = response.headers()["location"].to_str().expect("a redirect");
        next = next.join(location).expect("a URL");
    }
    panic!("the sign-in did not reach the callback");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_flow_signs_a_person_in_with_their_groups() {
    let op = OpenIdProvider::start(0, "key-1").await;
    let provider = client(&op).await;
    let (url, pending) = provider.start();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert!(query["scope"].contains("openid") && query["scope"].contains("groups"));
    assert!(query.contains_key("state") && query.contains_key("nonce"));

    let (state, code) = sign_in_at_provider(&url, "alice").await;
    let person = provider
        .finish(pending.clone(), &state, &code)
        .await
        .expect("signed in");
    assert_eq!(
        person,
        Person {
            user: "alice@example.com".to_owned(),
            groups: vec!["engineering".to_owned(), "on-call".to_owned()],
        }
    );
    // The same code again: the provider refuses it.
    let replayed = provider.finish(pending, &state, &code).await;
    assert!(
        matches!(replayed, Err(SignInError::Code(_))),
        "{replayed:?}"
    );
    op.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_state_or_nonce_is_refused() {
    let op = OpenIdProvider::start(0, "key-1").await;
    let provider = client(&op).await;
    let (url, pending) = provider.start();
    let (state, code) = sign_in_at_provider(&url, "bob").await;
    let wrong_state = provider.finish(pending.clone(), "forged", &code).await;
    assert_eq!(wrong_state, Err(SignInError::WrongState));
    // The same pending sign-in with another nonce: the token's is not it.
    let mut other: serde_json::Value = serde_json::to_value(&pending).expect("JSON");
    other["nonce"] = "another-nonce".into();
    let other: Pending = serde_json::from_value(other).expect("pending");
    let wrong_nonce = provider.finish(other, &state, &code).await;
    assert!(
        matches!(&wrong_nonce, Err(SignInError::Token(m)) if m.contains("nonce")),
        "{wrong_nonce:?}"
    );
    assert_eq!(wrong_nonce.unwrap_err().reason(), "token_invalid");
    op.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_signing_key_is_fetched_again() {
    let first = OpenIdProvider::start(0, "key-1").await;
    let port = first.port();
    let provider = client(&first).await;
    first.stop().await;
    // The provider comes back on the same address with a new key.
    let second = OpenIdProvider::start(port, "key-2").await;
    let (url, pending) = provider.start();
    let (state, code) = sign_in_at_provider(&url, "carol").await;
    let person = provider
        .finish(pending, &state, &code)
        .await
        .expect("signed in");
    assert_eq!(person.user, "carol@example.com");
    assert_eq!(person.groups, ["finance"]);
    second.stop().await;
}
