//! The STS rules gate on its own, as another project's tests use it: `Gate::start` in front of
//! a `LocalAws`, reached with the AWS SDK through nothing but fed-local's public API.

use aws_sdk_sts::error::ProvideErrorMetadata;
use fed_local::fixtures::trusting;
use fed_local::{CallerKind, Gate, LocalAws, Service};

/// A role whose trust policy does not name the caller: moto hands out a session anyway, the
/// gate refuses it as AWS does, logs the refusal and knows the caller's keys as long-term ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gate_refuses_an_assume_role_that_moto_allows() {
    let aws = LocalAws::start().await.expect("moto starts");
    let gate = Gate::start(&aws).await.expect("the gate starts");
    let through_gate =
        |sdk: aws_config::SdkConfig| sdk.into_builder().endpoint_url(gate.endpoint_url()).build();

    // IAM passes through the gate unchanged.
    let iam = aws_sdk_iam::Client::new(&through_gate(aws.sdk_config().await));
    iam.create_user()
        .user_name("alice")
        .send()
        .await
        .expect("CreateUser");
    let key = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("CreateAccessKey");
    let key = key.access_key().expect("a key");
    let role = iam
        .create_role()
        .role_name("locked")
        .assume_role_policy_document(trusting("arn:aws:iam::123456789012:user/bob").to_string())
        .send()
        .await
        .expect("CreateRole");
    let role_arn = role.role().expect("a role").arn().to_owned();
    let alice = aws_sdk_sts::config::Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "test",
    );

    let assume = |sdk: aws_config::SdkConfig| {
        let role_arn = role_arn.clone();
        async move {
            aws_sdk_sts::Client::new(&sdk)
                .assume_role()
                .role_arn(role_arn)
                .role_session_name("alice")
                .send()
                .await
        }
    };
    // moto alone does not read trust policies.
    assume(aws.sdk_config_with(alice.clone()).await)
        .await
        .expect("moto lets alice assume the role");
    let refused = assume(through_gate(aws.sdk_config_with(alice.clone()).await))
        .await
        .expect_err("the gate refuses");
    let refused = refused.as_service_error().expect("an STS error");
    assert_eq!(refused.code(), Some("AccessDenied"));
    assert_eq!(
        refused.message(),
        Some(
            format!(
                "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            )
            .as_str()
        )
    );

    let calls = gate.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        (calls[0].status, calls[0].error.as_deref()),
        (403, Some("AccessDenied"))
    );
    assert_eq!(calls[0].caller, CallerKind::LongTermUser);
    let known = gate
        .identities()
        .get(key.access_key_id())
        .expect("the gate knows alice's keys");
    assert_eq!(
        known.arn.to_string(),
        "arn:aws:iam::123456789012:user/alice"
    );
    gate.shutdown().await;
}
