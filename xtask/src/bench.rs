//! `cargo xtask bench`: timings against the local stack, which is started once per invocation.
//!
//! - `demo` (the default) runs the demo with `--yes` N times, each run a fresh process, and
//!   reports the median wall time.
//! - `url` builds `fed` in release, creates a role in moto, and times `fed url --role-arn` N
//!   times, each run a fresh process from spawn to exit. Next to it, it times the floor: the same
//!   two requests (AssumeRole, then getSigninToken) made back to back in this process by clients
//!   created once, outside the timed part. fed's figure includes what the floor's does not:
//!   process start-up, loading the AWS configuration, creating the clients and printing the URL.
//!   That is what a user waits for, so it is counted.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use clap::{Args, ValueEnum};
use fed_aws::{AssumeRoleRequest, CreateRole, Iam, IamClient, Sts, StsClient};
use fed_core::{Arn, Partition, RoleName, RoleSessionName};
use fed_local::LocalStack;

use crate::Exit;

/// The target of `fed url`'s time: at most this many times the floor.
const URL_TARGET_RATIO: f64 = 1.5;

/// The role `cargo xtask bench url` creates in moto and assumes.
const BENCH_ROLE: &str = "fed-bench";

/// The session name passed to `fed url` and to the floor's AssumeRole.
const BENCH_SESSION: &str = "bench";

/// Options of `cargo xtask bench`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// What to time.
    #[arg(value_enum, default_value_t = Benchmark::Demo)]
    pub(crate) benchmark: Benchmark,

    /// How many timed runs (after one untimed warm-up run for `url`).
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) runs: u32,

    /// Extra environment for the `fed` runs of `url` (repeatable), e.g. `RUST_LOG=debug`, or
    /// `SSL_CERT_FILE=FILE` and `SSL_CERT_DIR=DIR` to see what loading the system's root
    /// certificates costs.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    pub(crate) env: Vec<(String, String)>,
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
    /// `fed url --role-arn` time-to-URL (release build, each run a fresh process) next to the
    /// floor: AssumeRole and getSigninToken made back to back by clients created once.
    Url,
}

