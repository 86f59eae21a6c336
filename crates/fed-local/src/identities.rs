//! What the local stack knows about every credential it has seen: who it belongs to and how
//! it was made. The gate fills it in as it forwards AssumeRole and answers GetFederationToken
//! and GetSessionToken, the portal as it hands out role credentials; the federation emulator
//! resolves sign-in requests with it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use fed_core::{Arn, CredentialOrigin, Credentials};

use crate::federation::{IdentityResolver, ResolveError, ResolvedIdentity};
use crate::log::CallerKind;

/// Who a credential belongs to and how it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The principal as GetCallerIdentity reports it: a user, an assumed-role session or a
    /// federated user.
    pub arn: Arn,
    /// How the credential was made.
    pub kind: CallerKind,
    /// The IAM user behind long-term keys, GetSessionToken and GetFederationToken credentials.
    pub user_arn: Option<Arn>,
    /// The IAM role (with its path) of a role session.
    pub role_arn: Option<Arn>,
    /// Whether the credential was made with a valid MFA code (GetSessionToken with MFA).
    pub mfa: bool,
    /// The long-term access key id behind GetSessionToken credentials.
    pub base_key_id: Option<String>,
    /// When the credential expires; `None` for long-term keys.
    pub expiration: Option<SystemTime>,
    /// When the credential was issued (`aws:TokenIssueTime`); `None` for long-term keys.
    pub issued_at: Option<SystemTime>,
    /// The role session's source identity (`aws:SourceIdentity`), set by AssumeRole and kept
    /// through role chaining.
    pub source_identity: Option<String>,
}

impl Identity {
    /// Long-term keys of the IAM user `user_arn`.
    pub fn long_term(user_arn: Arn) -> Identity {
        Identity {
            arn: user_arn.clone(),
            kind: CallerKind::LongTermUser,
            user_arn: Some(user_arn),
            role_arn: None,
            mfa: false,
            base_key_id: None,
            expiration: None,
            issued_at: None,
            source_identity: None,
        }
    }

    /// Whether these are temporary credentials.
    pub fn is_temporary(&self) -> bool {
        self.kind != CallerKind::LongTermUser
    }

    /// AssumeRole calls since long-term credentials.
    pub fn hops(&self) -> u32 {
        match self.kind {
            CallerKind::AssumedRole { hops, .. } => hops,
            CallerKind::IdentityCenter => 1,
            _ => 0,
        }
    }

    /// The credential's origin, as the federation endpoint judges it.
    pub fn origin(&self) -> CredentialOrigin {
        match self.kind {
            CallerKind::LongTermUser => CredentialOrigin::LongTermUser,
            CallerKind::AssumedRole { chained, .. } => CredentialOrigin::AssumedRole { chained },
            CallerKind::FederationToken => CredentialOrigin::FederationToken,
            CallerKind::SessionToken => CredentialOrigin::SessionToken,
            CallerKind::IdentityCenter => CredentialOrigin::IdentityCenter,
            CallerKind::SsoToken | CallerKind::Unknown => CredentialOrigin::Unknown,
        }
    }
}

/// Why a signed request's credentials were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Unknown key id or a wrong session token: `InvalidClientTokenId`.
    Invalid,
    /// Temporary credentials past their expiration: `ExpiredToken`.
    Expired,
}

struct Entry {
    /// The full credentials of temporary credentials this stack issued; `None` for long-term
    /// keys, whose secret the stack never sees.
    credentials: Option<Credentials>,
    identity: Identity,
}

/// The table of known credentials, keyed by access key id; cloning shares it.
#[derive(Clone, Default)]
pub struct Identities {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identities")
            .field("known", &self.lock().len())
            .finish()
    }
}

impl Identities {
    /// An empty table.
    pub fn new() -> Identities {
        Identities::default()
    }

    /// Records temporary credentials the stack issued.
    pub fn issued(&self, credentials: &Credentials, identity: Identity) {
        self.lock().insert(
            credentials.access_key_id().to_owned(),
            Entry {
                credentials: Some(credentials.clone()),
                identity,
            },
        );
    }

    /// Records long-term keys of an IAM user.
    pub fn long_term(&self, access_key_id: &str, user_arn: Arn) {
        self.lock().insert(
            access_key_id.to_owned(),
            Entry {
                credentials: None,
                identity: Identity::long_term(user_arn),
            },
        );
    }

    /// The identity of a key id, if known.
    pub fn get(&self, access_key_id: &str) -> Option<Identity> {
        self.lock()
            .get(access_key_id)
            .map(|entry| entry.identity.clone())
    }

    /// Checks a signed request's key id and session token: a known temporary credential needs
    /// its own session token and must not have expired. `Ok(None)` means the key is unknown.
    pub(crate) fn authenticate(
        &self,
        access_key_id: &str,
        session_token: Option<&str>,
        now: SystemTime,
    ) -> Result<Option<Identity>, Refusal> {
        let entries = self.lock();
        let Some(entry) = entries.get(access_key_id) else {
            return Ok(None);
        };
        if let Some(credentials) = &entry.credentials {
            if credentials.session_token() != session_token {
                return Err(Refusal::Invalid);
            }
            if credentials.expiration().is_some_and(|at| at <= now) {
                return Err(Refusal::Expired);
            }
        } else if session_token.is_some() {
            return Err(Refusal::Invalid);
        }
        Ok(Some(entry.identity.clone()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IdentityResolver for Identities {
    async fn resolve(&self, presented: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        let entries = self.lock();
        let invalid = |reason: &str| ResolveError::InvalidCredentials {
            reason: reason.to_owned(),
        };
        let entry = entries
            .get(presented.access_key_id())
            .ok_or_else(|| invalid("unknown access key id"))?;
        let identity = &entry.identity;
        if let Some(issued) = &entry.credentials {
            if issued.secret_access_key() != presented.secret_access_key()
                || issued.session_token() != presented.session_token()
            {
                return Err(invalid("the secret key or session token does not match"));
            }
            if issued
                .expiration()
                .is_some_and(|at| at <= SystemTime::now())
            {
                return Err(invalid("the credentials have expired"));
            }
        }
        let mut resolved = ResolvedIdentity::new(identity.arn.clone(), identity.origin())
            .with_hops(identity.hops());
        resolved.issued_at = identity.issued_at;
        resolved
            .source_identity
            .clone_from(&identity.source_identity);
        Ok(match identity.expiration {
            Some(at) => resolved.with_expiration(at),
            None => resolved,
        })
    }
}

#[cfg(test)]
mod tests;
