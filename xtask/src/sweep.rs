//! `cargo xtask sweep`: finds roles carrying the demo tag (left behind by a demo that was killed
//! before it could tear down, or whose teardown IAM did not let finish) and removes them. It
//! lists first, and deletes only with `--yes`: each role as the demo's teardown does, only if it
//! still carries the `fed:demo` tag it was listed with.

use std::time::{Duration, SystemTime};

use clap::Args;
use fed_aws::{Budget, ConfigOptions, Iam, IamClient, Role};
use fed_core::RoleName;

use crate::Exit;
use crate::demo::event::Event;
use crate::demo::tags::{CREATED_AT_TAG, DEMO_TAG, parse_rfc3339};
use crate::demo::terminal;
use crate::signal::Signals;
use crate::teardown::{BUDGET, DemoRole, remove_if_ours};

/// Options of `cargo xtask sweep`.
#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// Only roles created longer ago than this: 30m, 2h, 1d.
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub(crate) older_than: Option<Duration>,

    /// Tear the roles down; without it they are only listed.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,

    /// Only this role (it must carry the demo tag).
    #[arg(long, value_name = "NAME", value_parser = parse_role_name)]
    pub(crate) role: Option<RoleName>,

    /// Named profile from the AWS config files.
    #[arg(long)]
    pub(crate) profile: Option<String>,

    /// Region of the IAM calls.
    #[arg(long)]
    pub(crate) region: Option<String>,
}

/// The `cargo xtask sweep` command that removes one role, with the profile and region the demo
/// was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SweepCommand {
    pub(crate) profile: Option<String>,
    pub(crate) region: Option<String>,
}

impl SweepCommand {
    /// The command line that removes `role`.
    pub(crate) fn for_role(&self, role: &RoleName) -> String {
        let mut command = format!("cargo xtask sweep --role {role} --yes");
        for (flag, value) in [("--profile", &self.profile), ("--region", &self.region)] {
            if let Some(value) = value {
                command.push_str(&format!(" {flag} {}", shell_word(value)));
            }
        }
        command
    }
}

/// `word` as a shell reads it back: quoted when it holds anything but safe characters.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./@:+=,".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A duration as `fed_core::parse_duration` reads it, or a number of days such as `1d`.
fn parse_age(s: &str) -> Result<Duration, String> {
    if let Some(Ok(days)) = s.strip_suffix('d').map(str::parse::<u64>) {
        return Ok(Duration::from_secs(days.saturating_mul(86_400)));
    }
    fed_core::parse_duration(s).map_err(|e| format!("{e}, or a number of days (1d)"))
}

fn parse_role_name(s: &str) -> Result<RoleName, String> {
    RoleName::new(s).map_err(|e| e.to_string())
}

/// Runs `cargo xtask sweep`.
pub(crate) async fn run(args: SweepArgs) -> anyhow::Result<Exit> {
    let events = terminal::events();
    let stop = {
        let events = events.clone();
        Signals::install()?
            .first(move |stop| events.emit(Event::StopWhileFinishing { stop, role: None }))
    };
    let sdk = fed_aws::load_sdk_config(&{
        let mut options = ConfigOptions::default();
        options.region = args.region.clone();
        options.profile = args.profile.clone();
        options
    })
    .await;
    let iam = IamClient::new(&sdk);
    let found = tokio::select! {
        found = iam.roles_tagged(DEMO_TAG) => found?,
        stop = stop => return Ok(stop.exit()),
    };
    // From here on, signals only say that the sweep is finishing.
    let now = SystemTime::now();
    let roles: Vec<&Role> = found
        .iter()
        .filter(|role| args.role.as_ref().is_none_or(|name| &role.name == name))
        .filter(|role| match args.older_than {
            None => true,
            // A role whose age is unknown is included: it may be an old leftover.
            Some(min) => created_at(role)
                .and_then(|at| now.duration_since(at).ok())
                .is_none_or(|age| age >= min),
        })
        .collect();
    if roles.is_empty() {
        say!("No demo roles found (roles tagged {DEMO_TAG}).");
        return Ok(Exit::Success);
    }
    say!("Demo roles (tagged {DEMO_TAG}):");
    for role in &roles {
        let created = role.tag(CREATED_AT_TAG).unwrap_or("unknown");
        say!("  {}  created {created}  {}", role.name, role.arn);
    }
    if !args.yes {
        say!("Run again with --yes to tear them down.");
        return Ok(Exit::Success);
    }
    let command = SweepCommand {
        profile: args.profile,
        region: args.region,
    };
    let mut clean = true;
    for role in roles {
        let demo_role = DemoRole {
            name: &role.name,
            run_id: role.tag(DEMO_TAG).unwrap_or_default(),
            create_unanswered: false,
        };
        let budget = Budget::start(BUDGET);
        let sweep = command.for_role(&role.name);
        clean &= remove_if_ours(&iam, &demo_role, &budget, &sweep, &events).await;
    }
    Ok(if clean { Exit::Success } else { Exit::Failure })
}

fn created_at(role: &Role) -> Option<SystemTime> {
    role.tag(CREATED_AT_TAG).and_then(parse_rfc3339)
}
