//! The audit store: every record also in a PostgreSQL table, `fed_broker_audit`, created at
//! start when it is missing; and the revoked broker sessions that every replica refuses
//! (`fed_broker_revoked` by session id, `fed_broker_revoked_users` by user), each row kept
//! until the sessions it names would have expired anyway. The database URL comes from the variable that
//! `audit.database_url_env` names; it may hold a password, so it is in no message, log line or
//! `Debug` output.
//!
//! A store that does not answer fails fast: a connection waits at most [`ACQUIRE_TIMEOUT`] and
//! a statement at most [`STATEMENT_TIMEOUT`], so a request that must be audited is refused
//! quickly instead of hanging.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Row};

use crate::audit::Record;
use crate::error::Error;

/// The longest wait for a connection of the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest wait for one statement, connection included.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest wait for the readiness check, under the one-second default of health probes.
const READY_TIMEOUT: Duration = Duration::from_millis(900);
/// Connections per replica: an insert takes a millisecond or so.
const MAX_CONNECTIONS: u32 = 8;

/// The table, its columns those of [`Record`] (`user_name` holds `user`, a reserved word in
/// SQL). Replicas that start together take an advisory lock, so only one creates it.
const CREATE: &[&str] = &[
    "SELECT pg_advisory_xact_lock(7306915289214087489)",
    "CREATE TABLE IF NOT EXISTS fed_broker_audit (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        request_id text NOT NULL,
        decision text NOT NULL,
        reason text,
        user_name text,
        groups text[] NOT NULL,
        role_arn text,
        duration_seconds bigint,
        source_ip inet
    )",
    "CREATE INDEX IF NOT EXISTS fed_broker_audit_time ON fed_broker_audit (time)",
    // Columns added since the first release; a table made by it gains them.
    "ALTER TABLE fed_broker_audit
        ADD COLUMN IF NOT EXISTS iss text,
        ADD COLUMN IF NOT EXISTS sub text,
        ADD COLUMN IF NOT EXISTS session_id text,
        ADD COLUMN IF NOT EXISTS service text,
        ADD COLUMN IF NOT EXISTS region text,
        ADD COLUMN IF NOT EXISTS source_identity text,
        ADD COLUMN IF NOT EXISTS suppressed bigint",
    "ALTER TABLE fed_broker_audit ADD COLUMN IF NOT EXISTS policies text[]",
    "ALTER TABLE fed_broker_audit
        ADD COLUMN IF NOT EXISTS grant_id text,
        ADD COLUMN IF NOT EXISTS actor text,
        ADD COLUMN IF NOT EXISTS starts_at timestamptz,
        ADD COLUMN IF NOT EXISTS ends_at timestamptz,
        ADD COLUMN IF NOT EXISTS justification text,
        ADD COLUMN IF NOT EXISTS comment text",
    "CREATE TABLE IF NOT EXISTS fed_broker_revoked (
        session_id text PRIMARY KEY,
        until timestamptz NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS fed_broker_revoked_users (
        user_name text PRIMARY KEY,
        before timestamptz NOT NULL,
        until timestamptz NOT NULL
    )",
    crate::grants::CREATE,
    crate::revocations::CREATE,
    "CREATE INDEX IF NOT EXISTS fed_broker_grants_requester ON fed_broker_grants (requester)",
    "CREATE INDEX IF NOT EXISTS fed_broker_grants_open ON fed_broker_grants (state, ends_at)",
];

/// Whether everything [`CREATE`] makes is there.
const COMPLETE: &str = "SELECT to_regclass('fed_broker_revoked_users') IS NOT NULL
    AND to_regclass('fed_broker_grants') IS NOT NULL
    AND to_regclass('fed_broker_revocations') IS NOT NULL
    AND to_regclass('fed_broker_revoked') IS NOT NULL
    AND EXISTS (SELECT 1 FROM information_schema.columns
                WHERE table_name = 'fed_broker_audit' AND column_name = 'policies')
    AND EXISTS (SELECT 1 FROM information_schema.columns
                WHERE table_name = 'fed_broker_audit' AND column_name = 'comment')";

const INSERT: &str = "INSERT INTO fed_broker_audit \
    (time, request_id, decision, reason, user_name, groups, role_arn, duration_seconds, source_ip, \
     iss, sub, session_id, service, region, source_identity, suppressed, policies, \
     grant_id, actor, starts_at, ends_at, justification, comment) \
    VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10, $11, $12, $13, $14, $15, $16, \
     $17, $18, $19, $20::timestamptz, $21::timestamptz, $22, $23)";

/// Ends one session until `until` (seconds since the epoch); expired rows go at the same time.
const REVOKE_SESSION: &str = "WITH gone AS (DELETE FROM fed_broker_revoked WHERE until < now()) \
    INSERT INTO fed_broker_revoked (session_id, until) VALUES ($1, to_timestamp($2)) \
    ON CONFLICT (session_id) DO UPDATE SET until = greatest(fed_broker_revoked.until, excluded.until)";

