//! STS: the [`Sts`] trait, its request and result types, and the SDK-backed [`StsClient`].

use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::types::PolicyDescriptorType;
use aws_smithy_types::retry::RetryConfig;
use fed_core::{
    Arn, AssumeRoleDuration, CredentialOrigin, Credentials, ExternalId, FederationName,
    FederationTokenDuration, MfaCode, MfaSerial, RoleArn, RoleSessionName, SourceIdentity,
};

use crate::config::default_timeouts;
use crate::{BoxFuture, Error};

/// The STS calls fed needs, speaking fed-core types.
///
/// Object safe: callers take `&dyn Sts`. The real implementation is [`StsClient`]; the
/// `test-util` feature adds a fake.
pub trait Sts: Send + Sync {
    /// The credentials this client signs with, resolved from its credentials provider.
    fn credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>>;

    /// GetCallerIdentity: who the signing credentials belong to.
    fn caller_identity(&self) -> BoxFuture<'_, Result<CallerIdentity, Error>>;

    /// AssumeRole with the signing credentials.
    ///
    /// When those credentials are temporary (they carry a session token), the call is role
    /// chaining: the duration is capped at one hour and the result says so.
    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<AssumedRole, Error>>;

    /// GetFederationToken with the signing credentials (which must be long-term IAM user keys on
    /// real AWS).
    fn federation_token<'a>(
        &'a self,
        request: &'a FederationTokenRequest,
    ) -> BoxFuture<'a, Result<FederationToken, Error>>;
}

/// The answer of GetCallerIdentity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallerIdentity {
    /// The account id.
    pub account: String,
    /// The caller's ARN, e.g. `arn:aws:sts::123456789012:assumed-role/Admin/alice`.
    pub arn: Arn,
    /// The unique id of the caller, e.g. `AROA…:alice`.
    pub user_id: String,
}

/// A session tag, passed to AssumeRole or GetFederationToken: fed-core's [`fed_core::Tag`].
pub use fed_core::Tag;

/// An MFA device and its current code, for roles that require MFA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mfa {
    /// The device's serial number or ARN.
    pub serial: MfaSerial,
    /// The current six-digit code.
    pub code: MfaCode,
}

/// The inputs of AssumeRole. Build with [`AssumeRoleRequest::new`] and the `with_` setters (or
/// set the fields).
///
/// ```
/// use fed_aws::AssumeRoleRequest;
/// use fed_core::{AssumeRoleDuration, RoleSessionName};
/// use std::time::Duration;
///
/// let request = AssumeRoleRequest::new(
///     "arn:aws:iam::123456789012:role/ReadOnly".parse()?,
///     RoleSessionName::new("alice")?,
/// )
/// .with_duration(AssumeRoleDuration::new(Duration::from_secs(3600))?);
/// assert_eq!(request.role_arn.name(), "ReadOnly");
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleRequest {
    /// The role to assume (a role: users and sessions are refused when the ARN is parsed).
    pub role_arn: RoleArn,
    /// The session name; it becomes the last part of the assumed-role ARN.
    pub session_name: RoleSessionName,
    /// The requested session length; STS defaults to one hour.
    pub duration: Option<AssumeRoleDuration>,
    /// The external id the role's trust policy requires, if any.
    pub external_id: Option<ExternalId>,
    /// The MFA device and code, if the role requires MFA.
    pub mfa: Option<Mfa>,
    /// The source identity to set on the session.
    pub source_identity: Option<SourceIdentity>,
    /// Session tags.
    pub tags: Vec<Tag>,
    /// Managed session policies that further restrict the session.
    pub policy_arns: Vec<Arn>,
}

impl AssumeRoleRequest {
    /// A request with only the role and the session name set.
    pub fn new(role_arn: RoleArn, session_name: RoleSessionName) -> AssumeRoleRequest {
        AssumeRoleRequest {
            role_arn,
            session_name,
            duration: None,
            external_id: None,
            mfa: None,
            source_identity: None,
            tags: Vec::new(),
            policy_arns: Vec::new(),
        }
    }

    /// The same request, asking for a session of `duration`.
    #[must_use]
    pub fn with_duration(mut self, duration: AssumeRoleDuration) -> AssumeRoleRequest {
        self.duration = Some(duration);
        self
    }

