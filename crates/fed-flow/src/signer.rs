//! Console sessions for services (an identity broker, a chat bot): assume a role for a person
//! with `RoleSessionName`, `SourceIdentity`, session tags, a duration and an external id, then
//! sign in. Nothing is read from AWS config files or the caller's request environment: the
//! service says everything, once, in a [`SignerConfig`] and a [`RoleSession`].

use fed_aws::{AssumeRoleRequest, ConfigOptions, Sts, StsClient};
use fed_core::{
    Arn, AssumeRoleDuration, Credentials, ExternalId, Issuer, Partition, Region, RequestedDuration,
    RoleArn, RoleName, RoleSessionName, SourceIdentity, Tag,
};
use url::Url;

use crate::console_url::{ConsoleLogin, ConsoleUrl};
use crate::error::{Error, Input};
use crate::notice::Notice;
use crate::outcome::SessionLength;
use crate::plan::{SigninEndpoints, destination};
use crate::request::{Page, SignIn};

/// The service's own credentials, which assume the roles.
#[derive(Clone)]
#[non_exhaustive]
pub enum ServiceCredentials {
    /// These credentials, as they are.
    Explicit(Credentials),
    /// The service's runtime's, found and refreshed as every AWS SDK does (environment
    /// variables, web identity, the container's or the instance's role). For a service on a
    /// role of its own: such credentials are temporary, so every AssumeRole is role chaining.
    Runtime,
}

impl std::fmt::Debug for ServiceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceCredentials::Explicit(credentials) => {
                f.debug_tuple("Explicit").field(credentials).finish()
            }
            ServiceCredentials::Runtime => f.write_str("Runtime"),
        }
    }
}

/// How a [`Signer`] reaches AWS.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignerConfig {
    /// The credentials that assume the roles.
    pub credentials: ServiceCredentials,
    /// The region STS is called in; when `None`, the runtime's with
    /// [`ServiceCredentials::Runtime`] (`AWS_REGION`), else the partition's default region.
    pub region: Option<Region>,
    /// The partition of the roles.
    pub partition: Partition,
    /// Another STS endpoint (an emulator's); else AWS's, or `AWS_ENDPOINT_URL_STS` /
    /// `AWS_ENDPOINT_URL` where the process sets them, as every AWS SDK does.
    pub sts_endpoint: Option<Url>,
    /// Another federation endpoint (an emulator's).
    pub signin_endpoint: Option<Url>,
    /// Another IAM endpoint (an emulator's), for revocations; else AWS's, or
    /// `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL` where the process sets them. Never
    /// [`SignerConfig::sts_endpoint`].
    pub iam_endpoint: Option<Url>,
    /// The role, in the account of each role whose sessions are revoked, that makes the IAM
    /// calls of a revocation (feature `revocation`): the signer assumes
    /// `arn:PARTITION:iam::ACCOUNT:role/NAME` for them. `None`: the signer's own credentials
    /// make them, which reach only roles of its own account.
    pub revocation_role: Option<RoleName>,
}

impl SignerConfig {
    /// Roles of the `aws` partition assumed with `credentials`, at AWS's endpoints.
    pub fn new(credentials: ServiceCredentials) -> SignerConfig {
        SignerConfig {
            credentials,
            region: None,
            partition: Partition::Aws,
            sts_endpoint: None,
            signin_endpoint: None,
            iam_endpoint: None,
            revocation_role: None,
        }
    }

    /// Calling STS in `region`.
    #[must_use]
    pub fn region(mut self, region: Region) -> SignerConfig {
        self.region = Some(region);
        self
    }

    /// For roles of `partition`.
    #[must_use]
    pub fn partition(mut self, partition: Partition) -> SignerConfig {
        self.partition = partition;
        self
    }

    /// With STS at `endpoint`.
    #[must_use]
    pub fn sts_endpoint(mut self, endpoint: Url) -> SignerConfig {
        self.sts_endpoint = Some(endpoint);
        self
    }

