//! `fed`: turn AWS credentials into an AWS Management Console sign-in URL.
//!
//! The binary is thin: [`cli`] defines the flags (validated by fed-core's
//! types), [`login`] runs the flow over fed-aws and fed-signin, and [`output`]
//! prints or opens the result. Only the URL (or `--json`) goes to stdout;
//! notices, logs and errors go to stderr.

#[cfg(test)]
mod assets;
mod browser;
mod cli;
mod complete;
mod deliver;
mod env_vars;
mod failure;
mod hardening;
mod login;
mod notices;
mod open;
mod output;
mod picker;
mod policy_alias;
mod portal;
mod printable;
mod services;
mod suggest;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::failure::Failure;
use crate::printable::printable;

fn main() -> ExitCode {
    hardening::no_core_dumps();
    complete::answer_if_asked();
    let args: Vec<OsString> = std::env::args_os().collect();
    let command = env_vars::ignore_empty(Cli::command());
    let cli = match command
        .clone()
        .try_get_matches_from(&args)
        .and_then(|matches| {
            let mut cli = Cli::from_arg_matches(&matches)?;
            if let (Command::Url(url), Some((_, sub))) = (&mut cli.command, matches.subcommand()) {
                url.from_variables = env_vars::from_variables(sub);
            }
            Ok(cli)
        }) {
        Ok(cli) => cli,
        Err(err) => {
            let err = err.with_cmd(&command);
            return usage_error(&err, env_vars::name_variable(&err, &command, &args));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report(&err),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Completions { shell } => complete::print_registration(shell),
        Command::ClipboardHold => deliver::clip::hold(),
        Command::Services => {
            for line in services::lines() {
                output::print_line(&line)?;
            }
            Ok(())
        }
        Command::Url(args) => {
            init_tracing(args.verbose);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime.block_on(login::run(*args))
        }
    }
}

/// Prints `error: …` (and `hint: …`) on stderr and picks the exit code:
/// 2 for usage errors, 1 for everything else.
fn report(err: &anyhow::Error) -> ExitCode {
    if err.downcast_ref::<picker::Cancelled>().is_some() {
        return ExitCode::from(130);
    }
    let mut stderr = std::io::stderr().lock();
    match err.downcast_ref::<Failure>() {
        Some(failure) => {
            let _ = writeln!(stderr, "error: {}", printable(&failure.message));
            if let Some(hint) = &failure.hint {
                let _ = writeln!(stderr, "hint: {}", printable(hint));
            }
            ExitCode::from(if failure.usage { 2 } else { 1 })
        }
        None => {
            let _ = writeln!(stderr, "error: {}", printable(&format!("{err:#}")));
            ExitCode::from(1)
        }
    }
}

/// Reports a command-line error as one `error: …` line, plus a `hint: …` line
/// when clap has a tip, with exit code 2. Help, `--version` and a missing
/// subcommand keep clap's own output.
fn usage_error(err: &clap::Error, rendered: Option<String>) -> ExitCode {
    use clap::error::ErrorKind;
    if !err.use_stderr() || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        err.exit();
    }
    let (message, hint) = one_line_usage(&rendered.unwrap_or_else(|| err.to_string()));
    let hint = hint.or_else(|| unsupported_partition_hint(err));
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", printable(&message));
    if let Some(hint) = hint {
        let _ = writeln!(stderr, "hint: {}", printable(&hint));
    }
    ExitCode::from(2)
}

/// The hint for a value of a partition fed does not support (an ISO partition's name or
/// region).
fn unsupported_partition_hint(err: &clap::Error) -> Option<String> {
    let source = std::error::Error::source(err)?;
    match source.downcast_ref::<fed_core::Error>()? {
        fed_core::Error::UnsupportedPartition(name) => Some(format!(
            "fed does not sign in to {name}, not even with --signin-endpoint and a full console URL in --destination: it knows no federation endpoint or console host there"
        )),
        _ => None,
    }
}

/// The message of clap's rendered error on one line (with its list of
/// possible values, and the arguments it lists after a `:`, such as the
/// missing ones), and its tip; the usage and "for more information" lines
/// are dropped.
fn one_line_usage(text: &str) -> (String, Option<String>) {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    let mut hint = None;
    let mut listed: Vec<&str> = Vec::new();
    for line in lines {
        if message.ends_with(':')
            && hint.is_none()
            && (line.starts_with('<') || line.starts_with('-'))
        {
            listed.push(line);
        } else if line.starts_with("[possible values:") {
            message = format!("{message} {line}");
        } else if let Some(tip) = line.strip_prefix("tip: ") {
            hint = Some(tip.to_owned());
        }
    }
    if !listed.is_empty() {
        message = format!("{message} {}", listed.join(", "));
    }
    (message, hint)
}

/// Logs go to stderr: off unless `-v` or `RUST_LOG` asks for them, and coloured only on a
/// terminal when `NO_COLOR` is unset or empty.
fn init_tracing(verbose: u8) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "off",
        1 => "fed=debug,fed_flow=debug,fed_aws=debug,fed_signin=debug",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .without_time()
        .try_init();
}

#[cfg(test)]
mod tests;
