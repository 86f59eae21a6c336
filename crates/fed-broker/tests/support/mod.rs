//! The OpenID providers of the tests, started on loopback: oidc-provider from
//! `tests/oidc-provider`, and the misbehaving `rogue.mjs` beside it; a browser that signs in
//! at them; the broker as a process (`broker.rs`), a throw-away PostgreSQL for its audit
//! store (`postgres.rs`), and headless Chromium driven through the broker by the workspace's
//! `tests/browser` (`journey.rs`, which the workspace's `tests/it` uses too), which also checks
//! the broker's pages with axe-core (`accessibility.rs`).

#![allow(dead_code, unreachable_pub)]

pub mod accessibility;
pub mod broker;
pub mod journey;
pub mod postgres;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use url::Url;

/// The redirect URI of tests that complete the sign-in themselves.
pub const REDIRECT: &str = "http://localhost:9/callback";

/// The providers' directory, with its npm packages installed (once) from the lock file.
fn provider_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| journey::node_package("oidc-provider", "oidc-provider"))
        .clone()
}

/// A running provider; killed on drop.
pub struct OpenIdProvider {
    child: tokio::process::Child,
    /// The provider's issuer URL.
    pub issuer: Url,
    output: Arc<Mutex<Vec<String>>>,
}

impl OpenIdProvider {
    /// Starts a provider on `port` (0: any) signing with a new key `key_id`, for a client that
    /// redirects to `redirect`.
    pub async fn start(port: u16, key_id: &str, redirect: &str) -> OpenIdProvider {
        let mut command = tokio::process::Command::new("node");
        command
            .arg("server.mjs")
            .env("PORT", port.to_string())
            .env("KEY_ID", key_id)
            .env("REDIRECT_URIS", redirect);
        Self::spawn(command).await
    }

    /// Starts the misbehaving provider, `rogue.mjs`, whose id_tokens are wrong as `mode` says
    /// (`good`: not at all).
    pub async fn rogue(mode: &str) -> OpenIdProvider {
        let mut command = tokio::process::Command::new("node");
        command.arg("rogue.mjs").env("PORT", "0").env("MODE", mode);
        Self::spawn(command).await
    }

    async fn spawn(mut command: tokio::process::Command) -> OpenIdProvider {
        let mut child = command
            .current_dir(provider_dir())
            .env("CLIENT_ID", "fed-broker")
            .env("CLIENT_SECRET", "test-secret")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs (install Debian's nodejs and npm)");
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
        let output = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&output);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().expect("lines").push(line);
            }
        });
        OpenIdProvider {
            child,
            issuer: Url::parse(&issuer).expect("a URL"),
            output,
        }
    }

    /// What it printed after it started: for `rogue.mjs`, each request's method and path.
    pub fn output(&self) -> Vec<String> {
        self.output.lock().expect("lines").clone()
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.issuer.port().expect("a port")
    }

    /// Stops it.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Signs in at the provider as `user`, as a browser does, from `start` to the callback; the
/// callback's `state` and `code`.
pub async fn sign_in_at_provider(start: &Url, user: &str) -> (String, String) {
    let browser = browser();
    let (url, _) = follow_to(&browser, start, user, REDIRECT).await;
    let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    (pairs["state"].clone(), pairs["code"].clone())
}

/// A browser: cookies kept (by name, for the loopback host: the provider's and the broker's
/// names differ), redirects not followed.
pub struct Browser {
    http: reqwest::Client,
    jar: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

/// A request of a [`Browser`], which keeps the cookies its response sets.
pub struct Request<'a> {
    browser: &'a Browser,
    inner: reqwest::RequestBuilder,
}

impl Browser {
    fn request(&self, inner: reqwest::RequestBuilder) -> Request<'_> {
        let cookies: Vec<String> = self
            .jar
            .lock()
            .expect("jar")
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let inner = if cookies.is_empty() {
            inner
        } else {
            inner.header("cookie", cookies.join("; "))
        };
        Request {
            browser: self,
            inner,
        }
    }

    /// The value of the cookie `name` the browser keeps, if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().expect("jar").get(name).cloned()
    }

    pub fn get(&self, url: impl reqwest::IntoUrl) -> Request<'_> {
        self.request(self.http.get(url))
    }

    pub fn post(&self, url: impl reqwest::IntoUrl) -> Request<'_> {
        self.request(self.http.post(url))
    }

    fn keep(&self, response: &reqwest::Response) {
        let mut jar = self.jar.lock().expect("jar");
        for value in response.headers().get_all("set-cookie") {
            let Ok(text) = value.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let removed = value.is_empty()
                || text.to_ascii_lowercase().contains("max-age=0")
                || text.contains("1970");
            if removed {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }
}

impl Request<'_> {
    pub fn header(self, name: &str, value: &str) -> Self {
        Request {
            browser: self.browser,
            inner: self.inner.header(name, value),
        }
    }

    pub fn form(self, form: &[(&str, &str)]) -> Self {
        Request {
            browser: self.browser,
            inner: self.inner.form(form),
        }
    }

    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let response = self.inner.send().await?;
        self.browser.keep(&response);
        Ok(response)
    }
}

/// A new browser.
pub fn browser() -> Browser {
    Browser {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        jar: std::sync::Mutex::new(std::collections::BTreeMap::new()),
    }
}

/// Follows `start` through the provider's sign-in as `user` until a URL that starts with
/// `until`; that URL, and the browser's count of steps.
pub async fn follow_to(browser: &Browser, start: &Url, user: &str, until: &str) -> (Url, usize) {
    let mut next = start.clone();
    for step in 0..12 {
        if next.as_str().starts_with(until) {
            return (next, step);
        }
        let response = browser
            .get(next.clone())
            .send()
            .await
            .expect("the server answers");
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
    panic!("the sign-in did not reach {until}");
}
