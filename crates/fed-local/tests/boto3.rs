//! The STS rules gate and the federation emulator with boto3, the reference client: the same
//! refusals, codes, statuses and texts as AWS, seen by another SDK than ours.

use std::process::Stdio;
use std::time::Duration;

use aws_sdk_sts::config::Credentials;
use fed_local::fixtures::trusting;
use fed_local::{LocalStack, Options};
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

async fn create_role(stack: &LocalStack, name: &str, trust: Value, max: Option<u32>) -> String {
    stack
        .create_role(name, &trust, max)
        .await
        .expect("CreateRole")
}

fn keys(credentials: &Credentials) -> Value {
    json!({"id": credentials.access_key_id(), "secret": credentials.secret_access_key()})
}

/// Runs the boto3 scenarios against `stack` and returns their outcomes.
async fn run_boto3(stack: &LocalStack) -> Value {
    let me = stack.user_arn().to_string();
    let bob = keys(&stack.create_user("bob").await.expect("bob"));
    let alice = keys(&stack.create_user("alice").await.expect("alice"));
    let device = stack.enable_mfa("alice").await.expect("an MFA device");
    let roles = json!({
        "missing": format!("arn:aws:iam::{ACCOUNT}:role/missing"),
        "only_me": create_role(stack, "only-me", trusting(&me), None).await,
        "vendor": create_role(stack, "vendor", json!({"Statement": {"Effect": "Allow",
            "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "7f3c2a"}}}}), None).await,
        "mfa": create_role(stack, "mfa", json!({"Statement": {"Effect": "Allow",
            "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}), None).await,
        "long": create_role(stack, "long", trusting(ACCOUNT), Some(43_200)).await,
    });
    let fixtures = json!({
        "me": keys(&stack.credentials()),
        "bob": bob,
        "alice": alice,
        "serial": device.serial,
        "seed": device.seed,
        "roles": roles,
        "federation": stack.federation_url().to_string(),
    });
    let python = fed_local::moto::python().expect("moto's venv");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/boto3/gate_rules.py");
    let mut command = tokio::process::Command::new(python);
    command
        .arg(script)
        .arg(fixtures.to_string())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ENDPOINT_URL", stack.endpoint_url())
        .env("AWS_REGION", stack.region())
        .env("AWS_DEFAULT_REGION", stack.region())
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .stdin(Stdio::null());
    if let Some(bundle) = stack.ca_bundle() {
        command
            .env("AWS_CA_BUNDLE", bundle)
            .env("SSL_CERT_FILE", bundle);
    }
    let out = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("boto3 finishes")
        .expect("python runs");
    assert!(
        out.status.success(),
        "boto3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the script")
}

fn refusal(status: u16, code: &str, message: &str) -> Value {
    json!({"status": status, "code": code, "message": message})
}

fn denied(caller: &str, role: &str) -> String {
    format!("User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}")
}

#[track_caller]
fn check(results: &Value, name: &str, expected: Value) {
    assert_eq!(results[name], expected, "scenario {name}");
}

#[track_caller]
fn check_ok(results: &Value, name: &str, arn: &str) {
    assert_eq!(
        results[name],
        json!({"ok": true, "arn": arn}),
        "scenario {name}"
    );
}

/// Every rule of the gate, as boto3 sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_sees_aws_rules() {
    let stack = LocalStack::start().await.expect("stack");
    let results = run_boto3(&stack).await;
    let me = stack.user_arn().to_string();
    let role = |name: &str| format!("arn:aws:iam::{ACCOUNT}:role/{name}");
    let session =
        |role: &str, name: &str| format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{name}");
    check(
        &results,
        "missing_role",
        refusal(403, "AccessDenied", &denied(&me, &role("missing"))),
    );
    check(
        &results,
        "trust_other_user",
        refusal(
            403,
            "AccessDenied",
            &denied(
                &format!("arn:aws:iam::{ACCOUNT}:user/bob"),
                &role("only-me"),
            ),
        ),
    );
    check_ok(&results, "trust_named_user", &session("only-me", "s1"));
    check(
        &results,
        "external_id_missing",
        refusal(403, "AccessDenied", &denied(&me, &role("vendor"))),
    );
    check_ok(&results, "external_id_right", &session("vendor", "s1"));
    check(
        &results,
        "mfa_missing",
        refusal(
            403,
            "AccessDenied",
            &denied(&format!("arn:aws:iam::{ACCOUNT}:user/alice"), &role("mfa")),
        ),
    );
    check(
        &results,
        "mfa_wrong_code",
        refusal(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        ),
    );
    check_ok(&results, "mfa_right_code", &session("mfa", "s1"));
    check(
        &results,
        "mfa_serial_only",
        refusal(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
        ),
    );
    check(
        &results,
        "source_identity_without_permission",
        refusal(
            403,
            "AccessDenied",
            &format!(
                "User: {me} is not authorized to perform: sts:SetSourceIdentity on resource: {}",
                role("only-me")
            ),
        ),
    );
    check(
        &results,
        "wrong_session_token",
        refusal(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    );
    check(
        &results,
        "duration_over_max",
        refusal(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ),
    );
    check(
        &results,
        "duration_under_min",
        refusal(
            400,
            "ValidationError",
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
        ),
    );
    check(
        &results,
        "chained_over_hour",
        refusal(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ),
    );
    check_ok(&results, "chained_hour", &session("long", "two"));
    check(
        &results,
        "federation_token_with_session",
        refusal(
            403,
            "AccessDenied",
            "Cannot call GetFederationToken with session credentials",
        ),
    );
    check(
        &results,
        "session_token_with_session",
        refusal(
            403,
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials",
        ),
    );
    check(
        &results,
        "invalid_key",
        refusal(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    );
    check_ok(
        &results,
        "federated_identity",
        &format!("arn:aws:sts::{ACCOUNT}:federated-user/alice"),
    );
    check(&results, "signin_one_hop", json!({"status": 200}));
    check(
        &results,
        "signin_two_hops",
        json!({"status": 400, "message": fed_local::federation::Rejection::SessionDurationWithChainedRole.message()}),
    );
    check(
        &results,
        "signin_two_hops_without_duration",
        json!({"status": 200}),
    );
}

/// boto3 trusts the stack over https through AWS_CA_BUNDLE, and its answers are the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_over_tls() {
    let stack = LocalStack::start_with(Options::new().tls(true))
        .await
        .expect("stack");
    assert!(stack.endpoint_url().starts_with("https://"));
    let results = run_boto3(&stack).await;
    check(
        &results,
        "chained_over_hour",
        refusal(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ),
    );
    check(&results, "signin_one_hop", json!({"status": 200}));
}
