//! `cargo xtask bench`: timings against the local stack, which is started once per invocation.
//!
//! - `demo` (the default, [`demo`]) runs the demo with `--yes` N times, each run a fresh
//!   process, and reports the median wall time.
//! - `url` ([`url`]) times what a user waits for: the release `fed url`, a fresh process each
//!   run, on the local stack over https with latency added to every request, for five credential
//!   paths ([`paths`]), next to the floor of each path ([`floor`]): the fewest requests the path
//!   needs, made in sequence by clients created once.

mod broker;
mod demo;
mod fed;
mod floor;
mod paths;
mod sign_in;
mod url;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::Exit;

/// Options of `cargo xtask bench`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// What to time.
    #[arg(value_enum, default_value_t = Benchmark::Demo)]
    pub(crate) benchmark: Benchmark,

    /// How many timed runs (for `url`: of each path, after one untimed warm-up run).
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) runs: u32,

    /// Extra environment for the `fed` runs of `url` (repeatable), e.g. `RUST_LOG=debug`.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    pub(crate) env: Vec<(String, String)>,

    /// For `url`: milliseconds the local stack adds to every answer, standing for the round
    /// trip to AWS.
    #[arg(long, value_name = "MS", default_value_t = 50)]
    pub(crate) latency_ms: u64,

    /// For `broker`: how many console sessions to issue, timed one by one.
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) sessions: u32,
}

/// Parses `KEY=VALUE`.
fn parse_env(input: &str) -> Result<(String, String), String> {
    match input.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {input:?}")),
    }
}

/// The benchmarks of `cargo xtask bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Benchmark {
    /// The local demo (`cargo xtask demo --yes`), each run a fresh process.
    Demo,
    /// `fed url` time-to-URL (release build, each run a fresh process) for five credential
    /// paths on the local stack over https with latency, next to each path's floor: its fewest
    /// sequential requests, made by clients created once.
    Url,
    /// fed-broker in release on the local stack over https with --latency-ms: the latency it
    /// adds to each issued session over its two calls to AWS (p50/p99, --sessions of them), and
    /// the signed-in role pages it serves per second on one replica (with wrk).
    Broker,
    /// Internal: the floor process of `url`, which times the floor's requests on request.
    #[value(hide = true)]
    Floor,
}

/// Runs `cargo xtask bench`.
pub(crate) async fn run(args: BenchArgs) -> anyhow::Result<Exit> {
    match args.benchmark {
        Benchmark::Demo => demo::run(args.runs).await,
        Benchmark::Url => url::run(&args).await,
        Benchmark::Broker => broker::run(&args).await,
        Benchmark::Floor => floor::serve().await,
    }
    .map(|()| Exit::Success)
}

/// Builds `fed` in release with the cargo that runs this xtask, and returns its path.
async fn build_fed() -> anyhow::Result<PathBuf> {
    crate::build::binary("fed-cli", "fed", crate::build::Profile::Release).await
}

/// Median, minimum and maximum of a set of timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) median: Duration,
    pub(crate) min: Duration,
    pub(crate) max: Duration,
}

impl Summary {
    /// Summarizes `times`, sorting them.
    pub(crate) fn of(times: &mut [Duration]) -> Summary {
        times.sort();
        Summary {
            median: median(times),
            min: times.first().copied().unwrap_or_default(),
            max: times.last().copied().unwrap_or_default(),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {:.1} ms (min {:.1} ms, max {:.1} ms)",
            millis(self.median),
            millis(self.min),
            millis(self.max)
        )
    }
}

/// A duration in milliseconds.
fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The median; sorts `times`.
pub(crate) fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    match times.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => times[n / 2],
        n => (times[n / 2 - 1] + times[n / 2]) / 2,
    }
}

/// The 1-minute load average from `/proc/loadavg`, where there is one.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next().map(str::to_owned)
}
