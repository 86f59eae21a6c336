//! The `test-util` fakes behave like the real clients where callers depend on it.

use fed_aws::fake::{FakeIam, FakeSts, service_error, temporary_credentials};
use fed_aws::{
    AssumeRoleRequest, Attempt, CreateRole, Iam, PropagationRetry, Tag, TeardownStep,
    assume_role_when_propagated, detect_origin,
};
use fed_core::{Arn, AssumeRoleDuration, CredentialOrigin, RoleName, RoleSessionName};

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

/// The fake IAM keeps roles, finds them by tag and tears them down with a report.
#[tokio::test]
async fn fake_iam_lifecycle() {
    let iam = FakeIam::new();
    let name = RoleName::new("fed-demo").unwrap();
    let mut create = CreateRole::new(name.clone(), arn("arn:aws:iam::123456789012:root"));
    create.tags = vec![Tag::new("fed:run", "1")];
    let role = iam.create_role(&create).await.unwrap();
    assert_eq!(
        role.arn.to_string(),
        "arn:aws:iam::123456789012:role/fed-demo"
    );
    let err = iam.create_role(&create).await.unwrap_err();
    assert_eq!(err.code(), Some("EntityAlreadyExists"));
    iam.attach_role_policy(&name, &arn("arn:aws:iam::aws:policy/ReadOnlyAccess"))
        .await
        .unwrap();
    assert!(iam.add_inline_policy("fed-demo", "inline"));
    assert_eq!(
        iam.list_roles_by_tag("fed:run", Some("1"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        iam.list_roles_by_tag("fed:run", Some("2"))
            .await
            .unwrap()
            .is_empty()
    );

    let report = iam.teardown_role(&name).await;
    assert!(report.is_complete());
    assert_eq!(report.removed.len(), 3);
    assert_eq!(report.removed.last(), Some(&TeardownStep::DeleteRole));
    assert!(iam.get_role(&name).await.unwrap().is_none());
    assert!(iam.teardown_role(&name).await.already_gone);
}
