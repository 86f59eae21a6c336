//! The broker's configuration file (TOML), checked as a whole at start: every mistake is
//! reported with the key it is under, such as `oidc.issuer`.
//!
//! ```toml
//! listen = "0.0.0.0:8080"
//! public_url = "https://console.example.com"
//! entitlements = "entitlements.toml"
//! policies = "extra.cedar"      # optional: Cedar policies added to the entitlements'
//!
//! [oidc]
//! issuer = "https://login.example.com"
//! client_id = "fed-broker"
//! client_secret_env = "FED_BROKER_CLIENT_SECRET"
//! groups_claim = "groups"
//!
//! [session]
//! keys_env = "FED_BROKER_COOKIE_KEYS"
//! lifetime = "1h"
//!
//! [notify]                      # optional
//! webhook_url_env = "FED_BROKER_WEBHOOK_URL"
//! secret_env = "FED_BROKER_WEBHOOK_SECRET"
//!
//! [server]                      # optional
//! metrics_listen = "127.0.0.1:9090"
//! shutdown_grace = "20s"
//! max_connections = 1024
//! ```
//!
//! Secrets (the client secret, the cookie keys, the database URL) are never in the file: it
//! names the environment variables that hold them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::error::Error;

/// The whole configuration, checked.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Where the broker listens.
    pub listen: SocketAddr,
    /// The URL people reach the broker at (behind the load balancer): the redirect URI's base
    /// and the console's Issuer, so that an expired console session comes back here.
    pub public_url: Url,
    /// The entitlements file, resolved against the configuration file's directory.
    pub entitlements: PathBuf,
    /// The extra Cedar policies file, resolved against the configuration file's directory.
    pub policies: Option<PathBuf>,
    /// The company's OpenID Connect provider.
    pub oidc: Oidc,
    /// The encrypted session cookies.
    pub session: Session,
    /// Rate limits.
    pub limits: Limits,
    /// The audit store.
    pub audit: Audit,
    /// AWS: the region of STS calls, and another federation endpoint (for local stacks).
    pub aws: Aws,
    /// How the server runs: connections, shutdown, where /metrics is served.
    pub server: Server,
    /// Where access events are sent, if anywhere.
    pub notify: Option<Notify>,
    /// Just-in-time grants.
    pub grants: Grants,
}

/// Just-in-time grants.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Grants {
    /// The shortest grant a request may ask for (15 minutes unless set; tests set seconds).
    pub min_grant: Duration,
}

impl Default for Grants {
    fn default() -> Grants {
        Grants {
            min_grant: Duration::from_secs(15 * 60),
        }
    }
}

/// The webhook that access events are POSTed to.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Notify {
    /// The variable that holds the webhook's URL (which may hold a token, as Slack's do).
    pub webhook_url_env: String,
    /// The variable that holds the secret the notifications are signed with.
    pub secret_env: String,
}

/// How the server runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Server {
    /// Where `/metrics` is served instead of the public listener (which then answers 404).
    pub metrics_listen: Option<SocketAddr>,
    /// After SIGTERM, how long requests in flight may take before the process exits.
    pub shutdown_grace: Duration,
    /// The most connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for Server {
    fn default() -> Server {
        Server {
            metrics_listen: None,
            shutdown_grace: Duration::from_secs(20),
            max_connections: 1024,
        }
    }
}

/// How the broker reaches AWS. Its own credentials come from the AWS SDK's chain: instance or
/// task role, IRSA, environment, profile.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Aws {
    /// The region of STS calls (else the SDK's).
    pub region: Option<String>,
    /// A federation endpoint other than AWS's, such as a local emulator's.
    pub signin_endpoint: Option<Url>,
    /// The role, in each account with roles on request, that puts and removes the deny
    /// policies ending console sessions; else the broker's own credentials do (roles of its own
    /// account only).
    pub revocation_role: Option<fed_core::RoleName>,
}

/// The OpenID Connect provider and the client the broker is at it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Oidc {
    /// The issuer, whose `/.well-known/openid-configuration` describes the provider.
    pub issuer: Url,
    /// The client id.
    pub client_id: String,
    /// The variable that holds the client secret.
    pub client_secret_env: String,
    /// The id_token claim that lists the user's groups.
    pub groups_claim: String,
    /// The id_token claim that names the user (`email` unless set).
    pub user_claim: String,
    /// Whether, with `email` as the user claim, an unverified email is refused (`true` unless
    /// set to `false`).
    pub require_verified_email: bool,
}

/// The session cookies.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Session {
    /// The variable that holds the cookie keys: base64, separated by commas or spaces, the
    /// first encrypting and all of them decrypting, so keys can rotate.
    pub keys_env: String,
    /// How long a sign-in at the broker lasts.
    pub lifetime: Duration,
}

