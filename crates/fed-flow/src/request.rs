//! What a caller asks for: where the credentials come from, the role to assume, how long the
//! console session should last, and the console page.

use std::time::Duration;

use fed_core::{
    Arn, ExternalId, FederationName, Issuer, MfaCode, MfaSerial, Partition, RoleSessionName,
    Service, SourceIdentity,
};
use url::Url;

/// A role to assume on top of the credentials (`--role-arn`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleToAssume {
    /// The role.
    pub arn: Arn,
    /// The session name; the caller's name by default.
    pub session_name: Option<RoleSessionName>,
    /// The external id the trust policy requires.
    pub external_id: Option<ExternalId>,
    /// The MFA device the trust policy requires; its code is asked for.
    pub mfa_serial: Option<MfaSerial>,
    /// The source identity of the session.
    pub source_identity: Option<SourceIdentity>,
}

impl RoleToAssume {
    /// The role `arn`, with nothing else set.
    pub fn new(arn: Arn) -> RoleToAssume {
        RoleToAssume {
            arn,
            session_name: None,
            external_id: None,
            mfa_serial: None,
            source_identity: None,
        }
    }
}

/// A session policy for GetFederationToken (long-term IAM user keys).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionPolicy {
    /// An AWS managed policy by name, e.g. `ReadOnlyAccess` or `job-function/ViewOnlyAccess`,
    /// in the credentials' partition.
    AwsManaged(String),
    /// A managed policy ARN.
    Arn(Arn),
}

impl SessionPolicy {
    /// The policy's ARN in `partition`.
    pub fn resolve(&self, partition: Partition) -> Result<Arn, String> {
        match self {
            SessionPolicy::AwsManaged(name) => format!("arn:{partition}:iam::aws:policy/{name}")
                .parse()
                .map_err(|e: fed_core::Error| e.to_string()),
            SessionPolicy::Arn(arn) if arn.partition() != partition => Err(format!(
                "{arn} is in partition {}, but the credentials are in {partition}",
                arn.partition()
            )),
            SessionPolicy::Arn(arn) => Ok(arn.clone()),
        }
    }
}

/// The console page to land on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Page {
    /// The console home.
    #[default]
    Home,
    /// A service's page.
    Service(Service),
    /// A path on the console host or a console URL of the partition.
    Destination(String),
}

/// Everything a sign-in takes. Build it with [`SignIn::new`] and the setters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignIn {
    /// The profile to use; it wins over credentials in the environment.
    pub profile: Option<String>,
    /// The region of the console and of STS; the environment's or the profile's by default.
    pub region: Option<String>,
    /// A role to assume on top of the credentials.
    pub role: Option<RoleToAssume>,
    /// The code of the first MFA device asked for; later ones are prompted for.
    pub mfa_code: Option<MfaCode>,
    /// The console session length; the profile's `duration_seconds` by default.
    pub duration: Option<Duration>,
    /// Session policies, for long-term IAM user keys.
    pub policies: Vec<SessionPolicy>,
    /// The federated user's name, for long-term IAM user keys; the caller's by default.
    pub federation_name: Option<FederationName>,
    /// The console page.
    pub page: Page,
    /// The login URL's `Issuer`.
    pub issuer: Issuer,
    /// The partition, instead of the credentials'.
    pub partition: Option<Partition>,
    /// A regional sign-in endpoint.
    pub signin_region: Option<String>,
    /// Another federation endpoint (an emulator's).
    pub signin_endpoint: Option<Url>,
    /// How the sign-in token is requested.
    pub method: fed_signin::Method,
    /// One URL that signs out of the console first.
    pub logout_first: bool,
}

impl SignIn {
    /// A sign-in with the default credentials, to the console home, with the `Issuer` `issuer`.
    pub fn new(issuer: Issuer) -> SignIn {
        SignIn {
            profile: None,
            region: None,
            role: None,
            mfa_code: None,
            duration: None,
            policies: Vec::new(),
            federation_name: None,
            page: Page::Home,
            issuer,
            partition: None,
            signin_region: None,
            signin_endpoint: None,
            method: fed_signin::Method::Post,
            logout_first: false,
        }
    }

    /// With the profile `name`.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> SignIn {
        self.profile = Some(name.into());
        self
    }

    /// With the region `region`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> SignIn {
        self.region = Some(region.into());
        self
    }

    /// Assuming `role` on top of the credentials.
    #[must_use]
    pub fn role(mut self, role: RoleToAssume) -> SignIn {
        self.role = Some(role);
        self
    }

    /// With a console session of `duration`.
    #[must_use]
    pub fn duration(mut self, duration: Duration) -> SignIn {
        self.duration = Some(duration);
        self
    }

    /// Landing on `page`.
    #[must_use]
    pub fn page(mut self, page: Page) -> SignIn {
        self.page = page;
        self
    }

    /// Through the federation endpoint `endpoint` (an emulator's).
    #[must_use]
    pub fn signin_endpoint(mut self, endpoint: Url) -> SignIn {
        self.signin_endpoint = Some(endpoint);
        self
    }
}
