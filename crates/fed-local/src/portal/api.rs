//! The portal's HTTP API: AWS's `sso` operations, their JSON answers and errors, and the log.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use super::Shared;
use crate::log::{CallerKind, LoggedRequest, Service};

/// The header that carries the bearer token.
const TOKEN_HEADER: &str = "x-amz-sso_bearer_token";

/// The namespace of the portal's error types in `__type`.
const ERROR_NAMESPACE: &str = "com.amazonaws.switchboard.portal";

/// The parameters logged with their values.
const LOGGED: &[&str] = &["account_id", "role_name"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    GetRoleCredentials,
    ListAccounts,
    ListAccountRoles,
    Logout,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::GetRoleCredentials => "GetRoleCredentials",
            Action::ListAccounts => "ListAccounts",
            Action::ListAccountRoles => "ListAccountRoles",
            Action::Logout => "Logout",
        }
    }
}

pub(super) fn router(shared: Arc<Shared>) -> Router {
    let route = |action: Action| {
        move |state: State<Arc<Shared>>, headers: HeaderMap, query: RawQuery| {
            handle(state, action, headers, query)
        }
    };
    Router::new()
        .route(
            "/federation/credentials",
            get(route(Action::GetRoleCredentials)),
        )
        .route("/assignment/accounts", get(route(Action::ListAccounts)))
        .route("/assignment/roles", get(route(Action::ListAccountRoles)))
        .route("/logout", post(route(Action::Logout)))
        .fallback(unknown)
        .with_state(shared)
}

/// An error answer: status, AWS error code and message.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn unauthorized() -> Refusal {
        Refusal {
            status: StatusCode::UNAUTHORIZED,
            code: "UnauthorizedException",
            message: "Session token not found or invalid".to_owned(),
        }
    }

    /// Not in the service model, but what AWS answers for an account or role not assigned;
    /// clients see a generic error with this code.
    fn forbidden() -> Refusal {
        Refusal {
            status: StatusCode::FORBIDDEN,
            code: "ForbiddenException",
            message: "No access".to_owned(),
        }
    }

    fn invalid(message: &str) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidRequestException",
            message: message.to_owned(),
        }
    }

    fn internal(message: String) -> Refusal {
        Refusal {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "InternalServerException",
            message,
        }
    }

    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            message: &'a str,
            #[serde(rename = "__type")]
            kind: String,
        }
        let body = Body {
            message: &self.message,
            kind: format!("{ERROR_NAMESPACE}#{}", self.code),
        };
        let mut response = json(self.status, &body);
        response
            .headers_mut()
            .insert("x-amzn-errortype", HeaderValue::from_static(self.code));
        response
    }
}

/// A JSON answer with a request id, as the portal sends them.
fn json(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// A random request id in the UUID format.
fn request_id() -> String {
    let hex = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The query parameters of a request.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<&str>) -> Query {
        Query(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required parameter, or AWS's answer when it is missing or empty.
    fn required(&self, name: &str) -> Result<&str, Refusal> {
        self.get(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| Refusal::invalid(&format!("{name} is required")))
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    action: Action,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Query::parse(query.as_deref());
    let mut entry = LoggedRequest::new(Service::Sso, action.name(), CallerKind::Unknown);
    for name in LOGGED {
        if let Some(value) = query.get(name) {
            entry.params.push(((*name).to_owned(), value.to_owned()));
        }
    }
    let token = headers
        .get(TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|token| shared.tokens.is_valid(token, SystemTime::now()));
    let result = match token {
        None => Err(Refusal::unauthorized()),
        Some(token) => {
            entry.caller = CallerKind::SsoToken;
            match action {
                Action::GetRoleCredentials => get_role_credentials(&shared, &query).await,
                Action::ListAccounts => Ok(list_accounts(&shared)),
                Action::ListAccountRoles => list_account_roles(&shared, &query),
                Action::Logout => {
                    shared.tokens.revoke(token);
                    Ok(StatusCode::OK.into_response())
                }
            }
        }
    };
    let response = match result {
        Ok(response) => response,
        Err(refusal) => {
            entry.error = Some(refusal.code.to_owned());
            refusal.into_response()
        }
    };
    entry.status = response.status().as_u16();
    shared.log.record(entry);
    response
}

/// Checks that `account_id` is the user's account.
fn assigned_account<'a>(shared: &Shared, query: &'a Query) -> Result<&'a str, Refusal> {
    let account = query.required("account_id")?;
    if account == shared.config.account_id {
        Ok(account)
    } else {
        Err(Refusal::forbidden())
    }
}

async fn get_role_credentials(shared: &Shared, query: &Query) -> Result<Response, Refusal> {
    let role_name = query.required("role_name")?;
    assigned_account(shared, query)?;
    let set = shared
        .config
        .find(role_name)
        .ok_or_else(Refusal::forbidden)?;
    let session = shared
        .roles
        .session(set, &shared.config.user_name)
        .await
        .map_err(|reason| {
            tracing::warn!(%reason, "the portal cannot make role credentials");
            Refusal::internal(reason)
        })?;
    shared
        .identities
        .issued(&session.credentials, session.identity);

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct RoleCredentials<'a> {
        access_key_id: &'a str,
        secret_access_key: &'a str,
        session_token: &'a str,
        expiration: i64,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer<'a> {
        role_credentials: RoleCredentials<'a>,
    }
    let credentials = &session.credentials;
    Ok(json(
        StatusCode::OK,
        &Answer {
            role_credentials: RoleCredentials {
                access_key_id: credentials.access_key_id(),
                secret_access_key: credentials.secret_access_key(),
                session_token: credentials.session_token().unwrap_or_default(),
                expiration: session.expiration_millis,
            },
        },
    ))
}

fn list_accounts(shared: &Shared) -> Response {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Account<'a> {
        account_id: &'a str,
        account_name: &'a str,
        email_address: &'a str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer<'a> {
        account_list: [Account<'a>; 1],
    }
    let config = &shared.config;
    json(
        StatusCode::OK,
        &Answer {
            account_list: [Account {
                account_id: &config.account_id,
                account_name: &config.account_name,
                email_address: &config.email_address,
            }],
        },
    )
}

fn list_account_roles(shared: &Shared, query: &Query) -> Result<Response, Refusal> {
    let account = assigned_account(shared, query)?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Role<'a> {
        role_name: &'a str,
        account_id: &'a str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer<'a> {
        role_list: Vec<Role<'a>>,
    }
    let role_list = shared
        .config
        .permission_sets
        .iter()
        .map(|set| Role {
            role_name: &set.name,
            account_id: account,
        })
        .collect();
    Ok(json(StatusCode::OK, &Answer { role_list }))
}

/// Any other request: logged by method and path, answered 404.
async fn unknown(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let mut entry = LoggedRequest::new(
        Service::Sso,
        format!("{method} {}", uri.path()),
        CallerKind::Unknown,
    );
    entry.status = StatusCode::NOT_FOUND.as_u16();
    entry.error = Some("UnknownOperationException".to_owned());
    shared.log.record(entry);
    Refusal {
        status: StatusCode::NOT_FOUND,
        code: "UnknownOperationException",
        message: "Unknown operation".to_owned(),
    }
    .into_response()
}
