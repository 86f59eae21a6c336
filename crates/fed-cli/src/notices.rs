//! What `fed` tells its user on stderr, `fed: …`, silenced by `-q`: the flow's typed notices
//! worded here, and the CLI's own sentences.

use fed_core::Omitted;
use fed_flow::Notice;

use crate::printable::printable;

/// Notices for the user on stderr, silenced by `-q`.
pub(crate) struct Notices {
    pub(crate) quiet: bool,
}

impl Notices {
    /// Says `message` as it is.
    pub(crate) fn say(&self, message: &str) {
        if !self.quiet {
            eprintln!("fed: {}", printable(message));
        }
    }

    /// Says what a notice of the flow means.
    pub(crate) fn notice(&self, notice: &Notice) {
        if let Some(words) = words(notice) {
            self.say(&words);
        }
    }
}

/// A notice of the flow, in words; `None` for one this version of fed has no words for.
pub(crate) fn words(notice: &Notice) -> Option<String> {
    Some(match notice {
        Notice::UnofficialSigninEndpoint { endpoint } => {
            format!("{endpoint} is not an AWS sign-in endpoint: the credentials are sent to it")
        }
        Notice::Credentials { source } => format!("using the credentials of {source}"),
        Notice::EnvironmentKeysOverAwsProfile { profile } => format!(
            "the credentials are the environment's, not AWS_PROFILE={profile}: environment keys come first, as in the AWS CLI; pass --profile {profile} to use the profile"
        ),
        Notice::LogoutEndpointByAnalogy {
            partition,
            endpoint,
        } => format!(
            "AWS documents no logout endpoint for {partition}: the logout-first link uses {endpoint} by analogy with the other partitions"
        ),
        Notice::RoleChaining { role, cap_seconds } => format!(
            "role chaining (assuming {role} with temporary credentials): the role session is capped at {cap_seconds}s"
        ),
        Notice::FederatedUser { arn } => {
            format!("signing in as federated user {arn} (GetFederationToken)")
        }
        Notice::SessionDurationOmitted { seconds, why } => format!(
            "not sending SessionDuration={seconds}: {}; the console session lasts as long as the credentials",
            omitted_because(*why)
        ),
        Notice::SessionDurationRefused => "the federation endpoint refused SessionDuration; signed in without it, so the console session lasts as long as the credentials".to_owned(),
        Notice::LoginSession { ends_at } => format!(
            "an aws login session: SessionDuration is not sent (its history is unknown), so the console session lasts as long as its current credentials{}; aws login refreshes the credentials, not the console session",
            ends_at.map(|at| format!(", until {}", utc(at))).unwrap_or_default()
        ),
        _ => return None,
    })
}

/// A time as RFC 3339 in UTC, to the second.
fn utc(at: std::time::SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Why a `SessionDuration` is not sent, in words.
fn omitted_because(why: Omitted) -> &'static str {
    match why {
        Omitted::RoleChaining => {
            "the credentials come from role chaining, for which the federation endpoint rejects it"
        }
        Omitted::FederationToken => {
            "the federation endpoint rejects it for GetFederationToken credentials"
        }
        Omitted::IdentityCenter => "IAM Identity Center sessions set their own length",
        Omitted::LoginSession => "aws login sessions are of unknown history and never get it",
        _ => "these credentials cannot sign in directly",
    }
}
