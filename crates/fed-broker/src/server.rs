//! The broker's web server: sign-in at the company's provider, the page of roles, and console
//! sessions issued by POST with a CSRF token. Everything between requests lives in sealed
//! cookies, so any replica serves any request. Every decision is audited; with an audit store,
//! a session whose record cannot be stored is not issued.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the roles the signed-in person may use, or a redirect to `/login` |
//! | `GET /login` | a redirect to the provider; what the callback needs goes in a cookie |
//! | `GET /callback` | the provider's answer: the person is signed in at the broker |
//! | `POST /console` | a console session for a role: 303 to the sign-in URL |
//! | `POST /logout` | signs out of the broker |
//! | `GET /healthz`, `GET /readyz` | liveness, and readiness (the audit store answers) |
//! | `GET /metrics` | counters in Prometheus's text format |

mod console;
mod issue;
mod limits;
mod metrics;
mod pages;
mod sign_in;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use cookie::CookieJar;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditStore, Decision, Record};
use crate::config::Config;
use crate::cookies::KeyRing;
use crate::entitlements::Entitlements;
use crate::oidc::{Person, Provider};

pub use issue::Issuer;

/// The cookie of a pending sign-in at the provider.
const LOGIN_COOKIE: &str = "fed_login";
/// The cookie of a signed-in person.
const SESSION_COOKIE: &str = "fed_session";
/// The refusal of a session whose audit record the store did not take.
const AUDIT_UNAVAILABLE: &str = "audit_unavailable";
/// The largest request body the broker reads.
const BODY_LIMIT: usize = 16 * 1024;
/// How long a sign-in at the provider may take.
const LOGIN_LIFETIME: Duration = Duration::from_secs(600);

/// A signed-in person and their CSRF token.
#[derive(Clone, Serialize, Deserialize)]
struct Session {
    person: Person,
    csrf: String,
}

/// The CSRF token is a secret of the session: never shown.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

/// What every request shares.
pub struct Broker {
    config: Config,
    provider: Provider,
    keys: KeyRing,
    entitlements: RwLock<Arc<Entitlements>>,
    issuer: Issuer,
    metrics: metrics::Metrics,
    limits: limits::Limits,
    store: Option<AuditStore>,
}

impl Broker {
    /// A broker of `config`, signing people in at `provider`, sealing cookies with `keys`,
    /// deciding with `entitlements` and issuing sessions with `issuer`.
    pub fn new(
        config: Config,
        provider: Provider,
        keys: KeyRing,
        entitlements: Entitlements,
        issuer: Issuer,
    ) -> Broker {
        Broker {
            provider,
            keys,
            entitlements: RwLock::new(Arc::new(entitlements)),
            limits: limits::Limits::new(&config.limits),
            config,
            issuer,
            metrics: metrics::Metrics::default(),
            store: None,
        }
    }

    /// The same broker, keeping audit records in `store` too: a session whose record cannot be
    /// stored there is not issued.
    #[must_use]
    pub fn with_store(self, store: AuditStore) -> Broker {
        Broker {
            store: Some(store),
            ..self
        }
    }

    /// Replaces the entitlements, as a reload does.
    pub fn set_entitlements(&self, entitlements: Entitlements) {
        if let Ok(mut current) = self.entitlements.write() {
            *current = Arc::new(entitlements);
        }
    }

