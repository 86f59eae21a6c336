//! The demo on a terminal: every [`Event`] as the lines the seed prints (errors and warnings on
//! stderr), and a spinner while IAM propagates the role.

use std::io::Write;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use fed_aws::RemovalStep;
use fed_core::Arn;
use indicatif::{ProgressBar, ProgressStyle};

use super::event::{Banner, Event, Events};
use crate::teardown::{left_alone, leftover_report};

/// The seed's rule of dashes.
pub(crate) const RULE: &str =
    "----------------------------------------------------------------------------------------";

/// One line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    /// A line on stdout.
    Out(String),
    /// A line on stderr.
    Err(String),
    /// Text on stdout that the user answers on the same line.
    Prompt(String),
}

/// The terminal's sink: shows each event as it comes.
pub(crate) fn events() -> Events {
    let spinner = Mutex::new(None::<ProgressBar>);
    Events::new(move |event| {
        let mut spinner = spinner.lock().unwrap_or_else(PoisonError::into_inner);
        match &event {
            Event::AssumeRoleAttempt { number } => {
                if let Some(bar) = spinner.as_ref() {
                    bar.set_message(format!("AssumeRole attempt {number}"));
                }
            }
            _ => {
                if let Some(bar) = spinner.take() {
                    bar.finish_and_clear();
                }
            }
        }
        for line in lines(&event) {
            show(&line);
        }
        if let Event::WaitingForPropagation { .. } = event {
            *spinner = Some(propagation_spinner());
        }
    })
}

fn propagation_spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} waiting for IAM {elapsed} ({msg})")
            .expect("the template is valid"),
    );
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Writes a line, ignoring errors: a closed stdout must not cut a teardown short.
fn show(line: &Line) {
    let _ = match line {
        Line::Out(text) => writeln!(std::io::stdout(), "{text}"),
        Line::Err(text) => writeln!(std::io::stderr(), "{text}"),
        Line::Prompt(text) => {
            let mut stdout = std::io::stdout();
            write!(stdout, "{text}").and_then(|()| stdout.flush())
        }
    };
}

