//! The `SessionDuration` policy: whether the console session length is sent,
//! and with which value.

use std::time::Duration;

use crate::{CredentialOrigin, Error, SessionDuration};

/// What [`decide_session_duration`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDurationDecision {
    /// The value to send, or `None` to leave `SessionDuration` out.
    pub value: Option<SessionDuration>,
    /// Why the request was dropped or changed, for the user; `None` when it
    /// was honoured as asked (or nothing was asked).
    pub note: Option<String>,
}

/// Decides whether `SessionDuration` is sent to getSigninToken.
///
/// - GetFederationToken credentials: never (the endpoint fails the call); the
///   console session follows the credentials' own lifetime.
/// - Role-chained, IAM Identity Center and unknown temporary credentials:
///   omitted, because the endpoint rejects it for sessions that were not
///   made with long-term user keys.
/// - Non-chained AssumeRole credentials: the requested value, which must be
///   900–43200 seconds; nothing is sent when nothing is requested.
///
/// A requested value outside 900–43200 is an error for every origin.
pub fn decide_session_duration(
    origin: CredentialOrigin,
    requested: Option<Duration>,
) -> Result<SessionDurationDecision, Error> {
    let Some(requested) = requested else {
        return Ok(SessionDurationDecision {
            value: None,
            note: None,
        });
    };
    let value = SessionDuration::new(requested)?;
    let omitted = |why: &str| SessionDurationDecision {
        value: None,
        note: Some(format!(
            "not sending SessionDuration={}: {why}; the console session lasts as long as the credentials",
            value.seconds()
        )),
    };
    Ok(match origin {
        CredentialOrigin::AssumedRole { chained: false } => SessionDurationDecision {
            value: Some(value),
            note: None,
        },
        CredentialOrigin::AssumedRole { chained: true } => omitted(
            "the credentials come from role chaining, for which the federation endpoint rejects it",
        ),
        CredentialOrigin::FederationToken => {
            omitted("the federation endpoint rejects it for GetFederationToken credentials")
        }
        CredentialOrigin::IdentityCenter => {
            omitted("IAM Identity Center sessions set their own length")
        }
        CredentialOrigin::Unknown => omitted(
            "the origin of the credentials is unknown and the federation endpoint rejects it for chained sessions",
        ),
        CredentialOrigin::LongTermUser | CredentialOrigin::SessionToken => {
            omitted("these credentials cannot sign in directly")
        }
    })
}

#[cfg(test)]
mod tests;
