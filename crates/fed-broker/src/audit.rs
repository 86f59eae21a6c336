//! Audit records: one per decision (a sign-in, a console session issued, a refusal, a sign-out,
//! a revocation), as JSON lines. A record holds who (as the broker names them, and the
//! provider's `iss` and `sub`), their groups, the role, service and region, the Cedar policies
//! that decided, what was sent to
//! STS as the source identity, the session length, where the request came from, its id and the
//! time; its fields cannot hold a credential, a token or a cookie. Records go to stdout, and
//! also to PostgreSQL when an [`AuditStore`] is configured (`store.rs`); `decisions.rs` is the
//! one place that writes them.

use std::io::Write;
use std::net::IpAddr;
use std::time::SystemTime;

use serde::Serialize;

pub use store::AuditStore;

mod store;

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// A person signed in at the broker.
    SignedIn,
    /// A console session was issued.
    Issued,
    /// The request was refused.
    Denied,
    /// A person signed out: their broker session ends.
    SignedOut,
    /// An operator ended a user's broker sessions, or a grant (`fed-broker revoke`).
    Revoked,
    /// Someone asked for a role for a while.
    Requested,
    /// An approver approved a request.
    Approved,
    /// An approved grant began.
    Activated,
    /// A grant was ended early, by its requester or an approver.
    Ended,
    /// A grant reached its end.
    Expired,
    /// A break-glass role was used: a console session issued without approval.
    BreakGlass,
    /// The console sessions issued under a grant that was ended early are denied: the deny
    /// policy is on the role.
    SessionsRevoked,
    /// A grant's deny policy was removed, every session it denied having ended.
    RevocationLifted,
}

impl Decision {
    /// As in the JSON record, such as `issued`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Decision::SignedIn => "signed_in",
            Decision::Issued => "issued",
            Decision::Denied => "denied",
            Decision::SignedOut => "signed_out",
            Decision::Revoked => "revoked",
            Decision::Requested => "requested",
            Decision::Approved => "approved",
            Decision::Activated => "activated",
            Decision::Ended => "ended",
            Decision::Expired => "expired",
            Decision::BreakGlass => "break_glass",
            Decision::SessionsRevoked => "sessions_revoked",
            Decision::RevocationLifted => "revocation_lifted",
        }
    }
}

/// The longest record, newline included.
pub const MAX_RECORD_BYTES: usize = 4096;
/// The most characters kept of a value that came from outside (a claim, a form field).
const MAX_VALUE_CHARS: usize = 256;
/// The most policy ids kept, and the most characters of each.
const MAX_POLICIES: usize = 16;
const MAX_POLICY_CHARS: usize = 128;
/// The most characters kept of a role ARN (IAM allows 2048; entitled ones are far shorter).
const MAX_ARN_CHARS: usize = 512;

