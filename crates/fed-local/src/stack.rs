//! The whole local stack, as strict as AWS where fed's behaviour depends on it.
//!
//! - **moto** for IAM and STS, reached only through
//! - **the STS rules gate**, which checks every STS request the way AWS does before moto sees
//!   it: unknown keys, wrong session tokens and expired credentials are refused; AssumeRole
//!   needs an existing role whose trust policy allows the caller (`Principal.AWS`, `Action`,
//!   `sts:ExternalId`, `aws:MultiFactorAuthPresent`, explicit `Deny`), a valid TOTP code for
//!   the caller's MFA device when `SerialNumber` is given, and a `DurationSeconds` within the
//!   role's MaxSessionDuration and, for role chaining, one hour; GetFederationToken and
//!   GetSessionToken refuse temporary credentials. Other requests (IAM, …) pass unchanged.
//! - **the federation emulator**, whose resolver knows what every credential is (long-term
//!   keys, a role session chained or not, a federation token, a GetSessionToken session, an
//!   Identity Center role), so it refuses what the real endpoint refuses; its console page
//!   says access is denied when a `Deny` in the role's inline policies covers the session
//!   (AWS's revocation of older sessions, by `aws:TokenIssueTime` and `aws:SourceIdentity`).
//! - **the IAM Identity Center portal** (`sso`, reached through `AWS_ENDPOINT_URL_SSO`), whose
//!   tokens come from its login helper ([`Portal::login`], what `aws sso login` does) and whose
//!   role credentials are moto sessions of `AWSReservedSSO_…` roles, known to the gate and the
//!   emulator as Identity Center roles.
//! - **a request log** of all of them ([`LocalStack::log`]).
//!
//! [`Options`] add a fixed latency to every answer, serve everything over https with a
//! certificate authority made at start, and make new roles unassumable for a while, as IAM's
//! eventual consistency does.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use fed_core::{Arn, Partition};
use url::Url;

use crate::console_access::StackResolver;
use crate::error::Error;
use crate::federation::{self, Config, Emulator};
use crate::gate::{Gate, GateConfig};
use crate::identities::Identities;
use crate::log::RequestLog;
use crate::moto::LocalAws;
use crate::portal::{Portal, PortalConfig};
use crate::serve::{Ca, Listen};

/// The IAM user whose long-term keys [`LocalStack::credentials`] returns.
pub const USER_NAME: &str = "fed-local";

/// How the stack behaves beyond AWS's rules.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Added to every answer of the gate, the portal and the emulator: the round trip to AWS.
    pub latency: Duration,
    /// Serve the gate, the portal and the emulator over https.
    pub tls: bool,
    /// How long a newly created role cannot be assumed (AccessDenied), as IAM's eventual
    /// consistency behaves; zero by default.
    pub iam_propagation: Duration,
    /// The Identity Center portal's user, account and permission sets.
    pub portal: PortalConfig,
}

impl Options {
    /// The defaults: no latency, plain http, no propagation delay.
    pub fn new() -> Options {
        Options::default()
    }

    /// With `latency` added to every answer.
    #[must_use]
    pub fn latency(mut self, latency: Duration) -> Options {
        self.latency = latency;
        self
    }

    /// Over https (or not).
    #[must_use]
    pub fn tls(mut self, tls: bool) -> Options {
        self.tls = tls;
        self
    }

    /// With new roles unassumable for `delay`.
    #[must_use]
    pub fn iam_propagation(mut self, delay: Duration) -> Options {
        self.iam_propagation = delay;
        self
    }

    /// With the Identity Center portal configured as `portal`.
    #[must_use]
    pub fn portal(mut self, portal: PortalConfig) -> Options {
        self.portal = portal;
        self
    }
}

/// The running stack; dropping it stops everything.
#[derive(Debug)]
pub struct LocalStack {
    // Declared first so that they stop before moto, which they call.
    emulator: Emulator,
    gate: Gate,
    portal: Portal,
    identities: Identities,
    log: RequestLog,
    ca: Option<(Arc<Ca>, CaFile)>,
    user_arn: Arn,
    credentials: Credentials,
    aws: LocalAws,
}

impl LocalStack {
    /// Starts the stack with the default [`Options`].
    pub async fn start() -> Result<LocalStack, Error> {
        LocalStack::start_with(Options::default()).await
    }

