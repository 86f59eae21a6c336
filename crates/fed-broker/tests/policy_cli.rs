//! `fed-broker policy` and `fed-broker explain`, the real binary on files in a temporary
//! directory: the effective policies printed as Cedar; answers with the policies that decided
//! (a working-hours forbid at a fixed time, `amr` without `mfa`, self-approval); every bad flag
//! one `error:` line with exit code 2 and nothing on stdout; a mistake in the extra policies file
//! named by file and line, by `check` too.

use std::path::Path;
use std::process::Output;

const CONFIG: &str = r#"
listen = "127.0.0.1:8080"
public_url = "http://localhost:8080"
entitlements = "entitlements.toml"
policies = "extra.cedar"

[oidc]
issuer = "http://127.0.0.1:3000"
client_id = "fed-broker"
client_secret_env = "FED_BROKER_CLIENT_SECRET"
groups_claim = "groups"

[session]
keys_env = "FED_BROKER_COOKIE_KEYS"

# Roles on request need the store; `policy` and `explain` do not connect to it.
[audit]
database_url_env = "FED_BROKER_DATABASE_URL"
"#;

const ENTITLEMENTS: &str = r#"
[[role]]
name = "Read-only"
arn = "arn:aws:iam::123456789012:role/ReadOnly"
groups = ["engineering"]
max_session = "2h"

[[role]]
name = "Admin"
arn = "arn:aws:iam::123456789012:role/Admin"
groups = ["sre"]
access = "request"
approvers = ["sre-leads"]
max_grant = "4h"
"#;

const EXTRA: &str = r#"// Consoles only on weekdays, 08:00 to 18:00 UTC.
@id("working hours")
forbid (principal, action == Action::"use", resource)
unless { context.weekday <= 5 && context.hour >= 8 && context.hour < 18 };

@id("mfa")
forbid (principal, action == Action::"use", resource)
unless { context.amr.contains("mfa") };
"#;

const READ_ONLY: &str = "arn:aws:iam::123456789012:role/ReadOnly";
const ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";

/// Runs `fed-broker ARGS…` with the files in a directory of its own (`DIR` in the output).
fn run_with(extra: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text);
    write("broker.toml", CONFIG).expect("config");
    write("entitlements.toml", ENTITLEMENTS).expect("entitlements");
    write("extra.cedar", extra).expect("policies");
    let config = dir.path().join("broker.toml");
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "CONFIG" { path(&config) } else { *a })
        .collect();
    let out: Output = std::process::Command::new(env!("CARGO_BIN_EXE_fed-broker"))
        .args(&args)
        .env_clear()
        .output()
        .expect("fed-broker runs");
    let text =
        |b: &[u8]| String::from_utf8_lossy(b).replace(&dir.path().display().to_string(), "DIR");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8")
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    run_with(EXTRA, args)
}

/// `explain` of `user` in `groups` for `role`, with more flags: what it prints.
#[track_caller]
fn explain(user: &str, groups: &str, role: &str, more: &[&str]) -> String {
    let mut args = vec![
        "explain", "--config", "CONFIG", "--user", user, "--groups", groups, "--role", role,
    ];
    args.extend_from_slice(more);
    let (code, out, err) = run(&args);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(err, "", "nothing on stderr");
    out
}

