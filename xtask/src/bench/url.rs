//! `cargo xtask bench url`: `fed url`'s time-to-URL for each credential path, next to the path's
//! floor, on the local stack over https with latency added to every answer.
//!
//! For each path of [`CredentialPath::ALL`], in turn: one untimed run of fed and of the floor
//! (moto sets up its backends and the portal its role on first use); one more of each with the
//! request log cleared before, to count the requests; then N runs of each, alternating, so
//! that a change of load hits both. fed's figure is everything a user waits for, from spawn to
//! exit: start-up, reading the AWS config files, building the clients, TLS handshakes on new
//! connections, every request and printing the URL. The floor's is its requests only, made on
//! warm connections by clients created once.

use std::time::Duration;

use fed_local::{LocalStack, LoggedRequest, Options, Service};

use super::fed::FedRun;
use super::floor::FloorProcess;
use super::paths::{self, CredentialPath, Fixtures, Home};
use super::{BenchArgs, Summary, build_fed, load_average, millis};

/// The target: fed's median at most this many times the floor's.
const TARGET_RATIO: f64 = 1.1;

/// What was measured for one path.
struct Row {
    path: CredentialPath,
    fed: Summary,
    floor: Summary,
    fed_requests: Vec<LoggedRequest>,
    floor_requests: Vec<LoggedRequest>,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.fed.median.as_secs_f64() / self.floor.median.as_secs_f64()
    }
}

/// Builds fed, starts the stack over https with the latency, times every path and prints the
/// table.
pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let fed = build_fed().await?;
    let latency = Duration::from_millis(args.latency_ms);
    tell!(
        "starting the local stack over https, {} ms added to every answer…",
        args.latency_ms
    );
    let stack = LocalStack::start_with(Options::new().tls(true).latency(latency)).await?;
    let load_before = load_average();
    let rows = bench(&stack, &fed, args).await;
    let load_after = load_average();
    stack.shutdown().await;
    report(&rows?, args, latency);
    if let (Some(before), Some(after)) = (load_before, load_after) {
        say!("1-minute load average: {before} before, {after} after");
    }
    Ok(())
}

/// Sets up the paths and times each.
async fn bench(
    stack: &LocalStack,
    fed: &std::path::Path,
    args: &BenchArgs,
) -> anyhow::Result<Vec<Row>> {
    let fixtures = Fixtures::create(stack).await?;
    let home = Home::create(stack, &fixtures)?;
    let environment = paths::environment(stack, &home)?;
    let mut floor = FloorProcess::start(&environment, &fixtures)?;
    let mut rows = Vec::new();
    for path in CredentialPath::ALL {
        let mut env = environment.clone();
        if let Some(credentials) = path.environment_credentials(&fixtures) {
            env.extend(paths::credentials_env(credentials));
        }
        env.extend(args.env.iter().cloned());
        let fed = FedRun::new(fed, path.name(), path.fed_args(&fixtures), env);
        rows.push(time_path(stack, path, &fed, &mut floor, args.runs).await?);
    }
    floor.finish().await?;
    Ok(rows)
}

/// Warms up, counts the requests of one run of each, then times `runs` runs of each.
async fn time_path(
    stack: &LocalStack,
    path: CredentialPath,
    fed: &FedRun,
    floor: &mut FloorProcess,
    runs: u32,
) -> anyhow::Result<Row> {
    let name = path.name();
    tell!("{name}: warming up…");
    fed.once().await?;
    floor.once(path).await?;

    stack.log().clear();
    fed.once().await?;
    let fed_requests = stack.log().entries();
    stack.log().clear();
    floor.once(path).await?;
    let floor_requests = stack.log().entries();

    let mut fed_times = Vec::new();
    let mut floor_times = Vec::new();
    for run in 1..=runs {
        let fed_took = fed.once().await?;
        let floor_took = floor.once(path).await?;
        tell!(
            "{name} run {run}: fed {:.1} ms, floor {:.1} ms",
            millis(fed_took),
            millis(floor_took)
        );
        fed_times.push(fed_took);
        floor_times.push(floor_took);
    }
    Ok(Row {
        path,
        fed: Summary::of(&mut fed_times),
        floor: Summary::of(&mut floor_times),
        fed_requests,
        floor_requests,
    })
}

