//! Tests of the command line.

use clap::CommandFactory;

use crate::Cli;

#[test]
fn verify_cli() {
    Cli::command().debug_assert();
}

#[test]
fn hidden_switches_stay_out_of_the_help() {
    let mut command = Cli::command();
    let demo = command
        .find_subcommand_mut("demo")
        .expect("demo is a subcommand");
    let help = demo.render_long_help().to_string();
    for hidden in [
        "fail-after",
        "wait-without-tty",
        "simulate-propagation",
        "teardown-pause",
    ] {
        assert!(
            !help.contains(hidden),
            "{hidden} shows in the help:\n{help}"
        );
    }
    for shown in [
        "--local",
        "--yes",
        "--policy-arn",
        "--propagation-timeout",
        "--profile",
        "--region",
    ] {
        assert!(
            help.contains(shown),
            "{shown} is missing from the help:\n{help}"
        );
    }
}
