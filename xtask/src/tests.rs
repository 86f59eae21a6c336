//! Tests of the command line.

use clap::CommandFactory;

use std::time::Duration;

use crate::Cli;
use crate::bench::{Summary, median};

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
    for hidden in ["fail-after", "wait-without-tty", "teardown-pause"] {
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

#[test]
fn medians_of_odd_and_even_counts() {
    let ms = Duration::from_millis;
    assert_eq!(median(&mut []), Duration::ZERO);
    assert_eq!(median(&mut [ms(3), ms(1), ms(2)]), ms(2));
    assert_eq!(median(&mut [ms(4), ms(1), ms(2), ms(3)]), ms(2) + ms(1) / 2);
    assert_eq!(
        Summary::of(&mut [ms(5), ms(1), ms(9)]),
        Summary {
            median: ms(5),
            min: ms(1),
            max: ms(9)
        }
    );
}

#[test]
fn bench_help_names_both_benchmarks() {
    let mut command = Cli::command();
    let bench = command
        .find_subcommand_mut("bench")
        .expect("bench is a subcommand");
    let help = bench.render_long_help().to_string();
    for shown in ["demo", "url", "--runs", "--env", "floor"] {
        assert!(
            help.contains(shown),
            "{shown} is missing from the help:\n{help}"
        );
    }
}

#[test]
fn sweep_commands_carry_the_profile_and_region() {
    use crate::sweep::SweepCommand;
    let role = fed_core::RoleName::new("fed-demo-x").expect("a role name");
    let check = |profile: Option<&str>, region: Option<&str>, expect: &str| {
        let command = SweepCommand {
            profile: profile.map(str::to_owned),
            region: region.map(str::to_owned),
        };
        assert_eq!(command.for_role(&role), expect);
    };
    check(None, None, "cargo xtask sweep --role fed-demo-x --yes");
    check(
        Some("dev"),
        Some("eu-west-1"),
        "cargo xtask sweep --role fed-demo-x --yes --profile dev --region eu-west-1",
    );
    check(
        Some("my profile's"),
        None,
        r"cargo xtask sweep --role fed-demo-x --yes --profile 'my profile'\''s'",
    );
}
