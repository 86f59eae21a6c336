//! What the teardown says when it leaves something: a role it did not touch, because it is not
//! this run's or whose it is cannot be told, and what remains after an incomplete removal, with
//! the commands that remove it.

use fed_aws::{Removal, RemovalStep};
use fed_core::RoleName;

use crate::demo::tags::DEMO_TAG;

/// What the teardown says about a role that `delete_owned_role` did not touch, because of
/// `error`; `sweep` removes it.
pub(crate) fn left_alone(role: &RoleName, error: &fed_aws::Error, sweep: &str) -> String {
    match error {
        fed_aws::Error::NotOwned { owner, found, .. } => {
            let why = match found {
                None => format!("it has no {DEMO_TAG} tag"),
                Some(other) => format!("its {DEMO_TAG} tag is {other}"),
            };
            format!(
                "error: role {role} is not ours, left alone: it does not carry this run's tag {DEMO_TAG}={} ({why}); nothing was detached or deleted",
                owner.value
            )
        }
        error => format!(
            "error: role {role} was left alone: its tags cannot be read ({error}), so it may not be ours; nothing was detached or deleted; `{sweep}` removes it if it is a demo role"
        ),
    }
}

/// What remains after an incomplete removal, and the commands that remove it: `sweep`, and the
/// AWS CLI's.
pub(crate) fn leftover_report(report: &Removal, sweep: &str) -> String {
    let role = &report.role;
    let out_of_time = report.ran_out_of_time();
    let mut out = format!(
        "error: the teardown of role {role} is incomplete{}; these resources remain:\n",
        if out_of_time {
            " (IAM did not answer in time)"
        } else {
            ""
        }
    );
    let mut policies = Vec::new();
    let mut inline = Vec::new();
    let mut profiles = Vec::new();
    for failure in &report.failures {
        let error = &failure.error;
        let line = match &failure.step {
            RemovalStep::DetachPolicy { policy_arn } => {
                policies.push(policy_arn.clone());
                format!("managed policy {policy_arn}, still attached to {role} ({error})")
            }
            RemovalStep::DeleteInlinePolicy { policy_name } => {
                inline.push(policy_name.clone());
                format!("inline policy {policy_name} of {role} ({error})")
            }
            RemovalStep::RemoveFromInstanceProfile { instance_profile } => {
                profiles.push(instance_profile.clone());
                format!("{role} is still in instance profile {instance_profile} ({error})")
            }
            RemovalStep::ListAttachedPolicies => {
                format!(
                    "any managed policies attached to {role}: they could not be listed ({error})"
                )
            }
            RemovalStep::ListInlinePolicies => {
                format!("any inline policies of {role}: they could not be listed ({error})")
            }
            RemovalStep::ListInstanceProfiles => {
                format!("any instance profiles holding {role}: they could not be listed ({error})")
            }
            step => format!("{step} failed ({error})"),
        };
        out.push_str(&format!("  - {line}\n"));
    }
    out.push_str(&format!("  - role {role} itself\n"));
    out.push_str(&format!(
        "remove them with:\n  {sweep}\nor with the AWS CLI:\n"
    ));
    if policies.is_empty() && inline.is_empty() && profiles.is_empty() {
        out.push_str(&format!(
            "  aws iam list-attached-role-policies --role-name {role}   # detach each with aws iam detach-role-policy\n  aws iam list-role-policies --role-name {role}            # delete each with aws iam delete-role-policy\n"
        ));
    }
    for arn in &policies {
        out.push_str(&format!(
            "  aws iam detach-role-policy --role-name {role} --policy-arn {arn}\n"
        ));
    }
    for name in &inline {
        out.push_str(&format!(
            "  aws iam delete-role-policy --role-name {role} --policy-name {name}\n"
        ));
    }
    for profile in &profiles {
        out.push_str(&format!(
            "  aws iam remove-role-from-instance-profile --role-name {role} --instance-profile-name {profile}\n"
        ));
    }
    out.push_str(&format!("  aws iam delete-role --role-name {role}\n"));
    out
}
