//! `fed-broker explain` (part of the binary, not the library): a question put to the effective
//! policies from the command line, answered with allow or deny and the policies that decided.
//! Every flag's value is checked here; a bad one is one `error:` line naming the flag and what
//! it may be.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::anyhow;
use fed_broker::{Access, Action, Config, Facts, MAX_AMR, Question, Rules};
use fed_core::RoleArn;

/// The flags of `fed-broker explain`. All are checked by [`run`], so that a missing or bad one
/// is one line.
#[derive(Debug, clap::Args)]
pub(crate) struct Flags {
    /// The configuration file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The person, as the broker names them (the user claim, such as an email).
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// Their groups, separated by commas ("" for none).
    #[arg(long, value_name = "G1,G2")]
    groups: Option<String>,
    /// The role's ARN.
    #[arg(long, value_name = "ARN")]
    role: Option<String>,
    /// What they ask: use (the default), request or approve.
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// How the provider authenticated them (the id_token's amr), separated by commas.
    #[arg(long, value_name = "M1,M2")]
    amr: Option<String>,
    /// Their address (127.0.0.1 unless given).
    #[arg(long, value_name = "IP")]
    source_ip: Option<String>,
    /// When they ask, as RFC 3339 (now unless given), such as 2026-03-02T09:30:00Z.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// The length asked: the session's for use (the role's max_session unless given), the
    /// grant's for request (the role's max_grant unless given).
    #[arg(long, value_name = "DURATION")]
    duration: Option<String>,
    /// For approve: who asked for the grant.
    #[arg(long, value_name = "USER")]
    requester: Option<String>,
    /// For use of a role of access "request": the person holds an active grant.
    #[arg(long)]
    grant: bool,
}

/// The most groups a question names.
const MAX_GROUPS: usize = 1000;

/// A name from the command line: not empty, on one line, not too long.
fn name(flag: &str, value: &str, what: &str) -> anyhow::Result<String> {
    let value = value.trim();
    if value.is_empty() || value.len() > 1024 || value.chars().any(char::is_control) {
        return Err(anyhow!(
            "{flag}: expected {what}, without control characters"
        ));
    }
    Ok(value.to_owned())
}

/// A list separated by commas; empty for "".
fn list(flag: &str, value: &str, what: &str, max: usize) -> anyhow::Result<Vec<String>> {
    let items: Vec<String> = value
        .split(',')
        .filter(|item| !item.trim().is_empty())
        .map(|item| name(flag, item, what))
        .collect::<Result<_, _>>()?;
    if items.len() > max {
        return Err(anyhow!("{flag}: expected at most {max} {what}"));
    }
    Ok(items)
}

/// Answers the question the flags ask: `allow` or `deny`, then the policies that decided, one
/// a line.
pub(crate) fn run(flags: &Flags) -> anyhow::Result<String> {
    let missing = |flag: &str, what: &str| anyhow!("{flag}: missing; expected {what}");
    let config = flags
        .config
        .as_deref()
        .ok_or_else(|| missing("--config", "the configuration file"))?;
    let user = flags
        .user
        .as_deref()
        .ok_or_else(|| missing("--user", "the user as the broker names them"))?;
    let user = name(
        "--user",
        user,
        "the user as the broker names them (such as alice@example.com)",
    )?;
    let groups = flags.groups.as_deref().ok_or_else(|| {
        missing(
            "--groups",
            "the user's groups, separated by commas (\"\" for none)",
        )
    })?;
    let groups = list(
        "--groups",
        groups,
        "group names separated by commas",
        MAX_GROUPS,
    )?;
    let role = flags
        .role
        .as_deref()
        .ok_or_else(|| missing("--role", "a role ARN"))?;
    let role: RoleArn = role.trim().parse().map_err(|_| {
        anyhow!("--role: expected a role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME")
    })?;
    let action: Action = match flags.action.as_deref() {
        None => Action::Use,
        Some(text) => text
            .parse()
            .map_err(|()| anyhow!("--action: expected use, request or approve"))?,
    };
    let amr = match flags.amr.as_deref() {
        None => Vec::new(),
        Some(text) => list(
            "--amr",
            text,
            "authentication methods separated by commas, such as pwd,mfa",
            MAX_AMR,
        )?,
    };
    let source_ip: IpAddr = match flags.source_ip.as_deref() {
        None => Ipv4Addr::LOCALHOST.into(),
        Some(text) => text.trim().parse().map_err(|_| {
            anyhow!("--source-ip: expected an IPv4 or IPv6 address, such as 192.0.2.10")
        })?,
    };
    let now = match flags.at.as_deref() {
        None => SystemTime::now(),
        Some(text) => {
            time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
                .map(SystemTime::from)
                .map_err(|_| {
                    anyhow!("--at: expected a time as RFC 3339, such as 2026-03-02T09:30:00Z")
                })?
        }
    };
    let duration = flags
        .duration
        .as_deref()
        .map(|text| {
            fed_core::parse_duration(text)
                .map_err(|_| anyhow!("--duration: expected a duration such as 3600, 90m or 1h30m"))
        })
        .transpose()?;
    let requester = flags
        .requester
        .as_deref()
        .map(|text| {
            name(
                "--requester",
                text,
                "the user who asked, as the broker names them",
            )
        })
        .transpose()?;

    let config = Config::load(config)?;
    let (rules, _) = Rules::load(&config)?;
    let entitlement = rules.entitlements().role(&role.to_string());
    // Unless given, the length the broker would ask: the role's longest.
    let longest = match (action, entitlement) {
        (Action::Use, Some(e)) => Some(e.max_session),
        (Action::Request, Some(e)) => match &e.access {
            Access::Request { max_grant, .. } => Some(*max_grant),
            _ => None,
        },
        _ => None,
    };
    let duration = duration.or(longest);
    let answer = rules.policies().decide(&Question {
        user: &user,
        groups: &groups,
        role: &role,
        action,
        facts: Facts {
            amr,
            source_ip,
            now,
            duration,
            requester,
            grant: flags.grant,
        },
    });
    let mut out = String::from(if answer.allowed { "allow\n" } else { "deny\n" });
    let by = if answer.allowed {
        "permitted by"
    } else {
        "forbidden by"
    };
    for policy in &answer.policies {
        out += &format!("{by}: {policy}\n");
    }
    if answer.policies.is_empty() {
        out += "no policy permits it\n";
    }
    Ok(out)
}