    /// Starts moto (provisioning it on first use), creates the stack's IAM user with long-term
    /// keys, and starts the gate, the Identity Center portal and the federation emulator.
    pub async fn start_with(options: Options) -> Result<LocalStack, Error> {
        let aws = LocalAws::start().await?;
        let ca = match options.tls {
            false => None,
            true => Some(make_ca(&aws)?),
        };
        let listen = Listen {
            tls: ca.as_ref().map(|(ca, _)| Arc::clone(ca)),
            latency: options.latency,
        };
        let moto_sdk = aws.sdk_config().await;
        let (user_arn, credentials) =
            crate::fixtures::new_user(&aws_sdk_iam::Client::new(&moto_sdk), USER_NAME)
                .await
                .map_err(|err| Error::Bootstrap {
                    reason: err.to_string(),
                })?;
        let identities = Identities::new();
        identities.long_term(credentials.access_key_id(), user_arn.clone());
        let log = RequestLog::new();
        let gate = Gate::serve(
            GateConfig {
                moto: Url::parse(aws.endpoint_url()).expect("moto's endpoint is a URL"),
                moto_sdk: moto_sdk.clone(),
                iam_propagation: options.iam_propagation,
            },
            identities.clone(),
            log.clone(),
            &listen,
        )
        .await
        .map_err(|source| Error::Listen {
            server: "STS rules gate",
            source,
        })?;
        let portal = Portal::start(
            options.portal.clone(),
            &moto_sdk,
            identities.clone(),
            log.clone(),
            &listen,
        )
        .await
        .map_err(|source| Error::Listen {
            server: "identity center portal",
            source,
        })?;
        let mut config = Config::new(Partition::Aws)
            .with_latency(options.latency)
            .with_log(log.clone());
        if let Some(ca) = &listen.tls {
            config = config.with_tls(Arc::clone(ca));
        }
        let resolver = StackResolver {
            identities: identities.clone(),
            iam: aws_sdk_iam::Client::new(&moto_sdk),
        };
        let emulator = federation::start(config, resolver)
            .await
            .map_err(|source| Error::Listen {
                server: "federation emulator",
                source,
            })?;
        Ok(LocalStack {
            emulator,
            gate,
            portal,
            identities,
            log,
            ca,
            user_arn,
            credentials,
            aws,
        })
    }

    /// moto itself, behind the gate: calls made to it directly skip every rule.
    pub fn aws(&self) -> &LocalAws {
        &self.aws
    }

    /// The endpoint URL for every AWS service (`AWS_ENDPOINT_URL`): the gate, e.g.
    /// `http://127.0.0.1:40123`.
    pub fn endpoint_url(&self) -> &str {
        self.gate.endpoint_url()
    }

    /// The region to use.
    pub fn region(&self) -> &str {
        self.aws.region()
    }

    /// The account of every identity.
    pub fn account_id(&self) -> &str {
        self.aws.account_id()
    }

    /// Long-term keys of the stack's IAM user, [`USER_NAME`].
    pub fn credentials(&self) -> Credentials {
        self.credentials.clone()
    }

    /// The ARN of the stack's IAM user.
    pub fn user_arn(&self) -> &Arn {
        &self.user_arn
    }

    /// An SDK configuration pointing at the gate, signing with the stack user's keys (and
    /// trusting the stack's certificate authority when it serves https).
    pub async fn sdk_config(&self) -> SdkConfig {
        self.sdk_config_with(self.credentials()).await
    }

    /// Like [`LocalStack::sdk_config`], signing with other credentials.
    pub async fn sdk_config_with(&self, credentials: Credentials) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .empty_test_environment()
            .region(Region::new(self.region().to_owned()))
            .endpoint_url(self.endpoint_url())
            .credentials_provider(credentials);
        if let Some((ca, _)) = &self.ca {
            loader = loader.http_client(https_client(ca));
        }
        loader.load().await
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

    /// The IAM Identity Center portal.
    pub fn portal(&self) -> &Portal {
        &self.portal
    }

    /// The endpoint URL of the portal (`AWS_ENDPOINT_URL_SSO`), e.g. `http://127.0.0.1:40124`.
    pub fn sso_endpoint_url(&self) -> &str {
        self.portal.endpoint_url()
    }

    /// What the stack knows about every credential it has seen.
    pub fn identities(&self) -> &Identities {
        &self.identities
    }

    /// The request log of the gate, the portal and the emulator.
    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// The certificate authority's PEM file, when the stack serves https: what
    /// `AWS_CA_BUNDLE` and `SSL_CERT_FILE` should name.
    pub fn ca_bundle(&self) -> Option<&Path> {
        self.ca.as_ref().map(|(_, file)| file.0.as_path())
    }

    /// The certificate authority, when the stack serves https.
    pub fn ca(&self) -> Option<&Ca> {
        self.ca.as_ref().map(|(ca, _)| ca.as_ref())
    }

    /// Stops the servers gracefully, then moto.
    pub async fn shutdown(self) {
        let LocalStack {
            emulator,
            gate,
            portal,
            aws,
            ..
        } = self;
        emulator.shutdown().await;
        portal.shutdown().await;
        gate.shutdown().await;
        drop(aws);
    }
}

/// The authority's PEM file, removed when the stack stops.
#[derive(Debug)]
struct CaFile(PathBuf);

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An HTTP client for the SDK that trusts `ca` only.
fn https_client(ca: &Ca) -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    let trust = tls::TrustStore::empty().with_pem_certificate(ca.pem().as_bytes().to_vec());
    let context = tls::TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("a trust store with one certificate builds");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_https()
}

/// A new authority, its certificate written next to moto's log.
fn make_ca(aws: &LocalAws) -> Result<(Arc<Ca>, CaFile), Error> {
    let tls = |reason: String| Error::Tls { reason };
    let ca = Ca::new().map_err(|err| tls(err.to_string()))?;
    let dir = aws
        .log_path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!("fed-local-ca-{}.pem", aws.port()));
    std::fs::write(&path, ca.pem())
        .map_err(|err| tls(format!("cannot write {}: {err}", path.display())))?;
    Ok((Arc::new(ca), CaFile(path)))
}
