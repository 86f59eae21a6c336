//! The command line of `cargo xtask demo`, and what it sets up around the scenario: the clients
//! (on AWS, or on a local stack started here), the terminal, stdin, and the signals that stop it.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use fed_aws::{ConfigOptions, IamClient, StsClient};
use fed_core::{Arn, AssumeRoleDuration, Issuer};
use fed_local::LocalStack;
use url::Url;

use super::event::Event;
use super::fault::{Fault, Faults, parse_fault};
use super::federation::SigninEndpoint;
use super::{Demo, Enter, Settings, terminal, usage_demo};
use crate::Exit;
use crate::signal::Signals;
use crate::sweep::SweepCommand;
use crate::teardown::Tracker;

/// Options of `cargo xtask demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Run against the local stack (moto behind the STS rules gate, and the federation emulator) instead of AWS.
    #[arg(long)]
    pub(crate) local: bool,

    /// Named profile from the AWS config files.
    #[arg(long, conflicts_with = "local")]
    pub(crate) profile: Option<String>,

    /// Region of the STS and IAM calls and of the console.
    #[arg(long, conflicts_with = "local")]
    pub(crate) region: Option<String>,

    /// Managed policy to attach to the role (repeatable)
    /// [default: arn:PARTITION:iam::aws:policy/AmazonS3ReadOnlyAccess].
    #[arg(long, value_name = "ARN", value_parser = parse_arn)]
    pub(crate) policy_arn: Vec<Arn>,

    /// How long to wait for IAM to propagate the new role: 90s, 2m, 5m.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub(crate) propagation_timeout: Duration,

    /// Length of the console session, when the credentials allow one to be set (not with role
    /// chaining): 1h, 12h.
    #[arg(long, value_name = "DURATION", default_value = "12h", value_parser = parse_session_length)]
    pub(crate) duration: Duration,

    /// Issuer shown by the console; where users go when the session ends.
    #[arg(long, value_name = "ISSUER", default_value = "fed", value_parser = parse_issuer)]
    pub(crate) issuer: Issuer,

    /// Do not wait for Enter before tearing down.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,

    /// Base URL of the federation endpoint, e.g. an emulator's [default: the partition's].
    #[arg(long, value_name = "URL", env = "FED_SIGNIN_ENDPOINT", value_parser = fed_signin::parse_endpoint)]
    pub(crate) signin_endpoint: Option<Url>,

    /// Fail right after a step (banner, create-role, attach-policy, propagation, url, prompt);
    /// `STEP:panic` panics instead. For tests of the teardown guarantee.
    #[arg(long, hide = true, value_name = "STEP", env = "FED_DEMO_FAIL_AFTER", value_parser = parse_fault)]
    pub(crate) fail_after: Option<Fault>,

    /// Wait at the Enter prompt even when stdin is not a terminal. For tests of signals.
    #[arg(long, hide = true, env = "FED_DEMO_WAIT_WITHOUT_TTY", value_parser = clap::builder::FalseyValueParser::new())]
    pub(crate) wait_without_tty: bool,

    /// Wait this long before the teardown starts. For tests of signals during the teardown.
    #[arg(long, hide = true, value_name = "DURATION", env = "FED_DEMO_TEARDOWN_PAUSE", value_parser = parse_duration)]
    pub(crate) teardown_pause: Option<Duration>,
}

fn parse_arn(s: &str) -> Result<Arn, String> {
    s.parse().map_err(|e: fed_core::Error| e.to_string())
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    fed_core::parse_duration(s).map_err(|e| e.to_string())
}

fn parse_session_length(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    AssumeRoleDuration::new(d).map_err(|e| e.to_string())?;
    Ok(d)
}

fn parse_issuer(s: &str) -> Result<Issuer, String> {
    Issuer::new(s).map_err(|e| e.to_string())
}

/// Runs `cargo xtask demo`.
pub(crate) async fn run(args: DemoArgs) -> anyhow::Result<Exit> {
    let events = terminal::events();
    let tracker = Arc::new(Tracker::default());
    // Installed first: from here on, no signal ends the process before the teardown has run.
    let mut stop = {
        let (events, tracker) = (events.clone(), Arc::clone(&tracker));
        Box::pin(Signals::install()?.first(move |stop| {
            events.emit(Event::StopWhileFinishing {
                stop,
                role: tracker.role(),
            })
        }))
    };
    if args.local {
        events.emit(Event::StartingLocalStack);
    }
    let stack = tokio::select! {
        stack = start_local(args.local) => stack?,
        stop = &mut stop => {
            events.emit(Event::Stopped { stop, armed: false });
            return Ok(stop.exit());
        }
    };
    let sdk = match &stack {
        Some(stack) => stack.sdk_config().await,
        None => {
            fed_aws::load_sdk_config(&{
                let mut options = ConfigOptions::default();
                options.region = args.region.clone();
                options.profile = args.profile.clone();
                options
            })
            .await
        }
    };
    let signin_endpoint = match &stack {
        Some(stack) => Some(stack.federation_url()),
        None => args.signin_endpoint.clone(),
    };
    let demo = Demo {
        sts: Arc::new(StsClient::new(&sdk)),
        iam: Arc::new(IamClient::new(&sdk)),
        federation: Arc::new(SigninEndpoint::new(signin_endpoint)),
        settings: Settings {
            region: sdk.region().map(|r| r.as_ref().to_owned()),
            aws_endpoint: sdk.endpoint_url().map(str::to_owned),
            console_page: stack.as_ref().map(|s| s.emulator().console_url()),
            policy_arns: args.policy_arn.clone(),
            propagation_timeout: args.propagation_timeout,
            duration: args.duration,
            issuer: args.issuer.clone(),
            sweep: SweepCommand {
                profile: args.profile.clone(),
                region: args.region.clone(),
            },
        },
        tracker,
        events: events.clone(),
        faults: Faults {
            fail_after: args.fail_after,
            teardown_pause: args.teardown_pause,
        },
    };
    let exit = usage_demo(Arc::new(demo), enter(&args), stop).await;
    if let Some(stack) = stack {
        events.emit(Event::StoppingLocalStack);
        stack.shutdown().await;
    }
    Ok(exit)
}

async fn start_local(local: bool) -> anyhow::Result<Option<LocalStack>> {
    Ok(match local {
        true => Some(crate::local::start().await?),
        false => None,
    })
}

/// How to wait for Enter: not with `--yes`, nor when stdin is not a terminal (unless a test
/// asks for it).
fn enter(args: &DemoArgs) -> Enter {
    if args.yes {
        return Enter::Skip;
    }
    if !std::io::stdin().is_terminal() && !args.wait_without_tty {
        return Enter::NoTerminal;
    }
    Enter::Wait(Box::pin(async {
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(drop)
        })
        .await?
    }))
}
