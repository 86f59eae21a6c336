//! The whole local stack: moto for IAM and STS, and the federation emulator resolving
//! identities through moto's STS.

use aws_config::SdkConfig;
use aws_sdk_sts::config::Credentials;
use fed_core::Partition;
use url::Url;

use crate::federation::{self, Config, Emulator};
use crate::moto::{LocalAws, LocalAwsError};
use crate::sts_resolver::StsResolver;

/// Why the local stack could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalStackError {
    /// moto could not be provisioned or started.
    #[error(transparent)]
    Aws(#[from] LocalAwsError),
    /// The federation emulator could not listen.
    #[error("cannot start the federation emulator")]
    Emulator(#[source] std::io::Error),
}

/// moto plus the federation emulator, both on loopback ports; dropping it stops both.
#[derive(Debug)]
pub struct LocalStack {
    // Declared first so that it stops before moto, which it calls.
    emulator: Emulator,
    resolver: StsResolver,
    aws: LocalAws,
}

impl LocalStack {
    /// Starts moto (provisioning it on first use) and a federation emulator of the `aws`
    /// partition whose identity resolver asks moto's STS.
    pub async fn start() -> Result<LocalStack, LocalStackError> {
        let aws = LocalAws::start().await?;
        let resolver = StsResolver::new(&aws.sdk_config().await);
        let emulator = federation::start(Config::new(Partition::Aws), resolver.clone())
            .await
            .map_err(LocalStackError::Emulator)?;
        Ok(LocalStack {
            emulator,
            resolver,
            aws,
        })
    }

    /// The moto server.
    pub fn aws(&self) -> &LocalAws {
        &self.aws
    }

    /// moto's endpoint URL, e.g. `http://127.0.0.1:40123`.
    pub fn endpoint_url(&self) -> &str {
        self.aws.endpoint_url()
    }

    /// The region to use with moto.
    pub fn region(&self) -> &str {
        self.aws.region()
    }

    /// Test credentials accepted by moto (long-term keys of moto's default user).
    pub fn credentials(&self) -> Credentials {
        self.aws.credentials()
    }

    /// An SDK configuration pointing at moto with the test credentials.
    pub async fn sdk_config(&self) -> SdkConfig {
        self.aws.sdk_config().await
    }

    /// The federation emulator.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// The emulator's base URL, `http://127.0.0.1:{port}/`: the sign-in base URL.
    pub fn signin_base_url(&self) -> &Url {
        self.emulator.base_url()
    }

    /// The emulator's federation endpoint, `{base}federation`.
    pub fn federation_url(&self) -> Url {
        self.emulator.federation_url()
    }

    /// The emulator's identity resolver, to [`note`](StsResolver::note) what moto cannot tell.
    pub fn resolver(&self) -> &StsResolver {
        &self.resolver
    }

    /// Stops the emulator gracefully, then moto.
    pub async fn shutdown(self) {
        let LocalStack { emulator, aws, .. } = self;
        emulator.shutdown().await;
        drop(aws);
    }
}
