//! Issuing a console session: AssumeRole with the person's name on the session (as
//! `RoleSessionName` and `SourceIdentity`, so CloudTrail names them) and session tags for the
//! user and groups, for no longer than the entitlement allows; then the library flow asks the
//! federation endpoint for the sign-in URL, with the broker as Issuer.

use fed_core::{Region, RequestedDuration, RoleSessionName, Service, SourceIdentity, Tag};
use fed_flow::{ConsoleUrl, Page, RoleSession, Signer};
use sha2::{Digest, Sha256};
use url::Url;

use crate::entitlements::Entitlement;
use crate::oidc::Person;
use crate::refusal::Reason;

/// The page and region a person chose for a role, within what the entitlement offers.
pub(crate) struct Choice {
    service: Option<Service>,
    region: Option<Region>,
}

impl Choice {
    /// The choice of a form, or the reason it is refused for.
    pub(crate) fn of(
        role: &Entitlement,
        service: Option<&str>,
        region: Option<&str>,
    ) -> Result<Choice, Reason> {
        let service = match service.filter(|s| !s.is_empty()) {
            None => role.services.first().copied(),
            Some(name) => {
                let service = Service::from_name(name).map_err(|_| Reason::UnknownService)?;
                if !role.services.is_empty() && !role.services.contains(&service) {
                    return Err(Reason::ServiceNotAllowed);
                }
                Some(service)
            }
        };
        let region = match region.filter(|r| !r.is_empty()) {
            None => role.regions.first().cloned(),
            Some(name) => {
                let region = Region::new(name).map_err(|_| Reason::UnknownRegion)?;
                // A region of another partition than the role's signs in nowhere.
                if role.arn.partition().check_region(&region).is_err() {
                    return Err(Reason::BadRegion);
                }
                if !role.regions.is_empty() && !role.regions.contains(&region) {
                    return Err(Reason::RegionNotAllowed);
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

impl Choice {
    /// The service chosen, as the console names it.
    pub(crate) fn service(&self) -> Option<&'static str> {
        self.service.map(Service::name)
    }

    /// The region chosen.
    pub(crate) fn region(&self) -> Option<&str> {
        self.region.as_ref().map(Region::as_str)
    }
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

    /// Puts `revocation`'s deny policy on its role.
    pub(crate) async fn revoke_sessions(
        &self,
        revocation: &fed_core::SessionRevocation,
    ) -> Result<(), String> {
        self.signer
            .revoke_sessions(revocation)
            .await
            .map_err(|e| fed_core::one_line(&e))
    }

    /// Removes `revocation`'s deny policy from its role.
    pub(crate) async fn lift_revocation(
        &self,
        revocation: &fed_core::SessionRevocation,
    ) -> Result<(), String> {
        self.signer
            .lift_revocation(revocation)
            .await
            .map_err(|e| fed_core::one_line(&e))
    }

    pub(crate) async fn issue(
        &self,
        person: &Person,
        role: &Entitlement,
        choice: &Choice,
        broker_url: &Url,
        length: std::time::Duration,
    ) -> Result<Issued, String> {
        let name = session_name(&person.user);
        let issuer = fed_core::Issuer::new(broker_url.as_str()).map_err(|e| e.to_string())?;
        let mut session = RoleSession::new(
            role.arn.clone(),
            RoleSessionName::new(name.as_str()).map_err(|e| e.to_string())?,
            issuer,
        );
        session.duration = Some(RequestedDuration::new(length).map_err(|e| e.to_string())?);
        session.source_identity = SourceIdentity::new(name.as_str()).ok();
        if role.session_tags {
            session.tags = vec![Tag::new("fed:user", tag_value(&person.user))];
            if !person.groups.is_empty() {
                session
                    .tags
                    .push(Tag::new("fed:groups", groups_tag_value(&person.groups)));
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

/// The characters STS allows in a `RoleSessionName` and a `SourceIdentity`: `[\w+=,.@-]`.
fn sts_allows(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// The first 16 hex digits of the SHA-256 of `text`.
fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A role session name (and source identity) from a user name, so that CloudTrail names the
/// person and two people never share one: the name itself when it is already 2 to 64 of the
/// characters STS allows (`alice@example.com`); otherwise its allowed characters (each other one
/// as `-`), cut to leave room for `-` and 16 hex digits of the name's SHA-256.
pub(crate) fn session_name(user: &str) -> String {
    if (2..=64).contains(&user.chars().count()) && user.chars().all(sts_allows) {
        return user.to_owned();
    }
    let readable: String = user
        .chars()
        .map(|c| if sts_allows(c) { c } else { '-' })
        .take(64 - 17)
        .collect();
    format!("{readable}-{}", short_hash(user))
}

/// The longest session tag value STS takes.
const TAG_VALUE_MAX: usize = 256;

/// A value for a session tag that no other value encodes to: the characters tags allow as they
/// are, except `:` (which separates groups), `=` (the escape) and `+` (which marks a cut); each
/// of those and every other character as `=XX` per UTF-8 byte.
fn tag_escape(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if c.is_alphanumeric() || " _./-@".contains(c) {
            out.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("={b:02X}"));
            }
        }
    }
    out
}

/// The `fed:user` tag's value: the user escaped; one too long for a tag is cut and ends with
/// `+` and 16 hex digits of its SHA-256, which no escaped value can.
fn tag_value(user: &str) -> String {
    let escaped = tag_escape(user);
    if escaped.chars().count() <= TAG_VALUE_MAX {
        return escaped;
    }
    let kept: String = escaped.chars().take(TAG_VALUE_MAX - 17).collect();
    format!("{}+{}", cut_at_escape(&kept), short_hash(user))
}

/// The `fed:groups` tag's value: each group escaped, joined with `:`; when they do not all fit,
/// the ones that do, then `:+` (a group cannot be `+`, which is escaped).
fn groups_tag_value(groups: &[String]) -> String {
    let mut value = String::new();
    for (index, group) in groups.iter().enumerate() {
        let escaped = tag_escape(group);
        let separator = usize::from(index > 0);
        let room_for_mark = if index + 1 < groups.len() { 2 } else { 0 };
        if value.chars().count() + separator + escaped.chars().count() + room_for_mark
            > TAG_VALUE_MAX
        {
            value.push_str(if value.is_empty() { "+" } else { ":+" });
            return value;
        }
        if index > 0 {
            value.push(':');
        }
        value.push_str(&escaped);
    }
    value
}

/// `text` without a partial `=XX` escape at its end.
fn cut_at_escape(text: &str) -> &str {
    match text.rfind('=') {
        Some(at) if text.len() - at < 3 => &text[..at],
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entitlement(arn: &str) -> Entitlement {
        Entitlement {
            name: "Read-only".to_owned(),
            arn: arn.parse().expect("a role"),
            account: "123456789012".to_owned(),
            groups: vec!["engineering".to_owned()],
            users: Vec::new(),
            max_session: std::time::Duration::from_secs(3600),
            services: Vec::new(),
            regions: Vec::new(),
            session_tags: true,
            access: crate::entitlements::Access::Direct,
            break_glass: false,
        }
    }

    #[test]
    fn a_region_of_another_partition_is_refused() {
        let reason = |arn: &str, region: &str| {
            Choice::of(&entitlement(arn), None, Some(region))
                .err()
                .map_or("ok", Reason::as_str)
        };
        let aws = "arn:aws:iam::123456789012:role/reader";
        let china = "arn:aws-cn:iam::123456789012:role/reader";
        assert_eq!(reason(aws, "eu-west-1"), "ok");
        assert_eq!(reason(aws, "cn-north-1"), "bad_region");
        assert_eq!(reason(aws, "eusc-de-east-1"), "bad_region");
        assert_eq!(reason(china, "cn-north-1"), "ok");
        assert_eq!(reason(china, "us-east-1"), "bad_region");
        assert_eq!(reason(aws, "Mars"), "unknown_region");
    }

    #[test]
    fn names_within_sts_characters_are_sent_unchanged() {
        for name in ["alice@example.com", "o-brien", "a+b=c,d.e_f", "ab"] {
            assert_eq!(session_name(name), name);
        }
    }

    #[test]
    fn different_users_never_share_a_session_name() {
        let users = [
            "o'brien",
            "o-brien",
            "jörg",
            "j-rg",
            "j",
            "",
            &format!("{}@example.com", "a".repeat(60)),
            &format!("{}@example.org", "a".repeat(60)),
        ];
        let names: Vec<String> = users.iter().map(|u| session_name(u)).collect();
        for (i, name) in names.iter().enumerate() {
            assert!(
                (2..=64).contains(&name.chars().count()) && name.chars().all(sts_allows),
                "{name}"
            );
            for other in &names[i + 1..] {
                assert_ne!(name, other, "{users:?}");
            }
        }
        assert!(names[0].starts_with("o-brien-"), "{}", names[0]);
    }

    #[test]
    fn tag_values_do_not_collide_and_fit() {
        assert_eq!(tag_value("alice@example.com"), "alice@example.com");
        assert_ne!(tag_value("o'brien"), tag_value("o-brien"));
        assert_eq!(tag_escape("a:b=c+d"), "a=3Ab=3Dc=2Bd");
        let long = "x".repeat(300);
        let cut = tag_value(&long);
        assert_eq!(cut.chars().count(), TAG_VALUE_MAX);
        assert_ne!(cut, tag_value(&format!("{long}y")));
        let groups = |list: &[&str]| {
            groups_tag_value(&list.iter().map(|g| (*g).to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(groups(&["engineering", "on-call"]), "engineering:on-call");
        // A group with `:` in its name is not two groups.
        assert_ne!(groups(&["a:b"]), groups(&["a", "b"]));
        let many: Vec<String> = (0..100).map(|i| format!("group-{i:03}")).collect();
        let value = groups_tag_value(&many);
        assert!(value.chars().count() <= TAG_VALUE_MAX, "{value}");
        assert!(value.ends_with(":+"), "{value}");
    }
}
