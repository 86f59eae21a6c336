//! What the emulator saw: enough for tests to assert on, never a secret value.

use std::sync::{Mutex, PoisonError};

/// Why the emulator refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejection {
    /// No `Action` parameter.
    MissingAction,
    /// An `Action` this route does not know, or a method it does not accept.
    UnknownAction,
    /// No `Session` parameter.
    MissingSession,
    /// `Session` is not a JSON object with string `sessionId` and `sessionKey`.
    MalformedSession,
    /// `Session` has no `sessionToken`: long-term keys.
    MissingSessionToken,
    /// `SessionDuration` is not an integer from 900 to 43200.
    InvalidSessionDuration,
    /// The resolver did not recognise the credentials.
    InvalidCredentials,
    /// The resolver failed; answered with 500.
    ResolverUnavailable,
    /// The resolver reports long-term IAM user keys.
    LongTermCredentials,
    /// The resolver reports GetSessionToken credentials.
    SessionTokenCredentials,
    /// `SessionDuration` sent with GetFederationToken credentials.
    SessionDurationWithFederationToken,
    /// `SessionDuration` sent with role-chained credentials.
    SessionDurationWithChainedRole,
    /// The identity belongs to another partition than the emulator's.
    WrongPartition,
    /// No `SigninToken` parameter.
    MissingSigninToken,
    /// The sign-in token was not issued by this emulator.
    UnknownSigninToken,
    /// The sign-in token is 15 minutes old or older.
    ExpiredSigninToken,
    /// `Destination` is missing or not a console URL of the identity's
    /// partition or this emulator's console page.
    InvalidDestination,
    /// `redirect_uri` is not a login URL of this emulator.
    InvalidRedirectUri,
}

impl Rejection {
    /// The HTTP status the emulator answers with: 500 when the resolver
    /// failed, 400 otherwise.
    pub fn status(self) -> u16 {
        match self {
            Rejection::ResolverUnavailable => 500,
            _ => 400,
        }
    }

    /// The plain-text response body.
    pub fn message(self) -> &'static str {
        match self {
            Rejection::MissingAction => "missing Action parameter",
            Rejection::UnknownAction => "unsupported Action for this route",
            Rejection::MissingSession => "missing Session parameter",
            Rejection::MalformedSession => {
                "Session must be a JSON object with string sessionId, sessionKey and sessionToken"
            }
            Rejection::MissingSessionToken => {
                "Session has no sessionToken: long-term access keys cannot sign in"
            }
            Rejection::InvalidSessionDuration => {
                "SessionDuration must be an integer from 900 to 43200"
            }
            Rejection::InvalidCredentials => "Invalid Credentials Parameter",
            Rejection::ResolverUnavailable => "internal error while validating credentials",
            Rejection::LongTermCredentials => "long-term IAM user credentials cannot sign in",
            Rejection::SessionTokenCredentials => {
                "credentials from GetSessionToken cannot sign in to the console"
            }
            Rejection::SessionDurationWithFederationToken => {
                "SessionDuration is not allowed with GetFederationToken credentials"
            }
            Rejection::SessionDurationWithChainedRole => {
                "SessionDuration is not allowed with role-chained credentials"
            }
            Rejection::WrongPartition => "the credentials belong to another partition",
            Rejection::MissingSigninToken => "missing SigninToken parameter",
            Rejection::UnknownSigninToken => "unknown SigninToken",
            Rejection::ExpiredSigninToken => "SigninToken expired",
            Rejection::InvalidDestination => {
                "Destination must be a console URL of the identity's partition"
            }
            Rejection::InvalidRedirectUri => "redirect_uri must be a login URL of this endpoint",
        }
    }
}

/// One request as the emulator saw it. Parameter values are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path, e.g. `/federation`.
    pub path: String,
    /// The `Action` parameter, if present.
    pub action: Option<String>,
    /// The names of the parameters from the query string and, for a form
    /// POST, the body, in the order received.
    pub params: Vec<String>,
    /// The names of the parameters that came in the query string. For a POST
    /// of the secrets in the body, this excludes `Session`.
    pub query_params: Vec<String>,
    /// The `SessionDuration` sent, when it was a valid number.
    pub session_duration: Option<u32>,
    /// The response status.
    pub status: u16,
    /// Why the request was refused, if it was.
    pub rejection: Option<Rejection>,
}

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn record(&self, request: RecordedRequest) {
        tracing::info!(
            method = %request.method,
            path = %request.path,
            action = request.action.as_deref().unwrap_or(""),
            params = ?request.params,
            status = request.status,
            rejection = ?request.rejection,
            "federation emulator request"
        );
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn clear(&self) {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