    /// The same request, with the external id the trust policy requires.
    #[must_use]
    pub fn with_external_id(mut self, external_id: ExternalId) -> AssumeRoleRequest {
        self.external_id = Some(external_id);
        self
    }

    /// The same request, with an MFA device and its current code.
    #[must_use]
    pub fn with_mfa(mut self, mfa: Mfa) -> AssumeRoleRequest {
        self.mfa = Some(mfa);
        self
    }

    /// The same request, setting the session's source identity.
    #[must_use]
    pub fn with_source_identity(mut self, source_identity: SourceIdentity) -> AssumeRoleRequest {
        self.source_identity = Some(source_identity);
        self
    }

    /// The same request, with one more session tag.
    #[must_use]
    pub fn with_tag(mut self, tag: Tag) -> AssumeRoleRequest {
        self.tags.push(tag);
        self
    }

    /// The duration to send, capped to one hour when `chained`, and whether it was capped.
    pub fn effective_duration(&self, chained: bool) -> (Option<AssumeRoleDuration>, bool) {
        match self.duration {
            Some(duration) if chained => {
                let (duration, capped) = duration.capped_for_chaining();
                (Some(duration), capped)
            }
            other => (other, false),
        }
    }
}

/// The result of AssumeRole.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumedRole {
    /// The temporary credentials of the session.
    pub credentials: Credentials,
    /// The assumed-role ARN, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub arn: Arn,
    /// The assumed-role id, `AROA…:SESSION`.
    pub assumed_role_id: String,
    /// The source identity STS recorded, if any.
    pub source_identity: Option<String>,
    /// Whether the call was role chaining: it was made with temporary credentials. Chained
    /// sessions last at most one hour, and `SessionDuration` must be omitted when exchanging
    /// their credentials for a sign-in token.
    pub chained: bool,
    /// The duration that was sent, after capping; `None` when STS's default (one hour) applied.
    pub duration: Option<AssumeRoleDuration>,
    /// Whether the requested duration was lowered to one hour because of role chaining.
    pub duration_capped: bool,
}

impl AssumedRole {
    /// The origin of these credentials, for fed-core's `SessionDuration` policy.
    pub fn origin(&self) -> CredentialOrigin {
        CredentialOrigin::AssumedRole {
            chained: self.chained,
        }
    }
}

/// The inputs of GetFederationToken. At least one session policy is required, since without one
/// the federated user has no permissions at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FederationTokenRequest {
    name: FederationName,
    policy_arns: Vec<Arn>,
    policy: Option<String>,
    /// The requested lifetime; STS defaults to 12 hours.
    pub duration: Option<FederationTokenDuration>,
    /// Session tags.
    pub tags: Vec<Tag>,
}

impl FederationTokenRequest {
    /// A request for the federated user `name` with managed policies and/or an inline policy
    /// document; fails when both are empty.
    pub fn new(
        name: FederationName,
        policy_arns: Vec<Arn>,
        policy: Option<String>,
    ) -> Result<FederationTokenRequest, Error> {
        let policy = policy.filter(|p| !p.trim().is_empty());
        if policy_arns.is_empty() && policy.is_none() {
            return Err(Error::InvalidRequest(
                "GetFederationToken needs a session policy (managed policy ARNs or an inline policy): without one the federated user has no permissions".to_owned(),
            ));
        }
        if policy_arns.len() > 10 {
            return Err(Error::InvalidRequest(format!(
                "GetFederationToken accepts at most 10 managed policy ARNs, got {}",
                policy_arns.len()
            )));
        }
        Ok(FederationTokenRequest {
            name,
            policy_arns,
            policy,
            duration: None,
            tags: Vec::new(),
        })
    }

    /// The federated user's name.
    pub fn name(&self) -> &FederationName {
        &self.name
    }

    /// The managed session policies.
    pub fn policy_arns(&self) -> &[Arn] {
        &self.policy_arns
    }

    /// The inline session policy document.
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }
}

/// The result of GetFederationToken.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FederationToken {
    /// The temporary credentials of the federated user.
    pub credentials: Credentials,
    /// The federated user's ARN, `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    pub arn: Arn,
    /// The federated user's id, `ACCOUNT:NAME`.
    pub federated_user_id: String,
}

impl FederationToken {
    /// The origin of these credentials.
    pub fn origin(&self) -> CredentialOrigin {
        CredentialOrigin::FederationToken
    }
}

