//! Tests of the command-line definition.

use clap::{CommandFactory, Parser};

use super::*;

#[test]
fn verify_cli() {
    Cli::command().debug_assert();
}

#[track_caller]
fn check_rejected(args: &[&str], flag: &str) {
    let err = Cli::try_parse_from(args).expect_err("arguments are rejected");
    assert_eq!(err.exit_code(), 2);
    let text = err.to_string();
    assert!(text.contains(flag), "error names {flag}: {text}");
}

#[test]
fn bad_values_name_their_flag() {
    check_rejected(&["fed", "url", "--role-arn", "not-an-arn"], "--role-arn");
    check_rejected(
        &[
            "fed",
            "url",
            "--role-arn",
            "arn:aws:iam::123456789012:user/bob",
        ],
        "--role-arn",
    );
    check_rejected(&["fed", "url", "--duration", "10"], "--duration");
    check_rejected(
        &["fed", "url", "--session-name", "has space"],
        "--session-name",
    );
    check_rejected(&["fed", "url", "--service", "nosuch"], "--service");
    check_rejected(&["fed", "url", "--region", "mars"], "--region");
    check_rejected(&["fed", "url", "--partition", "aws-iso"], "--partition");
    check_rejected(&["fed", "url", "--policy", "everything"], "--policy");
    check_rejected(&["fed", "url", "--open", "--json"], "--json");
    check_rejected(
        &[
            "fed",
            "url",
            "--mfa-serial",
            "arn:aws:iam::123456789012:mfa/me",
            "--mfa-code",
            "12345",
        ],
        "--mfa-code",
    );
}

#[test]
fn durations_accept_units() {
    let cli = Cli::try_parse_from(["fed", "url", "--duration", "90m"]).expect("valid");
    let Command::Url(args) = cli.command else {
        panic!("url subcommand")
    };
    assert_eq!(args.duration.map(|d| d.seconds()), Some(5400));
}

#[test]
fn partitions_and_their_regions_parse() {
    let cli = Cli::try_parse_from([
        "fed",
        "url",
        "--partition",
        "aws-eusc",
        "--region",
        "eusc-de-east-1",
    ])
    .expect("valid");
    let Command::Url(args) = cli.command else {
        panic!("url subcommand")
    };
    assert_eq!(args.partition, Some(Partition::AwsEusc));
    assert_eq!(args.region.map(|r| r.partition()), Some(Partition::AwsEusc));
    check_rejected(&["fed", "url", "--region", "us-iso-east-1"], "--region");
}

#[test]
fn portal_and_issuer() {
    let cli = Cli::try_parse_from(["fed", "url", "--portal", "sso"]).expect("valid");
    let Command::Url(args) = cli.command else {
        panic!("url subcommand")
    };
    assert!(args.portal);
    assert_eq!(args.profile_name(), Some("sso"));
    // No --issuer is None, so that --portal can tell it was not given.
    assert_eq!(args.issuer, None);
}
