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
