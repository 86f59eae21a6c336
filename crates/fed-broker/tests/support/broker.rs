//! The broker as a process for the end-to-end tests: the real `fed-broker serve` with its
//! configuration in a temporary directory, roles at the local stack for it to assume, and
//! helpers to read its pages.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use fed_local::LocalStack;
use serde_json::json;
use tokio::io::AsyncReadExt;
use url::Url;

use super::OpenIdProvider;

/// A role that the stack's IAM user (the broker's credentials) may assume, setting a source
/// identity and session tags, as AWS requires of a broker.
pub async fn role(stack: &LocalStack, name: &str) -> String {
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": stack.user_arn().to_string()},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
    }]});
    stack
        .create_role(name, &trust, Some(43_200))
        .await
        .expect("CreateRole")
}

/// A port on loopback that nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running broker; killed on drop.
pub struct BrokerProcess {
    /// The process.
    pub child: tokio::process::Child,
    /// Its own address.
    pub url: Url,
    /// Its configuration and entitlements files.
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

    /// [`BrokerProcess::start`] with `extra` tables at the end of the configuration.
    pub async fn start_with(
        port: u16,
        public: &Url,
        provider: &OpenIdProvider,
        stack: &LocalStack,
        entitlements: &str,
        extra: &str,
    ) -> BrokerProcess {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = Url::parse(&format!("http://127.0.0.1:{port}")).expect("a URL");
        std::fs::write(
            dir.path().join("broker.toml"),
            format!(
                "listen = \"127.0.0.1:{port}\"\npublic_url = \"{url}\"\nentitlements = \"entitlements.toml\"\n\
                 [oidc]\nissuer = \"{issuer}\"\nclient_id = \"fed-broker\"\nclient_secret_env = \"FED_BROKER_CLIENT_SECRET\"\ngroups_claim = \"groups\"\n\
                 [session]\nkeys_env = \"FED_BROKER_COOKIE_KEYS\"\n\
                 [aws]\nregion = \"{region}\"\nsignin_endpoint = \"{signin}\"\n{extra}",
                url = public,
                issuer = provider.issuer,
                region = stack.region(),
                signin = stack.signin_base_url(),
            ),
        )
        .expect("config");
        std::fs::write(dir.path().join("entitlements.toml"), entitlements).expect("entitlements");
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
            .env(
                "FED_BROKER_COOKIE_KEYS",
                base64::engine::general_purpose::STANDARD.encode([7u8; 64]),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("fed-broker runs");
        let broker = BrokerProcess { child, url, dir };
        let health = broker.url.join("healthz").expect("a URL");
        for _ in 0..100 {
            if reqwest::get(health.clone())
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return broker;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the broker did not start");
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

/// The value of the hidden input `name` in the first form of `page` that has it.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect("the input") + marker.len();
    page[start..].split('"').next().expect("a value").to_owned()
}