    fn entitlements(&self) -> Arc<Entitlements> {
        self.entitlements
            .read()
            .map(|e| Arc::clone(&e))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// The router of all routes.
    pub fn router(self: Arc<Self>) -> axum::Router {
        axum::Router::new()
            .route("/", get(home))
            .route("/login", get(sign_in::login))
            .route("/callback", get(sign_in::callback))
            .route("/console", post(console::console))
            .route("/logout", post(logout))
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            // A form is a role, a token, a service and a region: a body over 16 KiB is refused
            // with 413 before it is read into memory or looked at.
            .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(self)
    }

    /// Forgets the rate limits' clients whose allowance is whole again; run it now and then,
    /// so that memory follows the active clients, not all that ever came.
    pub fn forget_idle_clients(&self) {
        self.limits.forget_idle();
    }

    /// The client's address: from the trusted proxy's header when one is configured, else the
    /// connection's.
    fn client_ip(&self, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
        self.config
            .limits
            .trusted_proxy_header
            .as_deref()
            .and_then(|name| proxied_ip(headers, name))
            .unwrap_or(peer.ip())
    }

    /// A new request's audit record (refused until issued), with the client's address and the
    /// role asked for; the refusal when that address is over its rate limit.
    async fn admit(
        &self,
        headers: &HeaderMap,
        peer: SocketAddr,
        role: Option<&str>,
    ) -> Result<Record, Box<Response>> {
        let mut record = Record::new(Decision::Denied, random_hex(8));
        let ip = self.client_ip(headers, peer);
        record.source_ip = Some(ip);
        record.role_arn = role.map(str::to_owned);
        if self.limits.ip_allows(ip) {
            Ok(record)
        } else {
            Err(Box::new(
                refuse(
                    self,
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited_ip",
                    record,
                )
                .await,
            ))
        }
    }

    /// Writes `record` to stdout, and to the store when there is one; a record the store
    /// refuses is logged as not stored (the decision stands).
    async fn audit(&self, record: &Record) {
        let _ = record.write_to(&mut std::io::stdout().lock());
        // The store has just failed this very request: asking it again would only double the
        // wait for the refusal, which is on stdout.
        if record.reason.as_deref() == Some(AUDIT_UNAVAILABLE) {
            return;
        }
        if let Err(problem) = self.store_record(record).await {
            tracing::error!(
                request_id = %record.request_id,
                error = %problem,
                "audit record not stored"
            );
        }
    }

    /// Stores `record` when there is a store; a failure is counted.
    async fn store_record(&self, record: &Record) -> Result<(), String> {
        match &self.store {
            Some(store) => store.insert(record).await.inspect_err(|_| {
                self.metrics.store_failed();
            }),
            None => Ok(()),
        }
    }
}

type Shared = State<Arc<Broker>>;

/// The address a trusted proxy put in header `name`: the last one, as a proxy appends the
/// address it saw to what the client sent (which the client may have made up).
fn proxied_ip(headers: &HeaderMap, name: &str) -> Option<IpAddr> {
    let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
    value.rsplit(',').next()?.trim().parse().ok()
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // Without randomness there can be no tokens; an all-zero one would be guessable, so stop.
    getrandom::fill(&mut buf).expect("the system's random number generator");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn jar(headers: &HeaderMap) -> CookieJar {
    let mut jar = CookieJar::new();
    for value in headers.get_all(header::COOKIE) {
        if let Ok(text) = value.to_str() {
            for cookie in cookie::Cookie::split_parse(text.to_owned()).flatten() {
                jar.add_original(cookie);
            }
        }
    }
    jar
}

fn with_cookies(mut response: Response, cookies: &[cookie::Cookie<'static>]) -> Response {
    for cookie in cookies {
        if let Ok(value) = cookie.to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// A refusal: its status and page, with an audit record.
async fn refuse(broker: &Broker, status: StatusCode, reason: &str, record: Record) -> Response {
    let mut record = record;
    record.reason = Some(reason.to_owned());
    broker.metrics.denied(reason);
    broker.audit(&record).await;
    let page = pages::refused(status, reason, &record.request_id);
    (status, Html(page)).into_response()
}

async fn home(State(broker): Shared, headers: HeaderMap) -> Response {
    let session: Session = match broker.keys.open(&jar(&headers), SESSION_COOKIE) {
        Ok(session) => session,
        Err(_) => return Redirect::to("/login").into_response(),
    };
    let entitlements = broker.entitlements();
    let roles: Vec<_> = entitlements
        .for_user(&session.person.user, &session.person.groups)
        .collect();
    with_cookies(
        Html(pages::roles(&session.person, &roles, &session.csrf)).into_response(),
        &[],
    )
}

/// Ready unless the audit store, when there is one, does not answer.
async fn readyz(State(broker): Shared) -> Response {
    match &broker.store {
        Some(store) if !store.ready().await => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the audit store does not answer\n",
        )
            .into_response(),
        _ => "ready\n".into_response(),
    }
}

async fn metrics(State(broker): Shared) -> Response {
    let mut response = broker.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    response
}

#[cfg(test)]
mod tests;

async fn logout(State(broker): Shared) -> Response {
    let removal = broker.keys.removal(SESSION_COOKIE);
    with_cookies(Html(pages::signed_out()).into_response(), &[removal])
}
