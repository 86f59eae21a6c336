//! Teardown failure handling against aws-smithy-mocks: what moto cannot be made to do.

use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::delete_role::{DeleteRoleError, DeleteRoleOutput};
use aws_sdk_iam::operation::detach_role_policy::DetachRolePolicyError;
use aws_sdk_iam::operation::get_role::GetRoleError;
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_instance_profiles_for_role::ListInstanceProfilesForRoleOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::types::AttachedPolicy;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::error::ErrorMetadata;
use fed_aws::{Iam, IamClient, TeardownStep};
use fed_core::RoleName;

const POLICY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn meta(code: &str) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code(code)
        .message(format!("{code} happened"))
        .build()
}

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

fn iam(rules: &[&Rule]) -> IamClient {
    IamClient::from_client(mock_client!(aws_sdk_iam, RuleMode::MatchAny, rules))
        .with_teardown_backoff(Duration::from_millis(5))
}

fn role() -> RoleName {
    RoleName::new("fed-demo").unwrap()
}

/// A policy that cannot be detached and the resulting delete conflict are both reported, and a
/// permanent failure is not retried.
#[tokio::test]
async fn teardown_reports_what_could_not_be_removed() {
    let [attached, inline, profiles] = listing_rules();
    let detach = mock!(Client::detach_role_policy)
        .then_error(|| DetachRolePolicyError::generic(meta("UnmodifiableEntity")));
    let delete =
        mock!(Client::delete_role).then_error(|| DeleteRoleError::generic(meta("DeleteConflict")));
    let iam = iam(&[&attached, &inline, &profiles, &detach, &delete]);

    let report = iam.teardown_role(&role()).await;
    assert!(!report.is_complete());
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
    assert_eq!(report.failures[1].error.code(), Some("DeleteConflict"));
    assert!(report.removed.is_empty());
    assert_eq!(detach.num_calls(), 1, "a permanent failure is not retried");
}

/// A transient conflict is retried with a new pass, after which the role is gone and confirmed.
#[tokio::test]
async fn teardown_retries_transient_failures() {
    let [attached, inline, profiles] = listing_rules();
    let detach = mock!(Client::detach_role_policy).then_output(|| {
        aws_sdk_iam::operation::detach_role_policy::DetachRolePolicyOutput::builder().build()
    });
    let delete = mock!(Client::delete_role)
        .sequence()
        .error(|| DeleteRoleError::generic(meta("ConcurrentModification")))
        .output(|| DeleteRoleOutput::builder().build())
        .build();
    let get = mock!(Client::get_role).then_error(|| GetRoleError::generic(meta("NoSuchEntity")));
    let iam = iam(&[&attached, &inline, &profiles, &detach, &delete, &get]);

    let report = iam.teardown_role(&role()).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(delete.num_calls(), 2);
    assert_eq!(get.num_calls(), 1);
    assert_eq!(report.removed.last(), Some(&TeardownStep::DeleteRole));
}

/// A role that keeps showing up after its deletion is reported as unconfirmed.
#[tokio::test]
async fn teardown_reports_an_unconfirmed_deletion() {
    let [attached, inline, profiles] = listing_rules();
    let detach = mock!(Client::detach_role_policy).then_output(|| {
        aws_sdk_iam::operation::detach_role_policy::DetachRolePolicyOutput::builder().build()
    });
    let delete = mock!(Client::delete_role).then_output(|| DeleteRoleOutput::builder().build());
    let get = mock!(Client::get_role).then_output(|| {
        aws_sdk_iam::operation::get_role::GetRoleOutput::builder()
            .role(
                aws_sdk_iam::types::Role::builder()
                    .path("/")
                    .role_name("fed-demo")
                    .role_id("AROAFAKE")
                    .arn("arn:aws:iam::123456789012:role/fed-demo")
                    .create_date(aws_smithy_types::DateTime::from_secs(0))
                    .build()
                    .expect("complete role"),
            )
            .build()
    });
    let iam = iam(&[&attached, &inline, &profiles, &detach, &delete, &get]);

    let report = iam.teardown_role(&role()).await;
    let failed: Vec<_> = report.failures.iter().map(|f| f.step.clone()).collect();
    assert_eq!(failed, [TeardownStep::ConfirmDeleted]);
    assert_eq!(
        report.failures[0].error.to_string(),
        "role fed-demo still exists after it was deleted"
    );
}
