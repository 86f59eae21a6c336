//! `cargo xtask broker --local`: fed-broker with everything it needs on this machine, in one
//! command. The local stack stands for AWS (with roles for the broker to hand out), the test
//! OpenID Provider for the company's sign-in (with three users), a throw-away PostgreSQL for
//! the store of records and just-in-time grants (bob asks, alice approves), and the broker is
//! configured for all three; its audit records follow on stdout until Ctrl-C stops it all.

mod provider;
pub(crate) mod world;

use std::time::Duration;

use clap::Args;
use fed_local::Options;

use crate::Exit;
use crate::build::Profile;
use crate::signal::Signals;
use world::{JUST_IN_TIME, REQUEST_ROLE, USERS, World, WorldOptions};

/// Options of `cargo xtask broker`.
#[derive(Debug, Clone, Args)]
pub(crate) struct BrokerArgs {
    /// Run on the local stack, with the test OpenID Provider (the only way this command runs;
    /// see docs/broker.md to run the broker against AWS).
    #[arg(long, required = true)]
    local: bool,
    /// The port the broker listens on, on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Milliseconds the local stack adds to every answer, standing for the round trip to AWS.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
}

/// Runs `cargo xtask broker --local`.
pub(crate) async fn run(args: BrokerArgs) -> anyhow::Result<Exit> {
    let mut signals = Signals::install()?;
    let broker = crate::build::binary("fed-broker", "fed-broker", Profile::Debug).await?;
    tell!("starting the local stack, the OpenID Provider and fed-broker…");
    let options = WorldOptions {
        broker,
        port: args.port,
        stack: Options::new().latency(Duration::from_millis(args.latency_ms)),
        extra_config: String::new(),
        dir: crate::build::target_dir().join("broker-local"),
        show_output: true,
        store: true,
        more_entitlements: String::new(),
    };
    let world = tokio::select! {
        world = World::start(options) => world?,
        stop = signals.recv() => return Ok(stop.exit()),
    };
    tell!("");
    tell!("fed-broker is up: open {}", world.url);
    tell!(
        "Sign in at the test OpenID Provider ({}) as one of these users;",
        world.issuer()
    );
    tell!("the password is the user name:");
    for (user, groups, roles) in USERS {
        tell!("  {user:<6} groups {groups:<22} roles {roles}");
    }
    tell!("Just-in-time access to {}:", REQUEST_ROLE.0);
    for (user, what) in JUST_IN_TIME {
        tell!("  {user:<6} {what}");
    }
    tell!("Opening a role's console lands on the local stack's console page.");
    tell!(
        "The configuration is {} (and entitlements.toml beside it);",
        world.config.display()
    );
    if let Some(pid) = world.broker_pid() {
        tell!("edit the entitlements, then `kill -HUP {pid}` to reload them.");
    }
    tell!("Audit records follow on stdout, one JSON line each. Press Ctrl-C to stop.");
    let stop = signals.recv().await;
    tell!(
        "{} received: stopping the broker, the provider and the stack…",
        stop.name()
    );
    world.stop().await;
    Ok(Exit::Success)
}
