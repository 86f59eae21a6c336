//! A person's sign-in at the broker, kept in a sealed cookie: who they are (with the provider's
//! `iss` and `sub`), only the groups the entitlements or the policies name, a CSRF token for the forms, an id
//! that logout and revocation name, and when it began.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::oidc::Person;
use crate::random_hex;
use crate::rules::Rules;

/// The cookie of a pending sign-in at the provider.
pub(crate) const LOGIN_COOKIE: &str = "fed_login";
/// The cookie of a signed-in person.
pub(crate) const SESSION_COOKIE: &str = "fed_session";
/// The cookie of the roles a person used last, shown first on the role page.
pub(crate) const RECENT_COOKIE: &str = "fed_recent";
/// How many recent roles it keeps.
pub(crate) const RECENT_ROLES: usize = 5;
/// How long it is kept.
pub(crate) const RECENT_LIFETIME: std::time::Duration =
    std::time::Duration::from_secs(30 * 24 * 3600);
/// The largest sealed session cookie the broker sets: browsers keep cookies of up to 4096
/// bytes, name and attributes included.
pub(crate) const MAX_COOKIE_BYTES: usize = 3800;

/// A signed-in person.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Session {
    /// The session's id: what logout and revocation name.
    pub(crate) id: String,
    pub(crate) person: Person,
    pub(crate) csrf: String,
    /// When it began, in seconds since the Unix epoch.
    pub(crate) since: u64,
}

/// The CSRF token is a secret of the session: never shown.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A new session of `person`, keeping only the groups that `rules` name (a role, its
    /// approvers or an extra policy): the only ones that decide anything, and what keeps the
    /// cookie small whatever the provider sends.
    pub(crate) fn begin(mut person: Person, rules: &Rules) -> Session {
        person.groups.retain(|group| rules.names_group(group));
        person.groups.sort();
        person.groups.dedup();
        Session {
            id: random_hex(16),
            person,
            csrf: random_hex(32),
            since: now(),
        }
    }

    /// Whether `token` is the session's CSRF token, compared in constant time.
    pub(crate) fn csrf_matches(&self, token: Option<&str>) -> bool {
        token.is_some_and(|token| {
            token.len() == self.csrf.len()
                && token
                    .bytes()
                    .zip(self.csrf.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
    }
}

impl crate::audit::Record {
    /// Names the session's person in the record: who, as the broker and the provider name
    /// them, their groups, and the session.
    pub(crate) fn of_session(&mut self, session: &Session) {
        self.user = Some(session.person.user.clone());
        self.iss = Some(session.person.issuer.clone());
        self.sub = Some(session.person.subject.clone());
        self.groups.clone_from(&session.person.groups);
        self.session_id = Some(session.id.clone());
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
