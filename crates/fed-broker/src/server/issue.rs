//! Issuing a console session: AssumeRole with the person's name on the session (as
//! `RoleSessionName` and `SourceIdentity`, so CloudTrail names them) and session tags for the
//! user and groups, for no longer than the entitlement allows; then the library flow asks the
//! federation endpoint for the sign-in URL, with the broker as Issuer.

use fed_aws::{AssumeRoleRequest, Sts, StsClient, Tag};
use fed_core::{AssumeRoleDuration, Region, RoleSessionName, Service, SourceIdentity};
use fed_flow::{ConsoleUrl, Page, SignIn, Signable};
use url::Url;

use crate::entitlements::Entitlement;
use crate::oidc::Person;

/// The page and region a person chose for a role, within what the entitlement offers.
pub(crate) struct Choice {
    service: Option<Service>,
    region: Option<Region>,
}

impl Choice {
    /// The choice of a form, or the audit reason it is refused for.
    pub(crate) fn of(
        role: &Entitlement,
        service: Option<&str>,
        region: Option<&str>,
    ) -> Result<Choice, &'static str> {
        let service = match service.filter(|s| !s.is_empty()) {
            None => role.services.first().copied(),
            Some(name) => {
                let service = Service::from_name(name).map_err(|_| "unknown_service")?;
                if !role.services.is_empty() && !role.services.contains(&service) {
                    return Err("service_not_allowed");
                }
                Some(service)
            }
        };
        let region = match region.filter(|r| !r.is_empty()) {
            None => role.regions.first().cloned(),
            Some(name) => {
                let region = Region::new(name).map_err(|_| "unknown_region")?;
                if !role.regions.is_empty() && !role.regions.contains(&region) {
                    return Err("region_not_allowed");
                }
                Some(region)
            }
        };
        Ok(Choice { service, region })
    }
}

/// An issued session.
pub(crate) struct Issued {
    pub(crate) url: ConsoleUrl,
    pub(crate) duration_seconds: u64,
}

/// What issues sessions: the broker's STS client and federation endpoint.
pub struct Issuer {
    sts: StsClient,
    signin: fed_signin::Client,
    signin_endpoint: Option<Url>,
}

impl Issuer {
    /// Sessions assumed with `sts`, signed in at `signin` (whose endpoint is named in the
    /// request when it is not AWS's, `signin_endpoint`).
    pub fn new(sts: StsClient, signin: fed_signin::Client, signin_endpoint: Option<Url>) -> Issuer {
        Issuer {
            sts,
            signin,
            signin_endpoint,
        }
    }

    pub(crate) async fn issue(
        &self,
        person: &Person,
        role: &Entitlement,
        choice: &Choice,
        broker_url: &Url,
    ) -> Result<Issued, String> {
        let name = session_name(&person.user);
        let mut request = AssumeRoleRequest::new(
            role.arn.clone(),
            RoleSessionName::new(name.as_str()).map_err(|e| e.to_string())?,
        );
        let duration = AssumeRoleDuration::new(role.max_session).map_err(|e| e.to_string())?;
        request.duration = Some(duration);
        request.source_identity = SourceIdentity::new(name.as_str()).ok();
        if role.session_tags {
            request.tags = vec![Tag::new("fed:user", tag_value(&person.user))];
            if !person.groups.is_empty() {
                request
                    .tags
                    .push(Tag::new("fed:groups", tag_value(&person.groups.join(":"))));
            }
        }
        let assumed = self
            .sts
            .assume_role(&request)
            .await
            .map_err(|e| fed_core::one_line(&e))?;
        let issuer = fed_core::Issuer::new(broker_url.as_str()).map_err(|e| e.to_string())?;
        let mut sign_in = SignIn::new(issuer);
        sign_in.duration = Some(role.max_session);
        sign_in.page = match choice.service {
            Some(service) => Page::Service(service),
            None => Page::Home,
        };
        sign_in.signin_endpoint = self.signin_endpoint.clone();
        let (url, _) = fed_flow::console(
            &self.signin,
            &Signable::assumed(&assumed),
            &sign_in,
            choice.region.as_ref(),
        )
        .await
        .map_err(|e| fed_core::one_line(&e))?;
        // With temporary credentials of its own (a role of its task or pod), the broker's
        // AssumeRole is role chaining, which STS caps at one hour: the session lasts what was
        // sent, not what the entitlement allows.
        let duration_seconds = assumed.duration.map_or(3600, |d| u64::from(d.seconds()));
        Ok(Issued {
            url,
            duration_seconds,
        })
    }
}

/// A role session name (and source identity) from a user name: the characters STS allows
/// (`[\w+=,.@-]`), 2 to 64 of them.
fn session_name(user: &str) -> String {
    let mut name: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    while name.len() < 2 {
        name.push('-');
    }
    name
}

/// A session tag value: at most 256 of the characters tags allow.
fn tag_value(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " _.:/=+-@".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(256)
        .collect()
}
