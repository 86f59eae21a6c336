//! `cargo xtask sweep`: finds roles carrying the demo tag (left behind by a demo that was killed
//! before it could tear down) and removes them. It lists first, and deletes only with `--yes`.

use std::time::{Duration, SystemTime};

use clap::Args;
use fed_aws::{ConfigOptions, Iam, IamClient, Role};
use fed_core::RoleName;

use crate::Exit;
use crate::demo::{CREATED_AT_TAG, DEMO_TAG, parse_rfc3339};
use crate::signal::Signals;
use crate::teardown;

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

/// A duration as `fed_core::parse_duration` reads it, or a number of days such as `1d`.
fn parse_age(s: &str) -> Result<Duration, String> {
    if let Some(Ok(days)) = s.strip_suffix('d').map(str::parse::<u64>) {
        return Ok(Duration::from_secs(days.saturating_mul(86_400)));
    }
    crate::demo::parse_duration(s).map_err(|e| format!("{e}, or a number of days (1d)"))
}

fn parse_role_name(s: &str) -> Result<RoleName, String> {
    RoleName::new(s).map_err(|e| e.to_string())
}

/// Runs `cargo xtask sweep`.
pub(crate) async fn run(args: SweepArgs) -> anyhow::Result<Exit> {
    let mut signals = Signals::install()?;
    let sdk = fed_aws::load_sdk_config(&ConfigOptions {
        region: args.region.clone(),
        profile: args.profile.clone(),
        endpoint_url: None,
    })
    .await;
    let iam = IamClient::new(&sdk);
    let found = tokio::select! {
        found = iam.list_roles_by_tag(DEMO_TAG, None) => found?,
        stop = signals.recv() => return Ok(stop.exit()),
    };
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
        let created = role
            .tags
            .iter()
            .find(|t| t.key == CREATED_AT_TAG)
            .map_or("unknown", |t| t.value.as_str());
        say!("  {}  created {created}  {}", role.name, role.arn);
    }
    if !args.yes {
        say!("Run again with --yes to tear them down.");
        return Ok(Exit::Success);
    }
    let mut clean = true;
    for role in roles {
        clean &= teardown::remove_role(&iam, &role.name, &mut signals).await;
    }
    Ok(if clean { Exit::Success } else { Exit::Failure })
}

fn created_at(role: &Role) -> Option<SystemTime> {
    role.tags
        .iter()
        .find(|t| t.key == CREATED_AT_TAG)
        .and_then(|t| parse_rfc3339(&t.value))
}
