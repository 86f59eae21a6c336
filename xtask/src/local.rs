//! The local stack (moto for IAM and STS, plus the federation emulator), and `cargo xtask local`,
//! which runs it in the foreground and prints the environment that points tools at it.

use aws_config::SdkConfig;
use fed_aws::{StsClient, detect_origin};
use fed_core::{Credentials, Partition};
use fed_local::LocalAws;
use fed_local::federation::{self, Emulator, IdentityResolver, ResolveError, ResolvedIdentity};
use url::Url;

use crate::Exit;
use crate::signal::Signals;

/// moto and the federation emulator, wired together: the emulator asks moto's
/// GetCallerIdentity whose credentials it was given. Dropping it stops both.
pub(crate) struct Stack {
    aws: LocalAws,
    emulator: Emulator,
}

impl Stack {
    /// Starts moto (provisioning it into a venv on first use) and the emulator.
    pub(crate) async fn start() -> anyhow::Result<Stack> {
        let aws = LocalAws::start().await?;
        let resolver = MotoResolver {
            sts: StsClient::new(&aws.sdk_config().await),
        };
        let emulator = federation::start(federation::Config::new(Partition::Aws), resolver)
            .await
            .map_err(|e| anyhow::anyhow!("cannot start the federation emulator: {e}"))?;
        Ok(Stack { aws, emulator })
    }

    /// moto's endpoint, for IAM and STS.
    pub(crate) fn endpoint_url(&self) -> &str {
        self.aws.endpoint_url()
    }

    /// The emulator's federation endpoint.
    pub(crate) fn federation_url(&self) -> Url {
        self.emulator.federation_url()
    }

    /// The emulator's console page, where a login URL lands.
    pub(crate) fn console_url(&self) -> Url {
        self.emulator.console_url()
    }

    /// The region of the stack.
    pub(crate) fn region(&self) -> &str {
        self.aws.region()
    }

    /// The test credentials moto accepts, as `(access key id, secret access key)`.
    pub(crate) fn test_keys(&self) -> (String, String) {
        let credentials = self.aws.credentials();
        (
            credentials.access_key_id().to_owned(),
            credentials.secret_access_key().to_owned(),
        )
    }

    /// An SDK configuration for moto with the test credentials, ignoring the host's environment.
    pub(crate) async fn sdk_config(&self) -> SdkConfig {
        self.aws.sdk_config().await
    }

    /// Stops the emulator, then moto.
    pub(crate) async fn stop(self) {
        self.emulator.shutdown().await;
        drop(self.aws);
    }
}

/// Resolves credentials given to the emulator with moto's GetCallerIdentity.
struct MotoResolver {
    sts: StsClient,
}

impl IdentityResolver for MotoResolver {
    async fn resolve(&self, credentials: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        let sts = self.sts.with_credentials(credentials);
        let detected = detect_origin(&sts)
            .await
            .map_err(|e| ResolveError::Unavailable {
                reason: e.to_string(),
            })?;
        let identity = ResolvedIdentity::new(detected.identity.arn, detected.origin);
        Ok(match credentials.expiration() {
            Some(at) => identity.with_expiration(at),
            None => identity,
        })
    }
}

/// Runs `cargo xtask local`: starts the stack, prints `export` lines, and waits for Ctrl-C.
pub(crate) async fn run() -> anyhow::Result<Exit> {
    let mut signals = Signals::install()?;
    eprintln!("starting the local stack (moto and the federation emulator)…");
    let stack = tokio::select! {
        stack = Stack::start() => stack?,
        stop = signals.recv() => return Ok(stop.exit()),
    };
    let (key_id, secret) = stack.test_keys();
    println!("# The local stack is up. Paste these lines into a shell to use it:");
    println!("export AWS_ENDPOINT_URL={}", stack.endpoint_url());
    println!("export AWS_ACCESS_KEY_ID={key_id}");
    println!("export AWS_SECRET_ACCESS_KEY={secret}");
    println!("export AWS_REGION={}", stack.region());
    println!("export FED_SIGNIN_ENDPOINT={}", stack.federation_url());
    println!(
        "# Login URLs land on the console page {}",
        stack.console_url()
    );
    println!("# Then run `cargo xtask demo` or `fed url`. Press Ctrl-C to stop the stack.");
    // Stopping with Ctrl-C or SIGTERM is the normal way out.
    let stop = signals.recv().await;
    eprintln!("{} received: stopping the local stack…", stop.name());
    stack.stop().await;
    Ok(Exit::Success)
}
