//! The benchmark's second world: an organisation's entitlements and just-in-time access, on two
//! replicas sharing PostgreSQL.
//!
//! - **The role page with 1,000 entitlement entries.** The entitlements file holds 1,000 roles
//!   across 50 accounts, each for a group of its own pair (`team-000` to `team-497`), one in ten
//!   on request. dana is in 50 groups (`team-000` to `team-049`), which the entries name, so her
//!   role page lists 100 roles in 50 accounts. `wrk` asks for it as for alice's.
//! - **Approve → visible on the other replica.** bob asks for `Production admin` (from
//!   tomorrow, so that nothing is issued or revoked) on replica A; alice approves it on replica
//!   B; from the approval's answer, bob's "My requests" on A is read until it shows the grant
//!   approved. Then bob withdraws it and asks again.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use fed_local::Options;

use super::super::sign_in::{SignedIn, sign_in};
use super::{Pages, WRK_CONNECTIONS, WRK_SECONDS, free_port, percentile, wrk};
use crate::broker::world::{REQUEST_ROLE, World, WorldOptions};

/// The entitlement entries, the world's own four included.
const ENTRIES: usize = 1_000;
/// At least this many role pages a second with them.
const TARGET_PAGES_PER_SECOND: f64 = 2_000.0;
/// Approvals timed.
const APPROVALS: usize = 50;

/// What the second world measured.
pub(super) struct Organisation {
    roles_on_page: usize,
    page_bytes: usize,
    pages: Pages,
    /// Each approval's answer (POST /approvals on B to its 303).
    approve: Vec<Duration>,
    /// From each approval's answer to the grant shown approved on A.
    visible: Vec<Duration>,
    /// How many reads of A that took, in all.
    reads: usize,
}

/// The entries after the world's own: `ENTRIES` in all.
fn entitlements(own: usize) -> String {
    let mut text = String::new();
    for i in 0..ENTRIES - own {
        let account = 111_100_000_000_u64 + (i % 50) as u64;
        text += &format!(
            "\n[[role]]\nname = \"Team {i:03}\"\narn = \"arn:aws:iam::{account}:role/team-{i:03}\"\ngroups = [\"team-{:03}\"]\n",
            i / 2
        );
        if i % 10 == 0 {
            text += "access = \"request\"\napprovers = [\"on-call\"]\nmax_grant = \"4h\"\n";
        }
    }
    text
}

pub(super) async fn run(
    broker: std::path::PathBuf,
    stack: Options,
    extra_config: &str,
) -> anyhow::Result<Organisation> {
    tell!("starting a second world: {ENTRIES} entitlement entries, PostgreSQL and two replicas…");
    let dir = crate::build::target_dir().join("bench-broker-organisation");
    let own = crate::broker::world::ROLES.len() + 1;
    let mut world = World::start(WorldOptions {
        broker,
        port: free_port()?,
        stack,
        extra_config: extra_config.to_owned(),
        dir: dir.clone(),
        show_output: false,
        store: true,
        more_entitlements: entitlements(own),
    })
    .await?;
    let result = async {
        let other = world.start_replica(free_port()?).await?;
        measure(&world, &other, &dir).await
    }
    .await;
    world.stop().await;
    result
}

