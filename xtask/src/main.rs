//! Project automation for the fed workspace, in the style of
//! [cargo-xtask](https://github.com/matklad/cargo-xtask): one binary with subcommands, run as
//! `cargo xtask <command>` through the alias in `.cargo/config.toml`.
//!
//! - `demo`: the seed scenario (create a role, wait for IAM, build a console sign-in URL, tear
//!   everything down), live on AWS or on the local stack with `--local`.
//! - `sweep`: finds roles left behind by demos that could not clean up, and removes them.
//! - `local`: runs the local stack (moto behind the STS rules gate, the federation emulator) in
//!   the foreground.
//! - `bench`: times the local demo, or `fed url` on five credential paths over https with latency,
//!   each next to the floor of the requests it needs, or fed-broker's added latency per session
//!   and role pages per second.
//! - `broker --local`: fed-broker on this machine, with the local stack and the test OpenID
//!   provider.
//!
//! The demo is also the worked example of depending on the library crates one by one: it uses
//! fed-core, fed-aws, fed-signin and fed-flow directly, and fed-local for the local stack. IAM,
//! which only the demo and the sweep need, is fed-aws's `iam` feature, which the `fed` binary
//! does not enable. Start reading at `demo.rs`.

/// Prints a line to stdout, ignoring errors: a closed stdout must not cut a teardown short.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Prints a line to stderr, ignoring errors, as [`say!`] does.
macro_rules! tell {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod bench;
mod broker;
mod build;
mod demo;
mod local;
mod signal;
mod sweep;
mod teardown;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Project automation for fed.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a role, sign in to the console as it, and tear it down again.
    Demo(demo::DemoArgs),
    /// Find roles left behind by demos and tear them down.
    Sweep(sweep::SweepArgs),
    /// Run the local stack in the foreground and print the environment to use it.
    ///
    /// moto sits behind the STS rules gate, which enforces what AWS enforces (trust policies,
    /// MFA, MaxSessionDuration, role chaining); the federation emulator refuses what the real
    /// endpoint refuses. See docs/local-stack.md.
    Local(local::LocalArgs),
    /// Time against the local stack: the demo (default), `fed url` next to its floor, or
    /// fed-broker.
    ///
    /// `cargo xtask bench demo` runs the demo with --yes N times and reports the median.
    /// `cargo xtask bench url` builds fed in release, starts the stack over https with
    /// --latency-ms (default 50) added to every request, and times `fed url` as a fresh process
    /// N times for each of five credential paths (--role-arn with keys, a role profile, a
    /// two-hop profile, an IAM Identity Center profile, a role session in the environment), next
    /// to the path's floor: its fewest sequential requests, made by clients created once. It
    /// prints a table of the medians, their ratio (target <= 1.1) and the requests of each.
    /// `cargo xtask bench broker` builds fed-broker in release, starts it with the local stack
    /// over https with --latency-ms and the test OpenID provider, and reports the latency it
    /// adds to --sessions issued sessions (p50/p99, target <= 5 ms at p99) and the role pages it
    /// serves per second under wrk (target >= 5,000).
    /// See docs/performance.md.
    Bench(bench::BenchArgs),
    /// Run fed-broker on this machine: the local stack, the test OpenID Provider with users
    /// alice, bob and carol (password = user name), and the broker on http://127.0.0.1:8080.
    ///
    /// See docs/broker.md.
    Broker(broker::BrokerArgs),
}

/// Exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Everything worked.
    Success,
    /// Something failed; the message says what.
    Failure,
    /// Interrupted with Ctrl-C (SIGINT), as shells report it: 128 + 2.
    Interrupted,
    /// Terminated with SIGTERM: 128 + 15.
    Terminated,
    /// The terminal hung up (SIGHUP): 128 + 1.
    HungUp,
    /// Quit with Ctrl-\ (SIGQUIT): 128 + 3.
    Quit,
    /// The demo panicked; the teardown still ran.
    Panicked,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HungUp => 129,
            Exit::Quit => 131,
            Exit::Panicked => 101,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // A blocking read of stdin may still be pending (the Enter prompt); do not wait for it.
    runtime.shutdown_background();
    match result {
        Ok(exit) => exit.into(),
        Err(err) => {
            eprintln!("error: {err:#}");
            Exit::Failure.into()
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Demo(args) => demo::run(args).await,
        Command::Sweep(args) => sweep::run(args).await,
        Command::Local(args) => local::run(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Broker(args) => broker::run(args).await,
    }
}

#[cfg(test)]
mod tests;
