//! Just-in-time grants: a person asks for a role for a while, an approver approves or denies,
//! and an approved grant is active from its start to its end, unless it is ended early or
//! revoked. Grants live in PostgreSQL (`fed_broker_grants`, created with the audit table), so
//! every replica sees the same ones and the replicas stay stateless.
//!
//! Every change of state is one `UPDATE … WHERE state = … RETURNING`: PostgreSQL locks the row,
//! and a second replica making the same change finds the state already changed and gets
//! nothing back. So a grant is approved once, ended once, and its activation and expiry are
//! seen (and notified, and recorded) by exactly one replica, with no scheduler outside the
//! broker.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::audit::AuditStore;

/// Where a grant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GrantState {
    /// Asked for, waiting for an approver.
    Pending,
    /// Approved: active from its start to its end.
    Approved,
    /// Denied by an approver.
    Denied,
    /// Ended early by its requester or an approver.
    Ended,
    /// Past its end.
    Expired,
    /// Revoked by an operator (`fed-broker revoke --grant`).
    Revoked,
}

impl GrantState {
    /// As stored, such as `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantState::Pending => "pending",
            GrantState::Approved => "approved",
            GrantState::Denied => "denied",
            GrantState::Ended => "ended",
            GrantState::Expired => "expired",
            GrantState::Revoked => "revoked",
        }
    }

    fn parse(text: &str) -> GrantState {
        match text {
            "pending" => GrantState::Pending,
            "approved" => GrantState::Approved,
            "denied" => GrantState::Denied,
            "ended" => GrantState::Ended,
            "revoked" => GrantState::Revoked,
            // Anything else grants nothing.
            _ => GrantState::Expired,
        }
    }
}

/// One request for a role, and what became of it. Times are seconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Grant {
    /// Its id.
    pub id: String,
    /// Who asked, as the broker names them.
    pub requester: String,
    /// The role.
    pub role_arn: String,
    /// The role's name, as people saw it.
    pub role_name: String,
    /// Why they asked.
    pub justification: Option<String>,
    /// Where it stands.
    pub state: GrantState,
    /// When it was asked for.
    pub requested_at: u64,
    /// When it begins.
    pub starts_at: u64,
    /// When it ends.
    pub ends_at: u64,
    /// Who approved or denied it.
    pub decided_by: Option<String>,
    /// The approver's comment.
    pub comment: Option<String>,
    /// Who ended or revoked it.
    pub ended_by: Option<String>,
    /// When it ended early.
    pub ended_at: Option<u64>,
}

impl Grant {
    /// Whether it grants the role at `now`.
    pub fn is_active(&self, now: u64) -> bool {
        self.state == GrantState::Approved && self.starts_at <= now && now < self.ends_at
    }
}

/// What a new request asks for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewGrant {
    /// Who asks.
    pub requester: String,
    /// The role.
    pub role_arn: String,
    /// Its name.
    pub role_name: String,
    /// Why.
    pub justification: Option<String>,
    /// When it should begin.
    pub starts_at: u64,
    /// When it should end.
    pub ends_at: u64,
}

impl NewGrant {
    /// `requester` asks for `role_arn` (named `role_name`) from `starts_at` to `ends_at`.
    pub fn new(
        requester: impl Into<String>,
        role_arn: impl Into<String>,
        role_name: impl Into<String>,
        starts_at: u64,
        ends_at: u64,
    ) -> NewGrant {
        NewGrant {
            requester: requester.into(),
            role_arn: role_arn.into(),
            role_name: role_name.into(),
            justification: None,
            starts_at,
            ends_at,
        }
    }
}

/// The grants table, made with the audit table.
pub(crate) const CREATE: &str = "CREATE TABLE IF NOT EXISTS fed_broker_grants (
    id text PRIMARY KEY,
    requester text NOT NULL,
    role_arn text NOT NULL,
    role_name text NOT NULL,
    justification text,
    state text NOT NULL,
    requested_at timestamptz NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    decided_by text,
    decided_at timestamptz,
    comment text,
    ended_by text,
    ended_at timestamptz,
    activated_at timestamptz
)";

