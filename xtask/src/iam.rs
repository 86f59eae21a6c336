//! IAM for the demo and the sweep: the [`Iam`] trait of the calls they make, and [`IamClient`]
//! over `aws_sdk_iam::Client`.
//!
//! Only the xtask manages roles, so IAM lives here and not in the library crates: the `fed`
//! binary never links aws-sdk-iam. The trait is one call per method, so that the teardown
//! (`crate::teardown`) can time each call and tests can fail or hang any one of them
//! (`fake::FakeIam`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_iam::config::retry::RetryConfig;
use aws_sdk_iam::config::timeout::TimeoutConfig;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use fed_aws::Tag;
use fed_core::{Arn, RoleName};

/// The future of a trait method: boxed, so that [`Iam`] stays object safe.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The longest an IAM call of [`IamClient`] may take, retries included.
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(20);

/// The IAM calls of the demo and the sweep, speaking fed-core types.
pub(crate) trait Iam: Send + Sync {
    /// CreateRole with a trust policy for the given principal; returns the new role.
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, IamError>>;

    /// AttachRolePolicy.
    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), IamError>>;

    /// GetRole, with the role's tags; `None` when there is no such role.
    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, IamError>>;

    /// Every role carrying the tag `key`, with its tags.
    fn roles_tagged<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Role>, IamError>>;

    /// ListAttachedRolePolicies: the ARNs of the managed policies attached to the role.
    fn attached_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, IamError>>;

    /// DetachRolePolicy.
    fn detach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>>;

    /// ListRolePolicies: the names of the role's inline policies.
    fn inline_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, IamError>>;

    /// DeleteRolePolicy.
    fn delete_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>>;

    /// ListInstanceProfilesForRole: the names of the instance profiles holding the role.
    fn instance_profiles<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, IamError>>;

    /// RemoveRoleFromInstanceProfile.
    fn remove_from_instance_profile<'a>(
        &'a self,
        role: &'a RoleName,
        instance_profile: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>>;

    /// DeleteRole.
    fn delete_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<(), IamError>>;
}

/// The inputs of CreateRole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateRole {
    pub(crate) name: RoleName,
    /// The principal allowed to assume the role: a user, role or account root ARN (IAM refuses
    /// an assumed-role ARN in a trust policy).
    pub(crate) trusted_principal: Arn,
    /// `/` when unset.
    pub(crate) path: Option<String>,
    pub(crate) tags: Vec<Tag>,
    pub(crate) description: Option<String>,
    /// The longest session AssumeRole may grant, in seconds (3600–43200; IAM's default is 3600).
    pub(crate) max_session_duration: Option<u32>,
}

impl CreateRole {
    /// A role with only a name and the principal it trusts.
    pub(crate) fn new(name: RoleName, trusted_principal: Arn) -> CreateRole {
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
pub(crate) struct Role {
    pub(crate) name: RoleName,
    pub(crate) arn: Arn,
    /// The tags, when the call that returned the role includes them.
    pub(crate) tags: Vec<Tag>,
}

/// The trust policy that lets `principal` assume a role, set a source identity and pass session
/// tags.
pub(crate) fn trust_policy_for(principal: &Arn) -> String {
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

/// Why an IAM call failed. Messages are one line and carry the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IamError {
    /// IAM answered with an error, or the request could not be sent or got no answer.
    Service {
        /// E.g. `iam:DeleteRole`.
        operation: &'static str,
        /// The AWS error code, when IAM answered with one.
        code: Option<String>,
        /// The code and IAM's message, or why no answer came.
        message: String,
    },
    /// No answer came within the time the teardown gives one call.
    TimedOut {
        operation: &'static str,
        after: Duration,
    },
    /// The teardown's time ran out before the call could be made.
    NotTried { operation: &'static str },
    /// A deleted role that GetRole still finds.
    StillExists { role: RoleName },
    /// A successful answer that lacked a field or held a malformed one.
    InvalidResponse {
        operation: &'static str,
        problem: String,
    },
}

impl fmt::Display for IamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IamError::Service {
                operation, message, ..
            } => write!(f, "{operation} failed: {message}"),
            IamError::TimedOut { operation, after } => {
                write!(f, "{operation} got no answer within {}s", after.as_secs())
            }
            IamError::NotTried { operation } => {
                write!(f, "{operation} was not tried: the teardown ran out of time")
            }
            IamError::StillExists { role } => {
                write!(f, "role {role} still exists after it was deleted")
            }
            IamError::InvalidResponse { operation, problem } => {
                write!(f, "unexpected answer from {operation}: {problem}")
            }
        }
    }
}

