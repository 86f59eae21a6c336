//! The audit store: every record also in a PostgreSQL table, `fed_broker_audit`, created at
//! start when it is missing. The database URL comes from the variable that
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
];

const INSERT: &str = "INSERT INTO fed_broker_audit \
    (time, request_id, decision, reason, user_name, groups, role_arn, duration_seconds, source_ip) \
    VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8, $9::inet)";

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

    /// Stores `record`; why it could not be, without the URL or its password.
    pub(crate) async fn insert(&self, record: &Record) -> Result<(), String> {
        let duration = record
            .duration_seconds
            .map(|d| i64::try_from(d).unwrap_or(i64::MAX));
        let query = sqlx::query(INSERT)
            .bind(&record.time)
            .bind(&record.request_id)
            .bind(record.decision.as_str())
            .bind(record.reason.as_deref())
            .bind(record.user.as_deref())
            .bind(&record.groups)
            .bind(record.role_arn.as_deref())
            .bind(duration)
            .bind(record.source_ip.map(|ip| ip.to_string()))
            .execute(&self.pool);
        match tokio::time::timeout(STATEMENT_TIMEOUT, query).await {
            Ok(Ok(_)) => Ok(()),
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
    // A table made beforehand is used as it is: creating needs a privilege that inserting
    // does not.
    if table_exists(&mut *connection).await? {
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
