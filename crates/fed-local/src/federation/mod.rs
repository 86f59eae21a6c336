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
//!   redirects to its own console page, which shows who signed in.
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

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use fed_core::Partition;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

pub use self::clock::{Clock, ManualClock, SystemClock};
pub use self::recorder::{RecordedRequest, Rejection};
pub use self::resolver::{IdentityResolver, ResolveError, ResolvedIdentity, StaticResolver};

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
}

impl Config {
    /// An emulator of `partition` on the system clock.
    pub fn new(partition: Partition) -> Config {
        Config {
            partition,
            clock: Arc::new(SystemClock),
        }
    }

    /// The same configuration with another clock.
    pub fn with_clock(mut self, clock: impl Clock) -> Config {
        self.clock = Arc::new(clock);
        self
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("partition", &self.partition)
            .finish_non_exhaustive()
    }
}

/// Starts an emulator on `127.0.0.1` and a free port.
///
/// It runs on the current tokio runtime until [`Emulator::shutdown`] is
/// awaited or the handle is dropped.
pub async fn start<R: IdentityResolver>(config: Config, resolver: R) -> std::io::Result<Emulator> {
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let addr = listener.local_addr()?;
    let base_url = Url::parse(&format!("http://{addr}/")).expect("a socket address forms a URL");
    let recorder = Arc::new(Recorder::default());
    let router = server::router(config, resolver, base_url.clone(), Arc::clone(&recorder));
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = shutdown_rx.await;
        });
        if let Err(error) = serve.await {
            tracing::warn!(%error, "federation emulator stopped");
        }
    });
    tracing::info!(%base_url, "federation emulator listening");
    Ok(Emulator {
        base_url,
        recorder,
        shutdown: Some(shutdown_tx),
        task: Some(task),
    })
}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    base_url: Url,
    recorder: Arc<Recorder>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// `http://127.0.0.1:{port}/`.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The federation endpoint, `{base}federation`: the URL to send
    /// getSigninToken to and to build login URLs on.
    pub fn federation_url(&self) -> Url {
        self.base_url
            .join("federation")
            .expect("a relative path joins")
    }

    /// The logout endpoint, `{base}oauth`.
    pub fn logout_url(&self) -> Url {
        self.base_url.join("oauth").expect("a relative path joins")
    }

    /// The emulator's console page, `{base}console`, which is also an
    /// accepted `Destination`.
    pub fn console_url(&self) -> Url {
        self.base_url
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
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
