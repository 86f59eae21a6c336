//! Revocation that reaches the console: when a grant that had begun is ended early or revoked,
//! the console sessions already issued under it are ended too, the way AWS documents for role
//! sessions. A replica puts on the role an inline policy that denies every action to the
//! sessions with the requester's `SourceIdentity` issued before the grant ended
//! ([`SessionRevocation`]), and removes it once those sessions could no longer be valid.
//!
//! The work is kept in PostgreSQL (`fed_broker_revocations`), written in the same statement
//! that ends the grant ([`AuditStore::end_grant`]), so it is never lost to a replica stopping
//! or to IAM failing: every replica looks every few seconds, and each step is claimed by one of
//! them for [`CLAIM`] with an `UPDATE … RETURNING`. A failed call is counted
//! (`fed_broker_revocation_failures_total`) and tried again when the claim lapses.
//!
//! When the policy can go: sessions under a grant end by the grant's planned end (their length
//! is capped to the time left) and never last longer than the role's `max_session`; both counted
//! from the revocation, the earlier one, plus [`CLOCK_MARGIN`] for clocks.

use std::time::{Duration, UNIX_EPOCH};

use fed_core::{PolicyName, RoleArn, SessionRevocation, SourceIdentity};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::audit::{AuditStore, Decision, Record};
use crate::broker::Broker;
use crate::issue::session_name;

/// How long a replica holds a step it claimed before another may try it.
pub(crate) const CLAIM: Duration = Duration::from_secs(30);
/// Added to the end of the last session a policy denies before it is removed.
pub(crate) const CLOCK_MARGIN: Duration = Duration::from_secs(300);
/// The longest role session AWS issues: the lifetime assumed for a role no longer entitled.
const LONGEST_SESSION: Duration = Duration::from_secs(12 * 3600);

/// The table, made with the audit table. `state` is `placing` (the policy is still to be put),
/// `placed` (on the role until `lift_after`) or `lifted`.
pub(crate) const CREATE: &str = "CREATE TABLE IF NOT EXISTS fed_broker_revocations (
    grant_id text PRIMARY KEY,
    issued_before timestamptz NOT NULL,
    state text NOT NULL,
    attempt_after timestamptz NOT NULL,
    lift_after timestamptz,
    policy_name text
)";

/// The grant's end that adds a revocation, for `concat!` into [`AuditStore::end_grant`]'s
/// statement: a grant that was approved (`decided_by` is set and it was not denied, which
/// cannot be ended) and had begun. A pending request issued nothing.
macro_rules! revocation_of_ended {
    () => {
        "INSERT INTO fed_broker_revocations (grant_id, issued_before, state, attempt_after) \
         SELECT id, ended_at, 'placing', now() FROM ended \
         WHERE decided_by IS NOT NULL AND starts_at <= ended_at"
    };
}
pub(crate) use revocation_of_ended;

/// A revocation to place or lift, with what its policy needs from the grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) grant_id: String,
    requester: String,
    role_arn: String,
    role_name: String,
    /// Seconds since the epoch.
    issued_before: u64,
    /// The grant's planned end, seconds since the epoch.
    grant_ends_at: u64,
}

/// The columns of a [`Pending`], from the revocation `r` and its grant `g`.
macro_rules! pending_columns {
    () => {
        "r.grant_id, g.requester, g.role_arn, g.role_name, \
         ceil(extract(epoch from r.issued_before))::bigint AS issued_before, \
         extract(epoch from g.ends_at)::bigint AS ends_at"
    };
}

fn pending(row: &PgRow) -> Result<Pending, sqlx::Error> {
    let seconds = |name: &str| -> Result<u64, sqlx::Error> {
        Ok(u64::try_from(row.try_get::<i64, _>(name)?).unwrap_or_default())
    };
    Ok(Pending {
        grant_id: row.try_get("grant_id")?,
        requester: row.try_get("requester")?,
        role_arn: row.try_get("role_arn")?,
        role_name: row.try_get("role_name")?,
        issued_before: seconds("issued_before")?,
        grant_ends_at: seconds("ends_at")?,
    })
}

