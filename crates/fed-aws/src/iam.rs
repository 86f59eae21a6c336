//! IAM: the [`Iam`] trait for the role lifecycle, and the SDK-backed [`IamClient`].

use std::fmt;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_smithy_types::retry::RetryConfig;
use fed_core::{Arn, RoleName};

use crate::config::default_timeouts;
use crate::sts::{parse_arn, seconds_i32};
use crate::{BoxFuture, Error, Tag};

/// The IAM calls fed needs to manage the roles it signs in with, speaking fed-core types.
///
/// Object safe: callers take `&dyn Iam`. The real implementation is [`IamClient`]; the
/// `test-util` feature adds a fake.
pub trait Iam: Send + Sync {
    /// CreateRole with a trust policy for the given principal, then returns the new role.
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, Error>>;

    /// AttachRolePolicy: attaches a managed policy to a role.
    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// GetRole; `None` when the role does not exist.
    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, Error>>;

    /// Every role carrying the tag `key`, with the given value when `value` is set.
    fn list_roles_by_tag<'a>(
        &'a self,
        key: &'a str,
        value: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Role>, Error>>;

    /// Removes a role with everything that blocks its deletion: detaches every managed policy,
    /// deletes every inline policy, removes it from every instance profile, deletes it, and
    /// confirms it is gone.
    ///
    /// Idempotent: a role that does not exist is already torn down. Transient failures are
    /// retried; what still could not be removed is listed in the report.
    fn teardown_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, TeardownReport>;
}

/// The inputs of CreateRole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRole {
    /// The role's name.
    pub name: RoleName,
    /// The principal allowed to assume the role (a user, role or account root ARN). An
    /// assumed-role ARN is not a valid trust-policy principal; pass the role's ARN instead.
    pub trusted_principal: Arn,
    /// The role's path, `/` when unset.
    pub path: Option<String>,
    /// Tags on the role.
    pub tags: Vec<Tag>,
    /// A description.
    pub description: Option<String>,
    /// The longest session AssumeRole may grant, in seconds (3600–43200; IAM defaults to 3600).
    pub max_session_duration: Option<u32>,
}

impl CreateRole {
    /// A role with only a name and the principal it trusts.
    pub fn new(name: RoleName, trusted_principal: Arn) -> CreateRole {
        CreateRole {
            name,
            trusted_principal,
            path: None,
            tags: Vec::new(),
            description: None,
            max_session_duration: None,
        }
    }
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The name.
    pub name: RoleName,
    /// The ARN.
    pub arn: Arn,
    /// The path, `/` or `/a/b/`.
    pub path: String,
    /// The unique id, `AROA…`.
    pub role_id: String,
    /// The tags, when the call that returned the role includes them.
    pub tags: Vec<Tag>,
    /// The longest session AssumeRole may grant, in seconds.
    pub max_session_duration: Option<u32>,
}

/// The trust policy that lets `principal` assume a role, set a source identity and pass session
/// tags.
pub fn trust_policy_for(principal: &Arn) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": principal.to_string() },
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        }],
    })
    .to_string()
}

/// One step of a teardown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeardownStep {
    /// Listing the managed policies attached to the role.
    ListAttachedPolicies,
    /// Detaching a managed policy.
    DetachPolicy {
        /// The policy's ARN.
        policy_arn: String,
    },
    /// Listing the role's inline policies.
    ListInlinePolicies,
    /// Deleting an inline policy.
    DeleteInlinePolicy {
        /// The policy's name.
        policy_name: String,
    },
    /// Listing the instance profiles that contain the role.
    ListInstanceProfiles,
    /// Removing the role from an instance profile.
    RemoveFromInstanceProfile {
        /// The instance profile's name.
        instance_profile: String,
    },
    /// Deleting the role.
    DeleteRole,
    /// Confirming the role no longer exists.
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

/// A teardown step that failed, with why.
#[derive(Debug)]
pub struct TeardownFailure {
    /// What could not be done.
    pub step: TeardownStep,
    /// Why.
    pub error: Error,
}

