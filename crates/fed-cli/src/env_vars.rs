//! The environment variables behind flags (`AWS_REGION`, `FED_DURATION`, …): an empty one counts
//! as unset, and a bad value is reported under the variable's name, not the flag's.

use std::ffi::{OsStr, OsString};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command};

/// `command` with the environment variables that are set but empty taken off their flags, so
/// that `AWS_REGION=` means what no `AWS_REGION` means.
pub(crate) fn ignore_empty(command: Command) -> Command {
    fn without_empty(arg: Arg) -> Arg {
        let empty = arg
            .get_env()
            .and_then(std::env::var_os)
            .is_some_and(|value| value.is_empty());
        if empty { arg.env(None) } else { arg }
    }
    command
        .mut_args(without_empty)
        .mut_subcommands(|sub| sub.mut_args(without_empty))
}

/// For a bad value that came from an environment variable (the flag is not on the command
/// line, `args`), clap's message with the variable named in place of the flag.
pub(crate) fn name_variable(
    err: &clap::Error,
    command: &Command,
    args: &[OsString],
) -> Option<String> {
    if !matches!(
        err.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(shown)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let arg = command
        .get_arguments()
        .chain(command.get_subcommands().flat_map(Command::get_arguments))
        .find(|arg| {
            arg.get_long().is_some_and(|long| {
                let flag = format!("--{long}");
                *shown == flag || shown.starts_with(&format!("{flag} "))
            })
        })?;
    let long = format!("--{}", arg.get_long()?);
    let on_command_line = args.iter().any(|a| {
        a.to_str()
            .is_some_and(|a| a == long || a.starts_with(&format!("{long}=")))
    });
    let variable = arg.get_env().map(OsStr::to_string_lossy)?;
    if on_command_line || std::env::var_os(variable.as_ref()).is_none() {
        return None;
    }
    Some(
        err.to_string()
            .replacen(&format!("'{shown}'"), &variable, 1),
    )
}

/// The ids of the arguments of `matches` (a subcommand's) whose value came from an environment
/// variable rather than the command line.
pub(crate) fn from_variables(matches: &ArgMatches) -> Vec<String> {
    matches
        .ids()
        .filter(|id| matches.value_source(id.as_str()) == Some(ValueSource::EnvVariable))
        .map(|id| id.as_str().to_owned())
        .collect()
}