impl Pending {
    /// The policy: the requester's sessions of the role issued before the grant ended.
    fn revocation(&self) -> Result<SessionRevocation, String> {
        let role: RoleArn = self.role_arn.parse().map_err(|e| fed_core::one_line(&e))?;
        let source = SourceIdentity::new(session_name(&self.requester))
            .map_err(|e| fed_core::one_line(&e))?;
        let name =
            PolicyName::new(policy_name(&self.grant_id)).map_err(|e| fed_core::one_line(&e))?;
        Ok(SessionRevocation::new(
            role,
            source,
            UNIX_EPOCH + Duration::from_secs(self.issued_before),
            name,
        ))
    }

    /// When the policy may go, seconds since the epoch: once every session it denies has
    /// ended, by the grant's planned end or the role's longest session after the revocation,
    /// whichever is first, plus [`CLOCK_MARGIN`].
    fn lift_after(&self, max_session: Duration) -> u64 {
        let longest = self.issued_before + max_session.as_secs();
        longest.min(self.grant_ends_at) + CLOCK_MARGIN.as_secs()
    }
}

/// The inline policy's name for grant `id`.
pub(crate) fn policy_name(grant_id: &str) -> String {
    format!("fed-broker-revoke-{grant_id}")
}

impl AuditStore {
    /// Claims the revocations whose policy is still to be put: each returned to one caller,
    /// then to another only after [`CLAIM`].
    pub(crate) async fn claim_to_place(&self) -> Result<Vec<Pending>, String> {
        let sql = concat!(
            "UPDATE fed_broker_revocations r SET attempt_after = now() + make_interval(secs => $1) \
             FROM fed_broker_grants g WHERE g.id = r.grant_id AND r.state = 'placing' \
             AND r.attempt_after <= now() RETURNING ",
            pending_columns!()
        );
        self.pending(
            sqlx::query(sql)
                .bind(CLAIM.as_secs_f64())
                .fetch_all(self.pool()),
        )
        .await
    }

    /// Claims the placed revocations whose time has come to be removed.
    pub(crate) async fn claim_to_lift(&self) -> Result<Vec<Pending>, String> {
        let sql = concat!(
            "UPDATE fed_broker_revocations r SET attempt_after = now() + make_interval(secs => $1) \
             FROM fed_broker_grants g WHERE g.id = r.grant_id AND r.state = 'placed' \
             AND r.lift_after <= now() AND r.attempt_after <= now() RETURNING ",
            pending_columns!()
        );
        self.pending(
            sqlx::query(sql)
                .bind(CLAIM.as_secs_f64())
                .fetch_all(self.pool()),
        )
        .await
    }

    /// Notes that grant `id`'s policy `name` is on its role until `lift_after`.
    async fn placed(&self, id: &str, name: &str, lift_after: u64) -> Result<(), String> {
        let query = sqlx::query(
            "UPDATE fed_broker_revocations SET state = 'placed', policy_name = $2, \
             lift_after = to_timestamp($3), attempt_after = now() WHERE grant_id = $1",
        )
        .bind(id)
        .bind(name)
        .bind(lift_after as f64)
        .execute(self.pool());
        self.answer(query).await.map(drop)
    }

    /// Notes that grant `id`'s policy is gone.
    async fn lifted(&self, id: &str) -> Result<(), String> {
        let query =
            sqlx::query("UPDATE fed_broker_revocations SET state = 'lifted' WHERE grant_id = $1")
                .bind(id)
                .execute(self.pool());
        self.answer(query).await.map(drop)
    }

    async fn pending(
        &self,
        query: impl Future<Output = Result<Vec<PgRow>, sqlx::Error>>,
    ) -> Result<Vec<Pending>, String> {
        self.answer(query)
            .await?
            .iter()
            .map(|found| pending(found).map_err(|e| self.describe(&e)))
            .collect()
    }
}

impl Broker {
    /// Puts the policies of grants just ended and removes those whose time has come. With no
    /// store there are no grants.
    pub async fn advance_revocations(&self) {
        let Some(store) = self.store() else {
            return;
        };
        match store.claim_to_place().await {
            Ok(claimed) => {
                for pending in claimed {
                    self.place(store, &pending).await;
                }
            }
            Err(problem) => {
                tracing::error!(error = %problem, "cannot look for console sessions to revoke");
            }
        }
        match store.claim_to_lift().await {
            Ok(claimed) => {
                for pending in claimed {
                    self.lift(store, &pending).await;
                }
            }
            Err(problem) => {
                tracing::error!(error = %problem, "cannot look for revocations to remove");
            }
        }
    }

