//! The STS rules gate: a loopback HTTP server in front of moto that refuses what AWS refuses
//! and moto does not, with AWS's codes, statuses and texts.
//!
//! Requests signed for `sts` are checked and then forwarded or answered; every other request
//! (IAM, …) is passed to moto unchanged. The caller is the access key id of the SigV4
//! `Authorization` header; signatures themselves are not verified. The rules:
//!
//! - every signed call: the key was issued by the gate, or is a long-term key of a moto IAM
//!   user; temporary credentials carry their own session token and have not expired;
//! - AssumeRole: the role exists, its trust policy allows the caller (`Principal.AWS`,
//!   `Action`, `sts:ExternalId`, `aws:MultiFactorAuthPresent`, `sts:SetSourceIdentity`,
//!   `sts:TagSession`, an explicit `Deny`), the MFA code is valid for the caller's device, and
//!   `DurationSeconds` fits the role's MaxSessionDuration and, for role chaining, one hour;
//! - GetFederationToken and GetSessionToken: long-term keys only; answered by the gate with
//!   fresh credentials (moto hands every caller the same ones).
//!
//! docs/local-stack.md lists every rule with AWS's answer. What each credential is (long-term
//! keys, a role session and through how many hops, a federation token, a GetSessionToken
//! session, an Identity Center role) is kept in [`Identities`], which the federation emulator
//! of a [`LocalStack`](crate::LocalStack) reads too.
//!
//! [`LocalStack`](crate::LocalStack) runs a gate with everything else. [`Gate::start`] runs
//! one alone, in front of a [`LocalAws`], for a test of one's own AWS code against STS's rules:
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use fed_local::{Gate, LocalAws};
//!
//! let aws = LocalAws::start().await?;
//! let gate = Gate::start(&aws).await?;
//! // moto's configuration, sent to the gate instead: the code under test sees STS's rules.
//! let sdk = aws
//!     .sdk_config()
//!     .await
//!     .into_builder()
//!     .endpoint_url(gate.endpoint_url())
//!     .build();
//! let sts = aws_sdk_sts::Client::new(&sdk);
//! // A role that does not exist is AccessDenied, as on AWS (moto would hand out a session).
//! let denied = sts
//!     .assume_role()
//!     .role_arn("arn:aws:iam::123456789012:role/missing")
//!     .role_session_name("test")
//!     .send()
//!     .await;
//! assert!(denied.is_err());
//! assert_eq!(gate.log().calls(fed_local::Service::Sts, "AssumeRole")[0].status, 403);
//! # Ok(()) }
//! ```

mod sts;
pub(crate) mod trust;
mod validate;
mod xml;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::error::Error;
use crate::identities::Identities;
use crate::log::{CallerKind, LoggedRequest, RequestLog, Service};
use crate::moto::LocalAws;
use crate::serve::{Listen, Server};

/// The largest request body the gate reads.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// How the gate behaves.
#[derive(Debug, Clone)]
pub(crate) struct GateConfig {
    /// moto's endpoint.
    pub(crate) moto: Url,
    /// An SDK configuration pointing at moto, for the gate's own IAM lookups.
    pub(crate) moto_sdk: aws_config::SdkConfig,
    /// How long a new role is not yet assumable (IAM eventual consistency); zero for never.
    pub(crate) iam_propagation: Duration,
}

pub(crate) struct Shared {
    moto: Url,
    http: reqwest::Client,
    iam: aws_sdk_iam::Client,
    identities: Identities,
    log: RequestLog,
    iam_propagation: Duration,
    /// When the gate saw each role (by lower-case name) created.
    created_roles: Mutex<HashMap<String, Instant>>,
}

/// A running gate; dropping it stops it.
#[derive(Debug)]
pub struct Gate {
    server: Server,
    identities: Identities,
    log: RequestLog,
}

impl Gate {
    /// Starts a gate on `127.0.0.1` and a free port, over plain http, in front of `aws`, with a
    /// table of identities and a request log of its own. `aws` must outlive the gate: the gate
    /// forwards to it and asks it about roles, users and MFA devices.
    pub async fn start(aws: &LocalAws) -> Result<Gate, Error> {
        let config = GateConfig {
            moto: Url::parse(aws.endpoint_url()).expect("moto's endpoint is a URL"),
            moto_sdk: aws.sdk_config().await,
            iam_propagation: Duration::ZERO,
        };
        Gate::serve(
            config,
            Identities::new(),
            RequestLog::new(),
            &Listen::default(),
        )
        .await
        .map_err(|source| Error::Listen {
            server: "STS rules gate",
            source,
        })
    }

    /// Starts a gate that shares `identities` and `log` with the rest of a stack.
    pub(crate) async fn serve(
        config: GateConfig,
        identities: Identities,
        log: RequestLog,
        listen: &Listen,
    ) -> std::io::Result<Gate> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(std::io::Error::other)?;
        let shared = Arc::new(Shared {
            moto: config.moto,
            http,
            iam: aws_sdk_iam::Client::new(&config.moto_sdk),
            identities: identities.clone(),
            log: log.clone(),
            iam_propagation: config.iam_propagation,
            created_roles: Mutex::new(HashMap::new()),
        });
        let router = Router::new().fallback(handle).with_state(shared);
        let server = Server::start(router, listen, "sts gate").await?;
        Ok(Gate {
            server,
            identities,
            log,
        })
    }

    /// The endpoint URL to send every AWS service's requests to (`AWS_ENDPOINT_URL`), e.g.
    /// `http://127.0.0.1:40123`.
    pub fn endpoint_url(&self) -> &str {
        self.server.base_url().as_str().trim_end_matches('/')
    }

    /// What the gate knows about every credential it has seen or issued.
    pub fn identities(&self) -> &Identities {
        &self.identities
    }

    /// Every request the gate answered, with its status and error code; no secrets.
    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// Stops the gate gracefully.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// One request as the gate parsed it.
