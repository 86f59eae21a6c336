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
    /// Why a requested length is not sent, for the caller to tell its user;
    /// `None` when it is sent as asked (or nothing was asked).
    pub omitted: Option<Omitted>,
    /// Whether a 400 answer to a request with `SessionDuration` may be
    /// retried once without it: when the credentials' history is unknown, so
    /// that only the endpoint can tell whether it accepts the value.
    pub retry_without: bool,
}

/// Why a requested console session length is not sent as `SessionDuration`: in each case the
/// console session lasts as long as the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Omitted {
    /// The credentials come from role chaining, for which the federation endpoint rejects it.
    RoleChaining,
    /// The federation endpoint rejects it for GetFederationToken credentials.
    FederationToken,
    /// IAM Identity Center sessions set their own length.
    IdentityCenter,
    /// The credentials cannot sign in directly (long-term keys, GetSessionToken).
    NotSignable,
    /// An `aws login` session: its history is unknown, and nothing shows the federation
    /// endpoint takes `SessionDuration` for it.
    LoginSession,
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
/// - `aws login` role sessions (`LoginSession`): never; their history is
///   unknown too, and they are not retried with it.
///
/// A requested value outside 900–43200 is an error where it would be sent;
/// where it is left out, [`SessionDurationDecision::omitted`] says why.
pub fn decide_session_duration(
    origin: CredentialOrigin,
    requested: Option<Duration>,
) -> Result<SessionDurationDecision, Error> {
    let Some(requested) = requested else {
        return Ok(SessionDurationDecision {
            value: None,
            omitted: None,
            retry_without: false,
        });
    };
    let omitted = |why: Omitted| SessionDurationDecision {
        value: None,
        retry_without: false,
        omitted: Some(why),
    };
    Ok(match origin {
        CredentialOrigin::AssumedRole { chained: false } => SessionDurationDecision {
            value: Some(SessionDuration::new(requested)?),
            omitted: None,
            retry_without: false,
        },
        CredentialOrigin::AssumedRole { chained: true } => omitted(Omitted::RoleChaining),
        CredentialOrigin::FederationToken => omitted(Omitted::FederationToken),
        CredentialOrigin::IdentityCenter => omitted(Omitted::IdentityCenter),
        CredentialOrigin::LoginSession => omitted(Omitted::LoginSession),
        CredentialOrigin::Unknown => SessionDurationDecision {
            value: Some(SessionDuration::new(requested)?),
            omitted: None,
            retry_without: true,
        },
        CredentialOrigin::LongTermUser | CredentialOrigin::SessionToken => {
            omitted(Omitted::NotSignable)
        }
    })
}

#[cfg(test)]
mod tests;