/// Ends every session of a user begun up to now, until `until`.
const REVOKE_USER: &str = "WITH gone AS (DELETE FROM fed_broker_revoked_users WHERE until < now()) \
    INSERT INTO fed_broker_revoked_users (user_name, before, until) VALUES ($1, now(), to_timestamp($2)) \
    ON CONFLICT (user_name) DO UPDATE SET before = now(), \
        until = greatest(fed_broker_revoked_users.until, excluded.until)";

/// Whether session `$1` of user `$2`, begun at `$3` (seconds since the epoch), was revoked.
const IS_REVOKED: &str = "SELECT EXISTS (SELECT 1 FROM fed_broker_revoked WHERE session_id = $1) \
    OR EXISTS (SELECT 1 FROM fed_broker_revoked_users \
               WHERE user_name = $2 AND before >= to_timestamp($3))";

/// Where audit records go besides stdout: a small pool of connections to PostgreSQL.
pub struct AuditStore {
    pool: PgPool,
    source: Source,
}

impl std::fmt::Debug for AuditStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditStore")
            .field("variable", &self.source.variable)
            .finish_non_exhaustive()
    }
}

impl AuditStore {
    /// Connects to the PostgreSQL at `url`, which the environment variable `variable` holds,
    /// and creates the table when it is missing. An error names the variable, never the URL.
    pub async fn connect(variable: &str, url: &str) -> Result<AuditStore, Error> {
        let source = Source::new(variable, url);
        let options = source.options(url)?;
        let mut connection = source.connect(&options).await?;
        let created = create_table(&mut connection).await;
        let _ = connection.close().await;
        created.map_err(|e| source.error("cannot create the table fed_broker_audit", &e))?;
        Ok(AuditStore {
            pool: PgPoolOptions::new()
                .max_connections(MAX_CONNECTIONS)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_lazy_with(options),
            source,
        })
    }

    /// Checks that the PostgreSQL at `url` (held by `variable`) answers, without changing
    /// anything there; whether the table is there already.
    pub async fn check(variable: &str, url: &str) -> Result<bool, Error> {
        let source = Source::new(variable, url);
        let options = source.options(url)?;
        let mut connection = source.connect(&options).await?;
        let exists = table_exists(&mut connection).await;
        let _ = connection.close().await;
        exists.map_err(|e| source.error("cannot query", &e))
    }

    /// Stores `record`, bounded as on stdout; why it could not be, without the URL or its
    /// password.
    pub(crate) async fn insert(&self, record: &Record) -> Result<(), String> {
        let record = record.bounded();
        let number = |n: Option<u64>| n.map(|d| i64::try_from(d).unwrap_or(i64::MAX));
        let query = sqlx::query(INSERT)
            .bind(&record.time)
            .bind(&record.request_id)
            .bind(record.decision.as_str())
            .bind(record.reason.as_deref())
            .bind(record.user.as_deref())
            .bind(&record.groups)
            .bind(record.role_arn.as_deref())
            .bind(number(record.duration_seconds))
            .bind(record.source_ip.map(|ip| ip.to_string()))
            .bind(record.iss.as_deref())
            .bind(record.sub.as_deref())
            .bind(record.session_id.as_deref())
            .bind(record.service.as_deref())
            .bind(record.region.as_deref())
            .bind(record.source_identity.as_deref())
            .bind(number(record.suppressed))
            // NULL rather than an empty array when no policy decided, as for other values.
            .bind((!record.policies.is_empty()).then_some(&record.policies))
            .bind(record.grant_id.as_deref())
            .bind(record.actor.as_deref())
            .bind(record.starts_at.as_deref())
            .bind(record.ends_at.as_deref())
            .bind(record.justification.as_deref())
            .bind(record.comment.as_deref())
            .execute(&self.pool);
        self.answer(query).await.map(|_| ())
    }

    /// Stores `record`, as the broker does for each decision.
    pub async fn record(&self, record: &Record) -> Result<(), Error> {
        self.insert(record).await.map_err(|problem| Error::Store {
            variable: self.source.variable.clone(),
            problem: format!("cannot store the audit record: {problem}"),
        })
    }

    /// Ends broker session `id` on every replica until `until` (seconds since the epoch), when
    /// it would have expired anyway.
    pub(crate) async fn revoke_session(&self, id: &str, until: u64) -> Result<(), String> {
        let query = sqlx::query(REVOKE_SESSION)
            .bind(id)
            .bind(seconds(until))
            .execute(&self.pool);
        self.answer(query).await.map(|_| ())
    }

    /// Ends every broker session of `user` begun up to now, on every replica; `until` is when
    /// the last of them would have expired anyway.
    pub async fn revoke_user(&self, user: &str, until: u64) -> Result<(), Error> {
        let query = sqlx::query(REVOKE_USER)
            .bind(user)
            .bind(seconds(until))
            .execute(&self.pool);
        self.answer(query)
            .await
            .map(|_| ())
            .map_err(|problem| Error::Store {
                variable: self.source.variable.clone(),
                problem: format!("cannot revoke: {problem}"),
            })
    }

