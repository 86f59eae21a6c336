//! Issuing a console session: AssumeRole with the person's name on the session (as
//! `RoleSessionName` and `SourceIdentity`, so CloudTrail names them) and session tags for the
//! user and groups, for no longer than the entitlement allows; then the library flow asks the
//! federation endpoint for the sign-in URL, with the broker as Issuer.

use fed_core::{Region, RequestedDuration, RoleSessionName, Service, SourceIdentity, Tag};
use fed_flow::{ConsoleUrl, Page, RoleSession, Signer};
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

/// What issues sessions: fed-flow's signer, set up with the broker's own credentials.
pub struct Issuer {
    signer: Signer,
}

impl Issuer {
    /// Sessions assumed and signed in by `signer`.
    pub fn new(signer: Signer) -> Issuer {
        Issuer { signer }
    }

    pub(crate) async fn issue(
        &self,
        person: &Person,
        role: &Entitlement,
        choice: &Choice,
        broker_url: &Url,
    ) -> Result<Issued, String> {
        let name = session_name(&person.user);
        let issuer = fed_core::Issuer::new(broker_url.as_str()).map_err(|e| e.to_string())?;
        let mut session = RoleSession::new(
            role.arn.clone(),
            RoleSessionName::new(name.as_str()).map_err(|e| e.to_string())?,
            issuer,
        );
        session.duration =
            Some(RequestedDuration::new(role.max_session).map_err(|e| e.to_string())?);
        session.source_identity = SourceIdentity::new(name.as_str()).ok();
        if role.session_tags {
            session.tags = vec![Tag::new("fed:user", tag_value(&person.user))];
            if !person.groups.is_empty() {
                session
                    .tags
                    .push(Tag::new("fed:groups", tag_value(&person.groups.join(":"))));
            }
        }
        session.page = match choice.service {
            Some(service) => Page::Service(service),
            None => Page::Home,
        };
        session.region = choice.region.clone();
        let signed_in = self
            .signer
            .sign_in(&session)
            .await
            .map_err(|e| fed_core::one_line(&e))?;
        // With temporary credentials of its own (a role of its task or pod), the broker's
        // AssumeRole is role chaining, which STS caps at one hour: the session lasts what was
        // sent, not what the entitlement allows.
        let duration_seconds = signed_in
            .role_session
            .map_or(3600, |d| u64::from(d.seconds()));
        Ok(Issued {
            url: signed_in.console,
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
