//! The console session length of a plan: one typed value, where it comes from, and what it
//! makes of AssumeRole's `DurationSeconds` when a role is assumed last.

use fed_core::{AssumeRoleDuration, RequestedDuration};

use crate::chain::ProfileDefaults;
use crate::error::{Error, Input};
use crate::request::SignIn;
use crate::selection::Selection;

/// Where the session length asked for comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationFrom {
    /// The request (`--duration`).
    Request,
    /// The profile's `fed_duration`.
    FedDuration {
        /// The profile.
        profile: String,
    },
    /// The profile's `duration_seconds`.
    DurationSeconds {
        /// The profile.
        profile: String,
    },
}

/// The console session length asked for, decided once.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlannedDuration {
    /// The length.
    pub requested: RequestedDuration,
    /// Where it comes from.
    pub from: DurationFrom,
    /// The length as the last AssumeRole's `DurationSeconds`, when a role is assumed last. It
    /// is sent only where that role session is chained: a role assumed with long-term keys
    /// takes the length as the console's `SessionDuration` instead (up to 12 hours, whatever
    /// the role's MaxSessionDuration), and its AssumeRole only the profile's
    /// `duration_seconds`.
    pub assume_role: Option<AssumeRoleDuration>,
}

/// The length asked for: the request's, else the profile's `fed_duration`, else its
/// `duration_seconds`; checked against AssumeRole's range when `assumes_role`.
pub(crate) fn plan(
    request: &SignIn,
    selection: &Selection,
    defaults: &ProfileDefaults,
    duration_seconds: Option<u64>,
    assumes_role: bool,
) -> Result<Option<PlannedDuration>, Error> {
    let profile = || selection.profile().unwrap_or_default().to_owned();
    let (requested, from) = match (request.duration, defaults.duration, duration_seconds) {
        (Some(requested), _, _) => (requested, DurationFrom::Request),
        (None, Some(requested), _) => (requested, DurationFrom::FedDuration { profile: profile() }),
        (None, None, Some(seconds)) => (
            RequestedDuration::from_secs(seconds).map_err(|e| {
                profile_error(&profile(), "duration_seconds", &seconds.to_string(), e)
            })?,
            DurationFrom::DurationSeconds { profile: profile() },
        ),
        (None, None, None) => return Ok(None),
    };
    let assume_role = if assumes_role {
        Some(requested.for_assume_role().map_err(|e| match &from {
            DurationFrom::Request => Error::invalid(Input::Duration, e),
            DurationFrom::FedDuration { profile } => {
                profile_error(profile, "fed_duration", &requested.to_string(), e)
            }
            DurationFrom::DurationSeconds { profile } => {
                profile_error(profile, "duration_seconds", &requested.to_string(), e)
            }
        })?)
    } else {
        None
    };
    tracing::debug!(
        seconds = requested.seconds(),
        "console session length asked for"
    );
    Ok(Some(PlannedDuration {
        requested,
        from,
        assume_role,
    }))
}

fn profile_error(profile: &str, key: &str, raw: &str, problem: fed_core::Error) -> Error {
    Error::invalid(
        Input::Profile,
        format!("the profile {profile} has {key} = {raw}: {problem}"),
    )
}
