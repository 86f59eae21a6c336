//! The portal's user, account and permission sets.

use std::time::Duration;

use crate::moto;

/// A permission set assigned to the portal's user in the account: an IAM role
/// `AWSReservedSSO_{name}_{suffix}` whose sessions last `session_duration`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PermissionSet {
    /// The permission set's name, which is also the `role_name` clients ask for.
    pub name: String,
    /// How long its role credentials last, one to twelve hours on AWS; one hour by default.
    pub session_duration: Duration,
}

impl PermissionSet {
    /// The permission set `name` with sessions of one hour.
    pub fn new(name: impl Into<String>) -> PermissionSet {
        PermissionSet {
            name: name.into(),
            session_duration: Duration::from_secs(3600),
        }
    }

    /// With sessions lasting `duration` (whole seconds).
    #[must_use]
    pub fn session_duration(mut self, duration: Duration) -> PermissionSet {
        self.session_duration = duration;
        self
    }
}

/// Who the portal's user is and what is assigned to them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortalConfig {
    /// The user's name: the session name of every role session; `alice` by default.
    pub user_name: String,
    /// The one account, moto's [`ACCOUNT_ID`](crate::moto::ACCOUNT_ID): moto has no other.
    pub account_id: String,
    /// The account's name in ListAccounts; `fed-local` by default.
    pub account_name: String,
    /// The account's email address in ListAccounts.
    pub email_address: String,
    /// The permission sets assigned to the user in the account; `AdministratorAccess` and
    /// `ReadOnlyAccess` with one-hour sessions by default.
    pub permission_sets: Vec<PermissionSet>,
    /// The AWS access portal URL (`sso_start_url`); `https://fed-local.awsapps.com/start` by
    /// default.
    pub start_url: String,
    /// The Identity Center region (`sso_region`); `us-east-1` by default.
    pub region: String,
}

impl Default for PortalConfig {
    fn default() -> PortalConfig {
        PortalConfig {
            user_name: "alice".to_owned(),
            account_id: moto::ACCOUNT_ID.to_owned(),
            account_name: "fed-local".to_owned(),
            email_address: "aws@fed-local.example.com".to_owned(),
            permission_sets: vec![
                PermissionSet::new("AdministratorAccess"),
                PermissionSet::new("ReadOnlyAccess"),
            ],
            start_url: "https://fed-local.awsapps.com/start".to_owned(),
            region: moto::REGION.to_owned(),
        }
    }
}

impl PortalConfig {
    /// The defaults.
    pub fn new() -> PortalConfig {
        PortalConfig::default()
    }

    /// With the user `name`.
    #[must_use]
    pub fn user_name(mut self, name: impl Into<String>) -> PortalConfig {
        self.user_name = name.into();
        self
    }

    /// With the account named `name`.
    #[must_use]
    pub fn account_name(mut self, name: impl Into<String>) -> PortalConfig {
        self.account_name = name.into();
        self
    }

    /// With the account's email address `email`.
    #[must_use]
    pub fn email_address(mut self, email: impl Into<String>) -> PortalConfig {
        self.email_address = email.into();
        self
    }

    /// With exactly these permission sets.
    #[must_use]
    pub fn permission_sets(
        mut self,
        sets: impl IntoIterator<Item = PermissionSet>,
    ) -> PortalConfig {
        self.permission_sets = sets.into_iter().collect();
        self
    }

    /// With `set` added, replacing one of the same name.
    #[must_use]
    pub fn permission_set(mut self, set: PermissionSet) -> PortalConfig {
        self.permission_sets.retain(|known| known.name != set.name);
        self.permission_sets.push(set);
        self
    }

    /// With the access portal URL `url`.
    #[must_use]
    pub fn start_url(mut self, url: impl Into<String>) -> PortalConfig {
        self.start_url = url.into();
        self
    }

    /// With the Identity Center region `region`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> PortalConfig {
        self.region = region.into();
        self
    }

    /// The permission set `name`, if assigned.
    pub(super) fn find(&self, name: &str) -> Option<&PermissionSet> {
        self.permission_sets.iter().find(|set| set.name == name)
    }
}
