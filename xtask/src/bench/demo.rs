//! `cargo xtask bench demo`: the demo with `--yes`, N times, each run a fresh process, on the
//! local stack with its default options (plain http, no latency).

use std::process::Stdio;
use std::time::Instant;

use fed_local::LocalStack;

use super::{Summary, load_average};

/// Starts the stack, times the demo `runs` times, and stops the stack.
pub(super) async fn run(runs: u32) -> anyhow::Result<()> {
    tell!("starting the local stack…");
    let stack = crate::local::start().await?;
    let load_before = load_average();
    let result = demo(&stack, runs).await;
    stack.shutdown().await;
    if let (Some(before), Some(after)) = (load_before, load_average()) {
        say!("1-minute load average: {before} before, {after} after");
    }
    result
}

/// Times the demo with `--yes`, `runs` times.
async fn demo(stack: &LocalStack, runs: u32) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let environment = crate::local::environment(stack);
    let mut times = Vec::new();
    for run in 1..=runs {
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
            anyhow::bail!(
                "demo run {run} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        tell!("run {run}: {:.3}s", took.as_secs_f64());
        times.push(took);
    }
    let summary = Summary::of(&mut times);
    say!(
        "cargo xtask demo --yes on the local stack: median {:.3}s over {} runs (min {:.3}s, max {:.3}s)",
        summary.median.as_secs_f64(),
        times.len(),
        summary.min.as_secs_f64(),
        summary.max.as_secs_f64(),
    );
    Ok(())
}
