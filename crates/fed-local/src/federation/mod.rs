//! An emulator of the AWS federation endpoint, for tests and the local demo.
//!
//! AWS's `https://signin.aws.amazon.com/federation` cannot be reached from a
//! test, and no public emulator of it exists. This one runs in-process on
//! `127.0.0.1` and enforces the documented rules of the real endpoint:
//!
//! - `/federation?Action=getSigninToken`, by GET or form POST: validates the
//!   `Session` JSON and `SessionDuration`, resolves the credentials through an
//!   [`IdentityResolver`], refuses long-term keys, GetSessionToken
//!   credentials, `SessionDuration` with GetFederationToken credentials and
//!   identities of another partition, and answers `{"SigninToken":"…"}` or a
//!   400 with a plain-text body.
//! - `/federation?Action=login`: accepts a token it issued less than 15
//!   minutes ago (by its [`Clock`]) and a console `Destination`, then
//!   redirects to its own console page, which shows who signed in. The page
//!   stands for the console's calls: each view asks the resolver whether a
//!   policy now denies them ([`IdentityResolver::console_denial`]), and says
//!   access is denied (403) when one does.
//! - `/oauth?Action=logout&redirect_uri=…`: redirects to a login URL of this
//!   emulator.
//!
//! Every request is recorded as a [`RecordedRequest`]: parameter names, the
//! method and the outcome, never a parameter value.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fed_core::Partition;
//! use fed_local::federation::{self, Config, StaticResolver};
//!
//! let emulator = federation::start(Config::new(Partition::Aws), StaticResolver::new()).await?;
//! let endpoint = emulator.federation_url();
//! # Ok(()) }
//! ```

mod clock;
mod page;
mod recorder;
mod resolver;
mod server;

use std::sync::Arc;
use std::time::Duration;

use fed_core::Partition;
use url::Url;

use crate::log::RequestLog;
use crate::serve::{Ca, Listen, Server};

pub use self::clock::{Clock, ManualClock, SystemClock};
pub use self::recorder::{RecordedRequest, Rejection};
pub use self::resolver::{
    ANY_SESSION_ACCOUNT, AnySession, ConsoleDenial, IdentityResolver, ResolveError,
    ResolvedIdentity, StaticResolver,
};

use self::recorder::Recorder;

/// How the emulator behaves.
#[derive(Clone)]
pub struct Config {
    /// The partition the emulator serves. Identities of other partitions are
    /// refused, and `Destination` must be a console URL of the identity's
    /// partition.
    pub partition: Partition,
    /// The clock used to issue and expire sign-in tokens.
    pub clock: Arc<dyn Clock>,
    /// https or http, and the delay added to every answer.
    pub(crate) listen: Listen,
    /// The stack's request log, which every request is added to as well.
    pub(crate) log: Option<RequestLog>,
}

impl Config {
    /// An emulator of `partition` on the system clock.
    pub fn new(partition: Partition) -> Config {
        Config {
            partition,
            clock: Arc::new(SystemClock),
            listen: Listen::default(),
            log: None,
        }
    }

    /// The same configuration, answering every request `latency` later.
    #[must_use]
    pub fn with_latency(mut self, latency: Duration) -> Config {
        self.listen.latency = latency;
        self
    }

    /// The same configuration, serving https with a certificate of `ca`.
    #[must_use]
    pub fn with_tls(mut self, ca: Arc<Ca>) -> Config {
        self.listen.tls = Some(ca);
        self
    }

    /// The same configuration, adding every request to `log` too.
    #[must_use]
    pub fn with_log(mut self, log: RequestLog) -> Config {
        self.log = Some(log);
        self
    }

    /// The same configuration with another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock) -> Config {
        self.clock = Arc::new(clock);
        self
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("partition", &self.partition)
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

/// Starts an emulator on `127.0.0.1` and a free port.
///
/// It runs on the current tokio runtime until [`Emulator::shutdown`] is
/// awaited or the handle is dropped.
pub async fn start<R: IdentityResolver>(config: Config, resolver: R) -> std::io::Result<Emulator> {
    let listen = config.listen.clone();
    let recorder = Arc::new(Recorder::default());
    // The base URL is known once the server listens; the router learns it through a cell.
    let base = Arc::new(std::sync::OnceLock::new());
    let router = server::router(config, resolver, Arc::clone(&base), Arc::clone(&recorder));
    let server = Server::start(router, &listen, "federation emulator").await?;
    let _ = base.set(server.base_url().clone());
    Ok(Emulator { server, recorder })
}

/// Starts an emulator of the `aws` partition on `http://127.0.0.1` that takes
/// any temporary credentials as a role session ([`AnySession`]): the one line
/// a test of code that asks for sign-in tokens needs. fed-signin's crate
/// documentation shows one.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let emulator = fed_local::federation::start_any_session().await?;
/// // Give this to the code under test as its federation endpoint.
/// let endpoint = emulator.federation_url();
/// assert_eq!(endpoint.host_str(), Some("127.0.0.1"));
/// # Ok(()) }
/// ```
pub async fn start_any_session() -> std::io::Result<Emulator> {
    start(Config::new(Partition::Aws), AnySession).await
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    server: Server,
    recorder: Arc<Recorder>,
}

impl Emulator {
    /// `http://127.0.0.1:{port}/` (`https://` when serving TLS).
    pub fn base_url(&self) -> &Url {
        self.server.base_url()
    }

    /// The federation endpoint, `{base}federation`: the URL to send
    /// getSigninToken to and to build login URLs on.
    pub fn federation_url(&self) -> Url {
        self.base_url()
            .join("federation")
            .expect("a relative path joins")
    }

    /// The logout endpoint, `{base}oauth`.
    pub fn logout_url(&self) -> Url {
        self.base_url()
            .join("oauth")
            .expect("a relative path joins")
    }

    /// The emulator's console page, `{base}console`, which is also an
    /// accepted `Destination`.
    pub fn console_url(&self) -> Url {
        self.base_url()
            .join("console")
            .expect("a relative path joins")
    }

    /// Every request seen so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.recorder.snapshot()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.recorder.clear();
    }

    /// Stops accepting connections and waits for the server to finish.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