    /// With the federation endpoint at `endpoint`.
    #[must_use]
    pub fn signin_endpoint(mut self, endpoint: Url) -> SignerConfig {
        self.signin_endpoint = Some(endpoint);
        self
    }

    /// With IAM at `endpoint`, for revocations.
    #[must_use]
    pub fn iam_endpoint(mut self, endpoint: Url) -> SignerConfig {
        self.iam_endpoint = Some(endpoint);
        self
    }

    /// Making a revocation's IAM calls as the role `name` of the revoked role's account.
    #[must_use]
    pub fn revocation_role(mut self, name: RoleName) -> SignerConfig {
        self.revocation_role = Some(name);
        self
    }
}

/// One console session for a person: the role, who they are, and where the console opens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RoleSession {
    /// The role to assume.
    pub role: RoleArn,
    /// The session's name (CloudTrail shows it).
    pub session_name: RoleSessionName,
    /// The session's source identity, which stays with it through role chaining.
    pub source_identity: Option<SourceIdentity>,
    /// Session tags.
    pub tags: Vec<Tag>,
    /// The session length: AssumeRole's `DurationSeconds`, and the console session's where the
    /// federation endpoint takes it.
    pub duration: Option<RequestedDuration>,
    /// The external id the role's trust policy requires.
    pub external_id: Option<ExternalId>,
    /// The login URL's `Issuer`: where the console sends the user when the session ends.
    pub issuer: Issuer,
    /// The console page.
    pub page: Page,
    /// The console's region.
    pub region: Option<Region>,
}

impl RoleSession {
    /// A session of `role` named `session_name`, to the console home, with `issuer`.
    pub fn new(role: RoleArn, session_name: RoleSessionName, issuer: Issuer) -> RoleSession {
        RoleSession {
            role,
            session_name,
            source_identity: None,
            tags: Vec::new(),
            duration: None,
            external_id: None,
            issuer,
            page: Page::Home,
            region: None,
        }
    }
}

/// A console URL for a [`RoleSession`], and what was done.
#[derive(Debug)]
#[non_exhaustive]
pub struct RoleSignedIn {
    /// The URL.
    pub console: ConsoleUrl,
    /// The role session it signs in as.
    pub principal: Arn,
    /// AssumeRole's `DurationSeconds` as sent: lower than asked when STS caps role chaining.
    pub role_session: Option<AssumeRoleDuration>,
    /// Whether the AssumeRole was role chaining.
    pub chained: bool,
    /// How long the console session lasts, and why.
    pub session: SessionLength,
    /// What happened that the service may want to show or log.
    pub notices: Vec<Notice>,
}

/// Assumes roles for people and signs them in to the console: set up once, used for every
/// session.
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// use fed_core::{Issuer, RequestedDuration, RoleSessionName, Tag};
/// use fed_flow::{RoleSession, ServiceCredentials, Signer, SignerConfig};
///
/// let signer = Signer::new(SignerConfig::new(ServiceCredentials::Runtime)).await?;
/// let mut session = RoleSession::new(
///     "arn:aws:iam::123456789012:role/ReadOnly".parse().expect("a role"),
///     RoleSessionName::new("alice@example.com").expect("a name"),
///     Issuer::new("https://broker.example.com").expect("an issuer"),
/// );
/// session.tags.push(Tag::new("team", "payments"));
/// session.duration = Some(RequestedDuration::parse("4h").expect("a duration"));
/// let signed_in = signer.sign_in(&session).await?;
/// println!("{}", signed_in.console.expose());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Signer {
    sts: StsClient,
    #[cfg(feature = "revocation")]
    sdk: aws_config::SdkConfig,
    signin: fed_signin::Client,
    config: SignerConfig,
}

