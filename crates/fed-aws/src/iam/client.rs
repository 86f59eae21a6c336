//! [`IamClient`]: the [`Iam`] trait over `aws_sdk_iam::Client`, with every SDK error mapped to
//! fed-aws's one [`Error`].

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_iam::config::retry::RetryConfig;
use aws_sdk_iam::config::timeout::TimeoutConfig;
use fed_core::{Arn, RoleArn, RoleName};

use super::{CreateRole, Iam, Role, trust_policy_for};
use crate::{BoxFuture, Error, Tag};

/// Sends a request built by `$call` whose answer says nothing but success, and maps its error to
/// an [`Error`] of `$op`.
macro_rules! send {
    ($op:expr, $call:expr) => {
        $call.send().await.map(drop).map_err(|e| Error::sdk($op, e))
    };
}

/// Collects every page of a listing built by `$call`.
macro_rules! all_pages {
    ($op:expr, $call:expr) => {
        $call
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| Error::sdk($op, e))
    };
}

/// [`Iam`] over `aws_sdk_iam::Client`.
#[derive(Debug, Clone)]
pub struct IamClient {
    client: aws_sdk_iam::Client,
}

impl IamClient {
    /// The longest an IAM call of a client made by [`IamClient::new`] may take, retries
    /// included.
    pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(20);

    /// A client from an SDK configuration: standard retries, 5 s to connect, 8 s per attempt, and
    /// every call over within [`IamClient::OPERATION_TIMEOUT`].
    pub fn new(config: &SdkConfig) -> IamClient {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(8))
            .operation_timeout(IamClient::OPERATION_TIMEOUT)
            .build();
        let conf = aws_sdk_iam::config::Builder::from(config)
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard())
            .build();
        IamClient::from_client(aws_sdk_iam::Client::from_conf(conf))
    }

    /// A client around an existing SDK client, used as it is.
    pub fn from_client(client: aws_sdk_iam::Client) -> IamClient {
        IamClient { client }
    }

    async fn do_create_role(&self, spec: &CreateRole) -> Result<Role, Error> {
        const OP: &str = "iam:CreateRole";
        let max_session = spec
            .max_session_duration
            .map(|d| i32::try_from(d.as_secs()).unwrap_or(i32::MAX));
        let mut call = self
            .client
            .create_role()
            .role_name(spec.name.as_str())
            .assume_role_policy_document(trust_policy_for(&spec.trusted_principal))
            .set_path(spec.path.clone())
            .set_description(spec.description.clone())
            .set_max_session_duration(max_session);
        for tag in &spec.tags {
            let tag = aws_sdk_iam::types::Tag::builder()
                .key(&tag.key)
                .value(&tag.value)
                .build()
                .map_err(|e| Error::InvalidRequest(format!("tag {}: {e}", tag.key)))?;
            call = call.tags(tag);
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

    async fn do_get_role(&self, role: &RoleName) -> Result<Option<Role>, Error> {
        const OP: &str = "iam:GetRole";
        match self.client.get_role().role_name(role.as_str()).send().await {
            Ok(out) => {
                let role = out.role().ok_or_else(|| Error::missing(OP, "Role"))?;
                Ok(Some(to_role(OP, role)?))
            }
            Err(err) => match Error::sdk(OP, err) {
                err if err.is_no_such_entity() => Ok(None),
                err => Err(err),
            },
        }
    }

    async fn do_roles_tagged(&self, key: &str) -> Result<Vec<Role>, Error> {
        const OP: &str = "iam:ListRoles";
        let roles = all_pages!(OP, self.client.list_roles())?;
        let mut found = Vec::new();
        for role in &roles {
            let tags = all_pages!(
                "iam:ListRoleTags",
                self.client.list_role_tags().role_name(role.role_name())
            );
            let tags = match tags {
                Ok(tags) => tags,
                // Deleted since it was listed.
                Err(err) if err.is_no_such_entity() => continue,
                Err(err) => return Err(err),
            };
            let tags: Vec<Tag> = tags.iter().map(|t| Tag::new(t.key(), t.value())).collect();
            if tags.iter().any(|t| t.key == key) {
                let mut role = to_role(OP, role)?;
                role.tags = tags;
                found.push(role);
            }
        }
        Ok(found)
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
        Box::pin(async move {
            send!(
                "iam:AttachRolePolicy",
                self.client
                    .attach_role_policy()
                    .role_name(role.as_str())
                    .policy_arn(policy_arn.to_string())
            )
        })
    }

    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, Error>> {
        Box::pin(self.do_get_role(role))
    }

    fn roles_tagged<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Role>, Error>> {
        Box::pin(self.do_roles_tagged(key))
    }

    fn attached_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>> {
        Box::pin(async move {
            let policies: Vec<_> = all_pages!(
                "iam:ListAttachedRolePolicies",
                self.client
                    .list_attached_role_policies()
                    .role_name(role.as_str())
            )?;
            Ok(policies
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_owned))
                .collect())
        })
    }

    fn detach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            send!(
                "iam:DetachRolePolicy",
                self.client
                    .detach_role_policy()
                    .role_name(role.as_str())
                    .policy_arn(policy_arn)
            )
        })
    }

    fn inline_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>> {
        Box::pin(async move {
            all_pages!(
                "iam:ListRolePolicies",
                self.client.list_role_policies().role_name(role.as_str())
            )
        })
    }

    fn put_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
        document: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            send!(
                "iam:PutRolePolicy",
                self.client
                    .put_role_policy()
                    .role_name(role.as_str())
                    .policy_name(policy_name)
                    .policy_document(document)
            )
        })
    }

    fn delete_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            send!(
                "iam:DeleteRolePolicy",
                self.client
                    .delete_role_policy()
                    .role_name(role.as_str())
                    .policy_name(policy_name)
            )
        })
    }

    fn instance_profiles<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>> {
        Box::pin(async move {
            let profiles: Vec<_> = all_pages!(
                "iam:ListInstanceProfilesForRole",
                self.client
                    .list_instance_profiles_for_role()
                    .role_name(role.as_str())
            )?;
            Ok(profiles
                .iter()
                .map(|p| p.instance_profile_name().to_owned())
                .collect())
        })
    }

    fn remove_from_instance_profile<'a>(
        &'a self,
        role: &'a RoleName,
        instance_profile: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            send!(
                "iam:RemoveRoleFromInstanceProfile",
                self.client
                    .remove_role_from_instance_profile()
                    .role_name(role.as_str())
                    .instance_profile_name(instance_profile)
            )
        })
    }

    fn delete_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            send!(
                "iam:DeleteRole",
                self.client.delete_role().role_name(role.as_str())
            )
        })
    }
}

/// A role of an SDK answer, checked.
fn to_role(operation: &'static str, role: &aws_sdk_iam::types::Role) -> Result<Role, Error> {
    let invalid = |problem: String| Error::InvalidResponse { operation, problem };
    Ok(Role {
        name: RoleName::new(role.role_name()).map_err(|e| invalid(e.to_string()))?,
        arn: role
            .arn()
            .parse::<RoleArn>()
            .map_err(|e| invalid(e.to_string()))?,
        tags: role
            .tags()
            .iter()
            .map(|t| Tag::new(t.key(), t.value()))
            .collect(),
    })
}
