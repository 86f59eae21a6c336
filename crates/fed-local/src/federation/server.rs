//! The HTTP routes of the emulator.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fed_core::{CredentialOrigin, Credentials, Partition, SessionDuration, SigninToken};
use url::Url;

use super::page;
use super::recorder::{RecordedRequest, Recorder, Rejection};
use super::resolver::{IdentityResolver, ResolveError, ResolvedIdentity};
use super::{Clock, Config};
use crate::log::{CallerKind, LoggedRequest, RequestLog, Service};

impl<R> Shared<R> {
    /// The emulator's base URL, set as soon as it listens.
    fn base_url(&self) -> &Url {
        self.base
            .get()
            .expect("the base URL is set before requests are served")
    }
}

/// The console session length when neither `SessionDuration` nor the
/// credentials' expiration is known.
const DEFAULT_SESSION: Duration = Duration::from_secs(3600);

/// Characters of issued tokens. Includes characters that must be encoded in
/// a URL, so that clients that forget to encode fail.
const TOKEN_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=";

struct Issued {
    identity: ResolvedIdentity,
    issued_at: SystemTime,
    session_expires_at: SystemTime,
}

pub(super) struct ConsoleSession {
    pub(super) identity: ResolvedIdentity,
    pub(super) session_expires_at: SystemTime,
    pub(super) issuer: Option<String>,
    pub(super) destination: Url,
}

struct Shared<R> {
    partition: Partition,
    clock: Arc<dyn Clock>,
    resolver: R,
    base: Arc<OnceLock<Url>>,
    recorder: Arc<Recorder>,
    log: Option<RequestLog>,
    tokens: Mutex<HashMap<String, Issued>>,
    sessions: Mutex<HashMap<String, Arc<ConsoleSession>>>,
}