impl std::error::Error for IamError {}

impl IamError {
    /// A service error with the AWS error code `code`, as IAM would answer.
    #[cfg(test)]
    pub(crate) fn service(operation: &'static str, code: &str, message: &str) -> IamError {
        IamError::Service {
            operation,
            code: Some(code.to_owned()),
            message: format!("{code}: {message}"),
        }
    }

    /// The AWS error code, e.g. `NoSuchEntity`.
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            IamError::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Whether the entity does not exist (`NoSuchEntity`).
    pub(crate) fn is_no_such_entity(&self) -> bool {
        self.code() == Some("NoSuchEntity")
    }

    /// Whether the same call may succeed later: throttling, conflicts with concurrent changes,
    /// service failures, and calls that got no answer.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            IamError::TimedOut { .. } => true,
            IamError::Service { code: None, .. } => true,
            IamError::Service {
                code: Some(code), ..
            } => fed_aws::is_transient_code(code),
            IamError::NotTried { .. }
            | IamError::StillExists { .. }
            | IamError::InvalidResponse { .. } => false,
        }
    }

    fn sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> IamError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        let (code, message) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                let code = inner.code().map(str::to_owned);
                let text = inner.message().unwrap_or("no message");
                let message = match &code {
                    Some(code) => format!("{code}: {text}"),
                    None => text.to_owned(),
                };
                (code, message)
            }
            SdkError::TimeoutError(_) => (None, "timed out".to_owned()),
            other => (None, fed_core::one_line(other)),
        };
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        IamError::Service {
            operation,
            code,
            message,
        }
    }
}

/// [`Iam`] over `aws_sdk_iam::Client`.
#[derive(Debug, Clone)]
pub(crate) struct IamClient {
    client: aws_sdk_iam::Client,
}

