//! Tests of the demo's pure parts: fault names, run ids and timestamps, trusted principals.

use std::time::{Duration, UNIX_EPOCH};

use super::*;

#[track_caller]
fn check_fault(input: &str, expect: Option<(Step, bool)>) {
    let got = parse_fault(input).ok().map(|f| (f.step, f.panic));
    assert_eq!(got, expect, "{input}");
}

#[test]
fn faults() {
    for step in Step::ALL {
        check_fault(step.name(), Some((step, false)));
        check_fault(&format!("{}:panic", step.name()), Some((step, true)));
    }
    check_fault("teardown", None);
    check_fault("", None);
}

#[track_caller]
fn check_time(secs: u64, expect: &str) {
    let at = UNIX_EPOCH + Duration::from_secs(secs);
    assert_eq!(rfc3339(at), expect);
    assert_eq!(parse_rfc3339(expect), Some(at), "{expect}");
}

#[test]
fn timestamps() {
    check_time(0, "1970-01-01T00:00:00Z");
    check_time(951_782_400, "2000-02-29T00:00:00Z");
    check_time(1_795_365_935, "2026-11-22T16:45:35Z");
    check_time(4_102_444_799, "2099-12-31T23:59:59Z");
    assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
    assert_eq!(parse_rfc3339("2026-11-22 16:45:35Z"), None);
    assert_eq!(parse_rfc3339("yesterday"), None);
}

#[test]
fn run_ids_are_valid_role_names_and_differ() {
    let at = UNIX_EPOCH + Duration::from_secs(1_795_365_935);
    let a = run_id(at);
    let b = run_id(at);
    assert!(a.starts_with("20261122T164535-"), "{a}");
    assert_ne!(a, b);
    RoleName::new(format!("{ROLE_PREFIX}{a}")).expect("a valid role name");
}

#[track_caller]
fn check_trusted(caller: &str, expect: &str) {
    let caller: Arn = caller.parse().expect("a valid ARN");
    let iam = fed_aws::fake::FakeIam::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let got = runtime.block_on(trusted_principal(&caller, &iam));
    match got {
        Ok(arn) => assert_eq!(arn.to_string(), expect),
        Err(err) => assert_eq!(format!("error: {err}"), expect),
    }
}

#[test]
fn trusted_principals() {
    check_trusted(
        "arn:aws:iam::123456789012:user/ops/alice",
        "arn:aws:iam::123456789012:user/ops/alice",
    );
    check_trusted(
        "arn:aws:sts::123456789012:user/moto",
        "arn:aws:iam::123456789012:user/moto",
    );
    check_trusted(
        "arn:aws:sts::123456789012:federated-user/bob",
        "error: a federated user (arn:aws:sts::123456789012:federated-user/bob) cannot create IAM roles; use IAM user or role credentials, or --local; nothing was created",
    );
}

#[test]
fn an_assumed_role_caller_is_trusted_as_its_role_with_path() {
    let iam = fed_aws::fake::FakeIam::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut spec = CreateRole::new(
        RoleName::new("Admin").expect("a valid name"),
        "arn:aws:iam::123456789012:root"
            .parse()
            .expect("a valid ARN"),
    );
    spec.path = Some("/team/ops/".to_owned());
    let role = runtime.block_on(iam.create_role(&spec)).expect("created");
    let caller: Arn = format!(
        "arn:aws:sts::{}:assumed-role/Admin/alice",
        role.arn.account_id()
    )
    .parse()
    .expect("a valid ARN");
    let trusted = runtime
        .block_on(trusted_principal(&caller, &iam))
        .expect("found");
    assert_eq!(trusted, role.arn);
    assert!(
        trusted.to_string().ends_with(":role/team/ops/Admin"),
        "{trusted}"
    );

    let missing: Arn = "arn:aws:sts::123456789012:assumed-role/Gone/alice"
        .parse()
        .expect("valid");
    let err = runtime
        .block_on(trusted_principal(&missing, &iam))
        .expect_err("not found");
    assert_eq!(
        err.to_string(),
        "the caller's role Gone was not found with GetRole; nothing was created"
    );
}
