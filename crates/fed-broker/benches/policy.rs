//! A Cedar decision as the broker makes one per console request, with 1,000 entitlements and a
//! person in 50 groups: first its p50 and p99 over 20,000 decisions (printed), then criterion's
//! mean. `cargo bench -p fed-broker --bench policy`; the figures are in docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use fed_broker::{Action, Entitlements, Facts, Policies, Question};

/// 1,000 roles over 20 accounts, each for one of 200 groups; every fourth on request.
fn entitlements() -> Entitlements {
    let mut text = String::new();
    for n in 0..1000 {
        let account = 100_000_000_000u64 + n / 50;
        text += &format!(
            "[[role]]\nname = \"Role {n}\"\narn = \"arn:aws:iam::{account}:role/role-{n}\"\ngroups = [\"team-{}\"]\n",
            n % 200
        );
        if n % 4 == 0 {
            text += "access = \"request\"\napprovers = [\"leads\"]\n";
        }
    }
    Entitlements::parse(&text).expect("entitlements")
}

fn policy(c: &mut Criterion) {
    let entitlements = entitlements();
    let policies = Policies::compile(&entitlements, None).expect("policies");
    // In 50 groups: team-7, whose role 7 is theirs; not team-58, whose role 58 is refused.
    let groups: Vec<String> = (0..50).map(|g| format!("team-{g}")).collect();
    let allowed = "arn:aws:iam::100000000000:role/role-7"
        .parse()
        .expect("an ARN");
    let refused = "arn:aws:iam::100000000000:role/role-58"
        .parse()
        .expect("an ARN");
    let question = |role| Question {
        user: "alice@example.com",
        groups: &groups,
        role,
        action: Action::Use,
        facts: Facts {
            amr: vec!["pwd".to_owned(), "mfa".to_owned()],
            source_ip: [203, 0, 113, 7].into(),
            now: SystemTime::now(),
            duration: Some(Duration::from_secs(3600)),
            requester: None,
            grant: false,
        },
    };
    assert!(policies.decide(&question(&allowed)).allowed);
    assert!(!policies.decide(&question(&refused)).allowed);

    let mut times: Vec<Duration> = (0..20_000)
        .map(|n| {
            let role = if n % 2 == 0 { &allowed } else { &refused };
            let started = Instant::now();
            black_box(policies.decide(black_box(&question(role))));
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "cedar decision, 1,000 roles, 50 groups, 20,000 decisions: p50 {:?}, p99 {:?}",
        at(0.50),
        at(0.99)
    );

    c.bench_function("cedar_decision_1000_roles", |b| {
        b.iter(|| policies.decide(black_box(&question(&allowed))))
    });
}

criterion_group!(benches, policy);
criterion_main!(benches);
