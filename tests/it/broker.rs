//! `fed-broker check`: the real binary on real files; a good configuration is summarised, a
//! mistake is one `error:` line naming the file and the key, with exit code 2.

use std::process::Command;

use crate::support;

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

fn check(config: &str, entitlements: &str) -> (Option<i32>, String, String) {
    run("check", config, entitlements, &[])
}

/// Runs `fed-broker SUBCOMMAND --config` on these files with only `env` set.
fn run(
    subcommand: &str,
    config: &str,
    entitlements: &str,
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broker.toml"), config).expect("config");
    std::fs::write(dir.path().join("entitlements.toml"), entitlements).expect("entitlements");
    let out = Command::new(support::binary("fed-broker"))
        .args([subcommand, "--config"])
        .arg(dir.path().join("broker.toml"))
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("fed-broker runs");
    let text =
        |b: &[u8]| String::from_utf8_lossy(b).replace(&dir.path().display().to_string(), "DIR");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn check_summarises_a_good_configuration() {
    let (code, stdout, stderr) = check(CONFIG, ENTITLEMENTS);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "DIR/broker.toml: the broker listens on 127.0.0.1:8080 as http://localhost:8080/, signs people in at http://127.0.0.1:3000/, and has 1 roles\n"
    );
}

#[test]
fn check_names_the_file_and_key_of_a_mistake() {
    let (code, stdout, stderr) =
        check(CONFIG, &ENTITLEMENTS.replace("role/ReadOnly", "user/alice"));
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "error: DIR/entitlements.toml: role[0].arn: \"arn:aws:iam::123456789012:user/alice\" is not allowed; expected a role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME\n"
    );
    let (code, _, stderr) = check(&CONFIG.replace("client_id", "client"), ENTITLEMENTS);
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: DIR/broker.toml: unknown field `client`")
            && stderr.lines().count() == 1,
        "{stderr}"
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
        let (code, stdout, stderr) = run("serve", config, entitlements, env);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert_eq!(stderr, *expected);
    }
}

/// `cargo xtask broker --local`: the local stack, the OpenID Provider and the broker come up
/// with one command; in headless Chromium each test user signs in, sees the roles their groups
/// allow and lands in the console; Ctrl-C stops all three.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xtask_broker_local_runs_the_whole_world_and_stops_it() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

    const MISSING: &str = "chromium is not installed: install Debian's chromium (apt-get install chromium) or set FED_CHROMIUM";
    let chromium = crate::cli::chromium().unwrap_or_else(|| panic!("{MISSING}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut xtask = tokio::process::Command::new(support::binary("xtask"))
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
        "cloudwatch",
        "eu-central-1",
    )
    .await;
    assert_eq!(
        alice["roles"],
        serde_json::json!(["Read-only", "On-call admin"])
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
    let carol = journey(&chromium, &broker, "carol", "Finance", "", "").await;
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

/// Signs in at `broker` as `user` in headless Chromium (`tests/browser/journey.mjs`) and opens
/// the console of the role named `role` with `service` and `region`; what the browser saw.
async fn journey(
    chromium: &std::path::Path,
    broker: &str,
    user: &str,
    role: &str,
    service: &str,
    region: &str,
) -> serde_json::Value {
    let dir = support::project_root().join("tests/browser");
    if !dir.join("node_modules/puppeteer-core").is_dir() {
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (install Debian's nodejs and npm)");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    let profile = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["journey.mjs", broker, user, role];
    if !service.is_empty() {
        args.extend([service, region]);
    }
    let run = tokio::process::Command::new("node")
        .args(&args)
        .current_dir(dir)
        .env("FED_CHROMIUM", chromium)
        .env("FED_PROFILE", profile.path())
        .env("FED_PASSWORD", user)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(180), run)
        .await
        .expect("the browser journey ends within 3 minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the browser journey failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}