pub(super) fn router<R: IdentityResolver>(
    config: Config,
    resolver: R,
    base: Arc<OnceLock<Url>>,
    recorder: Arc<Recorder>,
) -> Router {
    let shared = Arc::new(Shared {
        partition: config.partition,
        clock: config.clock,
        resolver,
        base,
        recorder,
        log: config.log,
        tokens: Mutex::new(HashMap::new()),
        sessions: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/federation", get(federation::<R>).post(federation::<R>))
        .route("/oauth", get(oauth::<R>))
        .route("/console", get(console_without_session))
        .route("/console/{session}", get(console::<R>))
        .with_state(shared)
}

/// The parameters of one request: query string first, then a form body.
struct Params {
    pairs: Vec<(String, String)>,
    query_names: Vec<String>,
}

impl Params {
    fn parse(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Params {
        let mut pairs: Vec<(String, String)> = query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let query_names = pairs.iter().map(|(name, _)| name.clone()).collect();
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if is_form {
            pairs.extend(url::form_urlencoded::parse(body).into_owned());
        }
        Params { pairs, query_names }
    }

    /// The first value of `name`. Names are case-sensitive, as on AWS.
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn names(&self) -> Vec<String> {
        self.pairs.iter().map(|(name, _)| name.clone()).collect()
    }
}

/// Builds the record of a request; the caller fills in the outcome.
fn record_of(method: &Method, path: &str, params: &Params) -> RecordedRequest {
    RecordedRequest {
        method: method.as_str().to_owned(),
        path: path.to_owned(),
        action: params.get("Action").map(str::to_owned),
        params: params.names(),
        query_params: params.query_names.clone(),
        session_duration: params.get("SessionDuration").and_then(|v| v.parse().ok()),
        status: 0,
        rejection: None,
    }
}

fn finish<R>(
    shared: &Shared<R>,
    mut record: RecordedRequest,
    caller: Option<&ResolvedIdentity>,
    result: Result<Response, Rejection>,
) -> Response {
    let response = match result {
        Ok(response) => response,
        Err(rejection) => {
            record.rejection = Some(rejection);
            let status =
                StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::BAD_REQUEST);
            (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                rejection.message(),
            )
                .into_response()
        }
    };
    record.status = response.status().as_u16();
    if let Some(log) = &shared.log {
        log.record(logged(&record, caller));
    }
    shared.recorder.record(record);
    response
}

/// The stack's log entry of a request.
fn logged(record: &RecordedRequest, caller: Option<&ResolvedIdentity>) -> LoggedRequest {
    let caller = caller.map_or(CallerKind::Unknown, |identity| match identity.origin {
        CredentialOrigin::AssumedRole { chained } => CallerKind::AssumedRole {
            hops: identity.hops.unwrap_or(if chained { 2 } else { 1 }),
            chained,
        },
        CredentialOrigin::FederationToken => CallerKind::FederationToken,
        CredentialOrigin::IdentityCenter => CallerKind::IdentityCenter,
        CredentialOrigin::LongTermUser => CallerKind::LongTermUser,
        CredentialOrigin::SessionToken => CallerKind::SessionToken,
        _ => CallerKind::Unknown,
    });
    let action = record
        .action
        .clone()
        .unwrap_or_else(|| format!("{} {}", record.method, record.path));
    let mut entry = LoggedRequest::new(Service::Signin, action, caller);
    if let Some(duration) = record.session_duration {
        entry
            .params
            .push(("SessionDuration".to_owned(), duration.to_string()));
    }
    for name in ["SessionDuration", "Session", "SigninToken"] {
        if record.params.iter().any(|p| p == name) {
            entry.present.push(name.to_owned());
        }
    }
    entry.status = record.status;
    entry.error = record.rejection.map(|r| format!("{r:?}"));
    entry
}

async fn federation<R: IdentityResolver>(
    State(shared): State<Arc<Shared<R>>>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::parse(query.as_deref(), &headers, &body);
    let record = record_of(&method, "/federation", &params);
    let mut caller = None;
    let result = match params.get("Action") {
        None => Err(Rejection::MissingAction),
        Some("getSigninToken") => get_signin_token(&shared, &params, &mut caller).await,
        Some("login") if method == Method::GET => login(&shared, &params, &mut caller),
        Some(_) => Err(Rejection::UnknownAction),
    };
    finish(&shared, record, caller.as_ref(), result)
}

async fn get_signin_token<R: IdentityResolver>(
    shared: &Shared<R>,
    params: &Params,
    caller: &mut Option<ResolvedIdentity>,
) -> Result<Response, Rejection> {
    let session = params.get("Session").ok_or(Rejection::MissingSession)?;
    let credentials = parse_session(session)?;
    let duration = match params.get("SessionDuration") {
        None => None,
        Some(raw) => Some(parse_session_duration(raw)?),
    };
    let identity = shared
        .resolver
        .resolve(&credentials)
        .await
        .map_err(|error| match error {
            ResolveError::Unavailable { .. } => Rejection::ResolverUnavailable,
            _ => Rejection::InvalidCredentials,
        })?;
    *caller = Some(identity.clone());
    check_identity(shared.partition, &identity, duration)?;

    let now = shared.clock.now();
    let session_expires_at = match duration {
        Some(seconds) => now + Duration::from_secs(seconds.into()),
        None => identity.expiration.unwrap_or(now + DEFAULT_SESSION),
    };
    let token: String = std::iter::repeat_with(|| {
        char::from(TOKEN_ALPHABET[fastrand::usize(..TOKEN_ALPHABET.len())])
    })
    .take(96)
    .collect();
    let body = serde_json::json!({ "SigninToken": token }).to_string();
    shared
        .tokens
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            token,
            Issued {
                identity,
                issued_at: now,
                session_expires_at,
            },
        );
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// Parses the `Session` JSON into credentials. A missing or empty
/// `sessionToken` means long-term keys.
fn parse_session(session: &str) -> Result<Credentials, Rejection> {
    let value: serde_json::Value =
        serde_json::from_str(session).map_err(|_| Rejection::MalformedSession)?;
    let object = value.as_object().ok_or(Rejection::MalformedSession)?;
    let field = |name: &str| -> Result<Option<&str>, Rejection> {
        match object.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(Rejection::MalformedSession),
        }
    };
    let id = field("sessionId")?
        .filter(|s| !s.is_empty())
        .ok_or(Rejection::MalformedSession)?;
    let key = field("sessionKey")?
        .filter(|s| !s.is_empty())
        .ok_or(Rejection::MalformedSession)?;
    let token = field("sessionToken")?
        .filter(|s| !s.is_empty())
        .ok_or(Rejection::MissingSessionToken)?;
    Ok(Credentials::new(id, key, Some(token.to_owned()), None))
}

/// Parses `SessionDuration`: decimal digits only, 900 to 43200.
fn parse_session_duration(raw: &str) -> Result<u32, Rejection> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::InvalidSessionDuration);
    }
    let seconds: u32 = raw.parse().map_err(|_| Rejection::InvalidSessionDuration)?;
    SessionDuration::from_secs(seconds.into()).map_err(|_| Rejection::InvalidSessionDuration)?;
    Ok(seconds)
}

