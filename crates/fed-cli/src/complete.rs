//! Shell completion of values, not just flags: profile names (read from the AWS config files
//! as the shell completes), services, `--policy` aliases, partitions and regions.
//!
//! The shell calls `fed` back on each Tab (`COMPLETE=bash fed -- fed url pro…`, through
//! clap_complete's dynamic completion), so the candidates are always those of the current
//! config files and of this version of fed. `fed completions SHELL` prints the script that
//! registers this for a shell; it is what `COMPLETE=SHELL fed` prints.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap_complete::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use fed_core::{Partition, Service};

/// The environment variable that turns a run of `fed` into a completion request.
pub(crate) const VARIABLE: &str = "COMPLETE";

/// Answers a completion request when `COMPLETE` names a shell, and exits; otherwise returns.
pub(crate) fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(<crate::cli::Cli as clap::CommandFactory>::command)
        .var(VARIABLE)
        .complete();
}

/// Prints the script that registers fed's completions with `shell`.
pub(crate) fn print_registration(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let script = registration(shell, &this_program())?;
    std::io::stdout().lock().write_all(&script)?;
    Ok(())
}

/// The script that registers fed's completions with `shell`, calling `program` back at each
/// Tab. The release archives carry it for `fed` found on PATH.
pub(crate) fn registration(shell: clap_complete::Shell, program: &str) -> anyhow::Result<Vec<u8>> {
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Zsh => &Zsh,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::PowerShell => &Powershell,
        other => anyhow::bail!("no completions for {other}"),
    };
    let mut script = Vec::new();
    completer.write_registration(VARIABLE, "fed", "fed", program, &mut script)?;
    Ok(script)
}

/// How the shell should call fed back: as it was called (`fed` from PATH), or by its absolute
/// path when it was called by a path.
fn this_program() -> String {
    let called: PathBuf = std::env::args_os()
        .next()
        .unwrap_or_else(|| OsString::from("fed"))
        .into();
    if called.components().count() > 1
        && let Ok(dir) = std::env::current_dir()
    {
        return dir.join(called).to_string_lossy().into_owned();
    }
    called.to_string_lossy().into_owned()
}

fn candidate(value: &str, help: String) -> CompletionCandidate {
    CompletionCandidate::new(value).help(Some(help.into()))
}

/// The profiles of the AWS config files, with their kind, account and role; none when the
/// files cannot be read (a completion never fails loudly).
pub(crate) fn profiles() -> Vec<CompletionCandidate> {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().build() else {
        return Vec::new();
    };
    let Ok(profiles) = runtime.block_on(fed_flow::profiles()) else {
        return Vec::new();
    };
    profiles
        .iter()
        .map(|profile| {
            candidate(
                &profile.name,
                crate::printable::printable(&crate::picker::describe(profile)).into_owned(),
            )
        })
        .collect()
}

/// The shortcuts and aliases of the service catalogue.
pub(crate) fn services() -> Vec<CompletionCandidate> {
    Service::all()
        .map(|service| {
            let scope = if service.is_global() {
                "global"
            } else {
                "regional"
            };
            candidate(service.name(), format!("{} ({scope})", service.path()))
        })
        .chain(
            Service::aliases()
                .map(|(alias, service)| candidate(alias, format!("= {}", service.name()))),
        )
        .collect()
}

/// The `--policy` aliases; a policy ARN is typed in full.
pub(crate) fn policies() -> Vec<CompletionCandidate> {
    crate::policy_alias::ALIASES
        .iter()
        .map(|(alias, policy)| candidate(alias, format!("AWS managed policy {policy}")))
        .collect()
}

/// The partitions that offer console federation.
pub(crate) fn partitions() -> Vec<CompletionCandidate> {
    Partition::ALL
        .iter()
        .map(|partition| {
            candidate(
                partition.as_str(),
                format!("console at {}", partition.console_host(None)),
            )
        })
        .collect()
}

/// The public regions of every partition.
pub(crate) fn regions() -> Vec<CompletionCandidate> {
    Partition::ALL
        .iter()
        .flat_map(|partition| {
            partition
                .regions()
                .iter()
                .map(move |region| candidate(region, partition.as_str().to_owned()))
        })
        .collect()
}
/// The browsers `--browser` knows by name.
pub(crate) fn browsers() -> Vec<CompletionCandidate> {
    crate::browser::Named::ALL
        .iter()
        .map(|named| {
            let family = if named.is_chromium() {
                "Chromium family: --browser-profile works"
            } else {
                "browser"
            };
            candidate(named.name(), family.to_owned())
        })
        .collect()
}

/// The colours of `--container-color`.
pub(crate) fn container_colors() -> Vec<CompletionCandidate> {
    crate::browser::Color::ALL
        .iter()
        .map(|c| CompletionCandidate::new(c.name()))
        .collect()
}

/// The icons of `--container-icon`.
pub(crate) fn container_icons() -> Vec<CompletionCandidate> {
    crate::browser::Icon::ALL
        .iter()
        .map(|i| CompletionCandidate::new(i.name()))
        .collect()
}

#[cfg(test)]
mod tests;
