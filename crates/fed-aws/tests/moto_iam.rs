//! The STS and IAM adapters against moto: the role lifecycle end to end.

use std::time::{Duration, SystemTime};

use fed_aws::{
    AssumeRoleRequest, AssumedRole, Attempt, CreateRole, Iam, IamClient, PropagationRetry, Sts,
    StsClient, Tag, TeardownStep, assume_role_when_propagated, detect_origin,
};
use fed_core::{Arn, AssumeRoleDuration, CredentialOrigin, Principal, RoleName, RoleSessionName};
use fed_local::LocalAws;

const S3_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const IAM_READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

/// The `SessionDuration` fed-core's policy sends for these credentials when two hours are asked
/// for; `None` when it is left out.
fn sent_session_duration(assumed: &AssumedRole) -> Option<u32> {
    fed_core::decide_session_duration(assumed.origin(), Some(Duration::from_secs(7200)))
        .expect("7200 s is in range")
        .value
        .map(|d| d.seconds())
}

async fn clients(local: &LocalAws) -> (StsClient, IamClient) {
    let config = local.sdk_config().await;
    (
        StsClient::new(&config),
        IamClient::new(&config).with_teardown_backoff(Duration::from_millis(50)),
    )
}

fn arn(s: &str) -> Arn {
    s.parse().expect("valid ARN")
}

fn role_name(s: &str) -> RoleName {
    RoleName::new(s).expect("valid role name")
}

fn spec(name: &str) -> CreateRole {
    CreateRole::new(role_name(name), arn("arn:aws:iam::123456789012:root"))
}

/// Create a role, attach AmazonS3ReadOnlyAccess, assume it with the propagation-aware assume,
/// and see the assumed-role ARN from GetCallerIdentity with the new credentials.
#[tokio::test]
async fn create_attach_assume_and_identify() {
    let local = LocalAws::start().await.expect("moto starts");
    let (sts, iam) = clients(&local).await;

    let mut create = spec("fed-test-assume");
    create.path = Some("/fed/".to_owned());
    create.tags = vec![Tag::new("fed:run", "assume")];
    create.max_session_duration = Some(7200);
    let role = iam.create_role(&create).await.expect("CreateRole");
    assert_eq!(
        role.arn.to_string(),
        "arn:aws:iam::123456789012:role/fed/fed-test-assume"
    );
    assert_eq!(role.path, "/fed/");
    iam.attach_role_policy(&role.name, &arn(S3_READ_ONLY))
        .await
        .expect("AttachRolePolicy");

    let fetched = iam
        .get_role(&role.name)
        .await
        .expect("GetRole")
        .expect("exists");
    assert_eq!(fetched.arn, role.arn);
    assert_eq!(fetched.max_session_duration, Some(7200));

    let mut request =
        AssumeRoleRequest::new(role_arn(&role), RoleSessionName::new("alice").unwrap());
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
    assert!(!assumed.chained, "signed with long-term test keys");
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

    let report = iam.teardown_role(&role.name).await;
    assert!(report.is_complete(), "{report:?}");
}

/// AssumeRole with the assumed credentials is role chaining: moto would grant two hours, but the
/// adapter caps the request at one.
#[tokio::test]
async fn chained_assume_is_capped_at_one_hour() {
    let local = LocalAws::start().await.expect("moto starts");
    let (sts, iam) = clients(&local).await;
    let role = iam
        .create_role(&spec("fed-test-chain"))
        .await
        .expect("CreateRole");
    let first = sts
        .assume_role(&AssumeRoleRequest::new(
            role_arn(&role),
            RoleSessionName::new("first").unwrap(),
        ))
        .await
        .expect("first AssumeRole");

    let mut request =
        AssumeRoleRequest::new(role_arn(&role), RoleSessionName::new("second").unwrap());
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
}