/// What an event looks like on the terminal.
pub(crate) fn lines(event: &Event) -> Vec<Line> {
    let out = |text: &str| vec![Line::Out(text.to_owned())];
    let err = |text: String| vec![Line::Err(text)];
    match event {
        Event::StartingLocalStack => out(
            "Starting the local stack (moto behind the STS rules gate, and the federation emulator)…",
        ),
        Event::StoppingLocalStack => out("Stopping the local stack."),
        Event::Banner(banner) => banner_lines(banner),
        Event::CreatingRole { name, trusted } => {
            out(&format!("Creating role {name}, which {trusted} may assume…"))
        }
        Event::CreatedRole { arn } => out(&format!("Created role {arn}.")),
        Event::AttachedPolicy { arn } => out(&format!("Attached {arn}.")),
        Event::WaitingForPropagation { deadline } => out(&format!(
            "Waiting for IAM to propagate the new role (polling AssumeRole, for up to {}s)…",
            deadline.as_secs()
        )),
        Event::AssumeRoleAttempt { .. } => Vec::new(),
        Event::Assumed {
            role,
            after,
            attempts,
        } => out(&format!(
            "Assumed role {role} after {:.1}s ({attempts} AssumeRole attempt{}).",
            after.as_secs_f64(),
            if *attempts == 1 { "" } else { "s" }
        )),
        Event::RoleChaining { caller } => out(&format!(
            "Role chaining: the caller ({caller}) signs with temporary credentials, so this session is capped at one hour and SessionDuration is left out of getSigninToken (sending it would fail with a bare 400)."
        )),
        Event::GotSigninToken {
            session_seconds,
            notes,
        } => {
            let mut lines: Vec<Line> = notes
                .iter()
                .map(|note| Line::Out(format!("Note: {note}.")))
                .collect();
            lines.push(Line::Out(match session_seconds {
                Some(seconds) => format!(
                    "Got a sign-in token from the federation endpoint (console session: {seconds}s)."
                ),
                None => "Got a sign-in token from the federation endpoint (console session: as long as the role session).".to_owned(),
            }));
            lines
        }
        Event::Url {
            link,
            console_page,
            principal,
        } => {
            let mut lines = vec![
                Line::Out("Constructed a federated URL that can be used to connect to the AWS Management Console with role-defined permissions:".to_owned()),
                Line::Out(RULE.to_owned()),
                Line::Out(link.expose().to_owned()),
                Line::Out(RULE.to_owned()),
            ];
            if let Some(page) = console_page {
                lines.push(Line::Out(format!(
                    "On the local stack the URL lands on the console emulator ({page}), signed in as {principal}."
                )));
            }
            lines
        }
        Event::NotWaiting => out("(stdin is not a terminal: not waiting for Enter)"),
        Event::Prompt => vec![Line::Prompt(
            "Copy and paste the above URL into a browser to open the AWS Management Console with limited permissions. When done, press Enter to clean up and complete this demo.".to_owned(),
        )],
        Event::Answered => out(""),
        Event::Failed(error) => err(format!("error: {error:#}")),
        Event::Stopped { stop, armed: true } => {
            err(format!("\n{} received: tearing down before exiting", stop.name()))
        }
        Event::Stopped { stop, armed: false } => {
            err(format!("\n{} received; nothing was created", stop.name()))
        }
        Event::Panicked { armed: true } => {
            err("the demo panicked: tearing down before exiting".to_owned())
        }
        Event::Panicked { armed: false } => err("the demo panicked; nothing was created".to_owned()),
        Event::StopWhileFinishing {
            stop,
            role: Some(role),
        } => err(format!(
            "warning: {} received during teardown; still removing role {role} so that nothing is left behind (wait a moment; if the process is killed, `cargo xtask sweep` finds the role)",
            stop.name()
        )),
        Event::StopWhileFinishing { stop, role: None } => err(format!(
            "warning: {} received; finishing first (wait a moment)",
            stop.name()
        )),
        Event::WaitingForPendingCall => {
            out("Waiting for a pending IAM request to finish before tearing down…")
        }
        Event::TearingDown { role } => out(&format!("Tearing down role {role}…")),
        Event::Removed { role, step } => out(&removed(role, step)),
        Event::Gone {
            role,
            already: true,
        } => out(&format!(
            "Role {role} does not exist (it was never created, or is already deleted)."
        )),
        Event::Gone {
            role,
            already: false,
        } => out(&format!("Confirmed that {role} is gone.")),
        Event::MayAppear { role, sweep } => err(format!(
            "error: role {role} does not exist, but its CreateRole request got no answer, so it may still appear; `{sweep}` removes it if it does"
        )),
        Event::LeftAlone { role, error, sweep } => err(left_alone(role, error, sweep)),
        Event::Incomplete { report, sweep } => {
            err(leftover_report(report, sweep).trim_end().to_owned())
        }
        Event::ThanksForWatching => out("Thanks for watching!"),
    }
}

fn banner_lines(banner: &Banner) -> Vec<Line> {
    let names: Vec<&str> = banner.policies.iter().map(policy_name).collect();
    let endpoint = match &banner.aws_endpoint {
        Some(endpoint) => format!("IAM, STS:   {endpoint} (region {})", banner.region),
        None => format!("IAM, STS:   AWS, region {}", banner.region),
    };
    [
        RULE.to_owned(),
        "Welcome to the AWS Security Token Service federated URL demo.".to_owned(),
        RULE.to_owned(),
        "This demo will:".to_owned(),
        format!(
            "  1. create an IAM role that you may assume, with {} attached;",
            names.join(" and ")
        ),
        "  2. wait until IAM has propagated it, by polling AssumeRole;".to_owned(),
        "  3. assume it and exchange its temporary credentials for a console sign-in URL;"
            .to_owned(),
        "  4. delete the role and everything attached to it.".to_owned(),
        format!("Account:    {}", banner.account),
        format!("Principal:  {}", banner.principal),
        endpoint,
        format!("Sign-in:    {}", banner.signin_endpoint),
    ]
    .into_iter()
    .map(Line::Out)
    .collect()
}

/// The last part of a policy ARN: `AmazonS3ReadOnlyAccess`.
fn policy_name(arn: &Arn) -> &str {
    let resource = arn.resource();
    resource.rsplit('/').next().unwrap_or(resource)
}

/// One step of a removal, as the seed prints it.
fn removed(role: &fed_core::RoleName, step: &RemovalStep) -> String {
    match step {
        RemovalStep::DetachPolicy { policy_arn } => format!("Detached {policy_arn}."),
        RemovalStep::DeleteInlinePolicy { policy_name } => {
            format!("Deleted inline policy {policy_name}.")
        }
        RemovalStep::RemoveFromInstanceProfile { instance_profile } => {
            format!("Removed {role} from instance profile {instance_profile}.")
        }
        RemovalStep::DeleteRole => format!("Deleted {role}."),
        other => format!("Done: {other}."),
    }
}
