//! The IAM adapter against the local stack: a role's whole lifecycle (created with its tags and
//! trust, assumable once propagated, deleted with everything attached), and the refusal to
//! delete a role that is not the caller's.

use std::time::Duration;

use fed_aws::{
    AssumeRoleRequest, Attempt, Budget, CreateRole, Error, Iam, IamClient, PropagationRetry,
    RemovalStep, StsClient, Tag, assume_role_when_propagated, delete_owned_role,
};
use fed_core::{RoleName, RoleSessionName};
use fed_local::{LocalStack, Options};

const S3: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const IAM: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

fn name(s: &str) -> RoleName {
    RoleName::new(s).expect("a valid role name")
}

fn budget() -> Budget {
    Budget::start(Duration::from_secs(120))
}

/// A role trusting the stack's user is created with its path, tags and trust policy, can be
/// assumed once the (emulated) propagation is over, and is deleted with two managed policies,
/// an inline policy and an instance profile, after which IAM has nothing of it left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_lifecycle() {
    let stack = LocalStack::start_with(Options::new().iam_propagation(Duration::from_secs(2)))
        .await
        .expect("the local stack starts");
    let sdk = stack.sdk_config().await;
    let (iam, sts, raw) = (
        IamClient::new(&sdk),
        StsClient::new(&sdk),
        aws_sdk_iam::Client::new(&sdk),
    );
    let owner = Tag::new("fed:test", "lifecycle");
    let spec = CreateRole::new(name("fed-test-life"), stack.user_arn().clone())
        .with_path("/fed/")
        .with_tag(owner.clone())
        .with_tag(Tag::new("team", "x"))
        .with_description("a test role")
        .with_max_session_duration(Duration::from_secs(7200));
    let role = iam.create_role(&spec).await.expect("CreateRole");
    assert_eq!(
        role.arn.to_string(),
        "arn:aws:iam::123456789012:role/fed/fed-test-life"
    );

    // What IAM holds: the tags, the session limit and a trust policy naming the user.
    let held = raw
        .get_role()
        .role_name("fed-test-life")
        .send()
        .await
        .expect("GetRole")
        .role
        .expect("a role");
    assert_eq!(held.max_session_duration(), Some(7200));
    // IAM answers the document URL-encoded.
    let trust = percent_encoding::percent_decode_str(
        held.assume_role_policy_document().expect("a trust policy"),
    )
    .decode_utf8()
    .expect("UTF-8");
    let trust: serde_json::Value = serde_json::from_str(&trust).expect("JSON");
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        stack.user_arn().to_string()
    );
    let fetched = iam
        .get_role(&role.name)
        .await
        .expect("GetRole")
        .expect("found");
    assert_eq!(fetched.tag("fed:test"), Some("lifecycle"));
    assert_eq!(fetched.tag("team"), Some("x"));
    let tagged = iam.roles_tagged("fed:test").await.expect("listed");
    let names: Vec<&str> = tagged.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["fed-test-life"]);

    // Usable once IAM has propagated it: denied at first, then assumed.
    let request = AssumeRoleRequest::new(role.arn.clone(), RoleSessionName::new("life").unwrap());
    let retry = PropagationRetry {
        deadline: Duration::from_secs(30),
        initial_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(1),
    };
    let mut attempts = 0;
    let assumed = assume_role_when_propagated(&sts, &request, &retry, &mut |a: &Attempt| {
        attempts = a.number
    })
    .await
    .expect("AssumeRole once propagated");
    assert!(
        attempts > 1,
        "the first attempt is denied while propagating"
    );
    assert_eq!(
        assumed.arn.to_string(),
        "arn:aws:sts::123456789012:assumed-role/fed-test-life/life"
    );

    // Everything that blocks deletion.
    for policy in [S3, IAM] {
        iam.attach_role_policy(&role.name, &policy.parse().expect("an ARN"))
            .await
            .expect("AttachRolePolicy");
    }
    raw.put_role_policy()
        .role_name("fed-test-life")
        .policy_name("inline-deny")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
        )
        .send()
        .await
        .expect("PutRolePolicy");
    raw.create_instance_profile()
        .instance_profile_name("fed-test-profile")
        .send()
        .await
        .expect("CreateInstanceProfile");
    raw.add_role_to_instance_profile()
        .instance_profile_name("fed-test-profile")
        .role_name("fed-test-life")
        .send()
        .await
        .expect("AddRoleToInstanceProfile");
    let conflict = iam.delete_role(&role.name).await.expect_err("a conflict");
    assert_eq!(conflict.code(), Some("DeleteConflict"));

    let mut done = Vec::new();
    let removal = delete_owned_role(&iam, &role.name, &owner, &budget(), &mut |event| {
        if let fed_aws::RemovalEvent::Done(step) = event {
            done.push(step.to_string());
        }
    })
    .await
    .expect("owned");
    assert!(
        removal.is_complete() && !removal.already_gone,
        "{removal:?}"
    );
    assert_eq!(
        done,
        [
            format!("detach managed policy {S3}"),
            format!("detach managed policy {IAM}"),
            "delete inline policy inline-deny".to_owned(),
            "remove from instance profile fed-test-profile".to_owned(),
            "delete role".to_owned(),
        ]
    );
    assert_eq!(removal.removed.last(), Some(&RemovalStep::DeleteRole));

    // Nothing is left: no role, and an instance profile without it.
    let gone = raw.get_role().role_name("fed-test-life").send().await;
    assert!(
        gone.expect_err("no role")
            .into_service_error()
            .is_no_such_entity_exception()
    );
    let profile = raw
        .get_instance_profile()
        .instance_profile_name("fed-test-profile")
        .send()
        .await
        .expect("GetInstanceProfile")
        .instance_profile
        .expect("a profile");
    assert!(profile.roles().is_empty(), "{profile:?}");
    let roles = raw.list_roles().send().await.expect("ListRoles");
    assert!(
        roles
            .roles()
            .iter()
            .all(|r| r.role_name() != "fed-test-life"),
        "{roles:?}"
    );

    let again = delete_owned_role(&iam, &role.name, &owner, &budget(), &mut |_| {})
        .await
        .expect("nothing to refuse");
    assert!(again.is_complete() && again.already_gone, "{again:?}");
    stack.shutdown().await;
}

/// A role of the same name without the owner tag's value is refused, and keeps its policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_that_is_not_the_callers_is_not_deleted() {
    let stack = LocalStack::start().await.expect("the local stack starts");
    let iam = IamClient::new(&stack.sdk_config().await);
    let spec = CreateRole::new(name("fed-test-theirs"), stack.user_arn().clone())
        .with_tag(Tag::new("fed:test", "someone-else"));
    let role = iam.create_role(&spec).await.expect("CreateRole");
    iam.attach_role_policy(&role.name, &S3.parse().expect("an ARN"))
        .await
        .expect("AttachRolePolicy");

    let mine = Tag::new("fed:test", "me");
    let refused = delete_owned_role(&iam, &role.name, &mine, &budget(), &mut |_| {})
        .await
        .expect_err("refused");
    assert!(
        matches!(&refused, Error::NotOwned { found: Some(v), .. } if v == "someone-else"),
        "{refused:?}"
    );
    assert_eq!(
        refused.to_string(),
        "role fed-test-theirs was left alone: it does not carry the owner tag fed:test=me (its fed:test tag is someone-else)"
    );
    assert!(iam.get_role(&role.name).await.expect("GetRole").is_some());
    assert_eq!(
        iam.attached_policies(&role.name).await.expect("listed"),
        [S3]
    );
    stack.shutdown().await;
}