async fn measure(
    world: &World,
    other: &url::Url,
    dir: &std::path::Path,
) -> anyhow::Result<Organisation> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let dana = sign_in(&http, &world.url, "dana").await?;
    let roles_on_page = dana.page.matches("<h3>").count();
    let page_bytes = dana.page.len();
    anyhow::ensure!(
        roles_on_page >= 100,
        "dana's role page lists {roles_on_page} roles, not the 100 her groups give"
    );
    tell!(
        "asking for dana's role page ({roles_on_page} roles) with wrk for {WRK_SECONDS} s over {WRK_CONNECTIONS} connections…"
    );
    let pages = wrk(&world.url, &dana, dir, "dana-role-page.lua").await?;

    tell!("timing {APPROVALS} approvals on one replica, seen on the other…");
    let bob = sign_in(&http, &world.url, "bob").await?;
    let alice = sign_in(&http, &world.url, "alice").await?;
    let role = world
        .roles
        .last()
        .context("the world has its role on request")?;
    let tomorrow = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let start = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        tomorrow.year(),
        u8::from(tomorrow.month()),
        tomorrow.day(),
        tomorrow.hour(),
        tomorrow.minute()
    );
    let (mut approve, mut visible, mut reads) = (Vec::new(), Vec::new(), 0);
    for _ in 0..APPROVALS {
        post(
            &http,
            &world.url,
            "request",
            &bob,
            &[
                ("role", role.as_str()),
                ("duration", "3600s"),
                ("start", &start),
                ("justification", "bench"),
            ],
        )
        .await?;
        let mine = get(&http, &world.url, "requests", &bob).await?;
        let grant = first_grant(&mine)?;
        let asked = Instant::now();
        post(
            &http,
            other,
            "approvals",
            &alice,
            &[("grant", &grant), ("decision", "approve")],
        )
        .await?;
        let approved = Instant::now();
        approve.push(approved - asked);
        loop {
            reads += 1;
            let mine = get(&http, &world.url, "requests", &bob).await?;
            if row(&mine, &grant).is_some_and(|r| r.contains("approved, from")) {
                break;
            }
            anyhow::ensure!(
                approved.elapsed() < Duration::from_secs(10),
                "grant {grant} was not seen approved on the other replica within 10 s"
            );
        }
        visible.push(approved.elapsed());
        post(&http, &world.url, "grants/end", &bob, &[("grant", &grant)]).await?;
    }
    Ok(Organisation {
        roles_on_page,
        page_bytes,
        pages,
        approve,
        visible,
        reads,
    })
}

async fn get(
    http: &reqwest::Client,
    at: &url::Url,
    path: &str,
    person: &SignedIn,
) -> anyhow::Result<String> {
    let response = http
        .get(at.join(path)?)
        .header("cookie", &person.cookie)
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 200,
        "GET /{path} answered {}",
        response.status()
    );
    Ok(response.text().await?)
}

/// POSTs `form` (and the person's CSRF token) to `path`; it must answer 303.
async fn post(
    http: &reqwest::Client,
    at: &url::Url,
    path: &str,
    person: &SignedIn,
    form: &[(&str, &str)],
) -> anyhow::Result<()> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf", &person.csrf);
    for (name, value) in form {
        body.append_pair(name, value);
    }
    let response = http
        .post(at.join(path)?)
        .header("cookie", &person.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.finish())
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 303,
        "POST /{path} answered {} (its audit record says why)",
        response.status()
    );
    Ok(())
}

/// The id of the first grant row of a page.
fn first_grant(page: &str) -> anyhow::Result<String> {
    let start = page
        .find("id=\"grant-")
        .context("no grant on bob's requests")?
        + "id=\"grant-".len();
    Ok(page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned())
}

/// The row of grant `id` on a page.
fn row<'p>(page: &'p str, id: &str) -> Option<&'p str> {
    let start = page.find(&format!("id=\"grant-{id}\""))?;
    page[start..].split("</tr>").next()
}

pub(super) fn report(organisation: &Organisation) {
    let Organisation {
        roles_on_page,
        page_bytes,
        pages,
        approve,
        visible,
        reads,
    } = organisation;
    say!(
        "role page with {ENTRIES} entitlement entries (dana: 50 groups, {roles_on_page} roles in 50 accounts, {:.1} KB), one replica with PostgreSQL, wrk 1 thread {WRK_CONNECTIONS} connections {WRK_SECONDS} s: {:.0} requests/s, {} answers other than 200",
        *page_bytes as f64 / 1000.0,
        pages.per_second,
        pages.not_ok
    );
    say!(
        "target: at least {TARGET_PAGES_PER_SECOND:.0} role pages/s: {}",
        if pages.per_second >= TARGET_PAGES_PER_SECOND && pages.not_ok == 0 {
            "met"
        } else {
            "NOT met"
        }
    );
    let sorted = |times: &[Duration]| {
        let mut times = times.to_vec();
        times.sort();
        times
    };
    let (approve, visible) = (sorted(approve), sorted(visible));
    say!(
        "{} approvals of {} on replica B, bob's requests read on replica A",
        approve.len(),
        REQUEST_ROLE.0
    );
    say!("| per approval | p50 | p99 |");
    say!("|---|---:|---:|");
    for (what, times) in [
        ("approval (POST /approvals on B to its 303)", &approve),
        ("approval answered → shown approved on A", &visible),
    ] {
        say!(
            "| {what} | {:.2} ms | {:.2} ms |",
            super::super::millis(percentile(times, 50.0)),
            super::super::millis(percentile(times, 99.0))
        );
    }
    say!(
        "reads of A until shown: {reads} for {} approvals",
        approve.len()
    );
}
