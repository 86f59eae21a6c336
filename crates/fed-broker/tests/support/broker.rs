//! The real `fed-broker serve` of the end-to-end tests, against the strict local AWS and a
//! real OpenID provider; roles for it to hand out, and small helpers to drive it.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use fed_local::LocalStack;
use serde_json::json;
use tokio::io::AsyncReadExt;
use url::Url;

use super::{Browser, OpenIdProvider, browser, follow_to};

/// A role that the stack's IAM user (the broker's credentials) may assume, setting a source
/// identity and session tags, as AWS requires of a broker.
pub async fn role(stack: &LocalStack, name: &str) -> String {
    let user = stack.user_arn().to_string();
    role_trusting(
        stack,
        name,
        &user,
        &["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    )
    .await
}

/// The local stack with the role `reader` ([`role`]), and entitlements that give it to the
/// `engineering` group as `Read-only`: the stack, the role's ARN and the entitlements.
pub async fn stack_with_reader() -> (LocalStack, String, String) {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let entitlements = read_only(&reader);
    (stack, reader, entitlements)
}

/// Entitlements of one role, `Read-only`, `role_arn`, for the `engineering` group.
pub fn read_only(role_arn: &str) -> String {
    format!("[[role]]\nname = \"Read-only\"\narn = \"{role_arn}\"\ngroups = [\"engineering\"]\n")
}

/// A role, whose sessions may last 12 hours, that `principal` (an ARN or an account) may
/// assume with `actions`.
pub async fn role_trusting(
    stack: &LocalStack,
    name: &str,
    principal: &str,
    actions: &[&str],
) -> String {
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": actions
    }]});
    stack
        .create_role(name, &trust, Some(43_200))
        .await
        .expect("CreateRole")
}

/// The cookie keys of every broker of the tests (`FED_BROKER_COOKIE_KEYS`).
pub fn cookie_keys() -> String {
    base64::engine::general_purpose::STANDARD.encode([7u8; 64])
}

/// Signs in as `user` at `broker`, whose callback is `callback`; the browser and the CSRF
/// token of the role page.
pub async fn signed_in(broker: &BrokerProcess, callback: &str, user: &str) -> (Browser, String) {
    let browser = browser();
    let (back, _) = follow_to(&browser, &broker.url, user, callback).await;
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
    let csrf = hidden(&page, "csrf");
    (browser, csrf)
}

/// The audit records a broker wrote on stdout.
pub fn records(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect()
}

/// The reason and the request id a refusal page shows.
pub fn refusal(page: &str) -> (String, String) {
    let after = |marker: &str| {
        let start = page
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in a refusal page: {page}"))
            + marker.len();
        page[start..]
            .split('<')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    (after("<code id=\"reason\">"), after("Quote request <code>"))
}

/// Asserts that `text` (what `what` names) holds none of `secrets`, each given with its name.
#[track_caller]
pub fn assert_no_secret(what: &str, text: &str, secrets: &[(&str, &str)]) {
    for (name, secret) in secrets {
        assert!(!secret.is_empty(), "{name} is known");
        assert!(!text.contains(secret), "{name} is in {what}");
    }
}

/// A broker's port, its address there and its callback, and a provider that sends people back
/// to that callback.
pub async fn address_and_provider() -> (u16, Url, String, OpenIdProvider) {
    let port = free_port();
    let public = Url::parse(&format!("http://127.0.0.1:{port}")).expect("a URL");
    let callback = format!("{public}callback");
    let provider = OpenIdProvider::start(0, "key-1", &callback).await;
    (port, public, callback, provider)
}

/// Follows a `POST /console` answer to the console: the sign-in URL it names, and the page
/// that URL lands on.
pub async fn land(response: reqwest::Response) -> (String, String) {
    let (signin, _, landed) = land_at(response).await;
    (signin, landed)
}

/// [`land`], with the address of the page it lands on (the emulator's console page).
pub async fn land_at(response: reqwest::Response) -> (String, reqwest::Url, String) {
    let signin = response.headers()["location"]
        .to_str()
        .expect("a URL")
        .to_owned();
    let landed = reqwest::get(&signin)
        .await
        .expect("the sign-in URL answers");
    let at = landed.url().clone();
    (signin, at, landed.text().await.expect("a page"))
}

/// A port on loopback that nothing listens on now.
pub fn free_port() -> u16 {
    fed_local::ports::unused_port().expect("a free port")
}

/// The value of the hidden input `name` in the first form of `page` that has it.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("the input") + marker.len();
    page[start..].split('"').next().expect("a value").to_owned()
}

/// A running broker; killed on drop.
pub struct BrokerProcess {
    pub child: tokio::process::Child,
    pub url: Url,
    /// Holds `broker.toml`, `entitlements.toml` and `extra.cedar` (the extra policies, none
    /// at start).
    pub dir: tempfile::TempDir,
}

