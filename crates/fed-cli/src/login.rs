//! The `fed url` flow: credentials in, a console sign-in URL out.

use std::io::{BufRead, IsTerminal, Write};

use fed_aws::{
    AssumeRoleRequest, ConfigOptions, FederationTokenRequest, Mfa, Sts, StsClient, detect_origin,
};
use fed_core::{
    Arn, AssumeRoleDuration, CredentialOrigin, Credentials, FederationName,
    FederationTokenDuration, MfaCode, Partition, RoleSessionName,
};

use crate::cli::{self, UrlArgs};
use crate::failure::Failure;
use crate::output::{self, Outcome};

/// Notices for the user on stderr, silenced by `-q`. They are also kept, so
/// that tests can see what the user was told.
struct Notices {
    quiet: bool,
    said: std::sync::Mutex<Vec<String>>,
}

impl Notices {
    fn new(quiet: bool) -> Notices {
        Notices {
            quiet,
            said: std::sync::Mutex::default(),
        }
    }

    fn say(&self, message: &str) {
        if !self.quiet {
            eprintln!("fed: {message}");
        }
        self.said
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message.to_owned());
    }
}

/// Credentials that the federation endpoint accepts, and whose they are.
struct Signable {
    credentials: Credentials,
    origin: CredentialOrigin,
    principal: Arn,
    /// The duration was already applied to the STS call that made the credentials.
    duration_applied: bool,
}