    /// Whether session `id` of `user`, begun at `since` (seconds since the epoch), was
    /// revoked; an error when the store cannot tell.
    pub(crate) async fn is_revoked(
        &self,
        id: &str,
        user: &str,
        since: u64,
    ) -> Result<bool, String> {
        let query = sqlx::query(IS_REVOKED)
            .bind(id)
            .bind(user)
            .bind(seconds(since))
            .fetch_one(&self.pool);
        let row = self.answer(query).await?;
        row.try_get(0).map_err(|e| self.source.describe(&e))
    }

    /// The pool, for the grants' queries.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// An error's message, without the URL's password.
    pub(crate) fn describe(&self, err: &sqlx::Error) -> String {
        self.source.describe(err)
    }

    /// The outcome of `query` within [`STATEMENT_TIMEOUT`]; why not, without the URL.
    pub(crate) async fn answer<T>(
        &self,
        query: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, String> {
        match tokio::time::timeout(STATEMENT_TIMEOUT, query).await {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(e)) => Err(self.source.describe(&e)),
            Err(_) => Err(format!(
                "no answer within {} s",
                STATEMENT_TIMEOUT.as_secs()
            )),
        }
    }

    /// Whether the store answers a trivial query now, within a second.
    pub async fn ready(&self) -> bool {
        let query = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio::time::timeout(READY_TIMEOUT, query).await, Ok(Ok(_)))
    }

    /// The variable that holds the database URL.
    pub fn variable(&self) -> &str {
        &self.source.variable
    }
}

/// What errors name: the variable, and the URL's password, only to take it out of messages.
struct Source {
    variable: String,
    password: Option<String>,
}

impl Source {
    fn new(variable: &str, url: &str) -> Source {
        let password = url::Url::parse(url)
            .ok()
            .and_then(|u| u.password().map(decode))
            .filter(|p| !p.is_empty());
        Source {
            variable: variable.to_owned(),
            password,
        }
    }

    /// The connection options of `url`, checked.
    fn options(&self, url: &str) -> Result<PgConnectOptions, Error> {
        let unusable = |problem: String| Error::Variable {
            name: self.variable.clone(),
            problem,
        };
        let scheme = url.split_once("://").map(|(scheme, _)| scheme);
        if !matches!(scheme, Some("postgres" | "postgresql")) {
            return Err(unusable(
                "is not a PostgreSQL URL such as postgres://user:password@host/database".to_owned(),
            ));
        }
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            unusable(format!(
                "is not a usable PostgreSQL URL: {}",
                self.describe(&e)
            ))
        })?;
        Ok(options.application_name("fed-broker"))
    }

    /// One connection outside any pool, so that a failure says why (a pool retries a refused
    /// connection until its timeout, and then says only that it timed out).
    async fn connect(&self, options: &PgConnectOptions) -> Result<PgConnection, Error> {
        match tokio::time::timeout(STATEMENT_TIMEOUT, PgConnection::connect_with(options)).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(e)) => Err(self.error("cannot connect", &e)),
            Err(_) => Err(Error::Store {
                variable: self.variable.clone(),
                problem: format!(
                    "cannot connect: no answer within {} s",
                    STATEMENT_TIMEOUT.as_secs()
                ),
            }),
        }
    }

    fn error(&self, what: &str, err: &sqlx::Error) -> Error {
        Error::Store {
            variable: self.variable.clone(),
            problem: format!("{what}: {}", self.describe(err)),
        }
    }

    /// The error's message on one line, without the password should it repeat it.
    fn describe(&self, err: &sqlx::Error) -> String {
        let message = fed_core::one_line(err);
        match &self.password {
            Some(password) => message.replace(password.as_str(), "[redacted]"),
            None => message,
        }
    }
}

/// Seconds since the epoch as PostgreSQL's `to_timestamp` takes them.
fn seconds(at: u64) -> f64 {
    at as f64
}

/// A percent-encoded URL part, decoded.
fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

async fn table_exists(connection: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query("SELECT to_regclass('fed_broker_audit') IS NOT NULL")
        .fetch_one(connection)
        .await?
        .try_get(0)
}

async fn create_table(connection: &mut PgConnection) -> Result<(), sqlx::Error> {
    // Tables made beforehand are used as they are: creating needs a privilege that inserting
    // does not.
    let complete: bool = sqlx::query(COMPLETE)
        .fetch_one(&mut *connection)
        .await?
        .try_get(0)?;
    if complete {
        return Ok(());
    }
    let mut transaction = connection.begin().await?;
    for statement in CREATE {
        sqlx::query(*statement).execute(&mut *transaction).await?;
    }
    transaction.commit().await
}

#[cfg(test)]
mod tests;