/// What a teardown did and what it could not do.
#[derive(Debug)]
pub struct TeardownReport {
    /// The role.
    pub role: RoleName,
    /// The role did not exist when the teardown started.
    pub already_gone: bool,
    /// What was removed, in order: policy detachments, inline policy deletions, instance profile
    /// removals and the role's deletion.
    pub removed: Vec<TeardownStep>,
    /// What could not be done after all retries; empty when the role is confirmed gone.
    pub failures: Vec<TeardownFailure>,
}

impl TeardownReport {
    /// Whether the role is confirmed gone.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// [`Iam`] over `aws_sdk_iam::Client`.
#[derive(Debug, Clone)]
pub struct IamClient {
    client: aws_sdk_iam::Client,
    teardown_backoff: Duration,
}

/// How many passes a teardown makes before it reports what is left.
const TEARDOWN_ROUNDS: u32 = 4;

/// How often a deletion is checked before it is reported unconfirmed.
const CONFIRM_TRIES: u32 = 5;

impl IamClient {
    /// A client from an SDK configuration, with fed's timeouts and standard retries.
    pub fn new(config: &SdkConfig) -> IamClient {
        let conf = aws_sdk_iam::config::Builder::from(config)
            .timeout_config(default_timeouts())
            .retry_config(RetryConfig::standard())
            .build();
        IamClient::from_client(aws_sdk_iam::Client::from_conf(conf))
    }

    /// A client around an existing SDK client, used as it is.
    pub fn from_client(client: aws_sdk_iam::Client) -> IamClient {
        IamClient {
            client,
            teardown_backoff: Duration::from_secs(1),
        }
    }

    /// The first delay between teardown passes and deletion checks (it doubles each time);
    /// one second by default.
    pub fn with_teardown_backoff(mut self, backoff: Duration) -> IamClient {
        self.teardown_backoff = backoff;
        self
    }

    /// The SDK client.
    pub fn client(&self) -> &aws_sdk_iam::Client {
        &self.client
    }

    async fn do_create_role(&self, spec: &CreateRole) -> Result<Role, Error> {
        const OP: &str = "iam:CreateRole";
        let mut call = self
            .client
            .create_role()
            .role_name(spec.name.as_str())
            .assume_role_policy_document(trust_policy_for(&spec.trusted_principal))
            .set_path(spec.path.clone())
            .set_description(spec.description.clone())
            .set_max_session_duration(spec.max_session_duration.map(seconds_i32));
        for tag in &spec.tags {
            call = call.tags(
                aws_sdk_iam::types::Tag::builder()
                    .key(&tag.key)
                    .value(&tag.value)
                    .build()
                    .map_err(|e| Error::InvalidRequest(format!("{OP} tag {:?}: {e}", tag.key)))?,
            );
        }
        let out = call.send().await.map_err(|e| Error::sdk(OP, e))?;
        let role = out.role().ok_or_else(|| Error::missing(OP, "Role"))?;
        let mut role = to_role(OP, role)?;
        // Some implementations leave the tags out of CreateRole's answer.
        if role.tags.is_empty() {
            role.tags = spec.tags.clone();
        }
        Ok(role)
    }

    async fn do_attach(&self, role: &RoleName, policy_arn: &Arn) -> Result<(), Error> {
        self.client
            .attach_role_policy()
            .role_name(role.as_str())
            .policy_arn(policy_arn.to_string())
            .send()
            .await
            .map_err(|e| Error::sdk("iam:AttachRolePolicy", e))?;
        Ok(())
    }

