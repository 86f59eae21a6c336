//! Removing a role with everything that blocks its deletion, within a time budget, and the
//! report of what remains when that fails.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use fed_core::RoleName;
use tokio::time::Instant;

use crate::demo::event::{Event, Events};
use crate::iam::{Iam, IamError, OPERATION_TIMEOUT};

/// How long one IAM call of the teardown may take: a backstop a little above the client's own
/// limit, for a connection that hangs where the client cannot see it.
pub(crate) const CALL_LIMIT: Duration = Duration::from_secs(OPERATION_TIMEOUT.as_secs() + 5);

/// How many passes a removal makes before it reports what is left.
const ROUNDS: u32 = 4;

/// How often a deletion is checked before it is reported unconfirmed.
const CONFIRM_TRIES: u32 = 5;

/// The first wait between passes and between checks; it doubles each time.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// The time a teardown has left; every call is cut to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    deadline: Instant,
}

impl Budget {
    /// A budget of `total`, from now.
    pub(crate) fn start(total: Duration) -> Budget {
        Budget {
            deadline: Instant::now() + total,
        }
    }

    /// The time left.
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Runs the IAM call `operation` for at most [`CALL_LIMIT`], or what is left if that is
    /// less; with nothing left, it is not made at all.
    pub(crate) async fn call<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, IamError>>,
    ) -> Result<T, IamError> {
        let limit = CALL_LIMIT.min(self.remaining());
        if limit.is_zero() {
            return Err(IamError::NotTried { operation });
        }
        tokio::time::timeout(limit, call)
            .await
            .unwrap_or(Err(IamError::TimedOut {
                operation,
                after: limit,
            }))
    }

    /// Waits `delay`, or what is left if that is less.
    async fn sleep(&self, delay: Duration) {
        tokio::time::sleep(delay.min(self.remaining())).await;
    }
}

/// One step of a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TeardownStep {
    ListAttachedPolicies,
    DetachPolicy { policy_arn: String },
    ListInlinePolicies,
    DeleteInlinePolicy { policy_name: String },
    ListInstanceProfiles,
    RemoveFromInstanceProfile { instance_profile: String },
    DeleteRole,
    ConfirmDeleted,
}

impl fmt::Display for TeardownStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TeardownStep::ListAttachedPolicies => f.write_str("list attached managed policies"),
            TeardownStep::DetachPolicy { policy_arn } => {
                write!(f, "detach managed policy {policy_arn}")
            }
            TeardownStep::ListInlinePolicies => f.write_str("list inline policies"),
            TeardownStep::DeleteInlinePolicy { policy_name } => {
                write!(f, "delete inline policy {policy_name}")
            }
            TeardownStep::ListInstanceProfiles => f.write_str("list instance profiles"),
            TeardownStep::RemoveFromInstanceProfile { instance_profile } => {
                write!(f, "remove from instance profile {instance_profile}")
            }
            TeardownStep::DeleteRole => f.write_str("delete role"),
            TeardownStep::ConfirmDeleted => f.write_str("confirm the role is gone"),
        }
    }
}

/// A step that failed, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TeardownFailure {
    pub(crate) step: TeardownStep,
    pub(crate) error: IamError,
}

/// What a removal did and what it could not do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TeardownReport {
    pub(crate) role: RoleName,
    /// The role did not exist when the removal started.
    pub(crate) already_gone: bool,
    /// What was removed, in order.
    pub(crate) removed: Vec<TeardownStep>,
    /// What the last pass could not do; empty when the role is confirmed gone.
    pub(crate) failures: Vec<TeardownFailure>,
}