#[test]
fn policy_prints_the_effective_policies() {
    let (code, out, err) = run(&["policy", "--config", "CONFIG"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
    for part in [
        "// Compiled from the entitlements.\n",
        "@id(\"role[0] use\")\npermit (\n    principal,\n    action == Action::\"use\",\n    resource == Role::\"arn:aws:iam::123456789012:role/ReadOnly\"\n)\nwhen {\n    principal in [Group::\"engineering\"] &&\n    context.duration <= 7200\n};\n",
        "@id(\"role[1] request\")",
        "@id(\"role[1] approve\")",
        "@id(\"no self-approval\")",
        "// From DIR/extra.cedar.\n",
        "// extra.cedar, line 2: \"working hours\"\n@id(\"working hours\")\nforbid (principal, action == Action::\"use\", resource)\n",
        "// extra.cedar, line 6: \"mfa\"\n",
    ] {
        assert!(out.contains(part), "{part}\nnot in\n{out}");
    }
    // What is printed is Cedar, and all of it.
    let parsed: cedar_policy::PolicySet = out.parse().expect("Cedar");
    assert_eq!(parsed.policies().count(), 7);
}

#[test]
fn explain_names_the_policies_that_decided() {
    let monday = ["--at", "2026-03-02T09:30:00Z", "--amr", "pwd,mfa"];
    assert_eq!(
        explain("bob@example.com", "engineering", READ_ONLY, &monday),
        "allow\npermitted by: role[0] use\n"
    );
    // Saturday, and without mfa: both forbids, in the order of the policies.
    assert_eq!(
        explain(
            "bob@example.com",
            "engineering",
            READ_ONLY,
            &["--at", "2026-03-07T10:00:00Z", "--amr", "pwd"]
        ),
        "deny\nforbidden by: working hours\nforbidden by: mfa\n"
    );
    // No amr at all is not mfa.
    assert_eq!(
        explain(
            "bob@example.com",
            "engineering",
            READ_ONLY,
            &["--at", "2026-03-02T09:30:00Z"]
        ),
        "deny\nforbidden by: mfa\n"
    );
    assert_eq!(
        explain("eve@example.com", "marketing", READ_ONLY, &monday),
        "deny\nno policy permits it\n"
    );
    // Longer than max_session.
    let long = [&monday[..], &["--duration", "3h"]].concat();
    assert_eq!(
        explain("bob@example.com", "engineering", READ_ONLY, &long),
        "deny\nno policy permits it\n"
    );
    // A role on request: requested within max_grant, approved by others only.
    assert_eq!(
        explain(
            "sam@example.com",
            "sre",
            ADMIN,
            &["--action", "request", "--duration", "4h"]
        ),
        "allow\npermitted by: role[1] request\n"
    );
    assert_eq!(
        explain("sam@example.com", "sre", ADMIN, &["--action", "request"]),
        "allow\npermitted by: role[1] request\n",
        "max_grant unless told"
    );
    assert_eq!(
        explain(
            "lee@example.com",
            "sre-leads",
            ADMIN,
            &["--action", "approve", "--requester", "sam@example.com"]
        ),
        "allow\npermitted by: role[1] approve\n"
    );
    assert_eq!(
        explain(
            "lee@example.com",
            "sre,sre-leads",
            ADMIN,
            &["--action", "approve", "--requester", "lee@example.com"]
        ),
        "deny\nforbidden by: no self-approval\n"
    );
    // Used only with a grant.
    let grant = [&monday[..], &["--grant"]].concat();
    assert_eq!(
        explain("sam@example.com", "sre", ADMIN, &monday),
        "deny\nno policy permits it\n"
    );
    assert_eq!(
        explain("sam@example.com", "sre", ADMIN, &grant),
        "allow\npermitted by: role[1] use\n"
    );
}

#[test]
fn bad_input_is_one_error_line_naming_the_flag() {
    let base = [
        ("--config", "CONFIG"),
        ("--user", "bob@example.com"),
        ("--groups", "engineering"),
        ("--role", READ_ONLY),
    ];
    let cases = [
        (
            "--action",
            "view",
            "error: --action: expected use, request or approve\n",
        ),
        (
            "--source-ip",
            "10.0.0",
            "error: --source-ip: expected an IPv4 or IPv6 address, such as 192.0.2.10\n",
        ),
        (
            "--at",
            "yesterday",
            "error: --at: expected a time as RFC 3339, such as 2026-03-02T09:30:00Z\n",
        ),
        (
            "--duration",
            "2 days",
            "error: --duration: expected a duration such as 3600, 90m or 1h30m\n",
        ),
        (
            "--role",
            "arn:aws:iam::123456789012:user/bob",
            "error: --role: expected a role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME\n",
        ),
        (
            "--user",
            "bob\u{7}",
            "error: --user: expected the user as the broker names them (such as alice@example.com), without control characters\n",
        ),
        (
            "--amr",
            "pwd,m\u{7}fa",
            "error: --amr: expected authentication methods separated by commas, such as pwd,mfa, without control characters\n",
        ),
    ];
    for (flag, value, expected) in cases {
        let mut args = vec!["explain"];
        for (name, given) in base.iter().filter(|(name, _)| *name != flag) {
            args.extend([*name, *given]);
        }
        args.extend([flag, value]);
        let (code, out, err) = run(&args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (Some(2), "", expected),
            "{flag}"
        );
    }
    let (code, out, err) = run(&[
        "explain", "--config", "CONFIG", "--groups", "", "--role", READ_ONLY,
    ]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(2),
            "",
            "error: --user: missing; expected the user as the broker names them\n"
        )
    );
}

#[test]
fn a_mistake_in_the_policies_file_is_named_by_its_line() {
    let typo = EXTRA.replace("context.hour < 18", "context.hours < 18");
    let explain_args = [
        "explain", "--config", "CONFIG", "--user", "bob", "--groups", "", "--role", READ_ONLY,
    ];
    for args in [
        &["policy", "--config", "CONFIG"][..],
        &["check", "--config", "CONFIG"][..],
        &explain_args[..],
    ] {
        let (code, out, err) = run_with(&typo, args);
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert_eq!(out, "", "{args:?}");
        assert!(
            err.starts_with("error: DIR/extra.cedar, line 4: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
        assert!(err.contains("hours"), "{err}");
    }
    // With the typo fixed, the files pass: `check` goes on to the audit store, whose variable
    // is unset here.
    let (code, out, err) = run(&["check", "--config", "CONFIG"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert_eq!(
        err,
        "error: FED_BROKER_DATABASE_URL is not set; the configuration names it\n"
    );
}
