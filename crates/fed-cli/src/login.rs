//! The `fed url` flow: the command line turned into a [`fed_flow::SignIn`], the sign-in, and
//! what is printed.

use std::io::{BufRead, IsTerminal, Write};

use fed_core::{Arn, MfaCode, MfaSerial};
use fed_flow::{Context, Host, Input, MfaPrompt, Page, RoleToAssume, SignIn, SigninMethod};

use crate::browser::ProfileKeys;
use crate::cli::UrlArgs;
use crate::failure::Failure;
use crate::notices::Notices;
use crate::output::{self, Outcome};

/// Asks for MFA codes on the terminal, naming the device and the role.
struct TerminalPrompt;

impl MfaPrompt for TerminalPrompt {
    fn code(&self, serial: &MfaSerial, role: &Arn) -> Result<Option<MfaCode>, String> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
            return Ok(None);
        }
        eprint!("MFA code for {serial} (to assume {role}): ");
        std::io::stderr().flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        MfaCode::new(line.trim())
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// Runs `fed url`: the config files read once, the profile chosen (or picked), the plan made
/// and read for the browser and the notices, then executed.
pub(crate) async fn run(mut args: UrlArgs) -> anyhow::Result<()> {
    let notices = Notices { quiet: args.quiet };
    if args.portal {
        crate::portal::check_flags(&args, &notices)?;
    } else {
        check_offline(&args)?;
    }
    let context = Context::load(Host::real()).await.map_err(|e| failure(&e))?;
    if args.profile_name().is_none() && context.selection(None).open && crate::picker::terminal() {
        let profiles = context.profiles();
        if !profiles.is_empty() {
            args.profile = Some(crate::picker::choose(profiles).await?);
        }
    }
    if args.portal {
        return crate::portal::run(&args, &context, &notices).await;
    }
    if args.logout_first {
        notices.say(
            "the URL signs out of the console first; if the browser has the console's multi-session on, that sign-out answers HTTP 400: leave out --logout-first for a plain URL, which adds a session, or use --portal with an IAM Identity Center profile",
        );
    }
    let plan = context
        .plan(&sign_in_request(&args))
        .map_err(|e| failure(&e))?;
    // Where the console opens is checked before any call.
    let keys = ProfileKeys::of(&context, plan.profile());
    let choice = crate::browser::choose(&args, &keys)?;
    if let Some(choice) = &choice {
        crate::browser::check_installed(choice)?;
    }
    for notice in plan.notices() {
        notices.notice(notice);
    }
    let signed_in = plan
        .execute(&TerminalPrompt)
        .await
        .map_err(|e| failure(&e))?;
    for notice in signed_in.notices.iter().skip(plan.notices().len()) {
        notices.notice(notice);
    }
    let outcome = Outcome {
        principal_arn: signed_in.principal.to_string(),
        partition: signed_in.partition,
        console: signed_in.console,
    };
    crate::deliver::deliver(
        &args,
        &outcome,
        choice.as_ref(),
        keys.profile.as_deref(),
        &notices,
    )
}

/// The flow's request from the command line.
fn sign_in_request(args: &UrlArgs) -> SignIn {
    let issuer = args
        .issuer
        .clone()
        .unwrap_or_else(|| fed_core::Issuer::new("fed").expect("`fed` is an issuer"));
    let mut request = SignIn::new(issuer);
    request.profile = args.profile_name().map(str::to_owned);
    request.region = args.region.clone();
    request.role = args.role_arn.as_ref().map(|arn| {
        let mut role = RoleToAssume::new(arn.clone());
        role.session_name = args.session_name.clone();
        role.external_id = args.external_id.clone();
        role.mfa_serial = args.mfa_serial.clone();
        role.source_identity = args.source_identity.clone();
        role
    });
    request.mfa_code = args.mfa_code.clone();
    request.duration = args.duration;
    request.policies = args.policy.clone();
    request.federation_name = args.federation_name.clone();
    request.page = match (&args.service, &args.destination) {
        (Some(service), _) => Page::Service(*service),
        (None, Some(destination)) => Page::Destination(destination.clone()),
        (None, None) => Page::Home,
    };
    request.partition = args.partition;
    request.signin_region = args.signin_region.clone();
    request.signin_endpoint = args.signin_endpoint.clone();
    request.method = if args.get {
        SigninMethod::Get
    } else {
        SigninMethod::Post
    };
    request.logout_first = args.logout_first;
    request
}

/// Checks that need no AWS call, so bad input fails before anything is sent.
fn check_offline(args: &UrlArgs) -> anyhow::Result<()> {
    // Checked here rather than by clap, for which FED_LOGOUT_FIRST=no would count as given.
    if args.logout_first && args.signin_region.is_some() {
        return Err(Failure::usage(
            "the argument '--signin-region <REGION>' cannot be used with '--logout-first'",
        )
        .hint("a logout-first link signs in on the default region's sign-in host, where the logout endpoint redirects")
        .into());
    }
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

/// A flow error as the one `error:` line (and `hint:`) the user sees: invalid inputs are usage
/// errors naming their flag; the rest are runtime failures.
pub(crate) fn failure(err: &fed_flow::Error) -> Failure {
    let args_free_flag = |input: Input| match input {
        Input::Region => "--region",
        Input::RoleArn => "--role-arn",
        Input::Duration => "--duration",
        Input::MfaCode => "--mfa-code",
        Input::Policy => "--policy",
        Input::Destination => "--destination",
        Input::Partition => "--partition",
        Input::SigninRegion => "--signin-region",
        Input::SigninEndpoint => "--signin-endpoint",
        _ => "--profile",
    };
    let text = fed_core::one_line(err);
    let mut failure = match err {
        fed_flow::Error::Invalid { input, .. } if *input != Input::Profile => {
            Failure::usage(format!("{}: {text}", args_free_flag(*input)))
        }
        fed_flow::Error::UnknownProfile { .. }
        | fed_flow::Error::PortalNoProfile
        | fed_flow::Error::PortalProfile { .. } => Failure::usage(text),
        fed_flow::Error::MfaCodeUnused => Failure::usage(
            "the argument '--mfa-code <CODE>' requires '--mfa-serial <SERIAL>' (with --role-arn), or a profile whose role has mfa_serial",
        ),
        fed_flow::Error::OverMaxSessionDuration { .. } | fed_flow::Error::PolicyNeeded => {
            Failure::new(text)
        }
        _ => Failure::new(text),
    };
    if let fed_flow::Error::UnknownProfile { name, known } = err {
        let close = crate::suggest::closest(name, known.iter().map(String::as_str));
        let hint = err.hint().unwrap_or_default();
        failure = failure.hint(match close.as_slice() {
            [] => hint,
            close => format!("did you mean {}? {hint}", close.join(" or ")),
        });
    } else if let Some(hint) = err.hint() {
        failure = failure.hint(hint);
    } else if let fed_flow::Error::Signin(e) = err
        && let Some(hint) = e.hint()
    {
        failure = failure.hint(hint.to_string());
    }
    failure
}

/// The URL, or with `--json` the JSON object, on stdout.
pub(crate) fn print(args: &UrlArgs, outcome: &Outcome) -> anyhow::Result<()> {
    if args.json {
        return output::print_line(&outcome.to_json());
    }
    output::print_line(outcome.console.expose())
}