/// The columns a [`Grant`] is read from, as a literal for `concat!`: sqlx takes only static
/// SQL, so that nothing from outside is ever formatted into a statement.
macro_rules! columns {
    () => {
        "id, requester, role_arn, role_name, justification, state, \
         extract(epoch from requested_at)::bigint AS requested_at, \
         extract(epoch from starts_at)::bigint AS starts_at, \
         extract(epoch from ends_at)::bigint AS ends_at, \
         decided_by, comment, ended_by, extract(epoch from ended_at)::bigint AS ended_at"
    };
}

fn row(row: &PgRow) -> Result<Grant, sqlx::Error> {
    let seconds = |name: &str| -> Result<u64, sqlx::Error> {
        Ok(u64::try_from(row.try_get::<i64, _>(name)?).unwrap_or_default())
    };
    Ok(Grant {
        id: row.try_get("id")?,
        requester: row.try_get("requester")?,
        role_arn: row.try_get("role_arn")?,
        role_name: row.try_get("role_name")?,
        justification: row.try_get("justification")?,
        state: GrantState::parse(row.try_get::<&str, _>("state")?),
        requested_at: seconds("requested_at")?,
        starts_at: seconds("starts_at")?,
        ends_at: seconds("ends_at")?,
        decided_by: row.try_get("decided_by")?,
        comment: row.try_get("comment")?,
        ended_by: row.try_get("ended_by")?,
        ended_at: row
            .try_get::<Option<i64>, _>("ended_at")?
            .map(|s| u64::try_from(s).unwrap_or_default()),
    })
}

