//! `cargo xtask bench`: times the local demo. The stack is started once; then the demo runs with
//! `--yes` N times against it, each run a fresh process, and the median wall time is reported.

use std::process::Stdio;
use std::time::{Duration, Instant};

use clap::Args;

use crate::Exit;

/// Options of `cargo xtask bench`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// How many demo runs to time.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) runs: u32,
}

/// Runs `cargo xtask bench`.
pub(crate) async fn run(args: BenchArgs) -> anyhow::Result<Exit> {
    let exe = std::env::current_exe()?;
    tell!("starting the local stack…");
    let stack = crate::local::start().await?;
    let environment = crate::local::environment(&stack);
    let mut times = Vec::new();
    for run in 1..=args.runs {
        let started = Instant::now();
        let output = tokio::process::Command::new(&exe)
            .args(["demo", "--yes"])
            .envs(environment.iter().map(|(k, v)| (k, v)))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("FED_DEMO_FAIL_AFTER")
            .env_remove("FED_DEMO_SIMULATE_PROPAGATION")
            .env_remove("FED_DEMO_TEARDOWN_PAUSE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .await?;
        let took = started.elapsed();
        if !output.status.success() {
            stack.shutdown().await;
            anyhow::bail!(
                "demo run {run} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        tell!("run {run}: {:.3}s", took.as_secs_f64());
        times.push(took);
    }
    stack.shutdown().await;
    let median = median(&mut times);
    say!(
        "cargo xtask demo --yes on the local stack: median {:.3}s over {} runs (min {:.3}s, max {:.3}s)",
        median.as_secs_f64(),
        times.len(),
        times.first().copied().unwrap_or_default().as_secs_f64(),
        times.last().copied().unwrap_or_default().as_secs_f64(),
    );
    Ok(Exit::Success)
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
