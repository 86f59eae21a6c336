//! IAM Identity Center shortcut links: the AWS access portal's link to a console page as a
//! profile's account and permission set, read from the AWS config files. It makes no AWS call
//! and needs no credentials or SSO token: the browser's portal session does the sign-in.

use aws_config::profile::{Profile, ProfileSet};
use fed_core::{Partition, PortalLink, Region};
use url::Url;

use crate::chain::{self, Base, ProfileDefaults};
use crate::context::Context;
use crate::error::{Error, Input};
use crate::profiles::{ProfileKind, ProfileSummary};
use crate::request::Page;
use crate::selection::{ChosenBy, Source};

/// What a shortcut link is asked for: the profile, and where the console opens.
///
/// The console page is chosen as for a sign-in: the page asked for, else the profile's
/// `fed_service`; the region asked for, else the profile's `fed_region`, else
/// `AWS_REGION`/`AWS_DEFAULT_REGION`, else the profile's `region`. With no page and no region
/// anywhere the link has no destination, and the portal opens the permission set's relay state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortalRequest {
    /// The profile; else `AWS_PROFILE`, else `default`. Credentials in the environment play no
    /// part: the link uses none.
    pub profile: Option<String>,
    /// The console's region.
    pub region: Option<Region>,
    /// The console page.
    pub page: Page,
    /// The partition of the console URL, instead of the region's.
    pub partition: Option<Partition>,
}

impl PortalRequest {
    /// A link for the environment's profile, with no page asked for.
    pub fn new() -> PortalRequest {
        PortalRequest::default()
    }

    /// For the profile `name`.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> PortalRequest {
        self.profile = Some(name.into());
        self
    }

    /// With the console in `region`.
    #[must_use]
    pub fn region(mut self, region: Region) -> PortalRequest {
        self.region = Some(region);
        self
    }

    /// Landing on `page`.
    #[must_use]
    pub fn page(mut self, page: Page) -> PortalRequest {
        self.page = page;
        self
    }

    /// With the console URL in `partition`.
    #[must_use]
    pub fn partition(mut self, partition: Partition) -> PortalRequest {
        self.partition = Some(partition);
        self
    }
}

/// A shortcut link and what it was made of.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortalShortcut {
    /// The link.
    pub link: PortalLink,
    /// The profile it was made from, and how that was chosen.
    pub source: Source,
    /// The profile's name.
    pub profile: String,
    /// The account (`sso_account_id`).
    pub account_id: String,
    /// The permission set (`sso_role_name`).
    pub permission_set: String,
    /// The access portal (`sso_start_url`).
    pub start_url: Url,
    /// The partition of the destination.
    pub partition: Partition,
    /// The console URL the link opens, when one was asked for.
    pub destination: Option<Url>,
}

/// The IAM Identity Center shortcut link for the profile [`PortalRequest`] names, read from the
/// AWS config files (`AWS_CONFIG_FILE` is honoured). It calls nothing.
///
/// A profile gives a link when it uses IAM Identity Center (`sso_session` with an
/// `[sso-session]` section holding `sso_start_url`, or the legacy `sso_start_url`) and has
/// `sso_account_id` and `sso_role_name`. A role profile on top of one does not: the link can
/// only open the permission set itself.
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// use fed_flow::{Page, PortalRequest, portal_link};
///
/// let request = PortalRequest::new()
///     .profile("sso-admin")
///     .page(Page::Service(fed_core::Service::from_name("s3").expect("a service")));
/// let shortcut = portal_link(&request).await?;
/// println!("{}", shortcut.link);
/// # Ok(()) }
/// ```
pub async fn portal_link(request: &PortalRequest) -> Result<PortalShortcut, Error> {
    Context::load(crate::Host::real())
        .await?
        .portal_link(request)
}

impl Context {
    /// The shortcut link of [`portal_link`], from this context's config files. The profile is
    /// the one whose settings [`Context::selection`] chooses: environment keys play no part,
    /// as the link uses no credentials.
    pub fn portal_link(&self, request: &PortalRequest) -> Result<PortalShortcut, Error> {
        let selection = self.selection(request.profile.as_deref());
        let Some(name) = selection.settings else {
            return Err(Error::PortalNoProfile);
        };
        let chosen_by = match (&request.profile, &selection.source) {
            (Some(_), _) => ChosenBy::Caller,
            (None, Source::Profile { chosen_by, .. }) => *chosen_by,
            (None, _) if self.var("AWS_PROFILE").is_some() => ChosenBy::AwsProfile,
            (None, _) => ChosenBy::Default,
        };
        let profiles = self.profile_set();
        let profile = self.require(&name)?;
        let sso = sso_settings(profiles, profile)?;

        let mut page = request.page.clone();
        let mut region = request.region.clone();
        ProfileDefaults::of(profile)?.apply(&mut page, &mut region);
        let region = match region {
            Some(region) => Some(region),
            None => self
                .region(Some(&name))
                .map(Region::new)
                .transpose()
                .map_err(|e| Error::invalid(Input::Region, e))?,
        };
        let partition = request
            .partition
            .or(region.as_ref().map(Region::partition))
            .or(sso.region.as_ref().map(Region::partition))
            .unwrap_or(Partition::Aws);
        if let Some(region) = &region {
            partition
                .check_region(region)
                .map_err(|e| Error::invalid(Input::Region, e))?;
        }
        let destination = match (&page, &region) {
            (Page::Home, None) => None,
            _ => Some(
                crate::plan::destination(&page, partition, false)?
                    .to_url(partition, region.as_ref()),
            ),
        };
        let link = PortalLink::new(
            &sso.start_url,
            &sso.account_id,
            Some(&sso.role_name),
            destination.as_ref(),
        )
        .map_err(|e| {
            let key = match &e {
                fed_core::Error::InvalidInput {
                    input: "account id",
                    ..
                } => "sso_account_id",
                fed_core::Error::InvalidInput {
                    input: "permission set name",
                    ..
                } => "sso_role_name",
                _ => "sso_start_url",
            };
            portal_error(
                profile,
                format!("{key}: {e}"),
                format!("correct {key} in the AWS config file, as `aws configure sso` writes it"),
            )
        })?;
        Ok(PortalShortcut {
            link,
            source: Source::Profile {
                name: name.clone(),
                chosen_by,
            },
            profile: name,
            account_id: sso.account_id,
            permission_set: sso.role_name,
            start_url: sso.start_url,
            partition,
            destination,
        })
    }
}