impl TeardownReport {
    /// Whether the role is confirmed gone.
    pub(crate) fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Removes `role` with everything that blocks its deletion: detaches every managed policy,
/// deletes every inline policy, removes it from every instance profile, deletes it, and confirms
/// it is gone. A role that does not exist is already removed. Transient failures are retried
/// with backoff while `budget` lasts.
///
/// Each step is reported as it is done; at the end, [`Event::Gone`], or [`Event::Incomplete`]
/// with what remains and `sweep`, the command that removes it.
pub(crate) async fn remove_role(
    iam: &dyn Iam,
    role: &RoleName,
    budget: &Budget,
    sweep: &str,
    events: &Events,
) -> TeardownReport {
    events.emit(Event::TearingDown { role: role.clone() });
    let mut report = TeardownReport {
        role: role.clone(),
        already_gone: false,
        removed: Vec::new(),
        failures: Vec::new(),
    };
    let mut pass = Pass {
        iam,
        role,
        budget,
        events,
        removed: &mut report.removed,
        failures: Vec::new(),
    };
    let mut backoff = FIRST_BACKOFF;
    for round in 1..=ROUNDS {
        pass.failures.clear();
        let gone = pass.run().await;
        if gone && round == 1 && pass.removed.is_empty() {
            report.already_gone = true;
        }
        if gone && let Err(failure) = confirm_deleted(iam, role, budget).await {
            pass.failures.push(failure);
        }
        let retry = pass.failures.iter().all(|f| f.error.is_transient());
        if pass.failures.is_empty() || !retry || round == ROUNDS || budget.remaining().is_zero() {
            break;
        }
        budget.sleep(backoff).await;
        backoff *= 2;
    }
    report.failures = pass.failures;
    events.emit(if report.is_complete() {
        Event::Gone {
            role: role.clone(),
            already: report.already_gone,
        }
    } else {
        Event::Incomplete {
            report: report.clone(),
            sweep: sweep.to_owned(),
        }
    });
    report
}

/// One pass over a role: what it removed so far, and what failed in this pass.
struct Pass<'a> {
    iam: &'a dyn Iam,
    role: &'a RoleName,
    budget: &'a Budget,
    events: &'a Events,
    removed: &'a mut Vec<TeardownStep>,
    failures: Vec<TeardownFailure>,
}

/// A listing found that the role no longer exists.
struct RoleGone;

impl Pass<'_> {
    /// Everything that blocks deletion, then the deletion. Returns whether the role is gone
    /// (deleted now, or found missing).
    async fn run(&mut self) -> bool {
        if self.remove_attachments().await.is_err() {
            return true;
        }
        let deleted = self
            .budget
            .call("iam:DeleteRole", self.iam.delete_role(self.role))
            .await;
        self.settle(deleted, TeardownStep::DeleteRole)
    }

    async fn remove_attachments(&mut self) -> Result<(), RoleGone> {
        let (iam, role, budget) = (self.iam, self.role, self.budget);
        let policies = budget
            .call("iam:ListAttachedRolePolicies", iam.attached_policies(role))
            .await;
        for policy_arn in self.listed(policies, TeardownStep::ListAttachedPolicies)? {
            let done = budget
                .call(
                    "iam:DetachRolePolicy",
                    iam.detach_role_policy(role, &policy_arn),
                )
                .await;
            self.settle(done, TeardownStep::DetachPolicy { policy_arn });
        }
        let inline = budget
            .call("iam:ListRolePolicies", iam.inline_policies(role))
            .await;
        for policy_name in self.listed(inline, TeardownStep::ListInlinePolicies)? {
            let done = budget
                .call(
                    "iam:DeleteRolePolicy",
                    iam.delete_role_policy(role, &policy_name),
                )
                .await;
            self.settle(done, TeardownStep::DeleteInlinePolicy { policy_name });
        }
        let profiles = budget
            .call(
                "iam:ListInstanceProfilesForRole",
                iam.instance_profiles(role),
            )
            .await;
        for instance_profile in self.listed(profiles, TeardownStep::ListInstanceProfiles)? {
            let done = budget
                .call(
                    "iam:RemoveRoleFromInstanceProfile",
                    iam.remove_from_instance_profile(role, &instance_profile),
                )
                .await;
            self.settle(
                done,
                TeardownStep::RemoveFromInstanceProfile { instance_profile },
            );
        }
        Ok(())
    }

    /// The items of a listing. A failed listing is recorded under `step` and yields no items, so
    /// the pass goes on; a missing role ends it.
    fn listed(
        &mut self,
        result: Result<Vec<String>, IamError>,
        step: TeardownStep,
    ) -> Result<Vec<String>, RoleGone> {
        match result {
            Ok(items) => Ok(items),
            Err(error) if error.is_no_such_entity() => Err(RoleGone),
            Err(error) => {
                self.failures.push(TeardownFailure { step, error });
                Ok(Vec::new())
            }
        }
    }

    /// Records the outcome of one removal: done, already done (`NoSuchEntity`), or failed.
    /// Returns whether the step is done.
    fn settle(&mut self, result: Result<(), IamError>, step: TeardownStep) -> bool {
        match result {
            Ok(()) => {
                self.events.emit(Event::Removed {
                    role: self.role.clone(),
                    step: step.clone(),
                });
                self.removed.push(step);
                true
            }
            Err(error) if error.is_no_such_entity() => true,
            Err(error) => {
                self.failures.push(TeardownFailure { step, error });
                false
            }
        }
    }
}