/// One decision. Values that came from outside (the user and groups from the id_token, the role,
/// service and region from a form) are bounded when the record is written: control characters
/// (NUL included) removed, each cut to a few hundred characters, and the whole record to
/// [`MAX_RECORD_BYTES`] by leaving out groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Record {
    /// When, as RFC 3339 in UTC.
    pub time: String,
    /// The request's id, also in the broker's logs.
    pub request_id: String,
    /// What was decided.
    pub decision: Decision,
    /// Why it was refused (for `denied`), such as `not_entitled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The ids of the Cedar policies that decided: the permits that allowed a console session,
    /// or the forbids that refused it (none when no policy permits it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    /// Who asked, when known, as the broker names them (the user claim).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The provider that signed them in (`iss`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The provider's id of them (`sub`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Their groups that the entitlements name.
    pub groups: Vec<String>,
    /// How many groups were left out to keep the record within its size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups_omitted: Option<usize>,
    /// The broker session's id, for sign-in, sign-out and console decisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The role asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// The console service asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The region asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The `SourceIdentity` (and `RoleSessionName`) sent to STS, as CloudTrail shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// The console session's length, for `issued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u64>,
    /// The client's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<IpAddr>,
    /// How many refusals of the same kind for the same client were counted but not recorded
    /// since the last record (rate-limited clients get a few records a minute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<u64>,
    /// The grant a just-in-time step is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// Who acted on someone else's grant (the approver, who ended it); `user` is whose it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// When the grant begins, as RFC 3339 in UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    /// When it ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    /// Why it was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// The approver's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Record {
    /// A record of `decision` now, for request `request_id`.
    pub fn new(decision: Decision, request_id: impl Into<String>) -> Record {
        Record {
            time: rfc3339(SystemTime::now()),
            request_id: request_id.into(),
            decision,
            reason: None,
            policies: Vec::new(),
            user: None,
            iss: None,
            sub: None,
            groups: Vec::new(),
            groups_omitted: None,
            session_id: None,
            role_arn: None,
            service: None,
            region: None,
            source_identity: None,
            duration_seconds: None,
            source_ip: None,
            suppressed: None,
            grant_id: None,
            actor: None,
            starts_at: None,
            ends_at: None,
            justification: None,
            comment: None,
        }
    }

    /// The same record, about `grant`: its id, whose it is, the role, its times and
    /// justification.
    #[must_use]
    pub fn of_grant(mut self, grant: &crate::grants::Grant) -> Record {
        let at =
            |seconds: u64| rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds));
        self.grant_id = Some(grant.id.clone());
        self.user = Some(grant.requester.clone());
        self.role_arn = Some(grant.role_arn.clone());
        self.starts_at = Some(at(grant.starts_at));
        self.ends_at = Some(at(grant.ends_at));
        self.justification.clone_from(&grant.justification);
        self.comment.clone_from(&grant.comment);
        self
    }

    /// The same record with every value from outside bounded, within [`MAX_RECORD_BYTES`].
    #[must_use]
    pub fn bounded(&self) -> Record {
        let mut record = self.clone();
        let short = |value: &mut Option<String>, max: usize| {
            if let Some(text) = value {
                *text = clean(text, max);
            }
        };
        short(&mut record.reason, MAX_VALUE_CHARS);
        short(&mut record.user, MAX_VALUE_CHARS);
        short(&mut record.iss, MAX_VALUE_CHARS);
        short(&mut record.sub, MAX_VALUE_CHARS);
        short(&mut record.session_id, MAX_VALUE_CHARS);
        short(&mut record.role_arn, MAX_ARN_CHARS);
        short(&mut record.service, 64);
        short(&mut record.region, 64);
        short(&mut record.source_identity, 64);
        short(&mut record.grant_id, 64);
        short(&mut record.actor, MAX_VALUE_CHARS);
        short(&mut record.justification, 512);
        short(&mut record.comment, MAX_VALUE_CHARS);
        record.request_id = clean(&record.request_id, 64);
        for group in &mut record.groups {
            *group = clean(group, MAX_VALUE_CHARS);
        }
        record.policies.truncate(MAX_POLICIES);
        for policy in &mut record.policies {
            *policy = clean(policy, MAX_POLICY_CHARS);
        }
        let mut omitted = 0;
        while serde_json::to_string(&record).map_or(0, |line| line.len()) >= MAX_RECORD_BYTES
            && record.groups.pop().is_some()
        {
            omitted += 1;
            record.groups_omitted = Some(omitted + self.groups_omitted.unwrap_or(0));
        }
        while serde_json::to_string(&record).map_or(0, |line| line.len()) >= MAX_RECORD_BYTES
            && record.policies.pop().is_some()
        {}
        // Long values of many-byte characters: halve the longest until the record fits.
        while serde_json::to_string(&record).map_or(0, |line| line.len()) >= MAX_RECORD_BYTES {
            let longest = [
                &mut record.justification,
                &mut record.comment,
                &mut record.actor,
                &mut record.user,
                &mut record.iss,
                &mut record.sub,
                &mut record.role_arn,
                &mut record.service,
                &mut record.region,
            ]
            .into_iter()
            .filter_map(Option::as_mut)
            .max_by_key(|text| text.len());
            match longest {
                Some(text) if text.chars().count() > 1 => {
                    *text = clean(text, text.chars().count() / 2);
                }
                _ => break,
            }
        }
        record
    }

    /// The record, bounded, as one line of JSON without the newline.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(&self.bounded()).unwrap_or_default()
    }

    /// Writes the record, bounded, as one line of JSON to `out`, and flushes it: an error means
    /// the record may not be there.
    pub fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.to_json_line())?;
        out.flush()
    }
}

/// `text` without control characters (NUL, line breaks, escapes), at most `max` characters:
/// one cut ends with `…`.
fn clean(text: &str, max: usize) -> String {
    let kept: String = text.chars().filter(|c| !c.is_control()).collect();
    if kept.chars().count() <= max {
        return kept;
    }
    let mut cut: String = kept.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// `time` as RFC 3339 in UTC.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    time::OffsetDateTime::from(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
