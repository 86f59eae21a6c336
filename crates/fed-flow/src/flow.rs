//! The sign-in: plan the credentials, resolve the base once, make each AssumeRole hop, exchange
//! long-term keys with GetFederationToken, and ask the federation endpoint for the URL.

use std::time::{Duration, SystemTime};

use aws_types::os_shim_internal::{Env, Fs};
use fed_aws::{
    AssumeRoleRequest, AssumedRole, ConfigOptions, FederationTokenRequest, Mfa, Sts, StsClient,
    classify_origin,
};
use fed_core::{
    Arn, AssumeRoleDuration, CredentialOrigin, Credentials, Destination, FederationName,
    FederationTokenDuration, MfaCode, MfaSerial, Partition, Region, RoleSessionName,
    SessionDuration,
};
use url::Url;

use crate::base::{self, History};
use crate::error::{Error, Input};
use crate::request::{Page, SignIn};
use crate::source::{self, Hop, Source};

/// Asks the user for an MFA code.
pub trait MfaPrompt: Send + Sync {
    /// The current code of `serial`, needed to assume `role`; `Ok(None)` when there is no one
    /// to ask.
    fn code(&self, serial: &MfaSerial, role: &Arn) -> Result<Option<MfaCode>, String>;
}

/// Never asks: an MFA device without `--mfa-code` is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrompt;

impl MfaPrompt for NoPrompt {
    fn code(&self, _: &MfaSerial, _: &Arn) -> Result<Option<MfaCode>, String> {
        Ok(None)
    }
}

/// How long the console session lasts, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionLength {
    /// The `SessionDuration` sent and accepted, when there was one.
    pub session_duration: Option<SessionDuration>,
    /// When the console session ends, when known: now plus `SessionDuration`, or the
    /// credentials' expiry.
    pub ends_at: Option<SystemTime>,
}

/// A console sign-in URL and what was done to get it.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedIn {
    /// The URL.
    pub console: crate::ConsoleUrl,
    /// Who it signs in as.
    pub principal: Arn,
    /// The partition.
    pub partition: Partition,
    /// Where the credentials came from.
    pub source: Source,
    /// What the credentials signed in with are.
    pub origin: CredentialOrigin,
    /// How long the console session lasts.
    pub session: SessionLength,
    /// What the user should know, in the order it happened: the source of the credentials,
    /// durations that were capped or left out, and why.
    pub notes: Vec<String>,
}

/// The region STS is called in when none is configured.
const DEFAULT_STS_REGION: &str = "us-east-1";

/// Signs in as [`SignIn`] asks, with the process's environment and AWS config files.
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// use fed_core::Issuer;
/// use fed_flow::{NoPrompt, SignIn, sign_in};
///
/// // The profile's credentials, whatever they are (keys, a role chain, SSO, a process).
/// let request = SignIn::new(Issuer::new("my-tool").expect("an issuer")).profile("prod-admin");
/// let signed_in = sign_in(&request, &NoPrompt).await?;
/// eprintln!("{} ({})", signed_in.principal, signed_in.source);
/// println!("{}", signed_in.console.expose());
/// # Ok(()) }
/// ```
pub async fn sign_in(request: &SignIn, prompt: &dyn MfaPrompt) -> Result<SignedIn, Error> {
    let env = Env::real();
    sign_in_with(request, prompt, &env, &Fs::real())
        .await
        .map_err(|err| name_unreachable(err, request, &env))
}

/// An STS call that got no answer becomes [`Error::Unreachable`], naming the endpoint.
fn name_unreachable(err: Error, request: &SignIn, env: &Env) -> Error {
    let Error::Aws(fed_aws::Error::Service {
        operation,
        code: None,
        message,
        ..
    }) = &err
    else {
        return err;
    };
    if !(message.contains("could not be sent") || message.contains("timed out")) {
        return err;
    }
    let reason = match &err {
        Error::Aws(aws) => fed_core::one_line(aws),
        _ => message.clone(),
    };
    let var = |name: &str| env.get(name).ok().filter(|v| !v.is_empty());
    let endpoint = var("AWS_ENDPOINT_URL_STS")
        .or_else(|| var("AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| {
            let region = request
                .region
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| var("AWS_REGION"))
                .or_else(|| request.partition.map(|p| p.default_region().to_owned()))
                .unwrap_or_else(|| DEFAULT_STS_REGION.to_owned());
            format!("the regional STS endpoint of {region}")
        });
    Error::Unreachable {
        operation: (*operation).to_owned(),
        endpoint,
        reason,
    }
}

