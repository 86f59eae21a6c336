//! Removing a role with everything that blocks its deletion, within a [`Budget`]: the passes,
//! their retries, the check that the role is gone, and the [`Removal`] report.

use std::fmt;
use std::time::Duration;

use fed_core::RoleName;

use super::{Budget, Iam};
use crate::Error;

/// How many passes a removal makes before it reports what is left.
const ROUNDS: u32 = 4;

/// How often a deletion is checked before it is reported unconfirmed.
const CONFIRM_TRIES: u32 = 5;

/// The first wait between passes and between checks; it doubles each time.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// One step of a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemovalStep {
    /// ListAttachedRolePolicies.
    ListAttachedPolicies,
    /// DetachRolePolicy of one managed policy.
    DetachPolicy {
        /// The policy's ARN.
        policy_arn: String,
    },
    /// ListRolePolicies.
    ListInlinePolicies,
    /// DeleteRolePolicy of one inline policy.
    DeleteInlinePolicy {
        /// The policy's name.
        policy_name: String,
    },
    /// ListInstanceProfilesForRole.
    ListInstanceProfiles,
    /// RemoveRoleFromInstanceProfile of one instance profile.
    RemoveFromInstanceProfile {
        /// The instance profile's name.
        instance_profile: String,
    },
    /// DeleteRole.
    DeleteRole,
    /// GetRole, until it no longer finds the role.
    ConfirmDeleted,
}

impl fmt::Display for RemovalStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemovalStep::ListAttachedPolicies => f.write_str("list attached managed policies"),
            RemovalStep::DetachPolicy { policy_arn } => {
                write!(f, "detach managed policy {policy_arn}")
            }
            RemovalStep::ListInlinePolicies => f.write_str("list inline policies"),
            RemovalStep::DeleteInlinePolicy { policy_name } => {
                write!(f, "delete inline policy {policy_name}")
            }
            RemovalStep::ListInstanceProfiles => f.write_str("list instance profiles"),
            RemovalStep::RemoveFromInstanceProfile { instance_profile } => {
                write!(f, "remove from instance profile {instance_profile}")
            }
            RemovalStep::DeleteRole => f.write_str("delete role"),
            RemovalStep::ConfirmDeleted => f.write_str("confirm the role is gone"),
        }
    }
}

/// A step that failed, with why.
#[derive(Debug)]
#[non_exhaustive]
pub struct RemovalFailure {
    /// The step.
    pub step: RemovalStep,
    /// Why it failed.
    pub error: Error,
}

impl RemovalFailure {
    /// A failure of `step`.
    pub fn new(step: RemovalStep, error: Error) -> RemovalFailure {
        RemovalFailure { step, error }
    }
}

/// What a removal did and what it could not do.
#[derive(Debug)]
#[non_exhaustive]
pub struct Removal {
    /// The role.
    pub role: RoleName,
    /// The role did not exist when the removal started.
    pub already_gone: bool,
    /// What was removed, in order.
    pub removed: Vec<RemovalStep>,
    /// What the last pass could not do; empty when the role is confirmed gone.
    pub failures: Vec<RemovalFailure>,
}

