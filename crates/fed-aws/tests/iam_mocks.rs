//! [`IamClient`] against aws-smithy-mocks: IAM's error codes as one [`fed_aws::Error`], and the
//! removal's reading of them.

use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::delete_role::{DeleteRoleError, DeleteRoleOutput};
use aws_sdk_iam::operation::detach_role_policy::{DetachRolePolicyError, DetachRolePolicyOutput};
use aws_sdk_iam::operation::get_role::{GetRoleError, GetRoleOutput};
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_instance_profiles_for_role::ListInstanceProfilesForRoleOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::types::AttachedPolicy;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use fed_aws::{Budget, Iam, IamClient, Removal, RemovalStep, remove_role};
use fed_core::RoleName;

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

async fn remove(iam: &dyn Iam, role: &str) -> Removal {
    let budget = Budget::start(Duration::from_secs(120));
    remove_role(iam, &name(role), &budget, &mut |_| {}).await
}

/// A policy that cannot be detached and the resulting delete conflict are both reported, with
/// IAM's codes, and a permanent failure is not retried.
#[tokio::test(start_paused = true)]
async fn a_removal_reports_what_iam_refused() {
    let [attached, inline, profiles] = listing_rules();
    let detach = mock!(Client::detach_role_policy)
        .then_error(|| DetachRolePolicyError::generic(meta("UnmodifiableEntity")));
    let delete =
        mock!(Client::delete_role).then_error(|| DeleteRoleError::generic(meta("DeleteConflict")));
    let iam = mocked(&[&attached, &inline, &profiles, &detach, &delete]);

    let removal = remove(&iam, "fed-demo").await;
    let failed: Vec<_> = removal.failures.iter().map(|f| f.step.clone()).collect();
    assert_eq!(
        failed,
        [
            RemovalStep::DetachPolicy {
                policy_arn: POLICY.to_owned()
            },
            RemovalStep::DeleteRole,
        ]
    );
    assert_eq!(removal.failures[0].error.code(), Some("UnmodifiableEntity"));
    assert_eq!(
        removal.failures[1].error.to_string(),
        "iam:DeleteRole failed: DeleteConflict: DeleteConflict happened"
    );
    assert!(removal.removed.is_empty());
    assert_eq!(detach.num_calls(), 1, "a permanent failure is not retried");
}

/// A transient conflict is retried with a new pass, after which the role is gone and confirmed
/// (GetRole's NoSuchEntity means no role).
#[tokio::test(start_paused = true)]
async fn a_removal_retries_a_transient_failure() {
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

    let removal = remove(&iam, "fed-demo").await;
    assert!(removal.is_complete(), "{removal:?}");
    assert_eq!(delete.num_calls(), 2);
    assert_eq!(get.num_calls(), 1);
    assert_eq!(removal.removed.last(), Some(&RemovalStep::DeleteRole));
}

/// A role that GetRole keeps finding after its deletion is reported as unconfirmed.
#[tokio::test(start_paused = true)]
async fn a_removal_reports_an_unconfirmed_deletion() {
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

    let removal = remove(&iam, "fed-demo").await;
    let failed: Vec<_> = removal.failures.iter().map(|f| f.step.clone()).collect();
    assert_eq!(failed, [RemovalStep::ConfirmDeleted]);
    assert_eq!(
        removal.failures[0].error.to_string(),
        "role fed-demo still exists after it was deleted"
    );
}

/// GetRole of a missing role is no role, not an error; other errors keep IAM's code.
#[tokio::test]
async fn get_role_maps_no_such_entity_to_none() {
    let missing =
        mock!(Client::get_role).then_error(|| GetRoleError::generic(meta("NoSuchEntity")));
    let iam = mocked(&[&missing]);
    assert_eq!(iam.get_role(&name("gone")).await.expect("no error"), None);

    let denied = mock!(Client::get_role).then_error(|| GetRoleError::generic(meta("AccessDenied")));
    let iam = mocked(&[&denied]);
    let error = iam.get_role(&name("x")).await.expect_err("denied");
    assert_eq!(error.code(), Some("AccessDenied"));
    assert!(error.is_access_denied() && !error.is_transient() && !error.is_no_such_entity());
    assert_eq!(
        error.to_string(),
        "iam:GetRole failed: AccessDenied: AccessDenied happened"
    );
}