/// Checks that need no AWS call.
fn check_offline(request: &SignIn) -> Result<(), Error> {
    // The widest range of any path (GetFederationToken's); each path checks its own.
    if let Some(duration) = request.duration {
        FederationTokenDuration::new(duration).map_err(|e| Error::invalid(Input::Duration, e))?;
    }
    if let Some(region) = &request.region
        && let Some(partition) = request.partition
    {
        partition
            .check_region(region)
            .map_err(|e| Error::invalid(Input::Region, e))?;
    }
    Ok(())
}

async fn sign_in_with(
    request: &SignIn,
    prompt: &dyn MfaPrompt,
    env: &Env,
    fs: &Fs,
) -> Result<SignedIn, Error> {
    check_offline(request)?;
    let plan = source::plan(request.profile.as_deref(), env, fs).await?;
    let request = &with_profile_defaults(request, &plan.defaults);
    check_offline(request)?;
    let mut notes = vec![format!("using the credentials of {}", plan.source)];
    let mut hops = plan.hops.clone();
    if let Some(role) = &request.role {
        hops.push(Hop {
            role_arn: role.arn.clone(),
            session_name: role.session_name.clone(),
            external_id: role.external_id.clone(),
            mfa_serial: role.mfa_serial.clone(),
            duration_seconds: None,
        });
    }
    if request.mfa_code.is_some() && hops.iter().all(|hop| hop.mfa_serial.is_none()) {
        return Err(Error::MfaCodeUnused);
    }
    let requested = request
        .duration
        .or(plan.duration_seconds.map(Duration::from_secs));
    let region = match &request.region {
        Some(region) => Some(region.clone()),
        None => plan
            .region
            .clone()
            .map(Region::new)
            .transpose()
            .map_err(|e| Error::invalid(Input::Region, e))?,
    };

    // When the partition is already known, the sign-in client (whose TLS set-up reads the
    // system's root certificates) is built on another thread while the credentials resolve.
    let known_partition = request
        .partition
        .or_else(|| hops.last().map(|hop| hop.role_arn.partition()));
    let early = known_partition.map(|partition| {
        let config = signin_config(request, partition);
        tokio::task::spawn_blocking(move || fed_signin::Client::new(config))
    });

    let base = base::resolve(&plan.base).await?;
    // Without a region, STS is called in the partition's default region when the partition is
    // known (aws-eusc's STS is not in us-east-1).
    let sts_region = region
        .as_ref()
        .map(Region::as_str)
        .or(known_partition.map(Partition::default_region))
        .unwrap_or(DEFAULT_STS_REGION);
    let mut options = ConfigOptions::default().with_region(sts_region);
    options.profile = plan.profile().map(str::to_owned);
    let sdk = fed_aws::load_sdk_config(&options).await;
    let sts = StsClient::new(&sdk);

    let mut mfa_code = request.mfa_code.clone();
    let mut credentials = base.credentials;
    let mut last: Option<AssumedRole> = None;
    let hop_count = hops.len();
    for (index, hop) in hops.iter().enumerate() {
        let final_hop = index + 1 == hop_count;
        let caller = sts.with_credentials(&credentials);
        let session_name = match &hop.session_name {
            Some(name) => name.clone(),
            None => default_session_name(last.as_ref().map(|l| &l.arn), &caller).await?,
        };
        let mut assume = AssumeRoleRequest::new(hop.role_arn.clone(), session_name);
        let seconds = if final_hop {
            requested
        } else {
            hop.duration_seconds.map(Duration::from_secs)
        };
        assume.duration = seconds
            .map(AssumeRoleDuration::new)
            .transpose()
            .map_err(|e| Error::invalid(Input::Duration, e))?;
        assume.external_id = hop.external_id.clone();
        if final_hop && let Some(role) = &request.role {
            assume.source_identity = role.source_identity.clone();
        }
        if let Some(serial) = &hop.mfa_serial {
            let code = match mfa_code.take() {
                Some(code) => code,
                None => prompt
                    .code(serial, &hop.role_arn)
                    .map_err(|reason| Error::MfaPrompt {
                        serial: serial.to_string(),
                        reason,
                    })?
                    .ok_or_else(|| Error::MfaCodeNeeded {
                        role: hop.role_arn.to_string(),
                        serial: serial.to_string(),
                    })?,
            };
            assume.mfa = Some(Mfa {
                serial: serial.clone(),
                code,
            });
        }
        let assumed = caller.assume_role(&assume).await.map_err(|err| {
            assume_error(
                err,
                hop,
                last.as_ref().map(|l| l.arn.to_string()),
                &plan.source,
                seconds,
            )
        })?;
        if assumed.duration_capped {
            notes.push(format!(
                "role chaining (assuming {} with temporary credentials): the role session is capped at {}s",
                hop.role_arn,
                AssumeRoleDuration::CHAINED_MAX
            ));
        }
        credentials = assumed.credentials.clone();
        last = Some(assumed);
    }

    let signer = sts.with_credentials(&credentials);
    // IAM Identity Center credentials sign in directly; who they belong to is asked alongside
    // the sign-in, not before it.
    let (credentials, origin, principal) = match (last, base.history) {
        (Some(assumed), _) => (
            assumed.credentials.clone(),
            assumed.origin(),
            Some(assumed.arn),
        ),
        (None, History::LongTerm) => {
            let (credentials, origin, arn) =
                federation_token(request, &signer, requested, &mut notes).await?;
            (credentials, origin, Some(arn))
        }
        (None, History::IdentityCenter) => (credentials, CredentialOrigin::IdentityCenter, None),
        (None, History::Temporary) => {
            let identity = signer.caller_identity().await?;
            let origin = classify_origin(
                credentials.access_key_id(),
                credentials.session_token().is_some(),
                &identity.arn,
            );
            match origin {
                CredentialOrigin::SessionToken => return Err(Error::SessionTokenCredentials),
                CredentialOrigin::LongTermUser => {
                    let (credentials, origin, arn) =
                        federation_token(request, &signer, requested, &mut notes).await?;
                    (credentials, origin, Some(arn))
                }
                origin => (credentials, origin, Some(identity.arn)),
            }
        }
    };

    let partition = request
        .partition
        .or(principal.as_ref().map(Arn::partition))
        .or(region.as_ref().map(Region::partition))
        .unwrap_or(Partition::Aws);
    check_partition(request, partition, region.as_ref())?;
    // The page is checked before the sign-in client is set up.
    destination(request, partition)?;
    if request.logout_first && request.signin_endpoint.is_none() && partition == Partition::AwsEusc
    {
        notes.push(format!(
            "AWS documents no logout endpoint for {partition}: the logout-first link uses {} by analogy with the other partitions",
            partition.logout_endpoint()
        ));
    }
    let client = match early {
        Some(task) if known_partition == Some(partition) => task
            .await
            .map_err(|e| Error::invalid(Input::SigninEndpoint, e))?,
        _ => fed_signin::Client::new(signin_config(request, partition)),
    }
    .map_err(|e| match e {
        fed_signin::Error::InvalidEndpoint { .. } => Error::invalid(Input::SigninEndpoint, e),
        e => Error::Signin(e),
    })?;
    let mut asked = request.clone();
    asked.duration = requested;
    let url = console_in(
        &client,
        &credentials,
        origin,
        partition,
        &asked,
        region.as_ref(),
    );
    let (principal, (console, session)) = match principal {
        Some(principal) => (principal, url.await?),
        None => {
            let (identity, url) = tokio::join!(signer.caller_identity(), url);
            (identity?.arn, url?)
        }
    };
    notes.extend(console.notes.iter().cloned());
    Ok(SignedIn {
        console,
        principal,
        partition,
        source: plan.source,
        origin,
        session,
        notes,
    })
}

