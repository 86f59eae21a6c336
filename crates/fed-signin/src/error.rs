//! The one error type of fed-signin.

use std::fmt;
use std::time::Duration;

use fed_core::Partition;

/// Everything that can go wrong when asking for a sign-in token.
///
/// Messages are one line and never contain the request URL, the request
/// body, the secret key, the session token or a sign-in token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The endpoint URL cannot be used.
    #[error("invalid federation endpoint: {problem}")]
    InvalidEndpoint {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The request could not be built from the credentials, e.g. because
    /// they have no session token.
    #[error("cannot build the getSigninToken request")]
    Request(#[source] fed_core::Error),
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client")]
    Http(#[source] Transport),
    /// The endpoint refused the request with a 4xx status other than 429.
    /// Its body is opaque, so the likely cause is inferred from the request.
    #[error("federation endpoint rejected the request with HTTP {status}: {hint}{}", excerpt_suffix(.excerpt))]
    BadRequest {
        /// The HTTP status, usually 400.
        status: u16,
        /// The likely cause.
        hint: Hint,
        /// The start of the response body: one line of text with HTML tags
        /// removed, or a placeholder when the body echoes a secret.
        excerpt: String,
    },
    /// The endpoint kept answering with a 5xx status.
    #[error("federation endpoint failed with HTTP {status} after {attempts} attempt(s)")]
    Server {
        /// The last HTTP status.
        status: u16,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The endpoint kept answering 429 Too Many Requests.
    #[error("federation endpoint throttled the request (HTTP 429) after {attempts} attempt(s)")]
    Throttled {
        /// How many attempts were made.
        attempts: u32,
    },
    /// No answer in time. Timeouts are not retried.
    #[error("federation endpoint did not answer within {}", seconds(*.timeout))]
    Timeout {
        /// The timeout that expired.
        timeout: Duration,
        /// The underlying error, stripped of the URL.
        #[source]
        source: Transport,
    },
    /// The endpoint could not be reached, or the connection broke.
    #[error("federation endpoint unreachable after {attempts} attempt(s)")]
    Unreachable {
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error of the last attempt, stripped of the URL.
        #[source]
        source: Transport,
    },
    /// A success status with a body that is not a sign-in token, or a
    /// status that makes no sense here.
    #[error("invalid response from the federation endpoint (HTTP {status}): {problem}")]
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// What is wrong with the response.
        problem: &'static str,
    },
}

impl Error {
    /// The hint of a [`Error::BadRequest`].
    pub fn hint(&self) -> Option<Hint> {
        match self {
            Error::BadRequest { hint, .. } => Some(*hint),
            _ => None,
        }
    }
}

/// The likely cause of a rejected request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hint {
    /// `SessionDuration` was sent; the endpoint refuses it for
    /// GetFederationToken credentials and for role-chained credentials.
    SessionDuration,
    /// No `SessionDuration` was sent, so the credentials themselves were
    /// refused: long-term keys or GetSessionToken credentials, or
    /// credentials of another partition than the endpoint.
    Credentials,
    /// The credentials belong to another partition than the endpoint.
    WrongPartition {
        /// The credentials' partition.
        credentials: Partition,
        /// The endpoint's partition.
        endpoint: Partition,
    },
    /// A 404 or 405: the URL is probably not a federation endpoint.
    NotFederationEndpoint,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hint::SessionDuration => f.write_str(
                "SessionDuration is refused for GetFederationToken credentials and for role-chained credentials; omit it",
            ),
            Hint::Credentials => f.write_str(
                "the credentials cannot sign in; long-term keys and GetSessionToken credentials are refused (use AssumeRole or GetFederationToken credentials), and the endpoint must be of the credentials' partition",
            ),
            Hint::WrongPartition { credentials, endpoint } => write!(
                f,
                "the credentials belong to partition {credentials} but the endpoint serves {endpoint}"
            ),
            Hint::NotFederationEndpoint => {
                f.write_str("the endpoint URL does not look like a federation endpoint")
            }
        }
    }
}

/// What the HTTP client reported under an [`Error`], without the request URL:
/// its text is the client's error and its causes on one line.
#[derive(Debug)]
pub struct Transport {
    message: String,
}

impl Transport {
    /// Records `error` without its URL.
    pub(crate) fn new(error: reqwest::Error) -> Transport {
        Transport {
            message: fed_core::one_line(&error.without_url()),
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Transport {}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        "; empty response body".to_owned()
    } else {
        format!("; response: {excerpt:?}")
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
