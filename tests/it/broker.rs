//! `fed-broker check`: the real binary on real files; a good configuration is summarised, a
//! mistake is one `error:` line naming the file and the key, with exit code 2.

use std::process::Output;

use crate::support::journey::{MISSING_CHROMIUM, browser_script, chromium, journey};
use crate::support::{Fed, assert_failure, binary};

const CONFIG: &str = r#"
listen = "127.0.0.1:8080"
public_url = "http://localhost:8080"
entitlements = "entitlements.toml"

[oidc]
issuer = "http://127.0.0.1:3000"
client_id = "fed-broker"
client_secret_env = "FED_BROKER_CLIENT_SECRET"
groups_claim = "groups"

[session]
keys_env = "FED_BROKER_COOKIE_KEYS"
"#;

const ENTITLEMENTS: &str = r#"
[[role]]
name = "Read-only"
arn = "arn:aws:iam::123456789012:role/ReadOnly"
groups = ["engineering"]
"#;

fn check(config: &str, entitlements: &str) -> Output {
    run("check", config, entitlements, &[])
}

/// Runs `fed-broker SUBCOMMAND --config` on these files, in its HOME, with `env` set; its
/// output with that directory as `DIR`.
fn run(subcommand: &str, config: &str, entitlements: &str, env: &[(&str, &str)]) -> Output {
    let broker = Fed::program("fed-broker").envs(env);
    let dir = broker.home().path().display().to_string();
    let config = broker.home().write("broker.toml", config);
    broker.home().write("entitlements.toml", entitlements);
    let out = broker.run_blocking(&[subcommand, "--config", config.to_str().expect("UTF-8")]);
    let text = |b: &[u8]| String::from_utf8_lossy(b).replace(&dir, "DIR").into_bytes();
    Output {
        status: out.status,
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[test]
fn check_summarises_a_good_configuration() {
    let out = check(CONFIG, ENTITLEMENTS);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "DIR/broker.toml: the broker listens on 127.0.0.1:8080 as http://localhost:8080/, signs people in at http://127.0.0.1:3000/, and has 1 roles\n"
    );
}

#[test]
fn check_names_the_file_and_key_of_a_mistake() {
    let out = check(CONFIG, &ENTITLEMENTS.replace("role/ReadOnly", "user/alice"));
    assert_failure(&out, 2, "DIR/entitlements.toml: role[0].arn:");
    assert_eq!(
        text(&out.stderr),
        "error: DIR/entitlements.toml: role[0].arn: \"arn:aws:iam::123456789012:user/alice\" is not allowed; expected a role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME\n"
    );
    let out = check(&CONFIG.replace("client_id", "client"), ENTITLEMENTS);
    let failure = assert_failure(&out, 2, "DIR/broker.toml: unknown field `client`");
    assert!(
        failure.hint.is_none(),
        "a mistake in the file has no hint: {failure:?}"
    );
}

/// `serve` checks what `check` checks, and the secrets the files name, before it starts: a
/// mistake is one `error:` line and exit code 2, with nothing on stdout.
#[test]
fn serve_refuses_to_start_on_a_mistake() {
    let keys = "FED_BROKER_COOKIE_KEYS";
    let key =
        "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBw==";
    // The configuration, the entitlements, the environment, and what serve says.
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            CONFIG,
            &ENTITLEMENTS.replace("[\"engineering\"]", "[]"),
            &[("FED_BROKER_CLIENT_SECRET", "s"), (keys, key)],
            "error: DIR/entitlements.toml: role[0].groups: \"[]\" is not allowed; expected at least one group or user (in groups or users) who may use the role\n",
        ),
        (
            CONFIG,
            ENTITLEMENTS,
            &[(keys, key)],
            "error: FED_BROKER_CLIENT_SECRET is not set; the configuration names it\n",
        ),
        (
            CONFIG,
            ENTITLEMENTS,
            &[("FED_BROKER_CLIENT_SECRET", "s")],
            "error: FED_BROKER_COOKIE_KEYS is not set; the configuration names it\n",
        ),
    ];
    for (config, entitlements, env, expected) in cases {
        let out = run("serve", config, entitlements, env);
        assert_failure(&out, 2, expected.trim_end().trim_start_matches("error: "));
        assert_eq!(text(&out.stderr), *expected);
    }
}

