//! `cargo xtask bench broker`: fed-broker's own cost, in release, on the local stack over https
//! with latency added to every answer (standing for the round trips to AWS).
//!
//! - **Added latency per issued session.** Signed in as alice, N console sessions are issued
//!   one after another (POST /console, answered with the sign-in URL). The broker's
//!   `Server-Timing` header gives the time it waited for AWS (AssumeRole and the sign-in token)
//!   and the whole request's; the difference is the broker's own work, reported at p50 and
//!   p99. Beside it, the client's wait less AWS's time, which also holds the loopback round
//!   trip and this (debug-built) client's own work.
//! - **Role pages per second.** `wrk` asks for the signed-in role page on one replica for ten
//!   seconds over 32 connections; every answer must be the page (a 200), which a wrk script
//!   counts.
//! - **An organisation**, in a second world (`organisation.rs`): the role page with 1,000
//!   entitlement entries for a person in 50 groups, and the time from an approval on one
//!   replica to the grant shown on the other.

mod organisation;

use std::time::{Duration, Instant};

use anyhow::Context as _;
use fed_local::Options;

use super::sign_in::{SignedIn, sign_in};
use super::{BenchArgs, load_average, millis};
use crate::broker::world::{World, WorldOptions, write_private};
use crate::build::{self, Profile};

/// The targets: at most this much added at p99 …
const TARGET_ADDED_P99: Duration = Duration::from_millis(5);
/// … and at least this many role pages a second.
const TARGET_PAGES_PER_SECOND: f64 = 5_000.0;

/// How long wrk runs, and over how many connections.
const WRK_SECONDS: u32 = 10;
const WRK_CONNECTIONS: u32 = 32;

/// Counts answers that are not 200, and prints the count when wrk is done.
const WRK_SCRIPT: &str = r#"
local not_ok = 0
response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("not-200: %d\n", not_ok))
end
"#;

/// Builds the broker in release, starts its world over https with the latency, and measures.
pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<()> {
    wrk_version().await?;
    let broker = build::binary("fed-broker", "fed-broker", Profile::Release).await?;
    let latency = Duration::from_millis(args.latency_ms);
    tell!(
        "starting the local stack over https ({} ms added to every answer), the OpenID Provider and fed-broker…",
        args.latency_ms
    );
    let dir = build::target_dir().join("bench-broker");
    // The benchmark is one user at one address: no rate limit may stand in its way.
    let limits = "\n[limits]\nper_user_per_minute = 1000000\nper_ip_per_minute = 1000000\n";
    let stack = Options::new().tls(true).latency(latency);
    let world = World::start(WorldOptions {
        broker: broker.clone(),
        port: free_port()?,
        stack: stack.clone(),
        extra_config: limits.to_owned(),
        dir: dir.clone(),
        show_output: false,
        store: false,
        more_entitlements: String::new(),
    })
    .await?;
    let load_before = load_average();
    let result = measure(&world, args, &dir).await;
    let load_after = load_average();
    world.stop().await;
    let (sessions, pages) = result?;
    report(&sessions, &pages, args);
    if let (Some(before), Some(after)) = (load_before, load_after) {
        say!("1-minute load average: {before} before, {after} after");
    }
    let load_before = load_average();
    let organisation = organisation::run(broker, stack, limits).await?;
    let load_after = load_average();
    organisation::report(&organisation);
    if let (Some(before), Some(after)) = (load_before, load_after) {
        say!("1-minute load average: {before} before, {after} after");
    }
    Ok(())
}

/// One issued session's times.
struct Session {
    /// The client's wait.
    client: Duration,
    /// The broker's time from the request to its answer.
    broker: Duration,
    /// The broker's time waiting for AWS.
    upstream: Duration,
}

impl Session {
    /// What the broker added to AWS's time.
    fn added(&self) -> Duration {
        self.broker.saturating_sub(self.upstream)
    }

    /// What the client waited for beyond AWS's time.
    fn added_for_client(&self) -> Duration {
        self.client.saturating_sub(self.upstream)
    }
}

/// wrk's figures.
struct Pages {
    per_second: f64,
    not_ok: u64,
    wrk: String,
}

async fn measure(
    world: &World,
    args: &BenchArgs,
    dir: &std::path::Path,
) -> anyhow::Result<(Vec<Session>, Pages)> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let person = sign_in(&http, &world.url, "alice").await?;
    let role = world.roles.first().context("the world has roles")?;
    anyhow::ensure!(
        person.page.contains(role.as_str()),
        "the role page does not offer {role}"
    );
    tell!(
        "issuing {} console sessions one after another…",
        args.sessions
    );
    // Three untimed: connections to AWS open, and the stack warms up.
    for _ in 0..3 {
        issue(&http, world, &person, role).await?;
    }
    let mut sessions = Vec::new();
    for _ in 0..args.sessions {
        sessions.push(issue(&http, world, &person, role).await?);
    }
    tell!(
        "asking for the role page with wrk for {WRK_SECONDS} s over {WRK_CONNECTIONS} connections…"
    );
    let pages = wrk(&world.url, &person, dir, "role-page.lua").await?;
    Ok((sessions, pages))
}

