//! Ending a person's role sessions before they expire, as AWS documents it ("Revoke active
//! sessions" in the IAM console): an inline policy on the role that denies every action to the
//! sessions issued before a time. Narrowed with `aws:SourceIdentity`, it ends one person's
//! sessions and nobody else's; their sessions issued later are not touched.
//!
//! Console sessions made from role credentials act with those credentials, so the deny reaches
//! a console that is already open on its next call. The policy can be removed once every
//! session it denies has expired.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{PolicyName, RoleArn, SourceIdentity};

/// The sessions of one person on one role that were issued before a time, to be denied.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use fed_core::{PolicyName, SessionRevocation, SourceIdentity};
///
/// let revocation = SessionRevocation::new(
///     "arn:aws:iam::123456789012:role/Admin".parse()?,
///     SourceIdentity::new("bob@example.com")?,
///     UNIX_EPOCH + Duration::from_secs(1_796_644_800),
///     PolicyName::new("fed-revoke-1f2e3d4c")?,
/// );
/// assert_eq!(revocation.role().name(), "Admin");
/// assert!(revocation.policy_document().contains(r#""aws:TokenIssueTime":"2026-12-07T12:00:00Z""#));
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRevocation {
    role: RoleArn,
    source_identity: SourceIdentity,
    issued_before: SystemTime,
    name: PolicyName,
}

impl SessionRevocation {
    /// Denies `role`'s sessions whose source identity is `source_identity` and that were issued
    /// before `issued_before`, with an inline policy named `name`. `issued_before` is rounded up
    /// to a whole second, so that a session issued a moment before it is denied too.
    pub fn new(
        role: RoleArn,
        source_identity: SourceIdentity,
        issued_before: SystemTime,
        name: PolicyName,
    ) -> SessionRevocation {
        SessionRevocation {
            role,
            source_identity,
            issued_before: whole_second_at_or_after(issued_before),
            name,
        }
    }

    /// The role.
    pub fn role(&self) -> &RoleArn {
        &self.role
    }

    /// The source identity of the sessions denied.
    pub fn source_identity(&self) -> &SourceIdentity {
        &self.source_identity
    }

    /// Sessions issued before this time are denied; it is a whole second.
    pub fn issued_before(&self) -> SystemTime {
        self.issued_before
    }

    /// The inline policy's name.
    pub fn policy_name(&self) -> &PolicyName {
        &self.name
    }

    /// The inline policy: deny everything to the role's sessions with this source identity
    /// issued before [`SessionRevocation::issued_before`].
    pub fn policy_document(&self) -> String {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "RevokeOlderSessions",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": { "aws:SourceIdentity": self.source_identity.as_str() },
                    "DateLessThan": { "aws:TokenIssueTime": rfc3339(self.issued_before) },
                },
            }],
        })
        .to_string()
    }
}

fn whole_second_at_or_after(at: SystemTime) -> SystemTime {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs() + u64::from(since.subsec_nanos() > 0);
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// `at` as `YYYY-MM-DDThh:mm:ssZ`, the form IAM's date conditions take.
fn rfc3339(at: SystemTime) -> String {
    let seconds = at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn dates_are_written_as_iam_reads_them() {
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(at(1_796_644_800)), "2026-12-07T12:00:00Z");
        assert_eq!(rfc3339(at(4_107_542_399)), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn the_time_is_rounded_up_so_that_a_session_of_the_same_second_is_denied() {
        let revocation = |when| {
            SessionRevocation::new(
                "arn:aws:iam::123456789012:role/path/Admin"
                    .parse()
                    .expect("a role"),
                SourceIdentity::new("bob").expect("a source identity"),
                when,
                PolicyName::new("fed-revoke-1").expect("a name"),
            )
        };
        let exact = revocation(at(100));
        assert_eq!(exact.issued_before(), at(100));
        let later = revocation(at(100) + Duration::from_millis(1));
        assert_eq!(later.issued_before(), at(101));
        assert_eq!(later.role().name(), "Admin");
        let document: serde_json::Value =
            serde_json::from_str(&later.policy_document()).expect("JSON");
        let statement = &document["Statement"][0];
        assert_eq!(statement["Effect"], "Deny");
        assert_eq!(statement["Action"], "*");
        assert_eq!(
            statement["Condition"]["StringEquals"]["aws:SourceIdentity"],
            "bob"
        );
        assert_eq!(
            statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
            "1970-01-01T00:01:41Z"
        );
    }
}