impl Removal {
    /// A removal of `role` that has done nothing yet (for callers' tests of their reports).
    pub fn new(role: RoleName) -> Removal {
        Removal {
            role,
            already_gone: false,
            removed: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Whether the role is confirmed gone.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }

    /// Whether a failure is that the time ran out: a call got no answer in time, or was not
    /// made.
    pub fn ran_out_of_time(&self) -> bool {
        self.failures
            .iter()
            .any(|f| matches!(f.error, Error::NotTried { .. } | Error::TimedOut { .. }))
    }
}

/// What a removal reports as it goes, to the callback of [`remove_role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemovalEvent<'a> {
    /// The removal starts (after the ownership check of
    /// [`delete_owned_role`](crate::delete_owned_role)).
    Started,
    /// A step that removed something is done.
    Done(&'a RemovalStep),
}

/// Removes `role` with everything that blocks its deletion: detaches every managed policy,
/// deletes every inline policy, removes it from every instance profile, deletes it, and confirms
/// with GetRole that it is gone (allowing for IAM's eventual consistency).
///
/// A role that does not exist is already removed; so is an attachment that IAM no longer finds.
/// A pass goes on past a failed step, so that one refusal does not hide the rest. When every
/// failure of a pass may be transient, another pass follows, after a backoff, while `budget`
/// lasts (four passes at most). Every call goes through [`Budget::call`].
///
/// This does not check whose the role is: see [`delete_owned_role`](crate::delete_owned_role).
/// `on_event` hears of the start and of each step done.
pub async fn remove_role(
    iam: &dyn Iam,
    role: &RoleName,
    budget: &Budget,
    on_event: &mut (dyn FnMut(RemovalEvent<'_>) + Send),
) -> Removal {
    on_event(RemovalEvent::Started);
    let mut removal = Removal::new(role.clone());
    let mut pass = Pass {
        iam,
        role,
        budget,
        on_event,
        removed: &mut removal.removed,
        failures: Vec::new(),
    };
    let mut backoff = FIRST_BACKOFF;
    for round in 1..=ROUNDS {
        pass.failures.clear();
        let gone = pass.run().await;
        if gone && round == 1 && pass.removed.is_empty() {
            removal.already_gone = true;
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
    removal.failures = pass.failures;
    removal
}

/// One pass over a role: what it removed so far, and what failed in this pass.
struct Pass<'a, 'e> {
    iam: &'a dyn Iam,
    role: &'a RoleName,
    budget: &'a Budget,
    on_event: &'a mut (dyn FnMut(RemovalEvent<'_>) + Send + 'e),
    removed: &'a mut Vec<RemovalStep>,
    failures: Vec<RemovalFailure>,
}

/// A listing found that the role no longer exists.
struct RoleGone;

impl Pass<'_, '_> {
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
        self.settle(deleted, RemovalStep::DeleteRole)
    }

    async fn remove_attachments(&mut self) -> Result<(), RoleGone> {
        let (iam, role, budget) = (self.iam, self.role, self.budget);
        let policies = budget
            .call("iam:ListAttachedRolePolicies", iam.attached_policies(role))
            .await;
        for policy_arn in self.listed(policies, RemovalStep::ListAttachedPolicies)? {
            let done = budget
                .call(
                    "iam:DetachRolePolicy",
                    iam.detach_role_policy(role, &policy_arn),
                )
                .await;
            self.settle(done, RemovalStep::DetachPolicy { policy_arn });
        }
        let inline = budget
            .call("iam:ListRolePolicies", iam.inline_policies(role))
            .await;
        for policy_name in self.listed(inline, RemovalStep::ListInlinePolicies)? {
            let done = budget
                .call(
                    "iam:DeleteRolePolicy",
                    iam.delete_role_policy(role, &policy_name),
                )
                .await;
            self.settle(done, RemovalStep::DeleteInlinePolicy { policy_name });
        }
        let profiles = budget
            .call(
                "iam:ListInstanceProfilesForRole",
                iam.instance_profiles(role),
            )
            .await;
        for instance_profile in self.listed(profiles, RemovalStep::ListInstanceProfiles)? {
            let done = budget
                .call(
                    "iam:RemoveRoleFromInstanceProfile",
                    iam.remove_from_instance_profile(role, &instance_profile),
                )
                .await;
            self.settle(
                done,
                RemovalStep::RemoveFromInstanceProfile { instance_profile },
            );
        }
        Ok(())
    }

    /// The items of a listing. A failed listing is recorded under `step` and yields no items, so
    /// the pass goes on; a missing role ends it.
    fn listed(
        &mut self,
        result: Result<Vec<String>, Error>,
        step: RemovalStep,
    ) -> Result<Vec<String>, RoleGone> {
        match result {
            Ok(items) => Ok(items),
            Err(error) if error.is_no_such_entity() => Err(RoleGone),
            Err(error) => {
                self.failures.push(RemovalFailure { step, error });
                Ok(Vec::new())
            }
        }
    }

    /// Records the outcome of one removal: done, already done (`NoSuchEntity`), or failed.
    /// Returns whether the step is done.
    fn settle(&mut self, result: Result<(), Error>, step: RemovalStep) -> bool {
        match result {
            Ok(()) => {
                (self.on_event)(RemovalEvent::Done(&step));
                self.removed.push(step);
                true
            }
            Err(error) if error.is_no_such_entity() => true,
            Err(error) => {
                self.failures.push(RemovalFailure { step, error });
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
) -> Result<(), RemovalFailure> {
    let mut backoff = FIRST_BACKOFF;
    let mut last = Error::StillExists { role: role.clone() };
    for check in 1..=CONFIRM_TRIES {
        match budget.call("iam:GetRole", iam.get_role(role)).await {
            Ok(None) => return Ok(()),
            Ok(Some(_)) => last = Error::StillExists { role: role.clone() },
            Err(error @ Error::NotTried { .. }) => {
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
    Err(RemovalFailure {
        step: RemovalStep::ConfirmDeleted,
        error: last,
    })
}
