//! What a caller asks for: where the credentials come from, the role to assume, how long the
//! console session should last, and the console page.

use fed_core::{
    Arn, ExternalId, FederationName, Issuer, MfaCode, MfaSerial, Partition, Region,
    RequestedDuration, RoleArn, RoleSessionName, Service, SourceIdentity,
};
use url::Url;

/// A role to assume on top of the credentials (`--role-arn`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleToAssume {
    /// The role.
    pub arn: RoleArn,
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
    pub fn new(arn: RoleArn) -> RoleToAssume {
        RoleToAssume {
            arn,
            session_name: None,
            external_id: None,
            mfa_serial: None,
            source_identity: None,
        }
    }

    /// With the session name `name`.
    #[must_use]
    pub fn session_name(mut self, name: RoleSessionName) -> RoleToAssume {
        self.session_name = Some(name);
        self
    }

    /// With the external id the trust policy requires.
    #[must_use]
    pub fn external_id(mut self, external_id: ExternalId) -> RoleToAssume {
        self.external_id = Some(external_id);
        self
    }

    /// With the MFA device the trust policy requires; its code is asked for.
    #[must_use]
    pub fn mfa_serial(mut self, serial: MfaSerial) -> RoleToAssume {
        self.mfa_serial = Some(serial);
        self
    }

    /// With the session's source identity.
    #[must_use]
    pub fn source_identity(mut self, source_identity: SourceIdentity) -> RoleToAssume {
        self.source_identity = Some(source_identity);
        self
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

/// How the sign-in token is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SigninMethod {
    /// A POST with the session in the body: the credentials stay out of URLs and proxy logs.
    #[default]
    Post,
    /// A GET with the session in the query, as AWS's examples do.
    Get,
}

impl SigninMethod {
    pub(crate) fn adapter(self) -> fed_signin::Method {
        match self {
            SigninMethod::Post => fed_signin::Method::Post,
            SigninMethod::Get => fed_signin::Method::Get,
        }
    }
}

/// Everything a sign-in takes. Build it with [`SignIn::new`] and the setters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignIn {
    /// The profile to use; it wins over credentials in the environment.
    pub profile: Option<String>,
    /// The region of the console and of STS; the environment's or the profile's by default.
    pub region: Option<Region>,
    /// A role to assume on top of the credentials.
    pub role: Option<RoleToAssume>,
    /// The code of the first MFA device asked for; later ones are prompted for.
    pub mfa_code: Option<MfaCode>,
    /// The console session length; the profile's `fed_duration`, else its
    /// `duration_seconds`, by default.
    pub duration: Option<RequestedDuration>,
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
    pub signin_region: Option<Region>,
    /// Another federation endpoint (an emulator's).
    pub signin_endpoint: Option<Url>,
    /// How the sign-in token is requested.
    pub method: SigninMethod,
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
            method: SigninMethod::Post,
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
    pub fn region(mut self, region: Region) -> SignIn {
        self.region = Some(region);
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
    pub fn duration(mut self, duration: RequestedDuration) -> SignIn {
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

    /// With `code` for the first MFA device asked for.
    #[must_use]
    pub fn mfa_code(mut self, code: MfaCode) -> SignIn {
        self.mfa_code = Some(code);
        self
    }

    /// With one more session policy, for long-term IAM user keys.
    #[must_use]
    pub fn policy(mut self, policy: SessionPolicy) -> SignIn {
        self.policies.push(policy);
        self
    }

    /// With the federated user's name, for long-term IAM user keys.
    #[must_use]
    pub fn federation_name(mut self, name: FederationName) -> SignIn {
        self.federation_name = Some(name);
        self
    }

    /// In `partition`, instead of the credentials'.
    #[must_use]
    pub fn partition(mut self, partition: Partition) -> SignIn {
        self.partition = Some(partition);
        self
    }

    /// Through the regional sign-in endpoint of `region`.
    #[must_use]
    pub fn signin_region(mut self, region: Region) -> SignIn {
        self.signin_region = Some(region);
        self
    }

    /// Asking for the sign-in token with `method`.
    #[must_use]
    pub fn method(mut self, method: SigninMethod) -> SignIn {
        self.method = method;
        self
    }

    /// With one URL that signs out of the console first.
    #[must_use]
    pub fn logout_first(mut self, logout_first: bool) -> SignIn {
        self.logout_first = logout_first;
        self
    }
}