/// Runs `fed url`.
pub(crate) async fn run(args: UrlArgs) -> anyhow::Result<()> {
    let notices = Notices::new(args.quiet);
    check_offline(&args)?;

    // The partition, when the flags already tell it: then the sign-in client (whose TLS set-up
    // reads the system's root certificates) is built on another thread while the SDK
    // configuration loads (which reads them too).
    let known_partition = args.partition.or_else(|| {
        args.role_arn
            .as_ref()
            .filter(|_| !needs_caller(&args))
            .map(Arn::partition)
    });
    let early_client = known_partition.map(|partition| {
        let config = signin_config(&args, partition);
        tokio::task::spawn_blocking(move || fed_signin::Client::new(config))
    });

    let sdk = fed_aws::load_sdk_config(&ConfigOptions {
        region: args.region.clone(),
        profile: args.profile.clone(),
        endpoint_url: None,
    })
    .await;
    let region = sdk.region().map(|r| r.as_ref().to_owned());
    let sts = StsClient::new(&sdk);

    // GetCallerIdentity only when something depends on the caller: the origin of the
    // credentials without --role-arn, or the default session name with it. With --role-arn and
    // --session-name, the partition comes from the role's ARN, and whether AssumeRole is role
    // chaining follows from the credentials carrying a session token.
    let (detected, partition) = match known_partition {
        Some(partition) if !needs_caller(&args) => (None, partition),
        _ => {
            let detected = detect_origin(&sts as &dyn Sts)
                .await
                .map_err(|e| aws_failure(&e))?;
            tracing::debug!(origin = ?detected.origin, arn = %detected.identity.arn, "detected credentials");
            let partition = known_partition.unwrap_or_else(|| detected.identity.arn.partition());
            (Some(detected), partition)
        }
    };
    check_partition(&args, partition, region.as_deref())?;
    let destination = cli::destination(&args, partition)
        .map_err(|e| Failure::usage(format!("--destination: {e}")))?;

    // The sign-in client is set up (and its endpoint checked) before any STS call that makes
    // credentials, so a bad --signin-endpoint stops fed before anything is done.
    let client = match early_client {
        Some(task) => task.await?,
        None => fed_signin::Client::new(signin_config(&args, partition)),
    }
    .map_err(|e| match e {
        fed_signin::Error::InvalidEndpoint { .. } => {
            Failure::usage(format!("--signin-endpoint: {e}"))
        }
        e => Failure::new(one_line(&e)),
    })?;
    let logout_endpoint = match (&args.signin_endpoint, args.logout_first) {
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

    let signable =
        signable_credentials(&args, &sts, detected.as_ref(), partition, &notices).await?;

    let destination_url = destination.to_url(partition, region.as_deref());
    let console = client
        .console_url(&fed_signin::ConsoleLogin {
            credentials: &signable.credentials,
            origin: signable.origin,
            requested_duration: if signable.duration_applied {
                None
            } else {
                args.duration
            },
            credentials_partition: Some(signable.principal.partition()),
            issuer: &args.issuer,
            destination: &destination_url,
            logout_endpoint: logout_endpoint.as_ref(),
        })
        .await
        .map_err(|e| signin_failure(&e, signable.origin))?;
    for note in &console.notes {
        notices.say(note);
    }

    let outcome = Outcome {
        console,
        principal_arn: signable.principal.to_string(),
        partition,
    };
    deliver(&args, &outcome, &notices)
}

/// Whether the flow needs GetCallerIdentity: without --role-arn the credentials' origin decides
/// what happens, and with it the default session name is derived from the caller.
fn needs_caller(args: &UrlArgs) -> bool {
    args.role_arn.is_none() || args.session_name.is_none()
}

/// The sign-in client's configuration: the explicit endpoint, the partition's logout-first
/// endpoint, or the partition's (regional) federation endpoint.
fn signin_config(args: &UrlArgs, partition: Partition) -> fed_signin::Config {
    let mut config = match (&args.signin_endpoint, args.logout_first) {
        (Some(url), _) => fed_signin::Config::new(url.clone()),
        (None, true) => fed_signin::Config::new(partition.logout_first_federation_endpoint()),
        (None, false) => {
            fed_signin::Config::for_partition(partition, args.signin_region.as_deref())
        }
    };
    config.partition = Some(partition);
    config.method = if args.get {
        fed_signin::Method::Get
    } else {
        fed_signin::Method::Post
    };
    config.retry_without_session_duration = true;
    config
}

/// Checks that need no AWS call, so bad input fails before anything is sent.
fn check_offline(args: &UrlArgs) -> anyhow::Result<()> {
    if args.role_arn.is_none() {
        for (set, flag) in [
            (args.session_name.is_some(), "--session-name"),
            (args.external_id.is_some(), "--external-id"),
            (args.mfa_serial.is_some(), "--mfa-serial"),
            (args.source_identity.is_some(), "--source-identity"),
        ] {
            if set {
                return Err(Failure::usage(format!("{flag} needs --role-arn")).into());
            }
        }
    }
    if args.role_arn.is_some() {
        if let Some(d) = args.duration {
            AssumeRoleDuration::new(d).map_err(|e| Failure::usage(format!("--duration: {e}")))?;
        }
        for (set, flag) in [
            (!args.policy.is_empty(), "--policy"),
            (args.federation_name.is_some(), "--federation-name"),
        ] {
            if set {
                return Err(Failure::usage(format!(
                    "{flag} applies to long-term IAM user keys and cannot be used with --role-arn"
                ))
                .into());
            }
        }
    }
    Ok(())
}

fn check_partition(
    args: &UrlArgs,
    partition: Partition,
    region: Option<&str>,
) -> anyhow::Result<()> {
    let in_partition = |flag: &str, region: &str| -> anyhow::Result<()> {
        partition
            .check_region(region)
            .map_err(|e| Failure::usage(format!("{flag}: {e}")).into())
    };
    if let Some(r) = region {
        in_partition("--region", r)?;
    }
    if let Some(r) = &args.signin_region {
        in_partition("--signin-region", r)?;
    }
    if let Some(role) = args
        .role_arn
        .as_ref()
        .filter(|r| r.partition() != partition)
    {
        return Err(Failure::usage(format!(
            "--role-arn is in partition {}, but the credentials are in {partition}",
            role.partition()
        ))
        .into());
    }
    Ok(())
}

async fn signable_credentials(
    args: &UrlArgs,
    sts: &dyn Sts,
    detected: Option<&fed_aws::DetectedOrigin>,
    partition: Partition,
    notices: &Notices,
) -> anyhow::Result<Signable> {
    if let Some(role_arn) = &args.role_arn {
        let session_name = match (&args.session_name, detected) {
            (Some(name), _) => name.clone(),
            (None, Some(detected)) => RoleSessionName::for_caller(&detected.identity.arn),
            (None, None) => RoleSessionName::for_caller(&caller(sts).await?.identity.arn),
        };
        let mut request = AssumeRoleRequest::new(role_arn.clone(), session_name);
        request.duration = args
            .duration
            .map(AssumeRoleDuration::new)
            .transpose()
            .map_err(|e| Failure::usage(format!("--duration: {e}")))?;
        request.external_id = args.external_id.clone();
        request.source_identity = args.source_identity.clone();
        if let Some(serial) = &args.mfa_serial {
            let code = match &args.mfa_code {
                Some(code) => code.clone(),
                None => prompt_mfa_code()?,
            };
            request.mfa = Some(Mfa {
                serial: serial.clone(),
                code,
            });
        }
        let assumed = sts
            .assume_role(&request)
            .await
            .map_err(|e| aws_failure(&e))?;
        if assumed.duration_capped {
            notices.say(&format!(
                "role chaining (the caller's credentials are temporary): the role session is capped at {}s",
                AssumeRoleDuration::CHAINED_MAX
            ));
        }
        return Ok(Signable {
            credentials: assumed.credentials.clone(),
            origin: assumed.origin(),
            principal: assumed.arn.clone(),
            duration_applied: assumed.chained,
        });
    }

    let detected = match detected {
        Some(detected) => detected.clone(),
        None => caller(sts).await?,
    };
    let caller = &detected.identity.arn;
    match detected.origin {
        CredentialOrigin::LongTermUser => {
            if args.policy.is_empty() {
                return Err(Failure::new(
                    "long-term IAM user keys need a session policy to sign in: fed exchanges them with GetFederationToken, and without a policy the federated user has no permissions",
                )
                .hint("pass --policy readonly (or admin, poweruser, viewonly, s3-readonly, a managed policy ARN), or use --role-arn")
                .into());
            }
            let arns = args
                .policy
                .iter()
                .map(|policy| policy.resolve(partition))
                .collect::<Result<Vec<Arn>, String>>()
                .map_err(Failure::usage)?;
            let name = args
                .federation_name
                .clone()
                .unwrap_or_else(|| FederationName::for_caller(caller));
            let mut request =
                FederationTokenRequest::new(name, arns, None).map_err(|e| Failure::usage(format!("--policy: {e}")))?;
            request.duration = args
                .duration
                .map(FederationTokenDuration::new)
                .transpose()
                .map_err(|e| Failure::usage(format!("--duration: {e}")))?;
            let token = sts.federation_token(&request).await.map_err(|e| aws_failure(&e))?;
            notices.say(&format!("signing in as federated user {} (GetFederationToken)", token.arn));
            Ok(Signable {
                credentials: token.credentials.clone(),
                origin: token.origin(),
                principal: token.arn.clone(),
                duration_applied: true,
            })
        }
        CredentialOrigin::SessionToken => Err(Failure::new(
            "GetSessionToken credentials cannot sign in to the console: the federation endpoint refuses them, and they cannot call GetFederationToken",
        )
        .hint("assume a role with --role-arn, use IAM Identity Center or role credentials, or use long-term IAM user keys with --policy")
        .into()),
        origin => {
            if !args.policy.is_empty() {
                notices.say("--policy is ignored: these credentials sign in directly");
            }
            let credentials = sts.credentials().await.map_err(|e| aws_failure(&e))?;
            Ok(Signable { credentials, origin, principal: caller.clone(), duration_applied: false })
        }
    }
}

/// GetCallerIdentity and the origin of the credentials, for a caller that did not ask earlier.
async fn caller(sts: &dyn Sts) -> anyhow::Result<fed_aws::DetectedOrigin> {
    Ok(detect_origin(sts).await.map_err(|e| aws_failure(&e))?)
}

fn prompt_mfa_code() -> anyhow::Result<MfaCode> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::usage(
            "--mfa-code is required with --mfa-serial when stdin is not a terminal",
        )
        .into());
    }
    eprint!("MFA code: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    MfaCode::new(line.trim()).map_err(|e| Failure::usage(e.to_string()).into())
}