impl IamClient {
    /// A client from an SDK configuration: standard retries, and every call over within
    /// [`OPERATION_TIMEOUT`].
    pub(crate) fn new(config: &SdkConfig) -> IamClient {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(8))
            .operation_timeout(OPERATION_TIMEOUT)
            .build();
        let conf = aws_sdk_iam::config::Builder::from(config)
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard())
            .build();
        IamClient::from_client(aws_sdk_iam::Client::from_conf(conf))
    }

    /// A client around an SDK client, used as it is.
    pub(crate) fn from_client(client: aws_sdk_iam::Client) -> IamClient {
        IamClient { client }
    }

    async fn do_create_role(&self, spec: &CreateRole) -> Result<Role, IamError> {
        const OP: &str = "iam:CreateRole";
        let mut call = self
            .client
            .create_role()
            .role_name(spec.name.as_str())
            .assume_role_policy_document(trust_policy_for(&spec.trusted_principal))
            .set_path(spec.path.clone())
            .set_description(spec.description.clone())
            .set_max_session_duration(
                spec.max_session_duration
                    .map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
            );
        for tag in &spec.tags {
            let tag = aws_sdk_iam::types::Tag::builder()
                .key(&tag.key)
                .value(&tag.value)
                .build()
                .map_err(|e| IamError::InvalidResponse {
                    operation: OP,
                    problem: format!("tag {}: {e}", tag.key),
                })?;
            call = call.tags(tag);
        }
        let out = call.send().await.map_err(|e| IamError::sdk(OP, e))?;
        let role = out.role().ok_or_else(|| missing(OP, "Role"))?;
        let mut role = to_role(OP, role)?;
        // Some implementations leave the tags out of CreateRole's answer.
        if role.tags.is_empty() {
            role.tags = spec.tags.clone();
        }
        Ok(role)
    }

    async fn do_get_role(&self, role: &RoleName) -> Result<Option<Role>, IamError> {
        const OP: &str = "iam:GetRole";
        match self.client.get_role().role_name(role.as_str()).send().await {
            Ok(out) => {
                let role = out.role().ok_or_else(|| missing(OP, "Role"))?;
                Ok(Some(to_role(OP, role)?))
            }
            Err(err) => match IamError::sdk(OP, err) {
                err if err.is_no_such_entity() => Ok(None),
                err => Err(err),
            },
        }
    }

    async fn do_roles_tagged(&self, key: &str) -> Result<Vec<Role>, IamError> {
        const OP: &str = "iam:ListRoles";
        let roles = self
            .client
            .list_roles()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| IamError::sdk(OP, e))?;
        let mut found = Vec::new();
        for role in &roles {
            let tags = self
                .client
                .list_role_tags()
                .role_name(role.role_name())
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await;
            let tags = match tags.map_err(|e| IamError::sdk("iam:ListRoleTags", e)) {
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

/// Sends a request built by `$call` and maps its error to an [`IamError`] of `$op`.
macro_rules! send {
    ($op:literal, $call:expr) => {
        $call.send().await.map_err(|e| IamError::sdk($op, e))
    };
}

/// Collects every page of a listing built by `$call`.
macro_rules! all_pages {
    ($op:literal, $call:expr) => {
        $call
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| IamError::sdk($op, e))
    };
}

impl Iam for IamClient {
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, IamError>> {
        Box::pin(self.do_create_role(spec))
    }

    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), IamError>> {
        Box::pin(async move {
            send!(
                "iam:AttachRolePolicy",
                self.client
                    .attach_role_policy()
                    .role_name(role.as_str())
                    .policy_arn(policy_arn.to_string())
            )?;
            Ok(())
        })
    }

    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, IamError>> {
        Box::pin(self.do_get_role(role))
    }

    fn roles_tagged<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Role>, IamError>> {
        Box::pin(self.do_roles_tagged(key))
    }

    fn attached_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, IamError>> {
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
    ) -> BoxFuture<'a, Result<(), IamError>> {
        Box::pin(async move {
            send!(
                "iam:DetachRolePolicy",
                self.client
                    .detach_role_policy()
                    .role_name(role.as_str())
                    .policy_arn(policy_arn)
            )?;
            Ok(())
        })
    }

    fn inline_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, IamError>> {
        Box::pin(async move {
            all_pages!(
                "iam:ListRolePolicies",
                self.client.list_role_policies().role_name(role.as_str())
            )
        })
    }

    fn delete_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>> {
        Box::pin(async move {
            send!(
                "iam:DeleteRolePolicy",
                self.client
                    .delete_role_policy()
                    .role_name(role.as_str())
                    .policy_name(policy_name)
            )?;
            Ok(())
        })
    }

    fn instance_profiles<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, IamError>> {
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
    ) -> BoxFuture<'a, Result<(), IamError>> {
        Box::pin(async move {
            send!(
                "iam:RemoveRoleFromInstanceProfile",
                self.client
                    .remove_role_from_instance_profile()
                    .role_name(role.as_str())
                    .instance_profile_name(instance_profile)
            )?;
            Ok(())
        })
    }

    fn delete_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<(), IamError>> {
        Box::pin(async move {
            send!(
                "iam:DeleteRole",
                self.client.delete_role().role_name(role.as_str())
            )?;
            Ok(())
        })
    }
}

fn missing(operation: &'static str, field: &str) -> IamError {
    IamError::InvalidResponse {
        operation,
        problem: format!("no {field}"),
    }
}

fn to_role(operation: &'static str, role: &aws_sdk_iam::types::Role) -> Result<Role, IamError> {
    let invalid = |problem: String| IamError::InvalidResponse { operation, problem };
    Ok(Role {
        name: RoleName::new(role.role_name()).map_err(|e| invalid(e.to_string()))?,
        arn: role
            .arn()
            .parse()
            .map_err(|e: fed_core::Error| invalid(e.to_string()))?,
        tags: role
            .tags()
            .iter()
            .map(|t| Tag::new(t.key(), t.value()))
            .collect(),
    })
}

#[cfg(test)]
pub(crate) mod fake;

#[cfg(test)]
mod tests;