fn as_f64(seconds: u64) -> f64 {
    seconds as f64
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl AuditStore {
    /// Stores a new request, pending.
    pub async fn request_grant(&self, new: &NewGrant) -> Result<Grant, String> {
        let sql = concat!(
            "INSERT INTO fed_broker_grants (id, requester, role_arn, role_name, justification, state, requested_at, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5, 'pending', clock_timestamp(), to_timestamp($6), to_timestamp($7)) RETURNING ",
            columns!()
        );
        let query = sqlx::query(sql)
            .bind(crate::random_hex(8))
            .bind(&new.requester)
            .bind(&new.role_arn)
            .bind(&new.role_name)
            .bind(new.justification.as_deref())
            .bind(as_f64(new.starts_at))
            .bind(as_f64(new.ends_at))
            .fetch_one(self.pool());
        self.one(query).await
    }

    /// The grant `id`.
    pub async fn grant(&self, id: &str) -> Result<Option<Grant>, String> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM fed_broker_grants WHERE id = $1"
        );
        let query = sqlx::query(sql).bind(id).fetch_optional(self.pool());
        self.optional(query).await
    }

    /// `user`'s grants, newest first: the last 50.
    pub async fn grants_of(&self, user: &str) -> Result<Vec<Grant>, String> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM fed_broker_grants WHERE requester = $1 ORDER BY fed_broker_grants.requested_at DESC LIMIT 50"
        );
        let query = sqlx::query(sql).bind(user).fetch_all(self.pool());
        self.many(query).await
    }

    /// The open grants of any of `roles`: the pending requests, oldest first, then the approved
    /// grants that have not ended (which an approver may end); the first 200.
    pub async fn open_for(&self, roles: &[String]) -> Result<Vec<Grant>, String> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM fed_broker_grants WHERE role_arn = ANY($1) AND (state = 'pending' OR (state = 'approved' AND ends_at > now())) ORDER BY (state <> 'pending'), fed_broker_grants.requested_at LIMIT 200"
        );
        let query = sqlx::query(sql).bind(roles).fetch_all(self.pool());
        self.many(query).await
    }

    /// `user`'s grant of `role` active at `now`, if any.
    pub async fn active_grant(
        &self,
        user: &str,
        role: &str,
        now: u64,
    ) -> Result<Option<Grant>, String> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM fed_broker_grants WHERE requester = $1 AND role_arn = $2 AND state = 'approved' AND starts_at <= to_timestamp($3) AND ends_at > to_timestamp($3) ORDER BY fed_broker_grants.ends_at DESC LIMIT 1"
        );
        let query = sqlx::query(sql)
            .bind(user)
            .bind(role)
            .bind(as_f64(now))
            .fetch_optional(self.pool());
        self.optional(query).await
    }

    /// Approves (or denies) pending request `id` as `approver`; nothing when it is no longer
    /// pending, or when `approver` asked for it (nobody approves their own request). A grant
    /// approved once its start has come is active at once: the caller reports that, not
    /// [`AuditStore::take_activated`].
    pub async fn decide_grant(
        &self,
        id: &str,
        approver: &str,
        approve: bool,
        comment: Option<&str>,
    ) -> Result<Option<Grant>, String> {
        let sql = concat!(
            "UPDATE fed_broker_grants SET state = $3, decided_by = $2, decided_at = now(), comment = $4, activated_at = CASE WHEN $3 = 'approved' AND starts_at <= now() THEN now() END WHERE id = $1 AND state = 'pending' AND requester <> $2 RETURNING ",
            columns!()
        );
        let state = if approve {
            GrantState::Approved
        } else {
            GrantState::Denied
        };
        let query = sqlx::query(sql)
            .bind(id)
            .bind(approver)
            .bind(state.as_str())
            .bind(comment)
            .fetch_optional(self.pool());
        self.optional(query).await
    }

    /// Ends grant `id` early (pending or approved) as `by`: `Ended`, or `Revoked` by an
    /// operator; nothing when it had already ended. A grant that had begun gets, in the same
    /// statement, a revocation of the console sessions issued under it, which the replicas
    /// place on the role (see `revocations.rs`).
    pub async fn end_grant(
        &self,
        id: &str,
        by: &str,
        revoked: bool,
    ) -> Result<Option<Grant>, String> {
        let state = if revoked {
            GrantState::Revoked
        } else {
            GrantState::Ended
        };
        let sql = concat!(
            "WITH ended AS (UPDATE fed_broker_grants SET state = $3, ended_by = $2, ended_at = now() WHERE id = $1 AND state IN ('pending', 'approved') RETURNING *), revocation AS (",
            crate::revocations::revocation_of_ended!(),
            ") SELECT ",
            columns!(),
            " FROM ended"
        );
        let query = sqlx::query(sql)
            .bind(id)
            .bind(by)
            .bind(state.as_str())
            .fetch_optional(self.pool());
        self.optional(query).await
    }

    /// The approved grants whose start has come and that no replica has reported yet: each
    /// returned to exactly one caller.
    pub async fn take_activated(&self) -> Result<Vec<Grant>, String> {
        let sql = concat!(
            "UPDATE fed_broker_grants SET activated_at = now() WHERE state = 'approved' AND activated_at IS NULL AND starts_at <= now() RETURNING ",
            columns!()
        );
        let query = sqlx::query(sql).fetch_all(self.pool());
        self.many(query).await
    }

    /// The approved grants past their end, now expired: each returned to exactly one caller.
    pub async fn take_expired(&self) -> Result<Vec<Grant>, String> {
        let sql = concat!(
            "UPDATE fed_broker_grants SET state = 'expired' WHERE state = 'approved' AND ends_at <= now() RETURNING ",
            columns!()
        );
        let query = sqlx::query(sql).fetch_all(self.pool());
        self.many(query).await
    }

    async fn one(
        &self,
        query: impl Future<Output = Result<PgRow, sqlx::Error>>,
    ) -> Result<Grant, String> {
        let found = self.answer(query).await?;
        row(&found).map_err(|e| self.describe(&e))
    }

    async fn optional(
        &self,
        query: impl Future<Output = Result<Option<PgRow>, sqlx::Error>>,
    ) -> Result<Option<Grant>, String> {
        match self.answer(query).await? {
            Some(found) => row(&found).map(Some).map_err(|e| self.describe(&e)),
            None => Ok(None),
        }
    }

    async fn many(
        &self,
        query: impl Future<Output = Result<Vec<PgRow>, sqlx::Error>>,
    ) -> Result<Vec<Grant>, String> {
        self.answer(query)
            .await?
            .iter()
            .map(|found| row(found).map_err(|e| self.describe(&e)))
            .collect()
    }
}
