//! The seam that tells the emulator whose credentials it was given.

use std::collections::HashMap;
use std::future::Future;
use std::time::SystemTime;

use fed_core::{Arn, CredentialOrigin, Credentials};

/// What a set of credentials belongs to, as far as the emulator cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedIdentity {
    /// The principal, e.g. `arn:aws:sts::123456789012:assumed-role/demo/alice`.
    pub arn: Arn,
    /// How the credentials were obtained; this decides which requests are refused.
    pub origin: CredentialOrigin,
    /// When the credentials expire, if known. Without `SessionDuration` the
    /// console session lasts until then (one hour when unknown).
    pub expiration: Option<SystemTime>,
    /// For a role session, the AssumeRole calls since long-term credentials, if known; only
    /// the request log uses it.
    pub hops: Option<u32>,
    /// When the credentials were issued (`aws:TokenIssueTime`), if known.
    pub issued_at: Option<SystemTime>,
    /// The role session's source identity (`aws:SourceIdentity`), if it has one.
    pub source_identity: Option<String>,
}

impl ResolvedIdentity {
    /// An identity with no known expiration.
    pub fn new(arn: Arn, origin: CredentialOrigin) -> ResolvedIdentity {
        ResolvedIdentity {
            arn,
            origin,
            expiration: None,
            hops: None,
            issued_at: None,
            source_identity: None,
        }
    }

    /// The same identity, `hops` AssumeRole calls from long-term credentials.
    #[must_use]
    pub fn with_hops(mut self, hops: u32) -> ResolvedIdentity {
        self.hops = Some(hops);
        self
    }

    /// The same identity, expiring at `expiration`.
    #[must_use]
    pub fn with_expiration(mut self, expiration: SystemTime) -> ResolvedIdentity {
        self.expiration = Some(expiration);
        self
    }
}

/// Why credentials could not be resolved. The reason is recorded and sent
/// back in the response body, so it must never contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// The credentials are unknown or invalid; the emulator answers 400.
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// A short description, without secret values.
        reason: String,
    },
    /// The resolver's backend failed; the emulator answers 500.
    #[error("identity resolver unavailable: {reason}")]
    Unavailable {
        /// A short description, without secret values.
        reason: String,
    },
}

/// Why the console's calls are refused to a signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsoleDenial {
    /// The policy whose `Deny` applies, such as `role/Admin/fed-revoke-1f2e` for a role's
    /// inline policy.
    pub policy: String,
}

impl ConsoleDenial {
    /// Denied by `policy`.
    pub fn new(policy: impl Into<String>) -> ConsoleDenial {
        ConsoleDenial {
            policy: policy.into(),
        }
    }
}

/// Maps credentials to the identity they belong to.
///
/// The emulator calls this once per `getSigninToken` request. Implement it
/// with `async fn resolve(&self, credentials: &Credentials) -> …`; the future
/// must be `Send`.
pub trait IdentityResolver: Send + Sync + 'static {
    /// Resolves `credentials` to an identity.
    fn resolve(
        &self,
        credentials: &Credentials,
    ) -> impl Future<Output = Result<ResolvedIdentity, ResolveError>> + Send;

    /// Whether the console's calls, made with the credentials `identity` was resolved from,
    /// are denied now: by a `Deny` of a policy, such as the one that revokes a role's older
    /// sessions. The emulator asks on every view of its console page, which stands for the
    /// console's calls. By default nothing is denied.
    fn console_denial(
        &self,
        identity: &ResolvedIdentity,
    ) -> impl Future<Output = Result<Option<ConsoleDenial>, ResolveError>> + Send {
        let _ = identity;
        std::future::ready(Ok(None))
    }
}

/// A resolver that takes any temporary credentials as a role session that was
/// not role chaining, `arn:aws:sts::123456789012:assumed-role/fed-test/{access key id}`,
/// and keys that start with `AKIA` (AWS's long-term key prefix) as long-term
/// IAM user keys, which the emulator refuses as AWS does. For tests of
/// callers, which need a sign-in token and not an account.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnySession;

/// The account of [`AnySession`]'s identities.
pub const ANY_SESSION_ACCOUNT: &str = "123456789012";

impl IdentityResolver for AnySession {
    async fn resolve(&self, credentials: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        let key = credentials.access_key_id();
        let (arn, origin) = if key.starts_with("AKIA") {
            (
                format!("arn:aws:iam::{ANY_SESSION_ACCOUNT}:user/fed-test"),
                CredentialOrigin::LongTermUser,
            )
        } else {
            let session = fed_core::RoleSessionName::sanitized(key);
            (
                format!("arn:aws:sts::{ANY_SESSION_ACCOUNT}:assumed-role/fed-test/{session}"),
                CredentialOrigin::AssumedRole { chained: false },
            )
        };
        let arn = arn.parse().map_err(|_| ResolveError::InvalidCredentials {
            reason: "the access key id makes no session name".to_owned(),
        })?;
        Ok(ResolvedIdentity::new(arn, origin).with_hops(1))
    }
}

/// A resolver with a fixed table from access key id to identity. Unknown key
/// ids are invalid credentials.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    identities: HashMap<String, ResolvedIdentity>,
}

impl StaticResolver {
    /// An empty table.
    pub fn new() -> StaticResolver {
        StaticResolver::default()
    }

    /// The table with `access_key_id` resolving to `identity`.
    #[must_use]
    pub fn with(mut self, access_key_id: impl Into<String>, identity: ResolvedIdentity) -> Self {
        self.insert(access_key_id, identity);
        self
    }

    /// Makes `access_key_id` resolve to `identity`.
    pub fn insert(&mut self, access_key_id: impl Into<String>, identity: ResolvedIdentity) {
        self.identities.insert(access_key_id.into(), identity);
    }
}

impl IdentityResolver for StaticResolver {
    async fn resolve(&self, credentials: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        self.identities
            .get(credentials.access_key_id())
            .cloned()
            .ok_or_else(|| ResolveError::InvalidCredentials {
                reason: "unknown access key id".to_owned(),
            })
    }
}