/// Rate limits on issuing sessions.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Requests per minute per signed-in user.
    pub per_user_per_minute: u32,
    /// Requests per minute per client address.
    pub per_ip_per_minute: u32,
    /// The header a trusted proxy puts the client address in (such as `X-Forwarded-For`);
    /// without it, the connection's address is the client's.
    pub trusted_proxy_header: Option<String>,
}

/// Where audit records go besides stdout.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Audit {
    /// The variable that holds a PostgreSQL URL; when set, a record that cannot be stored
    /// means no session.
    pub database_url_env: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: String,
    public_url: String,
    entitlements: PathBuf,
    policies: Option<PathBuf>,
    oidc: RawOidc,
    session: RawSession,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    audit: RawAudit,
    #[serde(default)]
    aws: RawAws,
    #[serde(default)]
    server: RawServer,
    notify: Option<RawNotify>,
    #[serde(default)]
    grants: RawGrants,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGrants {
    min_grant: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    webhook_url_env: String,
    secret_env: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServer {
    metrics_listen: Option<String>,
    shutdown_grace: Option<String>,
    max_connections: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAws {
    region: Option<String>,
    signin_endpoint: Option<String>,
    revocation_role: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOidc {
    issuer: String,
    client_id: String,
    client_secret_env: String,
    groups_claim: String,
    user_claim: Option<String>,
    require_verified_email: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    keys_env: String,
    lifetime: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    per_user_per_minute: Option<u32>,
    per_ip_per_minute: Option<u32>,
    trusted_proxy_header: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    database_url_env: Option<String>,
}

/// The longest a broker sign-in may last.
const MAX_LIFETIME: Duration = Duration::from_secs(12 * 3600);

impl Config {
    /// Reads and checks the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, dir).map_err(|e| e.in_file(path))
    }

    /// Parses and checks configuration text; relative paths are resolved against `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Config, Error> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| Error::toml(&e, text))?;
        let listen = raw.listen.parse().map_err(|_| {
            Error::key(
                "listen",
                &raw.listen,
                "an address and port, such as 0.0.0.0:8080",
            )
        })?;
        let public_url = https_url("public_url", &raw.public_url)?;
        let issuer = https_url("oidc.issuer", &raw.oidc.issuer)?;
        non_empty("oidc.client_id", &raw.oidc.client_id)?;
        variable_name("oidc.client_secret_env", &raw.oidc.client_secret_env)?;
        non_empty("oidc.groups_claim", &raw.oidc.groups_claim)?;
        let user_claim = raw.oidc.user_claim.unwrap_or_else(|| "email".to_owned());
        non_empty("oidc.user_claim", &user_claim)?;
        variable_name("session.keys_env", &raw.session.keys_env)?;
        let lifetime = match &raw.session.lifetime {
            None => Duration::from_secs(3600),
            Some(text) => {
                let lifetime = fed_core::parse_duration(text).map_err(|_| {
                    Error::key("session.lifetime", text, "a duration such as 30m, 1h or 8h")
                })?;
                if lifetime.is_zero() || lifetime > MAX_LIFETIME {
                    return Err(Error::key(
                        "session.lifetime",
                        text,
                        "a duration from 1s to 12h",
                    ));
                }
                lifetime
            }
        };
        let per_user = raw.limits.per_user_per_minute.unwrap_or(30);
        let per_ip = raw.limits.per_ip_per_minute.unwrap_or(120);
        for (key, value) in [
            ("limits.per_user_per_minute", per_user),
            ("limits.per_ip_per_minute", per_ip),
        ] {
            if value == 0 {
                return Err(Error::key(
                    key,
                    "0",
                    "a number of requests per minute, at least 1",
                ));
            }
        }
        if let Some(header) = &raw.limits.trusted_proxy_header
            && (header.is_empty()
                || !header
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(Error::key(
                "limits.trusted_proxy_header",
                header,
                "a header name such as X-Forwarded-For",
            ));
        }
        if let Some(name) = &raw.audit.database_url_env {
            variable_name("audit.database_url_env", name)?;
        }
        if let Some(region) = &raw.aws.region {
            fed_core::Region::new(region.as_str())
                .map_err(|_| Error::key("aws.region", region, "a region such as eu-west-1"))?;
        }
        let signin_endpoint = raw
            .aws
            .signin_endpoint
            .as_deref()
            .map(|text| {
                Url::parse(text).map_err(|_| {
                    Error::key(
                        "aws.signin_endpoint",
                        text,
                        "the base URL of a federation endpoint",
                    )
                })
            })
            .transpose()?;
        let revocation_role = raw
            .aws
            .revocation_role
            .as_deref()
            .map(|name| {
                fed_core::RoleName::new(name).map_err(|_| {
                    Error::key(
                        "aws.revocation_role",
                        name,
                        "a role name (not an ARN): 1 to 64 characters of letters, digits and _+=,.@-",
                    )
                })
            })
            .transpose()?;
        let notify = match raw.notify {
            None => None,
            Some(notify) => {
                variable_name("notify.webhook_url_env", &notify.webhook_url_env)?;
                variable_name("notify.secret_env", &notify.secret_env)?;
                Some(Notify {
                    webhook_url_env: notify.webhook_url_env,
                    secret_env: notify.secret_env,
                })
            }
        };
        let grants = Grants {
            min_grant: match &raw.grants.min_grant {
                None => Grants::default().min_grant,
                Some(text) => fed_core::parse_duration(text)
                    .ok()
                    .filter(|d| !d.is_zero() && *d <= Duration::from_secs(24 * 3600))
                    .ok_or_else(|| {
                        Error::key(
                            "grants.min_grant",
                            text,
                            "a duration from 1s to 24h, such as 15m",
                        )
                    })?,
            },
        };
        let defaults = Server::default();
        let metrics_listen = raw
            .server
            .metrics_listen
            .as_deref()
            .map(|text| {
                text.parse::<SocketAddr>().map_err(|_| {
                    Error::key(
                        "server.metrics_listen",
                        text,
                        "an address and port, such as 127.0.0.1:9090",
                    )
                })
            })
            .transpose()?;
        if metrics_listen.is_some_and(|m| m == listen) {
            return Err(Error::key(
                "server.metrics_listen",
                &listen.to_string(),
                "another address or port than listen",
            ));
        }
        let shutdown_grace = match &raw.server.shutdown_grace {
            None => defaults.shutdown_grace,
            Some(text) => fed_core::parse_duration(text)
                .ok()
                .filter(|d| *d <= Duration::from_secs(600))
                .ok_or_else(|| {
                    Error::key(
                        "server.shutdown_grace",
                        text,
                        "a duration from 0s to 10m, such as 20s",
                    )
                })?,
        };
        let max_connections = match raw.server.max_connections {
            None => defaults.max_connections,
            Some(n) if (1..=1_000_000).contains(&n) => n,
            Some(n) => {
                return Err(Error::key(
                    "server.max_connections",
                    &n.to_string(),
                    "a number from 1 to 1000000",
                ));
            }
        };
        Ok(Config {
            listen,
            public_url,
            entitlements: dir.join(raw.entitlements),
            policies: raw.policies.map(|p| dir.join(p)),
            oidc: Oidc {
                issuer,
                client_id: raw.oidc.client_id,
                client_secret_env: raw.oidc.client_secret_env,
                groups_claim: raw.oidc.groups_claim,
                user_claim,
                require_verified_email: raw.oidc.require_verified_email.unwrap_or(true),
            },
            session: Session {
                keys_env: raw.session.keys_env,
                lifetime,
            },
            limits: Limits {
                per_user_per_minute: per_user,
                per_ip_per_minute: per_ip,
                trusted_proxy_header: raw.limits.trusted_proxy_header,
            },
            audit: Audit {
                database_url_env: raw.audit.database_url_env,
            },
            aws: Aws {
                region: raw.aws.region,
                signin_endpoint,
                revocation_role,
            },
            server: Server {
                metrics_listen,
                shutdown_grace,
                max_connections,
            },
            notify,
            grants,
        })
    }
}

/// An https URL (http only for `localhost` and loopback addresses, for local runs).
fn https_url(key: &str, text: &str) -> Result<Url, Error> {
    let url = Url::parse(text)
        .map_err(|_| Error::key(key, text, "an https URL such as https://login.example.com"))?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => Ok(url),
        "http" if local => Ok(url),
        _ => Err(Error::key(
            key,
            text,
            "an https URL (http only for localhost and 127.0.0.1)",
        )),
    }
}

fn non_empty(key: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        Err(Error::key(key, value, "a value that is not empty"))
    } else {
        Ok(())
    }
}

/// The name of an environment variable: letters, digits and `_`, not starting with a digit.
fn variable_name(key: &str, value: &str) -> Result<(), Error> {
    let valid = !value.is_empty()
        && !value.starts_with(|c: char| c.is_ascii_digit())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(Error::key(
            key,
            value,
            "the name of an environment variable, such as FED_BROKER_CLIENT_SECRET",
        ))
    }
}

#[cfg(test)]
mod tests;
