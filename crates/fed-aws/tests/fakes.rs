//! The `test-util` fake behaves like the real client where callers depend on it.

use fed_aws::fake::{FakeSts, service_error, temporary_credentials};
use fed_aws::{
    AssumeRoleRequest, Attempt, PropagationRetry, assume_role_when_propagated, detect_origin,
};
use fed_core::{Arn, AssumeRoleDuration, CredentialOrigin, RoleSessionName};

fn arn(s: &str) -> Arn {
    s.parse().unwrap()
}

/// The fake STS records requests, replays queued errors and synthesizes sessions that follow
/// the role-chaining rule.
#[tokio::test]
async fn fake_sts_queues_records_and_caps() {
    let sts = FakeSts::new(
        temporary_credentials(),
        arn("arn:aws:sts::123456789012:assumed-role/Base/alice"),
    );
    sts.push_assume_role(Err(service_error(
        "sts:AssumeRole",
        "AccessDenied",
        "denied",
    )));
    let mut request = AssumeRoleRequest::new(
        "arn:aws:iam::123456789012:role/Target".parse().unwrap(),
        RoleSessionName::new("alice").unwrap(),
    );
    request.duration = Some(AssumeRoleDuration::from_secs(7200).unwrap());
    let retry = PropagationRetry {
        initial_delay: std::time::Duration::from_millis(1),
        ..PropagationRetry::default()
    };
    let assumed = assume_role_when_propagated(&sts, &request, &retry, &mut |_: &Attempt| {})
        .await
        .unwrap();
    assert_eq!(sts.assume_role_requests().len(), 2);
    assert!(assumed.chained && assumed.duration_capped);
    assert_eq!(
        assumed.arn.to_string(),
        "arn:aws:sts::123456789012:assumed-role/Target/alice"
    );
    // A role session's history cannot be seen from its credentials.
    let origin = detect_origin(&sts).await.unwrap().origin;
    assert_eq!(origin, CredentialOrigin::Unknown);
}