/// Issues one console session for `role`; the client's and the upstream's time.
async fn issue(
    http: &reqwest::Client,
    world: &World,
    person: &SignedIn,
    role: &str,
) -> anyhow::Result<Session> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &person.csrf)
        .append_pair("role", role)
        .finish();
    let started = Instant::now();
    let response = http
        .post(world.url.join("console")?)
        .header("cookie", &person.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    let client = started.elapsed();
    anyhow::ensure!(
        response.status() == 303,
        "POST /console answered {} (its audit record says why)",
        response.status()
    );
    let timing = response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .context("the broker's answer has no Server-Timing")?;
    let metric = |name: &str| {
        timing
            .split(',')
            .find_map(|m| m.trim().strip_prefix(name)?.strip_prefix(";dur="))
            .and_then(|ms| ms.parse::<f64>().ok())
            .map(|ms| Duration::from_secs_f64(ms / 1000.0))
            .with_context(|| format!("no {name} in the broker's Server-Timing: {timing}"))
    };
    Ok(Session {
        client,
        broker: metric("total")?,
        upstream: metric("upstream")?,
    })
}

async fn wrk_version() -> anyhow::Result<()> {
    let found = tokio::process::Command::new("wrk")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok();
    anyhow::ensure!(
        found,
        "wrk is not installed: the role-page benchmark needs it\nhint: apt-get install wrk"
    );
    Ok(())
}

/// Asks for `person`'s role page at `at` with wrk, whose script is written to `script` in `dir`.
async fn wrk(
    at: &url::Url,
    person: &SignedIn,
    dir: &std::path::Path,
    script: &str,
) -> anyhow::Result<Pages> {
    // The session cookie goes in the script, a file only its owner may read, never on wrk's
    // command line, where every user of the machine could read it.
    let script = dir.join(script);
    let cookie = format!("wrk.headers[\"Cookie\"] = \"{}\"\n", person.cookie);
    write_private(&script, &(cookie + WRK_SCRIPT))?;
    let out = tokio::process::Command::new("wrk")
        .arg("--threads=1")
        .arg(format!("--connections={WRK_CONNECTIONS}"))
        .arg(format!("--duration={WRK_SECONDS}s"))
        .arg("--script")
        .arg(&script)
        .arg(at.as_str())
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    anyhow::ensure!(out.status.success(), "wrk failed ({}): {text}", out.status);
    let per_second = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output: {text}"))?;
    let not_ok = text
        .lines()
        .find_map(|l| l.strip_prefix("not-200: "))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no count of answers other than 200 in wrk's output: {text}"))?;
    Ok(Pages {
        per_second,
        not_ok,
        wrk: text,
    })
}

/// The `p`th percentile (nearest rank) of sorted `times`.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(sessions: &[Session], pages: &Pages, args: &BenchArgs) {
    let column = |f: &dyn Fn(&Session) -> Duration| {
        let mut times: Vec<Duration> = sessions.iter().map(f).collect();
        times.sort();
        (percentile(&times, 50.0), percentile(&times, 99.0))
    };
    let (client_50, client_99) = column(&|s| s.client);
    let (upstream_50, upstream_99) = column(&|s| s.upstream);
    let (added_50, added_99) = column(&Session::added);
    let (client_added_50, client_added_99) = column(&Session::added_for_client);
    say!(
        "fed-broker (release), {} sessions issued one after another; the local stack over https with {} ms added to every answer",
        sessions.len(),
        args.latency_ms
    );
    say!("| per issued session | p50 | p99 |");
    say!("|---|---:|---:|");
    let row = |what: &str, p50: Duration, p99: Duration| {
        say!("| {what} | {:.2} ms | {:.2} ms |", millis(p50), millis(p99));
    };
    row(
        "client's wait (POST /console to its 303)",
        client_50,
        client_99,
    );
    row("AWS: AssumeRole + sign-in token", upstream_50, upstream_99);
    row(
        "**added by the broker** (its request time less AWS's)",
        added_50,
        added_99,
    );
    row(
        "client's wait less AWS's time",
        client_added_50,
        client_added_99,
    );
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    say!(
        "target: at most {} ms added at p99: {}",
        TARGET_ADDED_P99.as_millis(),
        verdict(added_99 <= TARGET_ADDED_P99)
    );
    say!(
        "role page (GET / signed in), one replica, wrk 1 thread {WRK_CONNECTIONS} connections {WRK_SECONDS} s: {:.0} requests/s, {} answers other than 200",
        pages.per_second,
        pages.not_ok
    );
    say!(
        "target: at least {TARGET_PAGES_PER_SECOND:.0} role pages/s: {}",
        verdict(pages.per_second >= TARGET_PAGES_PER_SECOND && pages.not_ok == 0)
    );
    tell!("{}", pages.wrk.trim_end());
}

fn free_port() -> anyhow::Result<u16> {
    Ok(fed_local::ports::unused_port()?)
}