impl Signer {
    /// Sets up STS and the federation endpoint: bad endpoints fail here.
    pub async fn new(config: SignerConfig) -> Result<Signer, Error> {
        let region = match (&config.region, &config.credentials) {
            (Some(region), _) => Some(region.as_str()),
            (None, ServiceCredentials::Runtime) => None,
            (None, ServiceCredentials::Explicit(_)) => Some(config.partition.default_region()),
        };
        let mut options = ConfigOptions::default();
        options.region = region.map(str::to_owned);
        if let Some(endpoint) = &config.sts_endpoint {
            options = options.with_endpoint_url(endpoint.as_str());
        }
        let sdk = fed_aws::load_sdk_config(&options).await;
        let sts = StsClient::new(&sdk);
        let sts = match &config.credentials {
            ServiceCredentials::Explicit(credentials) => sts.with_credentials(credentials),
            ServiceCredentials::Runtime => sts,
        };
        let endpoints = SigninEndpoints::of(&config.sign_in(), config.partition);
        let signin = fed_signin::Client::new(
            fed_signin::Config::new(endpoints.federation).with_partition(config.partition),
        )
        .map_err(|e| Error::invalid(Input::SigninEndpoint, e))?;
        Ok(Signer {
            sts,
            #[cfg(feature = "revocation")]
            sdk,
            signin,
            config,
        })
    }

    /// Assumes `session.role` as `session` says and signs in. The `SessionDuration` decision is
    /// fed-core's, from whether the AssumeRole was role chaining.
    pub async fn sign_in(&self, session: &RoleSession) -> Result<RoleSignedIn, Error> {
        if session.role.partition() != self.config.partition {
            return Err(Error::invalid(
                Input::RoleArn,
                format!(
                    "{} is in partition {}, and the signer is set up for {}",
                    session.role,
                    session.role.partition(),
                    self.config.partition
                ),
            ));
        }
        let destination = destination(
            &session.page,
            self.config.partition,
            self.config.signin_endpoint.is_some(),
        )?
        .to_url(self.config.partition, session.region.as_ref());
        let mut request =
            AssumeRoleRequest::new(session.role.clone(), session.session_name.clone());
        request.duration = session
            .duration
            .map(RequestedDuration::for_assume_role)
            .transpose()
            .map_err(|e| Error::invalid(Input::Duration, e))?;
        request.source_identity = session.source_identity.clone();
        request.external_id = session.external_id.clone();
        request.tags.clone_from(&session.tags);
        let assumed = self.sts.assume_role(&request).await?;
        let mut notices = Vec::new();
        if assumed.duration_capped {
            notices.push(Notice::RoleChaining {
                role: session.role.clone(),
                cap_seconds: AssumeRoleDuration::CHAINED_MAX,
            });
        }
        let mut login = ConsoleLogin::new(
            &assumed.credentials,
            assumed.origin(),
            &session.issuer,
            &destination,
        )
        .credentials_partition(self.config.partition);
        if let Some(duration) = session.duration {
            login = login.requested_duration(duration);
        }
        let console = crate::console_url(&self.signin, &login).await?;
        notices.extend(console.notices.iter().cloned());
        Ok(RoleSignedIn {
            session: console.session.clone(),
            principal: assumed.arn.clone(),
            role_session: assumed.duration,
            chained: assumed.chained,
            console,
            notices,
        })
    }
}

#[cfg(feature = "revocation")]
impl Signer {
    /// What [`Signer::revoke_sessions`] needs of the signer.
    pub(crate) fn parts(&self) -> (&StsClient, &aws_config::SdkConfig, &SignerConfig) {
        (&self.sts, &self.sdk, &self.config)
    }
}

impl SignerConfig {
    /// The endpoints as a sign-in request has them.
    fn sign_in(&self) -> SignIn {
        let mut request = SignIn::new(Issuer::new("fed").expect("`fed` is an issuer"));
        request.signin_endpoint = self.signin_endpoint.clone();
        request
    }
}