/// Prints the table, which paths miss the target, and where fed's requests differ from the
/// floor's.
fn report(rows: &[Row], args: &BenchArgs, latency: Duration) {
    say!(
        "fed url (release, fresh process) and the floor, {} runs each per path, local stack over https with {} ms per request:",
        args.runs,
        latency.as_millis()
    );
    say!();
    say!(
        "| path | fed ms: median (min–max) | floor ms: median (min–max) | ratio | requests fed / floor | floor's requests | sequential × latency |"
    );
    say!("|---|---|---|---|---|---|---|");
    for row in rows {
        say!(
            "| {} | {} | {} | {:.2}× | {} / {} | {} | {} ms |",
            row.path.name(),
            cell(&row.fed),
            cell(&row.floor),
            row.ratio(),
            row.fed_requests.len(),
            row.floor_requests.len(),
            row.path.floor_requests(),
            latency.as_millis() * u128::from(row.path.sequential_requests()),
        );
    }
    say!();
    let missed: Vec<String> = rows
        .iter()
        .filter(|row| row.ratio() > TARGET_RATIO)
        .map(|row| format!("{} ({:.2}×)", row.path.name(), row.ratio()))
        .collect();
    if missed.is_empty() {
        say!("every path meets the target of fed ≤ {TARGET_RATIO}× the floor");
    } else {
        say!(
            "paths that miss the target of fed ≤ {TARGET_RATIO}× the floor: {}",
            missed.join(", ")
        );
    }
    for row in rows {
        say!(
            "{}: fed's requests, in order: {}",
            row.path.name(),
            row.fed_requests
                .iter()
                .map(describe)
                .collect::<Vec<_>>()
                .join("; ")
        );
        let extra = difference(&row.fed_requests, &row.floor_requests);
        if !extra.is_empty() {
            say!(
                "  more than the floor's: {}",
                extra
                    .into_iter()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        let missing = difference(&row.floor_requests, &row.fed_requests);
        if !missing.is_empty() {
            say!(
                "  fewer than the floor's, which also makes: {}",
                missing
                    .into_iter()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
}

/// `median (min–max)` in milliseconds.
fn cell(summary: &Summary) -> String {
    format!(
        "{:.1} ({:.1}–{:.1})",
        millis(summary.median),
        millis(summary.min),
        millis(summary.max)
    )
}

/// The requests of `these` that have no request of the same service and action in `those`,
/// each of `those` matching once.
fn difference<'a>(these: &'a [LoggedRequest], those: &[LoggedRequest]) -> Vec<&'a LoggedRequest> {
    let mut unmatched: Vec<&LoggedRequest> = those.iter().collect();
    these
        .iter()
        .filter(|request| {
            match unmatched.iter().position(|other| {
                other.service == request.service && other.action == request.action
            }) {
                Some(at) => {
                    unmatched.swap_remove(at);
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// `sts AssumeRole by LongTermUser (RoleArn=…, RoleSessionName=bench): 200`.
fn describe(request: &LoggedRequest) -> String {
    let service = match request.service {
        Service::Sts => "sts",
        Service::Iam => "iam",
        Service::Sso => "sso",
        Service::Signin => "signin",
    };
    let mut params: Vec<String> = request
        .params
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    params.extend(request.present.iter().cloned());
    let error = request
        .error
        .as_deref()
        .map(|code| format!(" {code}"))
        .unwrap_or_default();
    format!(
        "{service} {} by {:?} ({}): {}{error}",
        request.action,
        request.caller,
        params.join(", "),
        request.status
    )
}
