//! The one error type of fed-aws, for STS and IAM alike.

use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
#[cfg(feature = "iam")]
use fed_core::RoleName;

/// A boxed error, used to keep the SDK's own error as the source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong talking to STS, or to IAM with the `iam` feature.
///
/// Messages are one line and lowercase where they are ours; they never contain secret values,
/// and never repeat their sources: an error and its [`std::error::Error::source`] chain, written
/// one after the other (as `anyhow`'s `{:#}` or [`fed_core::one_line`] do), say each thing once.
/// The AWS error code (such as `AccessDenied` or `NoSuchEntity`) is [`Error::code`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An STS or IAM call failed: the service answered with an error, or the request could not
    /// be sent, timed out or got an unreadable answer.
    #[error("{operation} failed: {message}")]
    Service {
        /// The operation, e.g. `sts:AssumeRole` or `iam:DeleteRole`.
        operation: &'static str,
        /// The AWS error code, when the service answered with one.
        code: Option<String>,
        /// A one-line description: the code and the service's message, or what went wrong on the
        /// way (`the request could not be sent`, `timed out`, …).
        message: String,
        /// Why, when the service did not answer: the SDK's causes (the connection error, for
        /// example). `None` for an answer from the service, which `code` and `message` say all of.
        #[source]
        source: Option<BoxError>,
    },
    /// The credentials the client signs with could not be resolved.
    #[error("cannot resolve AWS credentials: {message}")]
    Credentials {
        /// A one-line description.
        message: String,
        /// The causes the credentials provider gave, when it gave any.
        #[source]
        source: Option<BoxError>,
    },
    /// AssumeRole kept failing with `AccessDenied` until the propagation deadline passed.
    #[error(
        "assuming role {role_arn} was still denied after {attempts} attempts over {}s: the role's trust policy or permissions have not propagated yet, or do not allow this caller",
        waited.as_secs()
    )]
    PropagationTimeout {
        /// The role that could not be assumed.
        role_arn: String,
        /// How many AssumeRole calls were made.
        attempts: u32,
        /// How long was waited in total.
        waited: Duration,
        /// The last `AccessDenied` error.
        #[source]
        last: Box<Error>,
    },
    /// A request was rejected before it was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A successful answer lacked a field or held a malformed one.
    #[error("unexpected answer from {operation}: {problem}")]
    InvalidResponse {
        /// The operation, e.g. `sts:GetCallerIdentity`.
        operation: &'static str,
        /// What was missing or malformed.
        problem: String,
    },
    /// No answer came within the time a [`Budget`](crate::Budget) gives one call.
    #[cfg(feature = "iam")]
    #[error("{operation} got no answer within {}s", after.as_secs())]
    TimedOut {
        /// The operation, e.g. `iam:DeleteRole`.
        operation: &'static str,
        /// How long was waited.
        after: Duration,
    },
    /// A [`Budget`](crate::Budget) ran out before the call could be made.
    #[cfg(feature = "iam")]
    #[error("{operation} was not tried: the time budget ran out")]
    NotTried {
        /// The operation, e.g. `iam:DeleteRole`.
        operation: &'static str,
    },
    /// A deleted role that GetRole still finds.
    #[cfg(feature = "iam")]
    #[error("role {role} still exists after it was deleted")]
    StillExists {
        /// The role.
        role: RoleName,
    },
    /// A role was not deleted because it does not carry the tag that marks it as the caller's.
    #[cfg(feature = "iam")]
    #[error(
        "role {role} was left alone: it does not carry the owner tag {}={} ({})",
        owner.key,
        owner.value,
        found_tag(owner, found.as_deref())
    )]
    NotOwned {
        /// The role.
        role: RoleName,
        /// The tag the caller expected.
        owner: crate::Tag,
        /// The value of the role's tag with the owner tag's key, if it has one.
        found: Option<String>,
    },
}

impl Error {
    /// The AWS error code, e.g. `AccessDenied`, `NoSuchEntity` or `ValidationError`.
    ///
    /// For a [`Error::PropagationTimeout`] it is the code of the last attempt.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service { code, .. } => code.as_deref(),
            Error::PropagationTimeout { last, .. } => last.code(),
            _ => None,
        }
    }

    /// Whether the service denied the call (`AccessDenied`).
    pub fn is_access_denied(&self) -> bool {
        self.is_service_code("AccessDenied")
    }

    /// Whether the entity the call names does not exist (`NoSuchEntity`): a role, or a policy or
    /// instance profile of it.
    pub fn is_no_such_entity(&self) -> bool {
        self.is_service_code("NoSuchEntity")
    }

    /// Whether retrying the same call later may succeed: throttling, conflicts with concurrent
    /// changes, service failures, and calls that got no answer.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Service { code: None, .. } => true,
            Error::Service {
                code: Some(code), ..
            } => is_transient_code(code),
            #[cfg(feature = "iam")]
            Error::TimedOut { .. } => true,
            _ => false,
        }
    }

    /// Whether the service answered with the error code `expected`.
    fn is_service_code(&self, expected: &str) -> bool {
        matches!(self, Error::Service { code: Some(code), .. } if code == expected)
    }

    /// Wraps an SDK error of the named operation.
    pub(crate) fn sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let (code, message) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                let code = inner.code().map(str::to_owned);
                let text = inner.message().unwrap_or("no message");
                let message = match &code {
                    Some(code) => format!("{code}: {text}"),
                    None => text.to_owned(),
                };
                (code, message)
            }
            SdkError::TimeoutError(_) => (None, "timed out".to_owned()),
            SdkError::DispatchFailure(_) => (None, "the request could not be sent".to_owned()),
            SdkError::ResponseError(_) => (None, "the answer could not be read".to_owned()),
            _ => (None, "the request could not be built".to_owned()),
        };
        let source = match &err {
            SdkError::ServiceError(_) => None,
            // The SDK's own text ("dispatch failure") says no more than the message; its causes do.
            other => Error::causes(other),
        };
        Error::Service {
            operation,
            code,
            message: one_line(&message),
            source,
        }
    }

    /// The causes of `err` on one line, as a source that is not `err` itself, whose text the
    /// message already says.
    pub(crate) fn causes(err: &dyn std::error::Error) -> Option<BoxError> {
        err.source().map(|cause| fed_core::one_line(cause).into())
    }

    /// An answer that lacked a required field.
    pub(crate) fn missing(operation: &'static str, field: &str) -> Error {
        Error::InvalidResponse {
            operation,
            problem: format!("no {field}"),
        }
    }
}

/// Whether an AWS error code says that the same call may succeed later: throttling, conflicts
/// with concurrent changes and service failures. For other AWS clients' errors too.
pub fn is_transient_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "ConcurrentModification"
            | "DeleteConflict"
            | "ServiceFailure"
            | "ServiceUnavailable"
            | "InternalFailure"
    )
}

/// What a role carries in place of the owner tag, for [`Error::NotOwned`].
#[cfg(feature = "iam")]
fn found_tag(owner: &crate::Tag, found: Option<&str>) -> String {
    match found {
        Some(value) => format!("its {} tag is {value}", owner.key),
        None => format!("it has no {} tag", owner.key),
    }
}

/// Collapses whitespace runs, newlines included, into single spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