/// Runs `cargo xtask bench`.
pub(crate) async fn run(args: BenchArgs) -> anyhow::Result<Exit> {
    let fed = match args.benchmark {
        Benchmark::Demo => None,
        Benchmark::Url => Some(build_fed().await?),
    };
    tell!("starting the local stack…");
    let stack = crate::local::start().await?;
    let load_before = load_average();
    let result = match fed {
        None => demo(&stack, args.runs).await,
        Some(fed) => url(&stack, &fed, args.runs, &args.env).await,
    };
    stack.shutdown().await;
    if let (Some(before), Some(after)) = (load_before, load_average()) {
        say!("1-minute load average: {before} before, {after} after");
    }
    result.map(|()| Exit::Success)
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

/// Builds `fed` in release with the cargo that runs this xtask, and returns its path.
async fn build_fed() -> anyhow::Result<PathBuf> {
    tell!("building fed in release (cargo build --release -p fed-cli)…");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = tokio::process::Command::new(cargo)
        .args(["build", "--release", "-p", "fed-cli"])
        .current_dir(project_root())
        .stdin(Stdio::null())
        .status()
        .await?;
    anyhow::ensure!(
        status.success(),
        "cargo build --release -p fed-cli failed ({status})"
    );
    let fed = target_dir()
        .join("release")
        .join(format!("fed{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(fed.is_file(), "no fed binary at {}", fed.display());
    Ok(fed)
}

/// The workspace root.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace root")
        .to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, or `target` in the workspace root.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => project_root().join(dir),
        None => project_root().join("target"),
    }
}

/// Times `fed url --role-arn` and the floor, `runs` times each, alternating.
async fn url(
    stack: &LocalStack,
    fed: &Path,
    runs: u32,
    extra_env: &[(String, String)],
) -> anyhow::Result<()> {
    let sdk = stack.sdk_config().await;
    let trusted: Arn = format!("arn:aws:iam::{}:root", stack.aws().account_id()).parse()?;
    let role = IamClient::new(&sdk)
        .create_role(&CreateRole::new(RoleName::new(BENCH_ROLE)?, trusted))
        .await?;
    let role_arn = role.arn.to_string();
    tell!("created role {role_arn}");

    let home = Home::create()?;
    let floor = Floor::new(stack, &sdk, role.arn.clone())?;
    let fed = FedRun::new(stack, fed, &home, &role_arn, extra_env);

    // The first calls of a fresh moto set up its backends; they are not timed.
    floor.once().await?;
    fed.once().await?;

    let mut fed_times = Vec::new();
    let mut floor_times = Vec::new();
    for run in 1..=runs {
        let fed_took = fed.once().await?;
        let floor_took = floor.once().await?;
        tell!(
            "run {run}: fed {:.1} ms, floor {:.1} ms",
            millis(fed_took),
            millis(floor_took)
        );
        fed_times.push(fed_took);
        floor_times.push(floor_took);
    }
    let fed = Summary::of(&mut fed_times);
    let floor = Summary::of(&mut floor_times);
    let ratio = fed.median.as_secs_f64() / floor.median.as_secs_f64();
    say!("fed url --role-arn (release, fresh process) over {runs} runs: {fed}");
    say!("floor (AssumeRole + getSigninToken, in process) over {runs} runs: {floor}");
    say!(
        "ratio of the medians: {ratio:.2}x (target <= {URL_TARGET_RATIO}x: {})",
        if ratio <= URL_TARGET_RATIO {
            "met"
        } else {
            "not met"
        }
    );
    Ok(())
}

/// One `fed url --role-arn` run: the command and its environment.
struct FedRun<'a> {
    fed: &'a Path,
    home: &'a Home,
    role_arn: &'a str,
    environment: Vec<(&'static str, String)>,
    extra_env: &'a [(String, String)],
}

impl<'a> FedRun<'a> {
    fn new(
        stack: &LocalStack,
        fed: &'a Path,
        home: &'a Home,
        role_arn: &'a str,
        extra_env: &'a [(String, String)],
    ) -> FedRun<'a> {
        FedRun {
            fed,
            home,
            role_arn,
            environment: crate::local::environment(stack),
            extra_env,
        }
    }

    /// Runs fed once, from spawn to exit with stdout read, and checks that it printed a URL.
    async fn once(&self) -> anyhow::Result<Duration> {
        let home = &self.home.0;
        let mut command = tokio::process::Command::new(self.fed);
        // Only the stack's environment: no host profile, credentials file or IMDS is consulted.
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("AWS_CONFIG_FILE", home.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(self.environment.iter().map(|(k, v)| (k, v)))
            .envs(self.extra_env.iter().map(|(k, v)| (k, v)))
            .args([
                "url",
                "--role-arn",
                self.role_arn,
                "--session-name",
                BENCH_SESSION,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let output = command.output().await?;
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        anyhow::ensure!(
            output.status.success(),
            "fed url failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
        anyhow::ensure!(
            stdout.starts_with("http") && stdout.lines().count() == 1,
            "fed url printed no URL: {}",
            stdout.trim()
        );
        Ok(took)
    }
}

/// The floor: the two requests fed must make, by clients created once.
struct Floor {
    sts: StsClient,
    signin: fed_signin::Client,
    request: AssumeRoleRequest,
}

impl Floor {
    fn new(stack: &LocalStack, sdk: &SdkConfig, role_arn: Arn) -> anyhow::Result<Floor> {
        let mut config = fed_signin::Config::new(stack.federation_url());
        config.partition = Some(Partition::Aws);
        Ok(Floor {
            sts: StsClient::new(sdk),
            signin: fed_signin::Client::new(config)?,
            request: AssumeRoleRequest::new(role_arn, RoleSessionName::new(BENCH_SESSION)?),
        })
    }

    /// AssumeRole, then getSigninToken with its credentials, as fed sends them.
    async fn once(&self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let assumed = self.sts.assume_role(&self.request).await?;
        let request = fed_signin::TokenRequest::new(&assumed.credentials)
            .credentials_partition(assumed.arn.partition());
        let token = self.signin.get_signin_token(&request).await?;
        let took = started.elapsed();
        drop(token);
        Ok(took)
    }
}

/// A throwaway home directory with no AWS configuration in it, removed on drop.
struct Home(PathBuf);

impl Home {
    fn create() -> anyhow::Result<Home> {
        let dir = std::env::temp_dir().join(format!("fed-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Home(dir))
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
