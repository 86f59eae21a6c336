//! What `aws sso login` leaves behind: a token the portal knows and the SSO token cache file
//! the SDKs read it from.
//!
//! The AWS CLI writes `~/.aws/sso/cache/{sha1 hex}.json`, named after the `sso_session` name
//! for an `sso_session` profile and after the `sso_start_url` for a legacy profile, with
//! `startUrl`, `region`, `accessToken` and `expiresAt` (RFC 3339, UTC, whole seconds), and for
//! an `sso_session` also the OIDC client registration (`clientId`, `clientSecret`,
//! `registrationExpiresAt`) and a `refreshToken`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Portal;
use crate::Error;

/// How long the OIDC client registration of a login lasts, as on AWS.
const REGISTRATION_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);

/// How long before now an expired login expired.
const EXPIRED_SINCE: Duration = Duration::from_secs(3600);

/// Which profile kind the login is for: it decides the cache file's name and content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// An `[sso-session NAME]` section.
    Session(String),
    /// A legacy profile with `sso_start_url`.
    Legacy(String),
}

/// Which expiry the login gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Valid for the lifetime, in the cache file and on the portal.
    Valid,
    /// Valid in the cache file, already expired on the portal.
    ExpiredOnPortal,
    /// Expired in the cache file and on the portal.
    Expired,
}

/// What to log in for, like `aws sso login --sso-session NAME` or `aws sso login --profile P`
/// of a legacy profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoLogin {
    target: Target,
    lifetime: Duration,
    state: State,
}

impl SsoLogin {
    /// A login for the `[sso-session NAME]` section `name`, valid for eight hours.
    pub fn session(name: impl Into<String>) -> SsoLogin {
        SsoLogin::new(Target::Session(name.into()))
    }

    /// A login for legacy profiles with `sso_start_url = start_url`, valid for eight hours.
    pub fn legacy(start_url: impl Into<String>) -> SsoLogin {
        SsoLogin::new(Target::Legacy(start_url.into()))
    }

    fn new(target: Target) -> SsoLogin {
        SsoLogin {
            target,
            lifetime: Duration::from_secs(8 * 3600),
            state: State::Valid,
        }
    }

    /// Valid for `lifetime` (whole seconds) instead of eight hours.
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> SsoLogin {
        self.lifetime = lifetime;
        self
    }

    /// A token the cache file calls valid for the lifetime but the portal has already
    /// expired, as after a session ended on the Identity Center side: clients send it and get
    /// `UnauthorizedException`.
    #[must_use]
    pub fn expired_on_portal(mut self) -> SsoLogin {
        self.state = State::ExpiredOnPortal;
        self
    }

    /// A token that expired an hour ago, in the cache file and on the portal: clients refuse to
    /// use it (an `sso_session` client tries to refresh it through the OIDC service, which
    /// the stack does not emulate).
    #[must_use]
    pub fn expired(mut self) -> SsoLogin {
        self.state = State::Expired;
        self
    }
}

/// A token the portal issued, and where its cache file is.
#[derive(Clone)]
pub struct SsoToken {
    access_token: String,
    cache_file: PathBuf,
    expires_at: SystemTime,
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken")
            .field("cache_file", &self.cache_file)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl SsoToken {
    /// The bearer token, for the `x-amz-sso_bearer_token` header.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The cache file written for it.
    pub fn cache_file(&self) -> &Path {
        &self.cache_file
    }

    /// When the cache file says it expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

/// The cache file's fields, in the order the AWS CLI writes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CacheFile<'a> {
    start_url: &'a str,
    region: &'a str,
    access_token: &'a str,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

impl Portal {
    /// Does what `aws sso login` does for `login` with the home directory `home`: issues a new
    /// token and writes its cache file under `{home}/.aws/sso/cache/`.
    pub fn login(&self, home: &Path, login: SsoLogin) -> Result<SsoToken, Error> {
        let config = &self.shared.config;
        let now = whole_seconds(SystemTime::now());
        let (cache_expiry, portal_expiry) = match login.state {
            State::Valid => (now + login.lifetime, now + login.lifetime),
            State::ExpiredOnPortal => (now + login.lifetime, now - Duration::from_secs(1)),
            State::Expired => (now - EXPIRED_SINCE, now - EXPIRED_SINCE),
        };
        let cache_expiry = whole_seconds(cache_expiry);
        let access_token = self.shared.tokens.issue(portal_expiry);
        let (identifier, start_url, session) = match &login.target {
            Target::Session(name) => (name.as_str(), config.start_url.as_str(), true),
            Target::Legacy(url) => (url.as_str(), url.as_str(), false),
        };
        let file = CacheFile {
            start_url,
            region: &config.region,
            access_token: &access_token,
            expires_at: rfc3339(cache_expiry),
            client_id: session.then(|| random(22)),
            client_secret: session.then(|| random(480)),
            registration_expires_at: session.then(|| rfc3339(now + REGISTRATION_LIFETIME)),
            refresh_token: session.then(|| format!("aor{}", random(400))),
        };
        let text = serde_json::to_string(&file).expect("the cache file serializes to JSON");
        let dir = home.join(".aws").join("sso").join("cache");
        let cache_file = dir.join(format!("{}.json", cache_name(identifier)));
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            action: "create",
            path: dir.clone(),
            source,
        })?;
        write_private(&cache_file, &text).map_err(|source| Error::Io {
            action: "write",
            path: cache_file.clone(),
            source,
        })?;
        Ok(SsoToken {
            access_token,
            cache_file,
            expires_at: cache_expiry,
        })
    }
}

/// The cache file's name without `.json`: the lowercase hex SHA-1 of `identifier`.
fn cache_name(identifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        identifier.as_bytes(),
    );
    data_encoding::HEXLOWER.encode(digest.as_ref())
}

/// `at` without its fraction of a second.
pub(crate) fn whole_seconds(at: SystemTime) -> SystemTime {
    let seconds = at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// `2025-01-02T03:04:05Z`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from(whole_seconds(at))
        .format(&Rfc3339)
        .expect("a time in whole seconds formats as RFC 3339")
}

/// Random letters and digits, as in AWS's client ids and secrets.
pub(crate) fn random(len: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(len)
        .collect()
}

/// Writes `text` to `path`, readable by its owner only, as the AWS CLI does.
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}
