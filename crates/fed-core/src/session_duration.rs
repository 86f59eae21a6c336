//! The `SessionDuration` policy: whether the console session length is sent,
//! and with which value.

use std::time::Duration;

use crate::{CredentialOrigin, Error, SessionDuration};

/// What [`decide_session_duration`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionDurationDecision {
    /// The value to send, or `None` to leave `SessionDuration` out.
    pub value: Option<SessionDuration>,
    /// Why the request was dropped or changed, for the user; `None` when it
    /// was honoured as asked (or nothing was asked).
    pub note: Option<String>,
    /// Whether a 400 answer to a request with `SessionDuration` may be
    /// retried once without it: when the credentials' history is unknown, so
    /// that only the endpoint can tell whether it accepts the value.
    pub retry_without: bool,
}

/// Decides whether `SessionDuration` is sent to getSigninToken.
///
/// - GetFederationToken credentials: never (the endpoint fails the call); the
///   console session follows the credentials' own lifetime.
/// - Role-chained and IAM Identity Center credentials: omitted, because the
///   endpoint rejects it for sessions that were not made with long-term user
///   keys.
/// - Non-chained AssumeRole credentials: the requested value, which must be
///   900–43200 seconds; nothing is sent when nothing is requested.
/// - Temporary credentials whose history is unknown (`Unknown`, e.g. from
///   the environment or a `credential_process`): the requested value, with
///   [`SessionDurationDecision::retry_without`] set, so that a refusal is
///   retried once without it.
///
/// A requested value outside 900–43200 is an error where it would be sent;
/// where it is left out, the note says so.
pub fn decide_session_duration(
    origin: CredentialOrigin,
    requested: Option<Duration>,
) -> Result<SessionDurationDecision, Error> {
    let Some(requested) = requested else {
        return Ok(SessionDurationDecision {
            value: None,
            note: None,
            retry_without: false,
        });
    };
    let omitted = |why: &str| SessionDurationDecision {
        value: None,
        retry_without: false,
        note: Some(format!(
            "not sending SessionDuration={}: {why}; the console session lasts as long as the credentials",
            requested.as_secs()
        )),
    };
    Ok(match origin {
        CredentialOrigin::AssumedRole { chained: false } => SessionDurationDecision {
            value: Some(SessionDuration::new(requested)?),
            note: None,
            retry_without: false,
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
        CredentialOrigin::Unknown => SessionDurationDecision {
            value: Some(SessionDuration::new(requested)?),
            note: None,
            retry_without: true,
        },
        CredentialOrigin::LongTermUser | CredentialOrigin::SessionToken => {
            omitted("these credentials cannot sign in directly")
        }
    })
}

#[cfg(test)]
mod tests;
