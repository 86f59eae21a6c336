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

/// ISO partitions, by name or region, are refused with a hint naming both endpoint flags; a
/// supported partition's mistake gets no such hint.
#[test]
fn iso_partitions_name_the_endpoint_flags() {
    for args in [
        &["fed", "url", "--partition", "aws-iso-b"][..],
        &["fed", "url", "--region", "us-isof-south-1"][..],
        &["fed", "url", "--signin-region", "eu-isoe-west-1"][..],
    ] {
        let err = Cli::try_parse_from(args).expect_err("arguments are rejected");
        let (message, _) = one_line_usage(&err.to_string());
        assert!(message.contains("unsupported partition"), "{message}");
        let hint = unsupported_partition_hint(&err).expect("a hint");
        assert!(
            hint.contains("--signin-endpoint") && hint.contains("--destination"),
            "{hint}"
        );
    }
    let err = Cli::try_parse_from(["fed", "url", "--partition", "aws-eu"]).expect_err("rejected");
    assert_eq!(unsupported_partition_hint(&err), None);
}
