//! Amazon Resource Names of principals.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Partition};

/// A parsed ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// The string is split into at most six fields, so the resource may contain
/// `:`. Displaying an `Arn` gives back exactly the string it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    partition: Partition,
    service: String,
    region: String,
    account_id: String,
    resource: String,
    principal: Principal,
}

/// What kind of IAM or STS principal an ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `iam::ACCOUNT:role/{path/}NAME`; `path` is `/` or `/a/b/`.
    Role {
        /// The role's path, starting and ending with `/`.
        path: String,
        /// The role's name.
        name: String,
    },
    /// `sts::ACCOUNT:assumed-role/ROLE/SESSION` (the role path is not part of it).
    AssumedRole {
        /// The assumed role's name.
        role_name: String,
        /// The session name given to AssumeRole.
        session_name: String,
    },
    /// `sts::ACCOUNT:federated-user/NAME`, from GetFederationToken.
    FederatedUser {
        /// The name given to GetFederationToken.
        name: String,
    },
    /// `iam::ACCOUNT:user/{path/}NAME`.
    User {
        /// The user's path, starting and ending with `/`.
        path: String,
        /// The user's name.
        name: String,
    },
    /// `iam::ACCOUNT:root`.
    Root,
    /// Any other resource.
    Other,
}

impl Arn {
    /// The partition (second field).
    pub fn partition(&self) -> Partition {
        self.partition
    }
    /// The service, e.g. `iam` or `sts`.
    pub fn service(&self) -> &str {
        &self.service
    }
    /// The region; empty for IAM and STS principals.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The 12-digit account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }
    /// Everything after the fifth `:`.
    pub fn resource(&self) -> &str {
        &self.resource
    }
    /// The kind of principal named.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
}

fn split_path(rest: &str) -> (String, String) {
    match rest.rfind('/') {
        Some(i) => (format!("/{}", &rest[..=i]), rest[i + 1..].to_owned()),
        None => ("/".to_owned(), rest.to_owned()),
    }
}

fn principal_of(service: &str, resource: &str) -> Principal {
    match (service, resource.split_once('/')) {
        ("iam", None) if resource == "root" => Principal::Root,
        ("iam", Some(("role", rest))) if !rest.is_empty() && !rest.ends_with('/') => {
            let (path, name) = split_path(rest);
            Principal::Role { path, name }
        }
        ("iam", Some(("user", rest))) if !rest.is_empty() && !rest.ends_with('/') => {
            let (path, name) = split_path(rest);
            Principal::User { path, name }
        }
        ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
            Some((role, session)) if !role.is_empty() && !session.is_empty() => {
                Principal::AssumedRole {
                    role_name: role.to_owned(),
                    session_name: session.to_owned(),
                }
            }
            _ => Principal::Other,
        },
        ("sts", Some(("federated-user", name))) if !name.is_empty() => Principal::FederatedUser {
            name: name.to_owned(),
        },
        _ => Principal::Other,
    }
}

impl FromStr for Arn {
    type Err = Error;

    fn from_str(s: &str) -> Result<Arn, Error> {
        let bad = |problem| Error::InvalidArn {
            value: s.to_owned(),
            problem,
        };
        let mut fields = s.splitn(6, ':');
        if fields.next() != Some("arn") {
            return Err(bad("does not start with \"arn:\""));
        }
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(bad("fewer than six ':'-separated fields"));
        };
        let partition = match partition.parse::<Partition>() {
            Ok(p) => p,
            Err(Error::UnsupportedPartition(p)) => return Err(Error::UnsupportedPartition(p)),
            Err(_) => return Err(bad("unknown partition")),
        };
        if service.is_empty() {
            return Err(bad("empty service"));
        }
        // AWS managed policies use the account field `aws`, e.g.
        // `arn:aws:iam::aws:policy/ReadOnlyAccess`.
        let account_ok = account.is_empty()
            || account == "aws"
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        if !account_ok {
            return Err(bad("account id is not 12 digits"));
        }
        if resource.is_empty() {
            return Err(bad("empty resource"));
        }
        Ok(Arn {
            partition,
            service: service.to_owned(),
            region: region.to_owned(),
            account_id: account.to_owned(),
            resource: resource.to_owned(),
            principal: principal_of(service, resource),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account_id, self.resource
        )
    }
}

/// The ARN of an IAM role, `arn:PARTITION:iam::ACCOUNT:role/{path/}NAME`:
/// what AssumeRole takes. A user, an assumed-role session or a policy ARN is
/// refused when it is made, not by STS later.
///
/// It dereferences to its [`Arn`].
///
/// ```
/// use fed_core::RoleArn;
///
/// let role: RoleArn = "arn:aws:iam::123456789012:role/ops/ReadOnly".parse()?;
/// assert_eq!(role.name(), "ReadOnly");
/// assert_eq!(role.account_id(), "123456789012");
/// assert!("arn:aws:iam::123456789012:user/alice".parse::<RoleArn>().is_err());
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn(Arn);

impl RoleArn {
    /// Checks that `arn` names an IAM role.
    pub fn new(arn: Arn) -> Result<RoleArn, Error> {
        match arn.principal() {
            Principal::Role { .. } => Ok(RoleArn(arn)),
            _ => Err(Error::invalid(
                "role ARN",
                arn.to_string(),
                "not an IAM role",
                "arn:PARTITION:iam::ACCOUNT:role/NAME (a role, not a user, session or policy)",
            )),
        }
    }

    /// The role's name, without its path.
    pub fn name(&self) -> &str {
        match self.0.principal() {
            Principal::Role { name, .. } => name,
            _ => unreachable!("a RoleArn names a role"),
        }
    }

    /// The ARN.
    pub fn arn(&self) -> &Arn {
        &self.0
    }

    /// The ARN, owned.
    pub fn into_arn(self) -> Arn {
        self.0
    }
}

impl std::ops::Deref for RoleArn {
    type Target = Arn;

    fn deref(&self) -> &Arn {
        &self.0
    }
}

impl FromStr for RoleArn {
    type Err = Error;

    fn from_str(s: &str) -> Result<RoleArn, Error> {
        RoleArn::new(s.parse()?)
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests;