/// Checks that GetRole no longer finds the role, allowing for IAM's eventual consistency.
async fn confirm_deleted(
    iam: &dyn Iam,
    role: &RoleName,
    budget: &Budget,
) -> Result<(), TeardownFailure> {
    let mut backoff = FIRST_BACKOFF;
    let mut last = IamError::StillExists { role: role.clone() };
    for check in 1..=CONFIRM_TRIES {
        match budget.call("iam:GetRole", iam.get_role(role)).await {
            Ok(None) => return Ok(()),
            Ok(Some(_)) => last = IamError::StillExists { role: role.clone() },
            Err(error @ IamError::NotTried { .. }) => {
                last = error;
                break;
            }
            Err(error) => last = error,
        }
        // No wait after the last check: nothing follows it but the report.
        if check < CONFIRM_TRIES {
            budget.sleep(backoff).await;
            backoff *= 2;
        }
    }
    Err(TeardownFailure {
        step: TeardownStep::ConfirmDeleted,
        error: last,
    })
}

/// What remains after an incomplete removal, and the commands that remove it: `sweep`, and the
/// AWS CLI's.
pub(crate) fn leftover_report(report: &TeardownReport, sweep: &str) -> String {
    let role = &report.role;
    let out_of_time = report.failures.iter().any(|f| {
        matches!(
            f.error,
            IamError::NotTried { .. } | IamError::TimedOut { .. }
        )
    });
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
            TeardownStep::DetachPolicy { policy_arn } => {
                policies.push(policy_arn.clone());
                format!("managed policy {policy_arn}, still attached to {role} ({error})")
            }
            TeardownStep::DeleteInlinePolicy { policy_name } => {
                inline.push(policy_name.clone());
                format!("inline policy {policy_name} of {role} ({error})")
            }
            TeardownStep::RemoveFromInstanceProfile { instance_profile } => {
                profiles.push(instance_profile.clone());
                format!("{role} is still in instance profile {instance_profile} ({error})")
            }
            TeardownStep::ListAttachedPolicies => {
                format!(
                    "any managed policies attached to {role}: they could not be listed ({error})"
                )
            }
            TeardownStep::ListInlinePolicies => {
                format!("any inline policies of {role}: they could not be listed ({error})")
            }
            TeardownStep::ListInstanceProfiles => {
                format!("any instance profiles holding {role}: they could not be listed ({error})")
            }
            step @ (TeardownStep::DeleteRole | TeardownStep::ConfirmDeleted) => {
                format!("{step} failed ({error})")
            }
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
