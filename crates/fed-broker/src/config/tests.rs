//! Tests of the configuration file: a complete file, defaults, and each mistake named by its
//! key.

use std::path::Path;

use super::*;

const GOOD: &str = r#"
listen = "0.0.0.0:8080"
public_url = "https://console.example.com"
entitlements = "entitlements.toml"

[oidc]
issuer = "https://login.example.com"
client_id = "fed-broker"
client_secret_env = "FED_BROKER_CLIENT_SECRET"
groups_claim = "groups"

[session]
keys_env = "FED_BROKER_COOKIE_KEYS"
lifetime = "30m"

[limits]
per_user_per_minute = 10
trusted_proxy_header = "X-Forwarded-For"

[audit]
database_url_env = "FED_BROKER_DATABASE_URL"

[aws]
revocation_role = "fed-broker-revoker"
"#;

#[test]
fn a_complete_file() {
    let config = Config::parse(GOOD, Path::new("/etc/fed-broker")).expect("valid");
    assert_eq!(config.listen.to_string(), "0.0.0.0:8080");
    assert_eq!(config.public_url.as_str(), "https://console.example.com/");
    assert_eq!(
        config.entitlements,
        Path::new("/etc/fed-broker/entitlements.toml")
    );
    assert_eq!(config.policies, None, "no extra policies unless named");
    let with_policies = Config::parse(
        &GOOD.replace(
            "entitlements = \"entitlements.toml\"",
            "entitlements = \"entitlements.toml\"\npolicies = \"policies/extra.cedar\"",
        ),
        Path::new("/etc/fed-broker"),
    )
    .expect("valid");
    assert_eq!(
        with_policies.policies.as_deref(),
        Some(Path::new("/etc/fed-broker/policies/extra.cedar")),
        "resolved against the configuration's directory"
    );
    assert_eq!(config.oidc.user_claim, "email");
    assert_eq!(config.session.lifetime, Duration::from_secs(1800));
    assert_eq!(config.limits.per_user_per_minute, 10);
    assert_eq!(config.limits.per_ip_per_minute, 120);
    assert_eq!(
        config.limits.trusted_proxy_header.as_deref(),
        Some("X-Forwarded-For")
    );
    assert_eq!(
        config.audit.database_url_env.as_deref(),
        Some("FED_BROKER_DATABASE_URL")
    );
    assert_eq!(
        config.aws.revocation_role.as_ref().map(|r| r.as_str()),
        Some("fed-broker-revoker")
    );
}

fn error_of(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    Config::parse(&GOOD.replace(from, to), Path::new("/"))
        .expect_err("invalid")
        .to_string()
}

#[test]
fn each_mistake_names_its_key() {
    let cases = [
        (
            r#"listen = "0.0.0.0:8080""#,
            r#"listen = "everywhere""#,
            r#"listen: "everywhere" is not allowed; expected an address and port, such as 0.0.0.0:8080"#,
        ),
        (
            "https://login.example.com",
            "http://login.example.com",
            r#"oidc.issuer: "http://login.example.com" is not allowed; expected an https URL (http only for localhost and 127.0.0.1)"#,
        ),
        (
            "https://console.example.com",
            "console",
            r#"public_url: "console" is not allowed; expected an https URL such as https://login.example.com"#,
        ),
        (
            r#"client_secret_env = "FED_BROKER_CLIENT_SECRET""#,
            r#"client_secret_env = "s3cr3t!""#,
            r#"oidc.client_secret_env: "s3cr3t!" is not allowed; expected the name of an environment variable, such as FED_BROKER_CLIENT_SECRET"#,
        ),
        (
            r#"lifetime = "30m""#,
            r#"lifetime = "2d""#,
            r#"session.lifetime: "2d" is not allowed; expected a duration such as 30m, 1h or 8h"#,
        ),
        (
            r#"lifetime = "30m""#,
            r#"lifetime = "13h""#,
            r#"session.lifetime: "13h" is not allowed; expected a duration from 1s to 12h"#,
        ),
        (
            "per_user_per_minute = 10",
            "per_user_per_minute = 0",
            r#"limits.per_user_per_minute: "0" is not allowed; expected a number of requests per minute, at least 1"#,
        ),
        (
            r#"trusted_proxy_header = "X-Forwarded-For""#,
            r#"trusted_proxy_header = "X Forwarded""#,
            r#"limits.trusted_proxy_header: "X Forwarded" is not allowed; expected a header name such as X-Forwarded-For"#,
        ),
        (
            r#"revocation_role = "fed-broker-revoker""#,
            r#"revocation_role = "arn:aws:iam::111122223333:role/fed-broker-revoker""#,
            r#"aws.revocation_role: "arn:aws:iam::111122223333:role/fed-broker-revoker" is not allowed; expected a role name (not an ARN): 1 to 64 characters of letters, digits and _+=,.@-"#,
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(error_of(from, to), expected);
    }
}

#[test]
fn unknown_and_missing_keys_are_named_with_their_line() {
    let unknown = error_of(
        "groups_claim = \"groups\"",
        "groups_claim = \"groups\"\nclient_secret = \"x\"",
    );
    assert!(
        unknown.contains("unknown field `client_secret`"),
        "{unknown}"
    );
    assert!(unknown.contains("(line 11, column 1)"), "{unknown}");
    let missing = error_of("client_id = \"fed-broker\"\n", "");
    assert!(missing.contains("missing field `client_id`"), "{missing}");
    assert!(!missing.contains('\n'), "one line: {missing}");
}

#[test]
fn a_file_names_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broker.toml");
    std::fs::write(&path, GOOD.replace("0.0.0.0:8080", "nowhere")).expect("write");
    let err = Config::load(&path).expect_err("invalid").to_string();
    assert!(
        err.starts_with(&format!("{}: listen: ", path.display())),
        "{err}"
    );
    let missing = Config::load(&dir.path().join("absent.toml"))
        .expect_err("absent")
        .to_string();
    assert!(missing.starts_with("cannot read "), "{missing}");
}