/// [`Sts`] over `aws_sdk_sts::Client`.
#[derive(Debug, Clone)]
pub struct StsClient {
    client: aws_sdk_sts::Client,
    /// The client's credentials provider, kept because the SDK client does not expose it.
    provider: Option<SharedCredentialsProvider>,
}

impl StsClient {
    /// A client from an SDK configuration, with fed's timeouts and standard retries.
    pub fn new(config: &SdkConfig) -> StsClient {
        let conf = aws_sdk_sts::config::Builder::from(config)
            .timeout_config(default_timeouts())
            .retry_config(RetryConfig::standard())
            .build();
        StsClient {
            client: aws_sdk_sts::Client::from_conf(conf),
            provider: config.credentials_provider(),
        }
    }

    /// A client around an existing SDK client, used as it is. `credentials` must be the
    /// provider the client signs with: the SDK client does not expose it, and [`Sts::credentials`]
    /// and role-chaining detection need it.
    pub fn from_client(
        client: aws_sdk_sts::Client,
        credentials: impl ProvideCredentials + 'static,
    ) -> StsClient {
        StsClient {
            client,
            provider: Some(SharedCredentialsProvider::new(credentials)),
        }
    }

    /// The same client, signing with other credentials (e.g. ones just obtained from AssumeRole).
    #[must_use]
    pub fn with_credentials(&self, credentials: &Credentials) -> StsClient {
        let provider = SharedCredentialsProvider::new(to_sdk_credentials(credentials));
        let conf = self
            .client
            .config()
            .to_builder()
            .credentials_provider(provider.clone())
            .build();
        StsClient {
            client: aws_sdk_sts::Client::from_conf(conf),
            provider: Some(provider),
        }
    }

    /// The SDK client.
    pub fn client(&self) -> &aws_sdk_sts::Client {
        &self.client
    }

    async fn resolve_credentials(&self) -> Result<Credentials, Error> {
        let Some(provider) = &self.provider else {
            return Err(Error::InvalidRequest(
                "no AWS credentials are configured".to_owned(),
            ));
        };
        let resolved = provider
            .provide_credentials()
            .await
            .map_err(|err| Error::Credentials {
                message: credentials_message(&err),
                source: Error::causes(&err),
            })?;
        Ok(from_sdk_credentials(&resolved))
    }

    async fn do_caller_identity(&self) -> Result<CallerIdentity, Error> {
        const OP: &str = "sts:GetCallerIdentity";
        let out = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| Error::sdk(OP, e))?;
        let arn = out.arn().ok_or_else(|| Error::missing(OP, "Arn"))?;
        Ok(CallerIdentity {
            account: out
                .account()
                .ok_or_else(|| Error::missing(OP, "Account"))?
                .to_owned(),
            arn: parse_arn(OP, arn)?,
            user_id: out.user_id().unwrap_or_default().to_owned(),
        })
    }

    async fn do_assume_role(&self, request: &AssumeRoleRequest) -> Result<AssumedRole, Error> {
        const OP: &str = "sts:AssumeRole";
        let caller = self.resolve_credentials().await?;
        let chained = caller.session_token().is_some();
        let (duration, duration_capped) = request.effective_duration(chained);
        if duration_capped {
            tracing::debug!(
                role = %request.role_arn,
                "role chaining: AssumeRole duration capped at 3600 seconds"
            );
        }
        let mut call = self
            .client
            .assume_role()
            .role_arn(request.role_arn.to_string())
            .role_session_name(request.session_name.as_str())
            .set_duration_seconds(duration.map(|d| seconds_i32(d.seconds())))
            .set_external_id(request.external_id.as_ref().map(|e| e.as_str().to_owned()))
            .set_source_identity(
                request
                    .source_identity
                    .as_ref()
                    .map(|s| s.as_str().to_owned()),
            );
        if let Some(mfa) = &request.mfa {
            call = call
                .serial_number(mfa.serial.as_str())
                .token_code(mfa.code.as_str());
        }
        for tag in &request.tags {
            call = call.tags(sts_tag(OP, tag)?);
        }
        for arn in &request.policy_arns {
            call = call.policy_arns(PolicyDescriptorType::builder().arn(arn.to_string()).build());
        }
        let out = call.send().await.map_err(|e| Error::sdk(OP, e))?;
        let user = out
            .assumed_role_user()
            .ok_or_else(|| Error::missing(OP, "AssumedRoleUser"))?;
        let credentials = out
            .credentials()
            .ok_or_else(|| Error::missing(OP, "Credentials"))?;
        Ok(AssumedRole {
            credentials: from_sts_credentials(credentials),
            arn: parse_arn(OP, user.arn())?,
            assumed_role_id: user.assumed_role_id().to_owned(),
            source_identity: out.source_identity().map(str::to_owned),
            chained,
            duration,
            duration_capped,
        })
    }

    async fn do_federation_token(
        &self,
        request: &FederationTokenRequest,
    ) -> Result<FederationToken, Error> {
        const OP: &str = "sts:GetFederationToken";
        let mut call = self
            .client
            .get_federation_token()
            .name(request.name.as_str())
            .set_duration_seconds(request.duration.map(|d| seconds_i32(d.seconds())))
            .set_policy(request.policy.clone());
        for arn in &request.policy_arns {
            call = call.policy_arns(PolicyDescriptorType::builder().arn(arn.to_string()).build());
        }
        for tag in &request.tags {
            call = call.tags(sts_tag(OP, tag)?);
        }
        let out = call.send().await.map_err(|e| Error::sdk(OP, e))?;
        let user = out
            .federated_user()
            .ok_or_else(|| Error::missing(OP, "FederatedUser"))?;
        let credentials = out
            .credentials()
            .ok_or_else(|| Error::missing(OP, "Credentials"))?;
        Ok(FederationToken {
            credentials: from_sts_credentials(credentials),
            arn: parse_arn(OP, user.arn())?,
            federated_user_id: user.federated_user_id().to_owned(),
        })
    }
}