pub(crate) struct Incoming {
    method: Method,
    path_and_query: String,
    headers: HeaderMap,
    body: Bytes,
    /// Query string and form body parameters, in order.
    params: Vec<(String, String)>,
    /// The access key id and service of the SigV4 signature.
    signed: Option<(String, String)>,
}

impl Incoming {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether any parameter starts with `prefix` (e.g. `Tags.member.`).
    pub(crate) fn has_prefix(&self, prefix: &str) -> bool {
        self.params.iter().any(|(n, _)| n.starts_with(prefix))
    }

    /// The parameters whose names start with `prefix`, in order.
    pub(crate) fn with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a (String, String)> + 'a {
        self.params
            .iter()
            .filter(move |(n, _)| n.starts_with(prefix))
    }

    pub(crate) fn session_token(&self) -> Option<&str> {
        self.headers
            .get("x-amz-security-token")
            .and_then(|v| v.to_str().ok())
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let query = parts.uri.query().unwrap_or_default();
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let is_form = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        params.extend(url::form_urlencoded::parse(&body).into_owned());
    }
    let incoming = Incoming {
        signed: signature(&parts.headers),
        method: parts.method,
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned()),
        headers: parts.headers,
        body,
        params,
    };
    let is_sts = match &incoming.signed {
        Some((_, service)) => service == "sts",
        None => incoming.param("Version") == Some("2011-06-15"),
    };
    if is_sts {
        sts::handle(&shared, incoming).await
    } else {
        pass_through(&shared, incoming).await
    }
}

/// The access key id and service of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, …`.
fn signature(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let credential = value.split("Credential=").nth(1)?;
    let credential = credential.split([',', ' ']).next()?;
    let mut parts = credential.split('/');
    let key = parts.next()?.to_owned();
    let service = parts.nth(2)?.to_owned();
    Some((key, service))
}

/// Passes a request to moto and logs it; notes the roles it sees created.
async fn pass_through(shared: &Shared, incoming: Incoming) -> Response {
    let action = incoming
        .param("Action")
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{} {}", incoming.method, incoming.path_and_query));
    let caller = incoming
        .signed
        .as_ref()
        .and_then(|(key, _)| shared.identities.get(key))
        .map_or(CallerKind::Unknown, |identity| identity.kind);
    let role_created = (action == "CreateRole")
        .then(|| incoming.param("RoleName").map(str::to_ascii_lowercase))
        .flatten();
    let (status, headers, body) = match forward(shared, &incoming).await {
        Ok(answer) => answer,
        Err(response) => return response,
    };
    if status == StatusCode::OK
        && let Some(role) = role_created
    {
        shared
            .created_roles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(role, Instant::now());
    }
    let mut entry = LoggedRequest::new(Service::Iam, action, caller);
    entry.status = status.as_u16();
    if !status.is_success() {
        entry.error = xml::field(&String::from_utf8_lossy(&body), "Code");
    }
    shared.log.record(entry);
    respond(status, headers, body)
}

/// Sends a request to moto as it came, or with another `Authorization` header.
pub(crate) async fn forward(
    shared: &Shared,
    incoming: &Incoming,
) -> Result<(StatusCode, HeaderMap, Bytes), Response> {
    forward_with(shared, incoming, |_| {}).await
}

/// Like [`forward`], after `edit` has changed the headers.
pub(crate) async fn forward_with(
    shared: &Shared,
    incoming: &Incoming,
    edit: impl FnOnce(&mut HeaderMap),
) -> Result<(StatusCode, HeaderMap, Bytes), Response> {
    let url = format!(
        "{}{}",
        shared.moto.as_str().trim_end_matches('/'),
        incoming.path_and_query
    );
    let mut headers = incoming.headers.clone();
    for hop in ["host", "content-length", "connection", "transfer-encoding"] {
        headers.remove(hop);
    }
    edit(&mut headers);
    let result = shared
        .http
        .request(incoming.method.clone(), url)
        .headers(headers)
        .body(incoming.body.clone())
        .send()
        .await;
    let response = match result {
        Ok(response) => response,
        Err(error) => {
            tracing::warn!(%error, "moto did not answer");
            return Err(StatusCode::BAD_GATEWAY.into_response());
        }
    };
    let status = response.status();
    let mut headers = response.headers().clone();
    for hop in ["content-length", "connection", "transfer-encoding"] {
        headers.remove(hop);
    }
    match response.bytes().await {
        Ok(body) => Ok((status, headers, body)),
        Err(_) => Err(StatusCode::BAD_GATEWAY.into_response()),
    }
}

pub(crate) fn respond(status: StatusCode, headers: HeaderMap, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().extend(headers);
    response
}
