//! Where and how to call the federation endpoint.

use std::time::Duration;

use fed_core::{Partition, Region};
use url::Url;

/// The `User-Agent` sent with every request: `fed/{version}`.
pub const USER_AGENT: &str = concat!("fed/", env!("CARGO_PKG_VERSION"));

/// The most bytes read from any response body (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How `getSigninToken` is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// A form-encoded POST body: the secrets stay out of the URL, server
    /// logs and proxies, and there is no URL length limit.
    #[default]
    Post,
    /// A GET with the parameters in the query string, the only method AWS
    /// documents.
    Get,
}

/// The configuration of a [`crate::Client`]: [`Config::new`] or
/// [`Config::for_partition`], then the `with_` setters (or the fields).
///
/// ```
/// use std::time::Duration;
///
/// use fed_core::{Partition, Region};
/// use fed_signin::{Config, Method};
///
/// let frankfurt = Region::new("eu-central-1")?;
/// let config = Config::for_partition(Partition::Aws, Some(&frankfurt))
///     .with_method(Method::Get)
///     .with_timeout(Duration::from_secs(5));
/// assert_eq!(
///     config.endpoint.as_str(),
///     "https://eu-central-1.signin.aws.amazon.com/federation"
/// );
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The federation endpoint, e.g. `https://signin.aws.amazon.com/federation`.
    pub endpoint: Url,
    /// The partition the endpoint serves, when known. Used only to name
    /// a partition mismatch as the likely cause of a rejection.
    pub partition: Option<Partition>,
    /// How `getSigninToken` is sent.
    pub method: Method,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long one attempt may take, from connecting to the end of the body.
    pub timeout: Duration,
    /// How many attempts at most, the first included (0 counts as 1). Only
    /// connection errors, 5xx and 429 are retried.
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles for each further
    /// retry, and the actual wait is a random fraction of it.
    pub backoff: Duration,
    /// The longest backoff, also the cap on a server's `Retry-After`.
    pub max_backoff: Duration,
    /// On a 400 to a request that carried `SessionDuration`, send it once
    /// more without; see [`crate::SigninTokenResponse::dropped_session_duration`].
    pub retry_without_session_duration: bool,
}

impl Config {
    /// A configuration for an explicit endpoint URL. A URL with an empty
    /// path, such as `http://127.0.0.1:8080`, gets `/federation` appended.
    pub fn new(endpoint: Url) -> Config {
        let mut endpoint = endpoint;
        if endpoint.path().is_empty() || endpoint.path() == "/" {
            endpoint.set_path("/federation");
        }
        endpoint.set_query(None);
        endpoint.set_fragment(None);
        Config {
            endpoint,
            partition: None,
            method: Method::Post,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_attempts: 3,
            backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(2),
            retry_without_session_duration: false,
        }
    }

    /// A configuration for the federation endpoint of `partition`: the
    /// global host, or the regional one of `signin_region`.
    pub fn for_partition(partition: Partition, signin_region: Option<&Region>) -> Config {
        Config::new(partition.federation_endpoint(signin_region)).with_partition(partition)
    }

    /// The same, with the partition the endpoint serves (to name a mismatch).
    #[must_use]
    pub fn with_partition(mut self, partition: Partition) -> Config {
        self.partition = Some(partition);
        self
    }

    /// The same, sending `getSigninToken` with `method`.
    #[must_use]
    pub fn with_method(mut self, method: Method) -> Config {
        self.method = method;
        self
    }

    /// The same, with `timeout` for each attempt and for connecting.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Config {
        self.timeout = timeout;
        self.connect_timeout = self.connect_timeout.min(timeout);
        self
    }

    /// The same, with at most `attempts` attempts (the first included).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Config {
        self.max_attempts = attempts;
        self
    }

    /// The same, retrying once without `SessionDuration` after a 400.
    #[must_use]
    pub fn with_retry_without_session_duration(mut self, retry: bool) -> Config {
        self.retry_without_session_duration = retry;
        self
    }
}
