//! [`IamClient`] against aws-smithy-mocks (IAM's error codes, as the teardown reads them) and
//! against moto (the role lifecycle end to end).

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::delete_role::{DeleteRoleError, DeleteRoleOutput};
use aws_sdk_iam::operation::detach_role_policy::{DetachRolePolicyError, DetachRolePolicyOutput};
use aws_sdk_iam::operation::get_role::{GetRoleError, GetRoleOutput};
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_instance_profiles_for_role::ListInstanceProfilesForRoleOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::types::AttachedPolicy;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use fed_aws::Tag;
use fed_core::{Arn, RoleName};
use fed_local::LocalAws;

use super::*;
use crate::demo::event::Recorder;
use crate::teardown::{BUDGET, Budget, TeardownReport, TeardownStep, remove_role};

const POLICY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn meta(code: &str) -> aws_sdk_iam::error::ErrorMetadata {
    aws_sdk_iam::error::ErrorMetadata::builder()
        .code(code)
        .message(format!("{code} happened"))
        .build()
}

/// One attached managed policy, no inline policy, no instance profile.
fn listing_rules() -> [Rule; 3] {
    [
        mock!(Client::list_attached_role_policies).then_output(|| {
            ListAttachedRolePoliciesOutput::builder()
                .attached_policies(
                    AttachedPolicy::builder()
                        .policy_arn(POLICY)
                        .policy_name("ReadOnlyAccess")
                        .build(),
                )
                .build()
        }),
        mock!(Client::list_role_policies).then_output(|| {
            ListRolePoliciesOutput::builder()
                .set_policy_names(Some(Vec::new()))
                .build()
                .expect("complete output")
        }),
        mock!(Client::list_instance_profiles_for_role).then_output(|| {
            ListInstanceProfilesForRoleOutput::builder()
                .set_instance_profiles(Some(Vec::new()))
                .build()
                .expect("complete output")
        }),
    ]
}

fn mocked(rules: &[&Rule]) -> IamClient {
    IamClient::from_client(mock_client!(aws_sdk_iam, RuleMode::MatchAny, rules))
}

fn name(s: &str) -> RoleName {
    RoleName::new(s).expect("a valid role name")
}

fn arn(s: &str) -> Arn {
    s.parse().expect("a valid ARN")
}

async fn remove(iam: &dyn Iam, role: &str) -> TeardownReport {
    let recorder = Recorder::default();
    remove_role(
        iam,
        &name(role),
        &Budget::start(BUDGET),
        "cargo xtask sweep",
        &recorder.events(),
    )
    .await
}

/// A policy that cannot be detached and the resulting delete conflict are both reported, with
/// IAM's codes, and a permanent failure is not retried.
#[tokio::test(start_paused = true)]
async fn the_teardown_reports_what_iam_refused() {
    let [attached, inline, profiles] = listing_rules();
    let detach = mock!(Client::detach_role_policy)
        .then_error(|| DetachRolePolicyError::generic(meta("UnmodifiableEntity")));
    let delete =
        mock!(Client::delete_role).then_error(|| DeleteRoleError::generic(meta("DeleteConflict")));
    let iam = mocked(&[&attached, &inline, &profiles, &detach, &delete]);

    let report = remove(&iam, "fed-demo").await;
    let failed: Vec<_> = report.failures.iter().map(|f| f.step.clone()).collect();
    assert_eq!(
        failed,
        [
            TeardownStep::DetachPolicy {
                policy_arn: POLICY.to_owned()
            },
            TeardownStep::DeleteRole,
        ]
    );
    assert_eq!(report.failures[0].error.code(), Some("UnmodifiableEntity"));
    assert_eq!(
        report.failures[1].error.to_string(),
        "iam:DeleteRole failed: DeleteConflict: DeleteConflict happened"
    );
    assert!(report.removed.is_empty());
    assert_eq!(detach.num_calls(), 1, "a permanent failure is not retried");
}

/// A transient conflict is retried with a new pass, after which the role is gone and confirmed
/// (GetRole's NoSuchEntity means no role).
#[tokio::test(start_paused = true)]
async fn the_teardown_retries_a_transient_failure() {
    let [attached, inline, profiles] = listing_rules();
    let detach =
        mock!(Client::detach_role_policy).then_output(|| DetachRolePolicyOutput::builder().build());
    let delete = mock!(Client::delete_role)
        .sequence()
        .error(|| DeleteRoleError::generic(meta("ConcurrentModification")))
        .output(|| DeleteRoleOutput::builder().build())
        .build();
    let get = mock!(Client::get_role).then_error(|| GetRoleError::generic(meta("NoSuchEntity")));
    let iam = mocked(&[&attached, &inline, &profiles, &detach, &delete, &get]);

    let report = remove(&iam, "fed-demo").await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(delete.num_calls(), 2);
    assert_eq!(get.num_calls(), 1);
    assert_eq!(report.removed.last(), Some(&TeardownStep::DeleteRole));
}