impl BrokerProcess {
    /// A broker on `port` that people reach at `public` (its own address, or another
    /// replica's, as behind a load balancer).
    pub async fn start(
        port: u16,
        public: &Url,
        provider: &OpenIdProvider,
        stack: &LocalStack,
        entitlements: &str,
    ) -> BrokerProcess {
        Self::start_with(port, public, provider, stack, entitlements, "").await
    }

    /// [`BrokerProcess::start`] with `extra` at the end of the configuration, right after
    /// the `[session]` table: more of its keys (`lifetime = "3s"`), then other tables.
    pub async fn start_with(
        port: u16,
        public: &Url,
        provider: &OpenIdProvider,
        stack: &LocalStack,
        entitlements: &str,
        extra: &str,
    ) -> BrokerProcess {
        Self::start_with_env(port, public, provider, stack, entitlements, extra, &[]).await
    }

    /// [`BrokerProcess::start_with`] with `env`, more environment variables (which replace
    /// the defaults, such as the broker's AWS credentials).
    pub async fn start_with_env(
        port: u16,
        public: &Url,
        provider: &OpenIdProvider,
        stack: &LocalStack,
        entitlements: &str,
        extra: &str,
        env: &[(&str, &str)],
    ) -> BrokerProcess {
        Self::start_configured(
            port,
            public,
            provider,
            stack,
            entitlements,
            ("", extra),
            env,
        )
        .await
    }

    /// [`BrokerProcess::start_with_env`] with `oidc`, more keys of the `[oidc]` table
    /// (`require_verified_email = false`), before `extra`.
    pub async fn start_configured(
        port: u16,
        public: &Url,
        provider: &OpenIdProvider,
        stack: &LocalStack,
        entitlements: &str,
        (oidc, extra): (&str, &str),
        env: &[(&str, &str)],
    ) -> BrokerProcess {
        Self::start_writing_to(
            port,
            public,
            provider,
            stack,
            entitlements,
            (oidc, extra),
            env,
            Stdio::piped(),
        )
        .await
    }

    /// [`BrokerProcess::start_configured`] with the broker's stdout (its audit records) going
    /// to `stdout`, such as `/dev/full`.
    #[allow(clippy::too_many_arguments)]
    pub async fn start_writing_to(
        port: u16,
        public: &Url,
        provider: &OpenIdProvider,
        stack: &LocalStack,
        entitlements: &str,
        (oidc, extra): (&str, &str),
        env: &[(&str, &str)],
        stdout: Stdio,
    ) -> BrokerProcess {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = Url::parse(&format!("http://127.0.0.1:{port}")).expect("a URL");
        std::fs::write(
            dir.path().join("broker.toml"),
            format!(
                "listen = \"127.0.0.1:{port}\"\npublic_url = \"{url}\"\nentitlements = \"entitlements.toml\"\npolicies = \"extra.cedar\"\n\
                 [oidc]\nissuer = \"{issuer}\"\nclient_id = \"fed-broker\"\nclient_secret_env = \"FED_BROKER_CLIENT_SECRET\"\ngroups_claim = \"groups\"\n{oidc}\
                 [aws]\nregion = \"{region}\"\nsignin_endpoint = \"{signin}\"\n\
                 [session]\nkeys_env = \"FED_BROKER_COOKIE_KEYS\"\n{extra}",
                url = public,
                issuer = provider.issuer,
                region = stack.region(),
                signin = stack.signin_base_url(),
            ),
        )
        .expect("config");
        std::fs::write(dir.path().join("entitlements.toml"), entitlements).expect("entitlements");
        std::fs::write(
            dir.path().join("extra.cedar"),
            "// No extra policies unless a test writes them.\n",
        )
        .expect("policies");
        let keys = stack.credentials();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"))
            .args(["serve", "--config"])
            .arg(dir.path().join("broker.toml"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", keys.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key())
            .env("AWS_ENDPOINT_URL", stack.endpoint_url())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("FED_BROKER_CLIENT_SECRET", "test-secret")
            .env("FED_BROKER_COOKIE_KEYS", cookie_keys())
            .envs(env.iter().copied())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("fed-broker runs");
        let mut broker = BrokerProcess { child, url, dir };
        let health = broker.url.join("healthz").expect("a URL");
        for _ in 0..100 {
            if reqwest::get(health.clone())
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return broker;
            }
            if let Ok(Some(status)) = broker.child.try_wait() {
                let (_, err) = broker.stop().await;
                panic!("the broker stopped ({status}): {err}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the broker did not start");
    }

    /// The configuration file.
    pub fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("broker.toml")
    }

    /// Stops the broker; what it wrote on stdout (audit records) and stderr (logs).
    pub async fn stop(mut self) -> (String, String) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            let _ = stdout.read_to_string(&mut out).await;
        }
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err).await;
        }
        (out, err)
    }
}