/// Credentials the federation endpoint accepts, and what is known of them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Signable {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// What they are: this decides whether `SessionDuration` is sent.
    pub origin: CredentialOrigin,
    /// Who they belong to.
    pub principal: Arn,
}

impl Signable {
    /// Credentials of `origin` that belong to `principal`.
    pub fn new(credentials: Credentials, origin: CredentialOrigin, principal: Arn) -> Signable {
        Signable {
            credentials,
            origin,
            principal,
        }
    }

    /// The credentials of a role session fed-aws just assumed, with what AssumeRole knew: whether
    /// it was role chaining.
    pub fn assumed(assumed: &AssumedRole) -> Signable {
        Signable {
            credentials: assumed.credentials.clone(),
            origin: assumed.origin(),
            principal: assumed.arn.clone(),
        }
    }
}

/// Asks the federation endpoint of `client` for a sign-in URL for `signable`, as `request` says
/// (console session length, page, `Issuer`, logout-first); `region` is the console's. The
/// `SessionDuration` decision is fed-core's, from the credentials' origin.
pub async fn console(
    client: &fed_signin::Client,
    signable: &Signable,
    request: &SignIn,
    region: Option<&Region>,
) -> Result<(crate::ConsoleUrl, SessionLength), Error> {
    let partition = signable.principal.partition();
    console_in(
        client,
        &signable.credentials,
        signable.origin,
        partition,
        request,
        region,
    )
    .await
}

