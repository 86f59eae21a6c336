//! The STS adapter against the local stack: assuming a new role, and role chaining.

use std::time::{Duration, SystemTime};

use fed_aws::{
    AssumeRoleRequest, AssumedRole, Attempt, PropagationRetry, Sts, StsClient,
    assume_role_when_propagated, detect_origin,
};
use fed_core::{AssumeRoleDuration, CredentialOrigin, Principal, RoleSessionName};
use fed_local::LocalStack;
use fed_local::fixtures::trusting;

/// The `SessionDuration` fed-core's policy sends for these credentials when two hours are asked
/// for; `None` when it is left out.
fn sent_session_duration(assumed: &AssumedRole) -> Option<u32> {
    fed_core::decide_session_duration(assumed.origin(), Some(Duration::from_secs(7200)))
        .expect("7200 s is in range")
        .value
        .map(|d| d.seconds())
}

/// A role of the stack's account that the account may assume, for up to two hours.
async fn role(stack: &LocalStack, name: &str) -> fed_core::RoleArn {
    stack
        .create_role(
            name,
            &trusting("arn:aws:iam::123456789012:root"),
            Some(7200),
        )
        .await
        .expect("CreateRole")
        .parse()
        .expect("a role ARN")
}

/// Assume a new role with the propagation-aware assume, and see the assumed-role ARN from
/// GetCallerIdentity with the new credentials.
#[tokio::test]
async fn assume_and_identify() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let sts = StsClient::new(&stack.sdk_config().await);
    let role_arn = role(&stack, "fed-test-assume").await;

    let mut request = AssumeRoleRequest::new(role_arn, RoleSessionName::new("alice").unwrap());
    request.duration = Some(AssumeRoleDuration::from_secs(7200).unwrap());
    let mut attempts = 0;
    let assumed = assume_role_when_propagated(
        &sts,
        &request,
        &PropagationRetry::default(),
        &mut |_: &Attempt| attempts += 1,
    )
    .await
    .expect("AssumeRole");
    assert_eq!(attempts, 1);
    assert!(!assumed.chained, "signed with long-term keys");
    assert_eq!(
        assumed.arn.to_string(),
        "arn:aws:sts::123456789012:assumed-role/fed-test-assume/alice"
    );
    assert!(assumed.credentials.access_key_id().starts_with("ASIA"));
    assert!(assumed.credentials.session_token().is_some());

    let as_role = sts.with_credentials(&assumed.credentials);
    let me = as_role.caller_identity().await.expect("GetCallerIdentity");
    assert_eq!(
        me.arn.principal(),
        &Principal::AssumedRole {
            role_name: "fed-test-assume".to_owned(),
            session_name: "alice".to_owned(),
        }
    );
    assert_eq!(me.account, "123456789012");
    // Whether the session was made by role chaining cannot be seen from its credentials.
    let detected = detect_origin(&as_role).await.expect("origin");
    assert_eq!(detected.origin, CredentialOrigin::Unknown);
    stack.shutdown().await;
}

/// AssumeRole with the assumed credentials is role chaining: the role allows two hours, but the
/// adapter caps the request at one.
#[tokio::test]
async fn chained_assume_is_capped_at_one_hour() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let sts = StsClient::new(&stack.sdk_config().await);
    let role_arn = role(&stack, "fed-test-chain").await;
    let first = sts
        .assume_role(&AssumeRoleRequest::new(
            role_arn.clone(),
            RoleSessionName::new("first").unwrap(),
        ))
        .await
        .expect("first AssumeRole");

    let mut request = AssumeRoleRequest::new(role_arn, RoleSessionName::new("second").unwrap());
    request.duration = Some(AssumeRoleDuration::from_secs(7200).unwrap());
    let second = sts
        .with_credentials(&first.credentials)
        .assume_role(&request)
        .await
        .expect("chained AssumeRole");
    assert!(second.chained);
    assert!(second.duration_capped);
    assert_eq!(sent_session_duration(&second), None);
    let lifetime = second
        .credentials
        .expiration()
        .expect("expiration")
        .duration_since(SystemTime::now())
        .expect("in the future");
    assert!(lifetime <= Duration::from_secs(3600), "{lifetime:?}");
    assert!(lifetime > Duration::from_secs(3000), "{lifetime:?}");
    stack.shutdown().await;
}
