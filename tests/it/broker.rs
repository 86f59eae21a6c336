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
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("broker.toml"), config).expect("config");
    std::fs::write(dir.path().join("entitlements.toml"), entitlements).expect("entitlements");
    let out = Command::new(support::binary("fed-broker"))
        .args(["check", "--config"])
        .arg(dir.path().join("broker.toml"))
        .env_clear()
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

/// `cargo xtask broker --local`: the local stack, the OpenID Provider and the broker come up
/// with one command, the broker sends people to the provider, and Ctrl-C stops all three.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xtask_broker_local_runs_the_whole_world_and_stops_it() {
    use tokio::io::{AsyncBufReadExt, BufReader};

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
    let text = told.join("\n");
    let broker = format!("http://127.0.0.1:{port}/");
    assert!(
        text.contains(&format!("fed-broker is up: open {broker}")),
        "{text}"
    );
    for user in ["alice", "bob", "carol"] {
        assert!(text.contains(user), "the test users are named: {text}");
    }
    let issuer = text
        .split("Sign in at the test OpenID Provider (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("the provider is named: {text}"))
        .to_owned();

    // The broker sends a person to the provider's sign-in, which answers.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let home = http.get(&broker).send().await.expect("the broker answers");
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/login");
    let login = http
        .get(format!("{broker}login"))
        .send()
        .await
        .expect("the broker answers");
    assert_eq!(login.status(), 303);
    let authorize = login.headers()["location"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        authorize.starts_with(&format!("{issuer}auth?")),
        "{authorize}"
    );
    assert!(
        authorize.contains(&format!(
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback"
        )),
        "{authorize}"
    );
    let at_provider = http
        .get(&authorize)
        .send()
        .await
        .expect("the provider answers");
    assert!(
        at_provider.status().is_redirection(),
        "{}",
        at_provider.status()
    );
    let ready = http
        .get(format!("{broker}readyz"))
        .send()
        .await
        .expect("the broker answers");
    assert_eq!(ready.status(), 200);

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
    while let Ok(Some(line)) = lines.next_line().await {
        told.push(line);
    }
    assert!(
        told.iter()
            .any(|l| l.contains("stopping the broker, the provider and the stack"))
    );
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