    async fn do_get_role(&self, role: &RoleName) -> Result<Option<Role>, Error> {
        const OP: &str = "iam:GetRole";
        match self.client.get_role().role_name(role.as_str()).send().await {
            Ok(out) => {
                let role = out.role().ok_or_else(|| Error::missing(OP, "Role"))?;
                Ok(Some(to_role(OP, role)?))
            }
            Err(err) => {
                let err = Error::sdk(OP, err);
                if err.is_no_such_entity() {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    async fn do_list_by_tag(&self, key: &str, value: Option<&str>) -> Result<Vec<Role>, Error> {
        const OP: &str = "iam:ListRoles";
        let roles = self
            .client
            .list_roles()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| Error::sdk(OP, e))?;
        let mut found = Vec::new();
        for role in &roles {
            let tags = match self
                .client
                .list_role_tags()
                .role_name(role.role_name())
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
            {
                Ok(tags) => tags,
                Err(err) => {
                    let err = Error::sdk("iam:ListRoleTags", err);
                    // The role was deleted since it was listed.
                    if err.is_no_such_entity() {
                        continue;
                    }
                    return Err(err);
                }
            };
            let tags: Vec<Tag> = tags.iter().map(|t| Tag::new(t.key(), t.value())).collect();
            let matches = tags
                .iter()
                .any(|t| t.key == key && value.is_none_or(|v| t.value == v));
            if matches {
                let mut role = to_role(OP, role)?;
                role.tags = tags;
                found.push(role);
            }
        }
        Ok(found)
    }

    async fn do_teardown(&self, role: &RoleName) -> TeardownReport {
        let mut report = TeardownReport {
            role: role.clone(),
            already_gone: false,
            removed: Vec::new(),
            failures: Vec::new(),
        };
        let mut backoff = self.teardown_backoff;
        for round in 1..=TEARDOWN_ROUNDS {
            let mut failures = Vec::new();
            let gone = self
                .teardown_pass(role, &mut report.removed, &mut failures)
                .await;
            if gone && round == 1 && report.removed.is_empty() {
                report.already_gone = true;
            }
            if gone {
                match self.confirm_deleted(role).await {
                    Ok(()) => return report,
                    Err(failure) => failures.push(failure),
                }
            }
            let retry = failures.iter().all(|f| f.error.is_transient());
            if !retry || round == TEARDOWN_ROUNDS {
                report.failures = failures;
                return report;
            }
            tracing::debug!(role = %role, round, "teardown incomplete, retrying");
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        report
    }

    /// One pass over everything that blocks deletion, then the deletion. Returns whether the
    /// role is gone (deleted now, or found missing).
    async fn teardown_pass(
        &self,
        role: &RoleName,
        removed: &mut Vec<TeardownStep>,
        failures: &mut Vec<TeardownFailure>,
    ) -> bool {
        if self
            .remove_attachments(role.as_str(), removed, failures)
            .await
            .is_err()
        {
            return true;
        }
        let deleted = self
            .client
            .delete_role()
            .role_name(role.as_str())
            .send()
            .await
            .map_err(|e| Error::sdk("iam:DeleteRole", e));
        settle(
            deleted.map(drop),
            TeardownStep::DeleteRole,
            removed,
            failures,
        )
    }

    /// Detaches every managed policy, deletes every inline policy and removes the role from
    /// every instance profile. Fails with [`RoleGone`] when a listing finds no role.
    async fn remove_attachments(
        &self,
        name: &str,
        removed: &mut Vec<TeardownStep>,
        failures: &mut Vec<TeardownFailure>,
    ) -> Result<(), RoleGone> {
        let policies = self
            .client
            .list_attached_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| Error::sdk("iam:ListAttachedRolePolicies", e));
        let policies = listed(policies, TeardownStep::ListAttachedPolicies, failures)?;
        for arn in policies.iter().filter_map(|p| p.policy_arn()) {
            let result = self
                .client
                .detach_role_policy()
                .role_name(name)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| Error::sdk("iam:DetachRolePolicy", e));
            let step = TeardownStep::DetachPolicy {
                policy_arn: arn.to_owned(),
            };
            settle(result.map(drop), step, removed, failures);
        }

        let names = self
            .client
            .list_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| Error::sdk("iam:ListRolePolicies", e));
        for policy in listed(names, TeardownStep::ListInlinePolicies, failures)? {
            let result = self
                .client
                .delete_role_policy()
                .role_name(name)
                .policy_name(&policy)
                .send()
                .await
                .map_err(|e| Error::sdk("iam:DeleteRolePolicy", e));
            let step = TeardownStep::DeleteInlinePolicy {
                policy_name: policy,
            };
            settle(result.map(drop), step, removed, failures);
        }

        let profiles = self
            .client
            .list_instance_profiles_for_role()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| Error::sdk("iam:ListInstanceProfilesForRole", e));
        for profile in listed(profiles, TeardownStep::ListInstanceProfiles, failures)? {
            let profile = profile.instance_profile_name();
            let result = self
                .client
                .remove_role_from_instance_profile()
                .role_name(name)
                .instance_profile_name(profile)
                .send()
                .await
                .map_err(|e| Error::sdk("iam:RemoveRoleFromInstanceProfile", e));
            let step = TeardownStep::RemoveFromInstanceProfile {
                instance_profile: profile.to_owned(),
            };
            settle(result.map(drop), step, removed, failures);
        }
        Ok(())
    }