    async fn place(&self, store: &AuditStore, pending: &Pending) {
        let max_session = self
            .rules()
            .entitlements()
            .role(&pending.role_arn)
            .map_or(LONGEST_SESSION, |role| role.max_session);
        let revocation = match pending.revocation() {
            Ok(revocation) => revocation,
            Err(problem) => return self.revocation_failed(pending, "put", &problem),
        };
        if let Err(problem) = self.issuer.revoke_sessions(&revocation).await {
            return self.revocation_failed(pending, "put", &problem);
        }
        let lift_after = pending.lift_after(max_session);
        let name = revocation.policy_name().as_str();
        if let Err(problem) = store.placed(&pending.grant_id, name, lift_after).await {
            // The policy is on the role; the next claim puts it again, which changes nothing.
            return self.revocation_failed(pending, "note", &problem);
        }
        self.revocation_step(Decision::SessionsRevoked, pending, &revocation)
            .await;
    }

    async fn lift(&self, store: &AuditStore, pending: &Pending) {
        let revocation = match pending.revocation() {
            Ok(revocation) => revocation,
            Err(problem) => return self.revocation_failed(pending, "remove", &problem),
        };
        if let Err(problem) = self.issuer.lift_revocation(&revocation).await {
            return self.revocation_failed(pending, "remove", &problem);
        }
        if let Err(problem) = store.lifted(&pending.grant_id).await {
            return self.revocation_failed(pending, "note", &problem);
        }
        self.revocation_step(Decision::RevocationLifted, pending, &revocation)
            .await;
    }

    fn revocation_failed(&self, pending: &Pending, step: &str, problem: &str) {
        self.metrics.revocation_failed();
        tracing::error!(
            grant = %pending.grant_id,
            role = %pending.role_arn,
            step,
            error = %problem,
            "a revocation of console sessions failed; it is tried again in 30 s"
        );
    }

    async fn revocation_step(
        &self,
        decision: Decision,
        pending: &Pending,
        revocation: &SessionRevocation,
    ) {
        let mut record = Record::new(decision, crate::random_hex(8));
        record.user = Some(pending.requester.clone());
        record.grant_id = Some(pending.grant_id.clone());
        record.role_arn = Some(pending.role_arn.clone());
        record.source_identity = Some(revocation.source_identity().to_string());
        record.policies = vec![revocation.policy_name().to_string()];
        tracing::info!(
            grant = %pending.grant_id,
            role = %pending.role_name,
            policy = %revocation.policy_name(),
            step = decision.as_str(),
            "console sessions revocation"
        );
        self.note(&record).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(issued_before: u64, grant_ends_at: u64) -> Pending {
        Pending {
            grant_id: "0123456789abcdef".to_owned(),
            requester: "bob@example.com".to_owned(),
            role_arn: "arn:aws:iam::123456789012:role/ops/Admin".to_owned(),
            role_name: "Admin".to_owned(),
            issued_before,
            grant_ends_at,
        }
    }

    #[test]
    fn the_policy_goes_when_the_last_session_it_denies_has_ended() {
        let hour = Duration::from_secs(3600);
        let margin = CLOCK_MARGIN.as_secs();
        // Sessions under the grant end by its planned end…
        assert_eq!(pending(1000, 5000).lift_after(hour * 12), 5000 + margin);
        // …and never last longer than the role allows.
        assert_eq!(pending(1000, 90_000).lift_after(hour), 4600 + margin);
    }

    #[test]
    fn the_policy_names_the_requester_as_sts_saw_them() {
        let revocation = pending(1000, 5000).revocation().expect("a revocation");
        assert_eq!(revocation.role().name(), "Admin");
        assert_eq!(revocation.source_identity().as_str(), "bob@example.com");
        assert_eq!(
            revocation.policy_name().as_str(),
            "fed-broker-revoke-0123456789abcdef"
        );
        let mut odd = pending(1000, 5000);
        odd.requester = "o'brien".to_owned();
        let source = odd.revocation().expect("a revocation");
        assert_eq!(source.source_identity().as_str(), session_name("o'brien"));
    }
}