/// `cargo xtask broker --local`: the local stack, the OpenID Provider, PostgreSQL and the
/// broker come up with one command; in headless Chromium each test user signs in, sees the
/// roles their groups allow and lands in the console, bob asks for the role on request and
/// alice (the approver) approves and then ends it, which denies bob's open console; Ctrl-C
/// stops them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xtask_broker_local_runs_the_whole_world_and_stops_it() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

    let chromium = chromium().unwrap_or_else(|| panic!("{MISSING_CHROMIUM}"));
    let port = fed_local::ports::unused_port().expect("a free port");
    let mut xtask = tokio::process::Command::new(binary("xtask"))
        .args(["broker", "--local", "--port", &port.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("xtask runs");
    let mut lines = BufReader::new(xtask.stderr.take().expect("stderr")).lines();
    let mut told = Vec::new();
    let up = tokio::time::timeout(std::time::Duration::from_secs(300), async {
        while let Some(line) = lines.next_line().await.expect("stderr") {
            told.push(line);
            if told.last().is_some_and(|l| l.contains("Press Ctrl-C")) {
                return;
            }
        }
        panic!(
            "xtask stopped before the broker was up:\n{}",
            told.join("\n")
        );
    })
    .await;
    assert!(
        up.is_ok(),
        "the broker was not up within 300 s:\n{}",
        told.join("\n")
    );
    // Keep reading, so that the logs never fill the pipe.
    let rest = tokio::spawn(async move {
        let mut rest = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            rest.push(line);
        }
        rest
    });
    let text = told.join("\n");
    let broker = format!("http://127.0.0.1:{port}/");
    assert!(
        text.contains(&format!("fed-broker is up: open {broker}")),
        "{text}"
    );
    let issuer = text
        .split("Sign in at the test OpenID Provider (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("the provider is named: {text}"))
        .to_owned();

    // Each user, in a real browser: the roles their groups allow, and the console.
    let alice = journey(
        &chromium,
        &broker,
        "alice",
        "On-call admin",
        Some(("cloudwatch", "eu-central-1")),
    )
    .await;
    assert_eq!(
        alice["roles"],
        serde_json::json!(["Read-only", "On-call admin", "Production admin"])
    );
    assert!(
        alice["login"]
            .as_str()
            .is_some_and(|l| l.starts_with(&format!("{issuer}interaction/"))),
        "{alice}"
    );
    let principal = alice["principal"].as_str().unwrap_or_default();
    assert!(
        principal.ends_with(":assumed-role/admin/alice@example.com"),
        "{alice}"
    );
    let destination = alice["destination"].as_str().unwrap_or_default();
    assert!(
        destination.contains("/cloudwatch/") && destination.contains("region=eu-central-1"),
        "the typed service and region: {alice}"
    );
    // The requester and the approver are named, and their journey works.
    assert!(
        text.contains("Just-in-time access to Production admin:"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("bob") && l.contains("requester")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("alice") && l.contains("approver")),
        "{text}"
    );
    let jit = browser_script(
        &chromium,
        "jit.mjs",
        &[
            &broker,
            &broker,
            "Production admin",
            "bob",
            "alice",
            "INC-7",
        ],
        &[
            ("FED_REQUESTER_PASSWORD", "bob"),
            ("FED_APPROVER_PASSWORD", "alice"),
        ],
    )
    .await;
    assert_eq!(jit["requested"]["state"], "pending", "{jit}");
    assert!(
        jit["principal"]
            .as_str()
            .is_some_and(|p| p.ends_with(":assumed-role/prod-admin/bob@example.com")),
        "{jit}"
    );
    assert!(
        jit["denied"]
            .as_str()
            .is_some_and(|d| d.contains("fed-broker-revoke-")),
        "{jit}"
    );
    let carol = journey(&chromium, &broker, "carol", "Finance", None).await;
    assert_eq!(carol["roles"], serde_json::json!(["Finance"]));
    let principal = carol["principal"].as_str().unwrap_or_default();
    assert!(
        principal.ends_with(":assumed-role/finance/carol@example.com"),
        "{carol}"
    );

    // Ctrl-C stops the broker, the provider and the stack.
    let pid = xtask.id().expect("a pid");
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = tokio::time::timeout(std::time::Duration::from_secs(60), xtask.wait())
        .await
        .expect("xtask stops within 60 s")
        .expect("xtask exits");
    assert_eq!(exit.code(), Some(0), "Ctrl-C is the way out");
    let rest = rest.await.expect("stderr");
    assert!(
        rest.iter()
            .any(|l| l.contains("stopping the broker, the provider and the stack")),
        "{rest:?}"
    );
    // The audit records followed on stdout: one session issued to each.
    let mut audit = String::new();
    xtask
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut audit)
        .await
        .expect("stdout");
    let issued: Vec<(String, String)> = audit
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["decision"] == "issued")
        .map(|r| {
            (
                r["user"].as_str().unwrap_or_default().to_owned(),
                r["role_arn"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        issued,
        [
            ("alice@example.com".to_owned(), "admin".to_owned()),
            ("bob@example.com".to_owned(), "prod-admin".to_owned()),
            ("carol@example.com".to_owned(), "finance".to_owned())
        ],
        "{audit}"
    );
    let http = reqwest::Client::new();
    for (what, url) in [
        ("the broker", broker.clone()),
        ("the provider", issuer.clone()),
    ] {
        assert!(
            http.get(&url).send().await.is_err(),
            "{what} still answers at {url} after Ctrl-C"
        );
    }
}