    /// Checks that GetRole no longer finds the role, allowing for IAM's eventual consistency.
    async fn confirm_deleted(&self, role: &RoleName) -> Result<(), TeardownFailure> {
        let mut backoff = self.teardown_backoff;
        let mut last = None;
        for check in 1..=CONFIRM_TRIES {
            match self.do_get_role(role).await {
                Ok(None) => return Ok(()),
                Ok(Some(_)) => {
                    last = Some(Error::StillExists {
                        role: role.to_string(),
                    })
                }
                Err(e) => last = Some(e),
            }
            // No wait after the last check: nothing follows it but the report.
            if check == CONFIRM_TRIES {
                break;
            }
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        Err(TeardownFailure {
            step: TeardownStep::ConfirmDeleted,
            error: last.unwrap_or(Error::StillExists {
                role: role.to_string(),
            }),
        })
    }
}

impl Iam for IamClient {
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, Error>> {
        Box::pin(self.do_create_role(spec))
    }

    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(self.do_attach(role, policy_arn))
    }

    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, Error>> {
        Box::pin(self.do_get_role(role))
    }

    fn list_roles_by_tag<'a>(
        &'a self,
        key: &'a str,
        value: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Role>, Error>> {
        Box::pin(self.do_list_by_tag(key, value))
    }

    fn teardown_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, TeardownReport> {
        Box::pin(self.do_teardown(role))
    }
}

/// A listing during teardown found that the role no longer exists.
struct RoleGone;

/// The items of a teardown listing. A failed listing is recorded under `step` and yields no
/// items, so the pass goes on; a missing role ends it.
fn listed<T>(
    result: Result<Vec<T>, Error>,
    step: TeardownStep,
    failures: &mut Vec<TeardownFailure>,
) -> Result<Vec<T>, RoleGone> {
    match result {
        Ok(items) => Ok(items),
        Err(error) if error.is_no_such_entity() => Err(RoleGone),
        Err(error) => {
            failures.push(TeardownFailure { step, error });
            Ok(Vec::new())
        }
    }
}

/// Records the outcome of one removal: done, already done (`NoSuchEntity`), or failed. Returns
/// whether the step is done.
fn settle(
    result: Result<(), Error>,
    step: TeardownStep,
    removed: &mut Vec<TeardownStep>,
    failures: &mut Vec<TeardownFailure>,
) -> bool {
    match result {
        Ok(()) => {
            removed.push(step);
            true
        }
        Err(error) if error.is_no_such_entity() => true,
        Err(error) => {
            failures.push(TeardownFailure { step, error });
            false
        }
    }
}

fn to_role(operation: &'static str, role: &aws_sdk_iam::types::Role) -> Result<Role, Error> {
    let invalid = |problem: String| Error::InvalidResponse { operation, problem };
    Ok(Role {
        name: RoleName::new(role.role_name()).map_err(|e| invalid(e.to_string()))?,
        arn: parse_arn(operation, role.arn())?,
        path: role.path().to_owned(),
        role_id: role.role_id().to_owned(),
        tags: role
            .tags()
            .iter()
            .map(|t| Tag::new(t.key(), t.value()))
            .collect(),
        max_session_duration: role
            .max_session_duration()
            .and_then(|s| u32::try_from(s).ok()),
    })
}