/// An error and its sources on one line, `outer: inner: …`, skipping sources
/// whose text the outer message already contains.
fn one_line(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        source = e.source();
    }
    line
}

fn aws_failure(err: &fed_aws::Error) -> Failure {
    let failure = Failure::new(err.to_string());
    match err {
        fed_aws::Error::Credentials { .. } => failure.hint(
            "configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
        ),
        _ if err.code() == Some("AccessDenied") => {
            failure.hint("check that the role's trust policy allows the caller and that the caller may call sts:AssumeRole")
        }
        _ => failure,
    }
}

fn signin_failure(err: &fed_signin::Error, origin: CredentialOrigin) -> Failure {
    if let fed_signin::Error::Request(e @ fed_core::Error::InvalidInput { .. }) = err {
        return Failure::usage(format!("--duration: {e}"));
    }
    let failure = Failure::new(one_line(err));
    match err.hint() {
        Some(fed_signin::Hint::Credentials) if origin == CredentialOrigin::Unknown => failure.hint(
            "the credentials' origin is unknown; GetSessionToken credentials cannot sign in: use --role-arn, IAM Identity Center or role credentials",
        ),
        _ => failure,
    }
}

fn deliver(args: &UrlArgs, outcome: &Outcome, notices: &Notices) -> anyhow::Result<()> {
    if args.open {
        match output::open(outcome.console.expose()) {
            Ok(()) => {
                notices.say("opened the console sign-in URL in the browser (valid for 15 minutes)");
                return Ok(());
            }
            Err(e) => {
                eprintln!("fed: {e}; open this URL yourself:");
                eprintln!("{}", outcome.console.expose());
                return Ok(());
            }
        }
    }
    if args.json {
        return output::print_line(&outcome.to_json().to_string());
    }
    notices.say(&format!(
        "sign-in URL for {} (valid for 15 minutes)",
        outcome.principal_arn
    ));
    output::print_line(outcome.console.expose())
}

#[cfg(test)]
mod tests;