fn check_identity(
    partition: Partition,
    identity: &ResolvedIdentity,
    duration: Option<u32>,
) -> Result<(), Rejection> {
    if identity.arn.partition() != partition {
        return Err(Rejection::WrongPartition);
    }
    match identity.origin {
        CredentialOrigin::LongTermUser => Err(Rejection::LongTermCredentials),
        CredentialOrigin::SessionToken => Err(Rejection::SessionTokenCredentials),
        CredentialOrigin::FederationToken if duration.is_some() => {
            Err(Rejection::SessionDurationWithFederationToken)
        }
        CredentialOrigin::AssumedRole { chained: true } if duration.is_some() => {
            Err(Rejection::SessionDurationWithChainedRole)
        }
        _ => Ok(()),
    }
}

fn login<R: IdentityResolver>(
    shared: &Shared<R>,
    params: &Params,
    caller: &mut Option<ResolvedIdentity>,
) -> Result<Response, Rejection> {
    let token = params
        .get("SigninToken")
        .filter(|t| !t.is_empty())
        .ok_or(Rejection::MissingSigninToken)?;
    let (identity, session_expires_at) = {
        let tokens = shared.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let issued = tokens.get(token).ok_or(Rejection::UnknownSigninToken)?;
        let age = shared
            .clock
            .now()
            .duration_since(issued.issued_at)
            .unwrap_or_default();
        if age >= SigninToken::LIFETIME {
            return Err(Rejection::ExpiredSigninToken);
        }
        (issued.identity.clone(), issued.session_expires_at)
    };
    *caller = Some(identity.clone());
    let destination = params
        .get("Destination")
        .and_then(|d| Url::parse(d).ok())
        .filter(|d| is_allowed_destination(d, identity.arn.partition(), shared.base_url()))
        .ok_or(Rejection::InvalidDestination)?;
    let issuer = params.get("Issuer").map(str::to_owned);

    let id: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(24)
        .collect();
    let session = ConsoleSession {
        identity,
        session_expires_at,
        issuer,
        destination,
    };
    shared
        .sessions
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id.clone(), Arc::new(session));
    let location = shared
        .base_url()
        .join(&format!("console/{id}"))
        .expect("a relative path joins");
    Ok(redirect(location.as_str()))
}

/// A console URL of `partition` over https, or this emulator's console page.
fn is_allowed_destination(destination: &Url, partition: Partition, base_url: &Url) -> bool {
    let console = destination.scheme() == "https"
        && destination
            .host_str()
            .is_some_and(|host| partition.is_console_host(host));
    let own = destination.origin() == base_url.origin()
        && (destination.path() == "/console" || destination.path().starts_with("/console/"));
    console || own
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn oauth<R: IdentityResolver>(
    State(shared): State<Arc<Shared<R>>>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::parse(query.as_deref(), &headers, &[]);
    let record = record_of(&method, "/oauth", &params);
    let result = match params.get("Action") {
        None => Err(Rejection::MissingAction),
        Some("logout") => logout(shared.base_url(), &params),
        Some(_) => Err(Rejection::UnknownAction),
    };
    finish(&shared, record, None, result)
}

fn logout(base_url: &Url, params: &Params) -> Result<Response, Rejection> {
    let Some(raw) = params.get("redirect_uri") else {
        return Ok(page::html(StatusCode::OK, page::signed_out()));
    };
    let target = Url::parse(raw).map_err(|_| Rejection::InvalidRedirectUri)?;
    let is_login = target.origin() == base_url.origin()
        && target.path() == "/federation"
        && target
            .query_pairs()
            .any(|(name, value)| name == "Action" && value == "login");
    if !is_login {
        return Err(Rejection::InvalidRedirectUri);
    }
    Ok(redirect(target.as_str()))
}

async fn console<R: IdentityResolver>(
    State(shared): State<Arc<Shared<R>>>,
    Path(id): Path<String>,
) -> Response {
    let session = shared
        .sessions
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
        .cloned();
    let Some(session) = session else {
        return page::html(StatusCode::NOT_FOUND, page::not_signed_in());
    };
    match shared.resolver.console_denial(&session.identity).await {
        Ok(None) => page::html(StatusCode::OK, page::console(&session, shared.clock.now())),
        Ok(Some(denial)) => page::html(StatusCode::FORBIDDEN, page::denied(&session, &denial)),
        // What cannot be checked is refused, as AWS fails closed.
        Err(_) => page::html(StatusCode::SERVICE_UNAVAILABLE, page::unavailable(&session)),
    }
}

async fn console_without_session() -> Response {
    page::html(StatusCode::OK, page::not_signed_in())
}
