//! Tests of how command-line errors are reported.

use clap::Parser;

use super::*;

#[track_caller]
fn check(args: &[&str], message: &str, hint: Option<&str>) {
    let err = Cli::try_parse_from(args).expect_err("arguments are rejected");
    let (got_message, got_hint) = one_line_usage(&err.to_string());
    assert_eq!(got_message, message);
    assert_eq!(got_hint.as_deref(), hint);
}

#[test]
fn usage_errors_fit_on_one_line() {
    check(
        &["fed", "url", "--rol", "x"],
        "unexpected argument '--rol' found",
        Some("a similar argument exists: '--role-arn'"),
    );
    check(
        &["fed", "url", "--service", "iam", "--destination", "/x"],
        "the argument '--service <SERVICE>' cannot be used with '--destination <URL_OR_PATH>'",
        None,
    );
    check(
        &["fed", "completions"],
        "the following required arguments were not provided: <SHELL>",
        None,
    );
    check(
        &["fed", "completions", "nosh"],
        "invalid value 'nosh' for '<SHELL>' [possible values: bash, elvish, fish, powershell, zsh]",
        Some("a similar value exists: 'zsh'"),
    );
}