/// [`console`] for credentials of `partition`, whose principal need not be known yet.
async fn console_in(
    client: &fed_signin::Client,
    credentials: &Credentials,
    origin: CredentialOrigin,
    partition: Partition,
    request: &SignIn,
    region: Option<&Region>,
) -> Result<(crate::ConsoleUrl, SessionLength), Error> {
    let destination_url = destination(request, partition)?.to_url(partition, region);
    let logout_endpoint = match (&request.signin_endpoint, request.logout_first) {
        (_, false) => None,
        (Some(_), true) => Some(
            client
                .config()
                .endpoint
                .join("/oauth")
                .expect("a path joins"),
        ),
        (None, true) => Some(partition.logout_endpoint()),
    };
    let mut login =
        crate::ConsoleLogin::new(credentials, origin, &request.issuer, &destination_url)
            .credentials_partition(partition);
    if let Some(duration) = request.duration {
        login = login.requested_duration(duration);
    }
    if let Some(logout) = &logout_endpoint {
        login = login.logout_endpoint(logout);
    }
    let console = crate::console_url(client, &login).await?;
    let session = SessionLength {
        session_duration: console.session_duration,
        ends_at: match console.session_duration {
            Some(d) => Some(console.issued_at + Duration::from_secs(d.seconds().into())),
            None => credentials.expiration(),
        },
    };
    Ok((console, session))
}

/// `request` with the profile's console defaults where it asks for nothing itself: the page
/// (a `fed_service` instead of the console home), the region and the session length.
fn with_profile_defaults(request: &SignIn, defaults: &source::ProfileDefaults) -> SignIn {
    let mut request = request.clone();
    defaults.apply(&mut request.page, &mut request.region);
    if request.duration.is_none() {
        request.duration = defaults.duration;
    }
    request
}

/// The session name when none is given: the caller's name when it is known without a call
/// (after a hop), else from GetCallerIdentity.
async fn default_session_name(
    previous: Option<&Arn>,
    caller: &StsClient,
) -> Result<RoleSessionName, Error> {
    Ok(match previous {
        Some(arn) => RoleSessionName::for_caller(arn),
        None => RoleSessionName::for_caller(&caller.caller_identity().await?.arn),
    })
}

/// GetFederationToken with the session policies, for long-term keys.
async fn federation_token(
    request: &SignIn,
    signer: &StsClient,
    requested: Option<Duration>,
    notes: &mut Vec<String>,
) -> Result<(Credentials, CredentialOrigin, Arn), Error> {
    if request.policies.is_empty() {
        return Err(Error::PolicyNeeded);
    }
    let caller = match &request.federation_name {
        Some(_) => None,
        None => Some(signer.caller_identity().await?.arn),
    };
    let partition = request
        .partition
        .or(caller.as_ref().map(Arn::partition))
        .or(request.region.as_ref().map(Region::partition))
        .unwrap_or(Partition::Aws);
    let arns = request
        .policies
        .iter()
        .map(|policy| policy.resolve(partition))
        .collect::<Result<Vec<Arn>, String>>()
        .map_err(|e| Error::invalid(Input::Policy, e))?;
    let name = match (&request.federation_name, &caller) {
        (Some(name), _) => name.clone(),
        (None, Some(caller)) => FederationName::for_caller(caller),
        (None, None) => unreachable!("the caller is asked for when no name is given"),
    };
    let mut token_request = FederationTokenRequest::new(name, arns, None)
        .map_err(|e| Error::invalid(Input::Policy, e))?;
    token_request.duration = requested
        .map(FederationTokenDuration::new)
        .transpose()
        .map_err(|e| Error::invalid(Input::Duration, e))?;
    let token = signer.federation_token(&token_request).await?;
    notes.push(format!(
        "signing in as federated user {} (GetFederationToken)",
        token.arn
    ));
    Ok((token.credentials.clone(), token.origin(), token.arn.clone()))
}

