//! A role as IAM creates and describes it: [`CreateRole`], [`Role`], and the trust policy that
//! lets one principal assume it.

use std::time::Duration;

use fed_core::{Arn, RoleArn, RoleName};

use crate::Tag;

/// The inputs of CreateRole: a role that one principal may assume. Build with
/// [`CreateRole::new`] and the `with_` setters (or set the fields).
///
/// ```
/// use fed_aws::{CreateRole, Tag};
/// use fed_core::RoleName;
///
/// let spec = CreateRole::new(
///     RoleName::new("fed-demo")?,
///     "arn:aws:iam::123456789012:user/alice".parse()?,
/// )
/// .with_tag(Tag::new("owner", "alice"));
/// assert_eq!(spec.tags, [Tag::new("owner", "alice")]);
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateRole {
    /// The role's name.
    pub name: RoleName,
    /// The principal allowed to assume the role: a user, role or account root ARN (IAM refuses
    /// an assumed-role ARN in a trust policy).
    pub trusted_principal: Arn,
    /// The role's path, such as `/team/`; `/` when unset.
    pub path: Option<String>,
    /// The role's tags.
    pub tags: Vec<Tag>,
    /// The role's description.
    pub description: Option<String>,
    /// The longest session AssumeRole may grant, in whole seconds (one to twelve hours; IAM's
    /// default is one).
    pub max_session_duration: Option<Duration>,
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

    /// The same role, with a tag added.
    #[must_use]
    pub fn with_tag(mut self, tag: Tag) -> CreateRole {
        self.tags.push(tag);
        self
    }

    /// The same role, under `path` (such as `/team/`).
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> CreateRole {
        self.path = Some(path.into());
        self
    }

    /// The same role, with a description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> CreateRole {
        self.description = Some(description.into());
        self
    }

    /// The same role, allowing sessions of up to `duration`.
    #[must_use]
    pub fn with_max_session_duration(mut self, duration: Duration) -> CreateRole {
        self.max_session_duration = Some(duration);
        self
    }
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Role {
    /// The role's name.
    pub name: RoleName,
    /// The role's ARN, with its path: what AssumeRole takes.
    pub arn: RoleArn,
    /// The tags, when the call that returned the role includes them (GetRole and
    /// [`Iam::roles_tagged`](crate::Iam::roles_tagged) do).
    pub tags: Vec<Tag>,
}

impl Role {
    /// A role from its parts.
    pub fn new(name: RoleName, arn: RoleArn, tags: Vec<Tag>) -> Role {
        Role { name, arn, tags }
    }

    /// The value of the role's tag `key`, if it has one.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }

    /// Whether the role carries `tag`, with its value.
    pub fn carries(&self, tag: &Tag) -> bool {
        self.tag(&tag.key) == Some(tag.value.as_str())
    }
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
