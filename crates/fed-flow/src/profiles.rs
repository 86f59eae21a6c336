//! The profiles of the AWS config files, described for a person choosing one: what kind of
//! credentials each has, and the account and role where the config names them.

use std::fmt;

use aws_config::profile::Profile;
use fed_core::{Arn, Principal};

use crate::context::Context;
use crate::error::Error;
use crate::host::Host;

/// How a profile gets its credentials, as its config says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileKind {
    /// `aws_access_key_id` and `aws_secret_access_key`.
    Keys,
    /// `role_arn`, from a `source_profile` or a `credential_source`.
    Role,
    /// IAM Identity Center: `sso_session` or `sso_start_url`.
    Sso,
    /// `credential_process`.
    Process,
    /// `web_identity_token_file`.
    WebIdentity,
    /// An `aws login` session: `login_session`.
    Login,
    /// None of those: settings only, such as a `region`.
    Settings,
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProfileKind::Keys => "keys",
            ProfileKind::Role => "role",
            ProfileKind::Sso => "SSO",
            ProfileKind::Process => "process",
            ProfileKind::WebIdentity => "web identity",
            ProfileKind::Login => "login",
            ProfileKind::Settings => "settings",
        })
    }
}

/// One profile of the AWS config files.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileSummary {
    /// Its name, as `--profile` takes it.
    pub name: String,
    /// How it gets its credentials.
    pub kind: ProfileKind,
    /// The account, from `role_arn`, `sso_account_id` or `login_session`.
    pub account: Option<String>,
    /// The role, from `role_arn` (its name), `sso_role_name` or an `assumed-role`
    /// `login_session`.
    pub role: Option<String>,
    /// The IAM user of a `login_session` (`root` for the root user).
    pub user: Option<String>,
}

impl ProfileSummary {
    /// A profile of `kind` with no account or role known.
    pub fn new(name: impl Into<String>, kind: ProfileKind) -> ProfileSummary {
        ProfileSummary {
            name: name.into(),
            kind,
            account: None,
            role: None,
            user: None,
        }
    }

    pub(crate) fn of(profile: &Profile) -> ProfileSummary {
        let get = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
        let mut user = None;
        let (kind, account, role) = if let Some(arn) = get("role_arn") {
            let role: Option<fed_core::RoleArn> = arn.parse().ok();
            (
                ProfileKind::Role,
                role.as_ref().map(|r| r.account_id().to_owned()),
                role.as_ref().map(|r| r.name().to_owned()),
            )
        } else if get("sso_session").is_some() || get("sso_start_url").is_some() {
            (
                ProfileKind::Sso,
                get("sso_account_id").map(str::to_owned),
                get("sso_role_name").map(str::to_owned),
            )
        } else if let Some(arn) = get("login_session") {
            let arn: Option<Arn> = arn.parse().ok();
            let role = match arn.as_ref().map(Arn::principal) {
                Some(Principal::AssumedRole { role_name, .. }) => Some(role_name.clone()),
                Some(Principal::User { name, .. }) => {
                    user = Some(name.clone());
                    None
                }
                Some(Principal::Root) => {
                    user = Some("root".to_owned());
                    None
                }
                _ => None,
            };
            (
                ProfileKind::Login,
                arn.as_ref().map(|a| a.account_id().to_owned()),
                role,
            )
        } else if get("credential_process").is_some() {
            (ProfileKind::Process, None, None)
        } else if get("web_identity_token_file").is_some() {
            (ProfileKind::WebIdentity, None, None)
        } else if get("aws_access_key_id").is_some() {
            (ProfileKind::Keys, None, None)
        } else {
            (ProfileKind::Settings, None, None)
        };
        ProfileSummary {
            name: profile.name().to_owned(),
            kind,
            account,
            role,
            user,
        }
    }
}

/// The profiles of the AWS config and credentials files (`AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE` are honoured), `default` first, then by name. Missing files
/// are no profiles. [`Context::profiles`] is the same from files already read.
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// for profile in fed_flow::profiles().await? {
///     println!("{} ({})", profile.name, profile.kind);
/// }
/// # Ok(()) }
/// ```
pub async fn profiles() -> Result<Vec<ProfileSummary>, Error> {
    Ok(Context::load(Host::real()).await?.profiles())
}

#[cfg(test)]
mod tests;