/// An AssumeRole failure, named: MFA, trust, MaxSessionDuration, or the call itself.
fn assume_error(
    err: fed_aws::Error,
    hop: &Hop,
    caller: Option<String>,
    source: &Source,
    seconds: Option<Duration>,
) -> Error {
    let message = match &err {
        fed_aws::Error::Service { message, .. } => message.clone(),
        other => other.to_string(),
    };
    let role = hop.role_arn.to_string();
    match err.code() {
        Some("AccessDenied") if message.contains("MultiFactorAuthentication") => Error::MfaDenied {
            role,
            serial: hop
                .mfa_serial
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            message,
        },
        Some("AccessDenied") => Error::AssumeRoleDenied {
            role,
            caller: caller.unwrap_or_else(|| format!("the credentials of {source}")),
            message,
        },
        Some("ValidationError") if message.contains("MaxSessionDuration") => {
            Error::OverMaxSessionDuration {
                role,
                seconds: seconds.map(|d| d.as_secs()).unwrap_or(3600),
            }
        }
        _ => Error::Aws(err),
    }
}

fn check_partition(
    request: &SignIn,
    partition: Partition,
    region: Option<&Region>,
) -> Result<(), Error> {
    if let Some(region) = region {
        partition
            .check_region(region)
            .map_err(|e| Error::invalid(Input::Region, e))?;
    }
    if let Some(region) = &request.signin_region {
        partition
            .check_region(region)
            .map_err(|e| Error::invalid(Input::SigninRegion, e))?;
    }
    if let Some(role) = request
        .role
        .as_ref()
        .filter(|r| r.arn.partition() != partition)
    {
        return Err(Error::invalid(
            Input::RoleArn,
            format!(
                "{} is in partition {}, but the credentials are in {partition}",
                role.arn,
                role.arn.partition()
            ),
        ));
    }
    Ok(())
}

fn destination(request: &SignIn, partition: Partition) -> Result<Destination, Error> {
    page_destination(&request.page, partition, request.signin_endpoint.is_some())
}

/// The console page of `page` in `partition`; a URL may be on any host when `any_host` (for
/// emulators).
pub(crate) fn page_destination(
    page: &Page,
    partition: Partition,
    any_host: bool,
) -> Result<Destination, Error> {
    match page {
        Page::Home => Ok(Destination::ConsoleHome),
        Page::Service(service) => Ok(Destination::Service(*service)),
        Page::Destination(d) => Destination::parse(d, partition, any_host)
            .map_err(|e| Error::invalid(Input::Destination, e)),
    }
}

/// The sign-in client's configuration: the explicit endpoint, the partition's logout-first
/// endpoint, or the partition's (regional) federation endpoint.
fn signin_config(request: &SignIn, partition: Partition) -> fed_signin::Config {
    let mut config = match (&request.signin_endpoint, request.logout_first) {
        (Some(url), _) => fed_signin::Config::new(url.clone()),
        (None, true) => fed_signin::Config::new(partition.logout_first_federation_endpoint()),
        (None, false) => {
            fed_signin::Config::for_partition(partition, request.signin_region.as_ref())
        }
    };
    config.partition = Some(partition);
    config.method = request.method;
    config
}

/// The URL of the federation endpoint a request would use, for callers that show it.
pub fn federation_endpoint(request: &SignIn, partition: Partition) -> Url {
    signin_config(request, partition).endpoint
}
