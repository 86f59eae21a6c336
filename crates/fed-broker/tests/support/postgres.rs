//! The tests' PostgreSQL: fed-local's throw-away cluster ([`fed_local::LocalPostgres`]), whose
//! failures fail the test.

/// A running cluster; dropped when this is stopped or dropped.
pub struct Postgres {
    cluster: fed_local::LocalPostgres,
    /// `postgres://user:password@127.0.0.1:port/database`.
    pub url: String,
    /// The password in the URL, to look for where it must not be.
    pub password: String,
}

impl Postgres {
    /// Starts a cluster; fails with what to install when `pg_virtualenv` is missing.
    pub async fn start() -> Postgres {
        let cluster = fed_local::LocalPostgres::start()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Postgres {
            url: cluster.url().to_owned(),
            password: cluster.password().to_owned(),
            cluster,
        }
    }

    /// Stops the cluster and drops it; returns once it is gone.
    pub async fn stop(self) {
        self.cluster.stop().await.unwrap_or_else(|e| panic!("{e}"));
    }
}