impl Sts for StsClient {
    fn credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.resolve_credentials())
    }

    fn caller_identity(&self) -> BoxFuture<'_, Result<CallerIdentity, Error>> {
        Box::pin(self.do_caller_identity())
    }

    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<AssumedRole, Error>> {
        Box::pin(self.do_assume_role(request))
    }

    fn federation_token<'a>(
        &'a self,
        request: &'a FederationTokenRequest,
    ) -> BoxFuture<'a, Result<FederationToken, Error>> {
        Box::pin(self.do_federation_token(request))
    }
}

/// Parses an ARN from a service answer.
pub(crate) fn parse_arn(operation: &'static str, arn: &str) -> Result<Arn, Error> {
    arn.parse()
        .map_err(|err: fed_core::Error| Error::InvalidResponse {
            operation,
            problem: err.to_string(),
        })
}

fn sts_tag(operation: &'static str, tag: &Tag) -> Result<aws_sdk_sts::types::Tag, Error> {
    aws_sdk_sts::types::Tag::builder()
        .key(&tag.key)
        .value(&tag.value)
        .build()
        .map_err(|err| Error::InvalidRequest(format!("{operation} tag {:?}: {err}", tag.key)))
}

/// Seconds as the SDK takes them.
pub(crate) fn seconds_i32(seconds: u32) -> i32 {
    i32::try_from(seconds).unwrap_or(i32::MAX)
}

fn from_sts_credentials(c: &aws_sdk_sts::types::Credentials) -> Credentials {
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        SystemTime::try_from(*c.expiration()).ok(),
    )
}

/// Converts SDK credentials into fed-core credentials.
pub fn from_sdk_credentials(c: &aws_credential_types::Credentials) -> Credentials {
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        c.session_token().map(str::to_owned),
        c.expiry(),
    )
}

/// Converts fed-core credentials into SDK credentials.
pub fn to_sdk_credentials(c: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        c.session_token().map(str::to_owned),
        c.expiration(),
        "fed",
    )
}

/// One line on why credentials could not be resolved: the `Display` of the
/// error and its sources (never their `Debug`, which dumps internals), or a
/// plain statement when the default chain found nothing at all.
fn credentials_message(err: &aws_credential_types::provider::error::CredentialsError) -> String {
    use aws_credential_types::provider::error::CredentialsError;
    if let CredentialsError::CredentialsNotLoaded(_) = err {
        return "no credentials found (tried the environment, the AWS config and credentials files, web identity, the container and instance metadata)".to_owned();
    }
    err.to_string()
}