/// Teardown detaches two managed policies, deletes an inline policy, removes the role from an
/// instance profile, deletes the role and confirms it is gone; a second teardown is fine.
#[tokio::test]
async fn teardown_removes_everything_and_is_idempotent() {
    let local = LocalAws::start().await.expect("moto starts");
    let (_, iam) = clients(&local).await;
    let role = iam
        .create_role(&spec("fed-test-teardown"))
        .await
        .expect("CreateRole");
    for policy in [S3_READ_ONLY, IAM_READ_ONLY] {
        iam.attach_role_policy(&role.name, &arn(policy))
            .await
            .expect("AttachRolePolicy");
    }
    let sdk = iam.client();
    sdk.put_role_policy()
        .role_name(role.name.as_str())
        .policy_name("inline-deny")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
        )
        .send()
        .await
        .expect("PutRolePolicy");
    sdk.create_instance_profile()
        .instance_profile_name("fed-test-profile")
        .send()
        .await
        .expect("CreateInstanceProfile");
    sdk.add_role_to_instance_profile()
        .instance_profile_name("fed-test-profile")
        .role_name(role.name.as_str())
        .send()
        .await
        .expect("AddRoleToInstanceProfile");

    // Without the teardown, deleting the role conflicts.
    let conflict = sdk
        .delete_role()
        .role_name(role.name.as_str())
        .send()
        .await
        .expect_err("DeleteRole conflicts");
    assert_eq!(
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&conflict),
        Some("DeleteConflict")
    );

    let report = iam.teardown_role(&role.name).await;
    assert!(report.is_complete(), "{report:?}");
    assert!(!report.already_gone);
    let mut removed = report.removed.clone();
    removed.sort_by_key(|s| format!("{s:?}"));
    let mut expected = vec![
        TeardownStep::DetachPolicy {
            policy_arn: S3_READ_ONLY.to_owned(),
        },
        TeardownStep::DetachPolicy {
            policy_arn: IAM_READ_ONLY.to_owned(),
        },
        TeardownStep::DeleteInlinePolicy {
            policy_name: "inline-deny".to_owned(),
        },
        TeardownStep::RemoveFromInstanceProfile {
            instance_profile: "fed-test-profile".to_owned(),
        },
        TeardownStep::DeleteRole,
    ];
    expected.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(removed, expected);
    assert_eq!(report.removed.last(), Some(&TeardownStep::DeleteRole));
    assert_eq!(iam.get_role(&role.name).await.expect("GetRole"), None);

    let again = iam.teardown_role(&role.name).await;
    assert!(again.is_complete(), "{again:?}");
    assert!(again.already_gone);
    assert!(again.removed.is_empty());
}

/// Listing by tag finds exactly the roles carrying the tag (and value, when given).
#[tokio::test]
async fn list_by_tag_finds_only_tagged_roles() {
    let local = LocalAws::start().await.expect("moto starts");
    let (_, iam) = clients(&local).await;
    for (name, tags) in [
        ("fed-test-run-a", vec![Tag::new("fed:run", "a")]),
        (
            "fed-test-run-b",
            vec![Tag::new("fed:run", "b"), Tag::new("team", "x")],
        ),
        ("fed-test-other", vec![Tag::new("team", "x")]),
        ("fed-test-untagged", vec![]),
    ] {
        let mut create = spec(name);
        create.tags = tags;
        iam.create_role(&create).await.expect("CreateRole");
    }

    let names = |roles: Vec<fed_aws::Role>| {
        let mut names: Vec<String> = roles.into_iter().map(|r| r.name.to_string()).collect();
        names.sort();
        names
    };
    let any_run = iam.list_roles_by_tag("fed:run", None).await.expect("list");
    assert_eq!(names(any_run), ["fed-test-run-a", "fed-test-run-b"]);
    let run_b = iam
        .list_roles_by_tag("fed:run", Some("b"))
        .await
        .expect("list");
    assert_eq!(run_b.len(), 1);
    assert!(run_b[0].tags.contains(&Tag::new("team", "x")));
    assert_eq!(names(run_b), ["fed-test-run-b"]);
    let none = iam
        .list_roles_by_tag("fed:run", Some("c"))
        .await
        .expect("list");
    assert!(none.is_empty());
}

fn role_arn(role: &fed_aws::Role) -> fed_core::RoleArn {
    fed_core::RoleArn::new(role.arn.clone()).expect("a role's ARN")
}
