//! The AssumeRole hops of a plan, made one by one, so the flow knows whether the last session is
//! role-chained; each failure named (MFA, trust, MaxSessionDuration).

use fed_aws::{AssumeRoleRequest, AssumedRole, Mfa, Sts, StsClient};
use fed_core::{Arn, AssumeRoleDuration, Credentials, RoleSessionName};

use crate::base::History;
use crate::chain::Hop;
use crate::error::Error;
use crate::notice::Notice;
use crate::plan::{DurationFrom, Plan};
use crate::prompt::MfaPrompt;

/// Assumes every role of `plan` in turn from `credentials` (of `history`); `None` when there is
/// none.
///
/// The console session length asked for goes where AWS takes it. A role assumed with
/// long-term keys (no chaining) gives a console session of its `SessionDuration`, whatever the
/// role's MaxSessionDuration: AssumeRole then gets only the profile's `duration_seconds`. A
/// chained role session cannot take `SessionDuration`, so its AssumeRole asks for the length
/// (STS caps it at one hour).
pub(crate) async fn assume_all(
    plan: &Plan,
    sts: &StsClient,
    mut credentials: Credentials,
    history: History,
    prompt: &dyn MfaPrompt,
    notices: &mut Vec<Notice>,
) -> Result<Option<AssumedRole>, Error> {
    let mut mfa_code = plan.request.mfa_code.clone();
    let mut last: Option<AssumedRole> = None;
    let count = plan.hops.len();
    for (index, hop) in plan.hops.iter().enumerate() {
        let final_hop = index + 1 == count;
        let caller = sts.with_credentials(&credentials);
        let session_name = match &hop.session_name {
            Some(name) => name.clone(),
            None => default_session_name(last.as_ref().map(|l| &l.arn), &caller).await?,
        };
        let mut assume = AssumeRoleRequest::new(hop.role_arn.clone(), session_name);
        let chained = index > 0 || history != History::LongTerm;
        let (duration, asked_by) = match (final_hop, chained, &plan.duration) {
            (true, true, Some(planned)) => (planned.assume_role, asked_by(&planned.from)),
            _ => (
                hop.duration,
                format!(
                    "duration_seconds in the profile {}",
                    hop.profile.as_deref().unwrap_or_default()
                ),
            ),
        };
        assume.duration = duration;
        assume.external_id = hop.external_id.clone();
        if final_hop && let Some(role) = &plan.request.role {
            assume.source_identity = role.source_identity.clone();
        }
        if let Some(serial) = &hop.mfa_serial {
            let code = match mfa_code.take() {
                Some(code) => code,
                None => prompt
                    .code(serial, &hop.role_arn)
                    .map_err(|reason| Error::MfaPrompt {
                        serial: serial.to_string(),
                        reason,
                    })?
                    .ok_or_else(|| Error::MfaCodeNeeded {
                        role: hop.role_arn.to_string(),
                        serial: serial.to_string(),
                    })?,
            };
            assume.mfa = Some(Mfa {
                serial: serial.clone(),
                code,
            });
        }
        let assumed = caller.assume_role(&assume).await.map_err(|err| {
            assume_error(
                err,
                hop,
                last.as_ref().map(|l| l.arn.to_string()),
                plan,
                (assume.duration, asked_by),
            )
        })?;
        if assumed.duration_capped {
            notices.push(Notice::RoleChaining {
                role: hop.role_arn.clone(),
                cap_seconds: AssumeRoleDuration::CHAINED_MAX,
            });
        }
        credentials = assumed.credentials.clone();
        last = Some(assumed);
    }
    Ok(last)
}

/// The session name when none is given: the caller's name when it is known without a call
/// (after a hop), else from GetCallerIdentity.
async fn default_session_name(
    previous: Option<&Arn>,
    caller: &StsClient,
) -> Result<RoleSessionName, Error> {
    Ok(match previous {
        Some(arn) => RoleSessionName::for_caller(arn),
        None => RoleSessionName::for_caller(&caller.caller_identity().await?.arn),
    })
}

/// An AssumeRole failure, named: MFA, trust, MaxSessionDuration, or the call itself.
fn assume_error(
    err: fed_aws::Error,
    hop: &Hop,
    caller: Option<String>,
    plan: &Plan,
    (duration, asked_by): (Option<AssumeRoleDuration>, String),
) -> Error {
    let message = match &err {
        fed_aws::Error::Service { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let role = hop.role_arn.to_string();
    match err.code() {
        Some("AccessDenied") if message.contains("MultiFactorAuthentication") => Error::MfaDenied {
            role,
            serial: hop
                .mfa_serial
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            message,
        },
        Some("AccessDenied") => Error::AssumeRoleDenied {
            role,
            caller: caller.unwrap_or_else(|| format!("the credentials of {}", plan.source())),
            message,
        },
        Some("ValidationError") if message.contains("MaxSessionDuration") => {
            Error::OverMaxSessionDuration {
                role,
                seconds: duration.map_or(3600, |d| u64::from(d.seconds())),
                asked_by,
            }
        }
        _ => Error::Aws(err),
    }
}

/// What asked for a session length, as the user would name it.
fn asked_by(from: &DurationFrom) -> String {
    match from {
        DurationFrom::DurationSeconds { profile } => {
            format!("duration_seconds in the profile {profile}")
        }
        DurationFrom::FedDuration { profile } => format!("fed_duration in the profile {profile}"),
        _ => "--duration".to_owned(),
    }
}