/// What a profile says of IAM Identity Center.
struct SsoSettings {
    start_url: Url,
    account_id: String,
    role_name: String,
    /// `sso_region`, when it is a region fed knows: it decides the partition when nothing else
    /// does.
    region: Option<Region>,
}

fn portal_error(profile: &Profile, problem: impl Into<String>, fix: impl Into<String>) -> Error {
    Error::PortalProfile {
        profile: profile.name().to_owned(),
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// The start URL, account, permission set and region of an IAM Identity Center profile; any
/// other profile is named with what it is.
fn sso_settings(profiles: &ProfileSet, profile: &Profile) -> Result<SsoSettings, Error> {
    let get = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
    let summary = ProfileSummary::of(profile);
    match summary.kind {
        ProfileKind::Sso => {}
        ProfileKind::Role => return Err(role_profile(profiles, profile)),
        kind => {
            let what = match kind {
                ProfileKind::Keys => "it holds access keys (aws_access_key_id)",
                ProfileKind::Process => "it runs a credential_process",
                ProfileKind::WebIdentity => "it uses web identity (web_identity_token_file)",
                ProfileKind::Login => "it is an aws login session (login_session)",
                _ => "it holds settings only",
            };
            return Err(portal_error(
                profile,
                format!("{what}, and has no sso_session or sso_start_url"),
                format!(
                    "name a profile with sso_session (or sso_start_url), sso_account_id and sso_role_name; `fed url {}` without --portal signs in with this profile's credentials",
                    profile.name()
                ),
            ));
        }
    }
    let (start_url, sso_region, where_) = match get("sso_session") {
        Some(session_name) => {
            let session = profiles.sso_session(session_name).ok_or_else(|| {
                portal_error(
                    profile,
                    format!("it has sso_session = {session_name}, and there is no [sso-session {session_name}] section"),
                    format!("add [sso-session {session_name}] with sso_start_url and sso_region, or fix sso_session"),
                )
            })?;
            let session_get = |key: &str| session.get(key).map(str::trim).filter(|v| !v.is_empty());
            (
                session_get("sso_start_url").or_else(|| get("sso_start_url")),
                session_get("sso_region").or_else(|| get("sso_region")),
                format!("[sso-session {session_name}]"),
            )
        }
        None => (
            get("sso_start_url"),
            get("sso_region"),
            format!("the profile {}", profile.name()),
        ),
    };
    let start_url = start_url.ok_or_else(|| {
        portal_error(
            profile,
            format!("{where_} has no sso_start_url"),
            format!("add sso_start_url = https://…awsapps.com/start (the AWS access portal URL) to {where_}"),
        )
    })?;
    let start_url = Url::parse(start_url).map_err(|e| {
        portal_error(
            profile,
            format!("its sso_start_url {start_url:?} is not a URL: {e}"),
            format!("set sso_start_url in {where_} to the AWS access portal URL, such as https://d-1234567890.awsapps.com/start"),
        )
    })?;
    let missing = |key: &str, example: &str| {
        portal_error(
            profile,
            format!("it has no {key}"),
            format!(
                "add {key} = {example} to the profile {}, as `aws configure sso` writes it",
                profile.name()
            ),
        )
    };
    let account_id = get("sso_account_id")
        .ok_or_else(|| missing("sso_account_id", "123456789012"))?
        .to_owned();
    let role_name = get("sso_role_name")
        .ok_or_else(|| missing("sso_role_name", "PERMISSION_SET"))?
        .to_owned();
    Ok(SsoSettings {
        start_url,
        account_id,
        role_name,
        region: sso_region.and_then(|r| Region::new(r).ok()),
    })
}

/// The error for a role profile: chained from IAM Identity Center (the link would open the
/// permission set, not the role), or from other credentials.
fn role_profile(profiles: &ProfileSet, profile: &Profile) -> Error {
    let role = profile.get("role_arn").unwrap_or_default().trim();
    let chain = chain::walk(profiles, profile).ok();
    if let Some((Base::Sso { profile: base }, _)) = &chain {
        let permission_set = profiles
            .get_profile(base)
            .and_then(|p| p.get("sso_role_name"))
            .map_or_else(
                || "permission set".to_owned(),
                |name| format!("permission set {name}"),
            );
        return portal_error(
            profile,
            format!(
                "it assumes {role} with the credentials of the IAM Identity Center profile {base}, and a shortcut link can only open {base}'s {permission_set} itself, not a role assumed from it"
            ),
            format!(
                "`fed url --portal {base}` opens the permission set; `fed url {}` without --portal signs in as the role",
                profile.name()
            ),
        );
    }
    portal_error(
        profile,
        format!("it is a role profile (role_arn = {role}), not an IAM Identity Center one"),
        format!(
            "name a profile with sso_session (or sso_start_url), sso_account_id and sso_role_name; `fed url {}` without --portal signs in as the role",
            profile.name()
        ),
    )
}

#[cfg(test)]
mod tests;
