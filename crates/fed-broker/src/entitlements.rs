//! Who may use which role: the entitlements file (TOML), read at start and on reload, and
//! consulted on every request.
//!
//! ```toml
//! [[role]]
//! name = "Production, read-only"
//! arn = "arn:aws:iam::111122223333:role/ReadOnly"
//! account = "production"            # optional: how the account is shown
//! groups = ["engineering"]           # members of any of these groups
//! users = ["alice@example.com"]      # and these users
//! max_session = "4h"                 # the longest console session (15m to 12h)
//! services = ["cloudwatch", "s3"]    # optional: the console services offered
//! regions = ["eu-west-1"]            # optional: the regions offered
//!
//! [[role]]
//! name = "Production, admin"
//! arn = "arn:aws:iam::111122223333:role/Admin"
//! groups = ["sre"]
//! access = "request"                 # "direct" (the default) or "request": a grant first
//! approvers = ["sre-leads"]          # for "request": the groups whose members approve
//! max_grant = "8h"                   # for "request": the longest grant (1s to 168h; 8h)
//! justification = true               # for "request": whether a request must say why
//!
//! [[role]]
//! name = "Production, break glass"
//! arn = "arn:aws:iam::111122223333:role/BreakGlass"
//! groups = ["sre"]
//! break_glass = true                 # usable at once, without approval; every use audited
//! ```
//!
//! Who may do what is decided by the Cedar policies these compile to ([`crate::Policies`]);
//! the groups and users here are also the role page's quick filter.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use fed_core::{AssumeRoleDuration, Region, RoleArn, Service};
use serde::Deserialize;
use sha2::Digest;

use crate::error::Error;

/// One role people may use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entitlement {
    /// What people see.
    pub name: String,
    /// The role.
    pub arn: RoleArn,
    /// How the account is shown: `account` if set, else the account id.
    pub account: String,
    /// Groups whose members may use it.
    pub groups: Vec<String>,
    /// Users who may use it, whatever their groups.
    pub users: Vec<String>,
    /// The longest console session.
    pub max_session: Duration,
    /// The console services offered; empty: the console home.
    pub services: Vec<Service>,
    /// The regions offered; empty: any.
    pub regions: Vec<Region>,
    /// Whether sessions carry the `fed:user` and `fed:groups` tags (the role's trust policy
    /// must then allow `sts:TagSession`).
    pub session_tags: bool,
    /// How the role is used: at once, or after a request is approved.
    pub access: Access,
    /// Whether the role is for emergencies: usable without approval, every use loudly audited
    /// and notified. Only roles of [`Access::Direct`] are.
    pub break_glass: bool,
}

/// How a role is used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// At once, by whoever the entitlement names (`access = "direct"`, the default).
    Direct,
    /// After a request that an approver approves, for the grant's time (`access = "request"`).
    Request {
        /// The groups whose members may approve requests (never their own).
        approvers: Vec<String>,
        /// The longest grant a request may ask for.
        max_grant: Duration,
        /// Whether a request must say why.
        justification: bool,
    },
}

/// The longest grant unless `max_grant` says otherwise.
pub const DEFAULT_MAX_GRANT: Duration = Duration::from_secs(8 * 3600);
/// The longest `max_grant` allowed: a week.
pub const MAX_GRANT_LIMIT: Duration = Duration::from_secs(7 * 24 * 3600);

impl Entitlement {
    /// Whether `user`, in `groups`, may use the role.
    pub fn allows(&self, user: &str, groups: &[String]) -> bool {
        self.users.iter().any(|u| u == user) || self.groups.iter().any(|g| groups.contains(g))
    }
}

/// All entitlements, in the file's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entitlements {
    roles: Vec<Entitlement>,
    /// Each role's place by its ARN: the console's look-up, once per request.
    by_arn: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    role: Vec<RawRole>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    name: String,
    arn: String,
    account: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    users: Vec<String>,
    max_session: Option<String>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    session_tags: Option<bool>,
    access: Option<String>,
    approvers: Option<Vec<String>>,
    max_grant: Option<String>,
    justification: Option<bool>,
    break_glass: Option<bool>,
}