/// A role that GetRole keeps finding after its deletion is reported as unconfirmed.
#[tokio::test(start_paused = true)]
async fn the_teardown_reports_an_unconfirmed_deletion() {
    let [attached, inline, profiles] = listing_rules();
    let detach =
        mock!(Client::detach_role_policy).then_output(|| DetachRolePolicyOutput::builder().build());
    let delete = mock!(Client::delete_role).then_output(|| DeleteRoleOutput::builder().build());
    let get = mock!(Client::get_role).then_output(|| {
        GetRoleOutput::builder()
            .role(
                aws_sdk_iam::types::Role::builder()
                    .path("/")
                    .role_name("fed-demo")
                    .role_id("AROAFAKE")
                    .arn("arn:aws:iam::123456789012:role/fed-demo")
                    .create_date(aws_sdk_iam::primitives::DateTime::from_secs(0))
                    .build()
                    .expect("complete role"),
            )
            .build()
    });
    let iam = mocked(&[&attached, &inline, &profiles, &detach, &delete, &get]);

    let report = remove(&iam, "fed-demo").await;
    let failed: Vec<_> = report.failures.iter().map(|f| f.step.clone()).collect();
    assert_eq!(failed, [TeardownStep::ConfirmDeleted]);
    assert_eq!(
        report.failures[0].error.to_string(),
        "role fed-demo still exists after it was deleted"
    );
}

/// GetRole of a missing role is no role, not an error; other errors keep IAM's code.
#[tokio::test]
async fn get_role_maps_no_such_entity_to_none() {
    let missing =
        mock!(Client::get_role).then_error(|| GetRoleError::generic(meta("NoSuchEntity")));
    let iam = mocked(&[&missing]);
    assert_eq!(iam.get_role(&name("gone")).await, Ok(None));

    let denied = mock!(Client::get_role).then_error(|| GetRoleError::generic(meta("AccessDenied")));
    let iam = mocked(&[&denied]);
    let error = iam.get_role(&name("x")).await.expect_err("denied");
    assert_eq!(error.code(), Some("AccessDenied"));
    assert!(!error.is_transient());
    assert_eq!(
        error.to_string(),
        "iam:GetRole failed: AccessDenied: AccessDenied happened"
    );
}

/// Against moto: a role is created with its path, tags and trust policy, found by its tag, and
/// removed with two managed policies, an inline policy and an instance profile; removing it
/// again finds nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_lifecycle_against_moto() {
    let local = LocalAws::start().await.expect("moto starts");
    let iam = IamClient::new(&local.sdk_config().await);
    let mut spec = CreateRole::new(name("fed-test-life"), arn("arn:aws:iam::123456789012:root"));
    spec.path = Some("/fed/".to_owned());
    spec.tags = vec![Tag::new("fed:run", "life")];
    spec.max_session_duration = Some(7200);
    let role = iam.create_role(&spec).await.expect("CreateRole");
    assert_eq!(
        role.arn.to_string(),
        "arn:aws:iam::123456789012:role/fed/fed-test-life"
    );
    let mut other = CreateRole::new(
        name("fed-test-other"),
        arn("arn:aws:iam::123456789012:root"),
    );
    other.tags = vec![Tag::new("team", "x")];
    iam.create_role(&other).await.expect("CreateRole");

    let fetched = iam
        .get_role(&role.name)
        .await
        .expect("GetRole")
        .expect("found");
    assert_eq!(fetched.arn, role.arn);
    let tagged = iam.roles_tagged("fed:run").await.expect("listed");
    let names: Vec<String> = tagged.iter().map(|r| r.name.to_string()).collect();
    assert_eq!(names, ["fed-test-life"]);
    assert_eq!(tagged[0].tags, [Tag::new("fed:run", "life")]);

    const S3: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    const IAM: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
    for policy in [S3, IAM] {
        iam.attach_role_policy(&role.name, &arn(policy))
            .await
            .expect("AttachRolePolicy");
    }
    let sdk = &iam.client;
    sdk.put_role_policy()
        .role_name("fed-test-life")
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
        .role_name("fed-test-life")
        .send()
        .await
        .expect("AddRoleToInstanceProfile");
    let conflict = iam.delete_role(&role.name).await.expect_err("a conflict");
    assert_eq!(conflict.code(), Some("DeleteConflict"));

    let report = remove(&iam, "fed-test-life").await;
    assert!(report.is_complete(), "{report:?}");
    assert!(!report.already_gone);
    let mut removed: Vec<String> = report.removed.iter().map(|s| s.to_string()).collect();
    removed.sort();
    assert_eq!(
        removed,
        [
            "delete inline policy inline-deny".to_owned(),
            "delete role".to_owned(),
            format!("detach managed policy {S3}"),
            format!("detach managed policy {IAM}"),
            "remove from instance profile fed-test-profile".to_owned(),
        ]
    );
    assert_eq!(report.removed.last(), Some(&TeardownStep::DeleteRole));
    assert_eq!(iam.get_role(&role.name).await, Ok(None));

    let again = remove(&iam, "fed-test-life").await;
    assert!(again.is_complete() && again.already_gone, "{again:?}");
    assert!(again.removed.is_empty());
}
