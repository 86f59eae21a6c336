//! Signing in at fed-broker as a browser does, for the broker's benchmark: from the broker to
//! the test OpenID Provider's login form and back, keeping cookies, until the role page.

use anyhow::Context as _;
use url::Url;

/// A signed-in person at the broker: what a browser sends and the role page's CSRF token.
pub(super) struct SignedIn {
    /// The `Cookie` header of the broker's session.
    pub(super) cookie: String,
    /// The CSRF token of the role page's forms.
    pub(super) csrf: String,
    /// The role page, as the broker serves it.
    pub(super) page: String,
}

/// Signs in at `broker` as `user` (whose password is the user name).
pub(super) async fn sign_in(
    http: &reqwest::Client,
    broker: &Url,
    user: &str,
) -> anyhow::Result<SignedIn> {
    // Cookies by name: the broker's and the provider's names differ, and both are on 127.0.0.1.
    let mut jar = std::collections::BTreeMap::<String, String>::new();
    let mut next = broker.join("login")?;
    let mut form: Option<String> = None;
    for _ in 0..16 {
        let cookie = cookie_header(&jar);
        let request = match form.take() {
            Some(body) => http
                .post(next.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
            None => http.get(next.clone()),
        };
        let response = request.header("cookie", cookie).send().await?;
        keep(&mut jar, &response);
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .context("a redirect without a Location")?;
            next = next.join(location)?;
            continue;
        }
        let status = response.status();
        let page = response.text().await?;
        anyhow::ensure!(status.is_success(), "{next} answered {status}");
        if next.origin() == broker.origin() && next.path() == "/" {
            let cookie = jar
                .get("fed_session")
                .map(|value| format!("fed_session={value}"))
                .context("the broker set no session cookie")?;
            let csrf = hidden(&page, "csrf").context("the role page has no CSRF token")?;
            return Ok(SignedIn { cookie, csrf, page });
        }
        // The provider's login form.
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .with_context(|| format!("no sign-in form at {next}"))?;
        next = next.join(action)?;
        form = Some(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("login", user)
                .append_pair("password", user)
                .finish(),
        );
    }
    anyhow::bail!("signing in at {broker} took more than 16 steps")
}

fn cookie_header(jar: &std::collections::BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Keeps the cookies `response` sets, and forgets those it removes.
fn keep(jar: &mut std::collections::BTreeMap<String, String>, response: &reqwest::Response) {
    for value in response.headers().get_all("set-cookie") {
        let Ok(text) = value.to_str() else { continue };
        let Some((name, value)) = text.split(';').next().and_then(|p| p.split_once('=')) else {
            continue;
        };
        let removed = value.is_empty() || text.to_ascii_lowercase().contains("max-age=0");
        if removed {
            jar.remove(name.trim());
        } else {
            jar.insert(name.trim().to_owned(), value.trim().to_owned());
        }
    }
}

/// The value of the hidden input `name` in `page`.
pub(super) fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    page[start..].split('"').next().map(str::to_owned)
}