impl Entitlements {
    /// Reads and checks the entitlements file at `path`.
    pub fn load(path: &Path) -> Result<Entitlements, Error> {
        Entitlements::load_with_digest(path).map(|(entitlements, _)| entitlements)
    }

    /// Reads the entitlements file at `path` once and checks it; with the SHA-256 of the bytes
    /// read (hex), so that an operator can tell which file a reload took.
    pub fn load_with_digest(path: &Path) -> Result<(Entitlements, String), Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| Error::Read {
            path: path.to_owned(),
            reason: "it is not UTF-8 text".to_owned(),
        })?;
        let digest = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let entitlements = Entitlements::parse(&text).map_err(|e| e.in_file(path))?;
        Ok((entitlements, digest))
    }

    /// Parses and checks entitlements text.
    pub fn parse(text: &str) -> Result<Entitlements, Error> {
        let raw: RawFile = toml::from_str(text).map_err(|e| Error::toml(&e, text))?;
        let mut roles = Vec::with_capacity(raw.role.len());
        for (index, role) in raw.role.into_iter().enumerate() {
            let key = |field: &str| format!("role[{index}].{field}");
            if role.name.trim().is_empty() {
                return Err(Error::key(&key("name"), &role.name, "a name to show"));
            }
            let arn: RoleArn = role.arn.parse().map_err(|_| {
                Error::key(
                    &key("arn"),
                    &role.arn,
                    "a role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME",
                )
            })?;
            if role.groups.is_empty() && role.users.is_empty() {
                return Err(Error::key(
                    &key("groups"),
                    "[]",
                    "at least one group or user (in groups or users) who may use the role",
                ));
            }
            for (field, values) in [("groups", &role.groups), ("users", &role.users)] {
                if let Some(empty) = values.iter().find(|v| v.trim().is_empty()) {
                    return Err(Error::key(&key(field), empty, "names that are not empty"));
                }
            }
            let max_session = match &role.max_session {
                None => Duration::from_secs(3600),
                Some(text) => fed_core::parse_duration(text)
                    .ok()
                    .filter(|d| AssumeRoleDuration::new(*d).is_ok())
                    .ok_or_else(|| {
                        Error::key(&key("max_session"), text, "a duration from 15m to 12h")
                    })?,
            };
            let services = role
                .services
                .iter()
                .map(|name| {
                    Service::from_name(name).map_err(|_| {
                        Error::key(
                            &key("services"),
                            name,
                            "console services as `fed services` lists them, such as s3",
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let regions = role
                .regions
                .iter()
                .map(|name| {
                    Region::new(name.as_str())
                        .ok()
                        .filter(|r| r.partition() == arn.partition())
                        .ok_or_else(|| {
                            Error::key(
                                &key("regions"),
                                name,
                                &format!("regions of the role's partition, {}", arn.partition()),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let access = access(&role, &key)?;
            let break_glass = role.break_glass.unwrap_or(false);
            if break_glass && access != Access::Direct {
                return Err(Error::key(
                    &key("break_glass"),
                    "true",
                    "break_glass only on roles of access \"direct\": a break-glass role is used without approval",
                ));
            }
            if let Some(first) = roles.iter().find(|r: &&Entitlement| r.arn == arn) {
                return Err(Error::key(
                    &key("arn"),
                    &role.arn,
                    &format!("a role not listed before (it is, as {:?})", first.name),
                ));
            }
            roles.push(Entitlement {
                name: role.name,
                account: role.account.unwrap_or_else(|| arn.account_id().to_owned()),
                arn,
                groups: role.groups,
                users: role.users,
                max_session,
                services,
                regions,
                session_tags: role.session_tags.unwrap_or(true),
                access,
                break_glass,
            });
        }
        let by_arn = roles
            .iter()
            .enumerate()
            .map(|(place, role)| (role.arn.to_string(), place))
            .collect();
        Ok(Entitlements { roles, by_arn })
    }

    /// The roles `user`, in `groups`, may use, in the file's order.
    pub fn for_user<'a>(
        &'a self,
        user: &'a str,
        groups: &'a [String],
    ) -> impl Iterator<Item = &'a Entitlement> {
        self.roles
            .iter()
            .filter(move |role| role.allows(user, groups))
    }

    /// The entitlement of `arn`, if `user` in `groups` may use it.
    pub fn find(&self, arn: &str, user: &str, groups: &[String]) -> Option<&Entitlement> {
        self.role(arn).filter(|role| role.allows(user, groups))
    }

    /// The role `arn`, whoever asks.
    pub fn role(&self, arn: &str) -> Option<&Entitlement> {
        self.by_arn
            .get(arn)
            .and_then(|place| self.roles.get(*place))
    }

    /// Every role, in the file's order.
    pub fn iter(&self) -> impl Iterator<Item = &Entitlement> {
        self.roles.iter()
    }

    /// Whether any role names `group`, among those who may use it or approve its requests:
    /// the groups a session keeps.
    pub fn names_group(&self, group: &str) -> bool {
        self.roles.iter().any(|role| {
            role.groups.iter().any(|g| g == group)
                || matches!(&role.access, Access::Request { approvers, .. } if approvers.iter().any(|g| g == group))
        })
    }

    /// How many roles there are.
    pub fn len(&self) -> usize {
        self.roles.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }
}

/// The access mode of `role`, checked: `approvers`, `max_grant` and `justification` belong to
/// roles of access "request", which must name approvers.
fn access(role: &RawRole, key: &dyn Fn(&str) -> String) -> Result<Access, Error> {
    match role.access.as_deref().unwrap_or("direct") {
        "direct" => {
            let only_requests = [
                ("approvers", role.approvers.is_some()),
                ("max_grant", role.max_grant.is_some()),
                ("justification", role.justification.is_some()),
            ];
            if let Some((field, _)) = only_requests.iter().find(|(_, set)| *set) {
                let value = match *field {
                    "approvers" => format!("{:?}", role.approvers.as_deref().unwrap_or_default()),
                    "max_grant" => role.max_grant.clone().unwrap_or_default(),
                    _ => role.justification.unwrap_or_default().to_string(),
                };
                return Err(Error::key(
                    &key(field),
                    &value,
                    &format!("{field} only on roles of access \"request\""),
                ));
            }
            Ok(Access::Direct)
        }
        "request" => {
            let approvers = role.approvers.clone().unwrap_or_default();
            if approvers.is_empty() {
                return Err(Error::key(
                    &key("approvers"),
                    "[]",
                    "at least one group whose members approve requests for the role",
                ));
            }
            if let Some(empty) = approvers.iter().find(|g| g.trim().is_empty()) {
                return Err(Error::key(
                    &key("approvers"),
                    empty,
                    "names that are not empty",
                ));
            }
            let max_grant = match &role.max_grant {
                None => DEFAULT_MAX_GRANT,
                Some(text) => fed_core::parse_duration(text)
                    .ok()
                    .filter(|d| !d.is_zero() && *d <= MAX_GRANT_LIMIT)
                    .ok_or_else(|| {
                        Error::key(
                            &key("max_grant"),
                            text,
                            "a duration from 1s to 168h (a week), such as 8h",
                        )
                    })?,
            };
            Ok(Access::Request {
                approvers,
                max_grant,
                justification: role.justification.unwrap_or(false),
            })
        }
        other => Err(Error::key(
            &key("access"),
            other,
            "\"direct\" (used at once) or \"request\" (used after an approved request)",
        )),
    }
}

#[cfg(test)]
mod tests;
