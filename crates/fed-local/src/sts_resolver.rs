//! An [`IdentityResolver`] that asks STS (moto, in the local stack) who credentials belong to.
//!
//! The federation emulator calls it for every getSigninToken request: it signs
//! GetCallerIdentity with the presented credentials, so the emulator's console page shows the
//! real assumed-role ARN.
//!
//! What GetCallerIdentity cannot tell is filled in as follows:
//! - Assumed-role sessions count as not chained: nothing in the credentials says whether the
//!   AssumeRole call was made with temporary credentials. [`StsResolver::note`] overrides that.
//! - moto answers `arn:aws:sts::…:user/moto` (an STS ARN for a user) for long-term keys and
//!   for the credentials of GetFederationToken and GetSessionToken alike, and hands out the same
//!   `AKIAIOSFODNN7EXAMPLE` key for both. fed only ever calls GetFederationToken, so that key
//!   with a session token counts as a federation token, unless the session token is moto's
//!   GetSessionToken one; other keys with a session token and a user ARN count as
//!   GetSessionToken credentials.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use fed_core::{Arn, CredentialOrigin, Credentials, Principal};

use crate::federation::{IdentityResolver, ResolveError, ResolvedIdentity};

/// The access key id moto returns from GetFederationToken and GetSessionToken.
pub const MOTO_TEMPORARY_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";

/// The start of the fixed session token moto returns from GetSessionToken (its
/// GetFederationToken token differs), which tells the two apart.
pub const MOTO_SESSION_TOKEN_PREFIX: &str = "AQoEXAMPLEH4";

/// How long one GetCallerIdentity may take, retries included, before the emulator answers 500;
/// well under the sign-in client's own timeout, so a stuck STS never holds a request open.
const STS_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether these are moto's GetSessionToken credentials.
fn is_moto_session_token(credentials: &Credentials) -> bool {
    credentials.access_key_id() == MOTO_TEMPORARY_KEY_ID
        && credentials
            .session_token()
            .is_some_and(|token| token.starts_with(MOTO_SESSION_TOKEN_PREFIX))
}

/// Resolves credentials with STS GetCallerIdentity against a configured endpoint.
///
/// Cloning shares the notes, so a clone kept outside the emulator can still add them.
#[derive(Debug, Clone)]
pub struct StsResolver {
    config: SdkConfig,
    notes: Arc<Mutex<HashMap<String, ResolvedIdentity>>>,
}

impl StsResolver {
    /// A resolver calling STS as configured by `config` (endpoint, region); the credentials of
    /// `config` are replaced by the presented ones on every call.
    pub fn new(config: &SdkConfig) -> StsResolver {
        StsResolver {
            config: config.clone(),
            notes: Arc::default(),
        }
    }

    /// Makes `access_key_id` resolve to `identity` without asking STS, e.g. to mark a session
    /// as role-chained or to give moto's federation token its federated-user ARN.
    pub fn note(&self, access_key_id: impl Into<String>, identity: ResolvedIdentity) {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(access_key_id.into(), identity);
    }

    async fn ask_sts(&self, credentials: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        let presented = aws_sdk_sts::config::Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token().map(str::to_owned),
            credentials.expiration(),
            "fed-local-emulator",
        );
        let conf = aws_sdk_sts::config::Builder::from(&self.config)
            .credentials_provider(presented)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_timeout(STS_TIMEOUT)
                    .build(),
            )
            .build();
        let out = aws_sdk_sts::Client::from_conf(conf)
            .get_caller_identity()
            .send()
            .await
            .map_err(resolve_error)?;
        let arn: Arn = out
            .arn()
            .ok_or_else(|| ResolveError::Unavailable {
                reason: "GetCallerIdentity answered without an ARN".to_owned(),
            })?
            .parse()
            .map_err(|err: fed_core::Error| ResolveError::Unavailable {
                reason: err.to_string(),
            })?;
        let origin = if is_moto_session_token(credentials) {
            CredentialOrigin::SessionToken
        } else {
            classify(
                credentials.access_key_id(),
                credentials.session_token().is_some(),
                &arn,
            )
        };
        let identity = ResolvedIdentity::new(arn, origin);
        Ok(match credentials.expiration() {
            Some(expiration) => identity.with_expiration(expiration),
            None => identity,
        })
    }
}

impl IdentityResolver for StsResolver {
    async fn resolve(&self, credentials: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        let noted = self
            .notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(credentials.access_key_id())
            .cloned();
        match noted {
            Some(identity) => Ok(identity),
            None => self.ask_sts(credentials).await,
        }
    }
}

/// The origin of credentials from their key, session token and GetCallerIdentity ARN, with
/// moto's quirks (see the module documentation).
pub fn classify(access_key_id: &str, has_session_token: bool, arn: &Arn) -> CredentialOrigin {
    // moto reports its default identity as `arn:aws:sts::…:user/moto`, an STS ARN for a user.
    let moto_user = arn.service() == "sts" && arn.resource().starts_with("user/");
    let principal = match arn.principal() {
        Principal::Other if moto_user => &Principal::User {
            path: "/".to_owned(),
            name: arn.resource()["user/".len()..].to_owned(),
        },
        principal => principal,
    };
    match (has_session_token, principal) {
        (false, Principal::User { .. } | Principal::Root) => CredentialOrigin::LongTermUser,
        (false, _) => CredentialOrigin::Unknown,
        (true, Principal::AssumedRole { role_name, .. })
            if role_name.starts_with("AWSReservedSSO_") =>
        {
            CredentialOrigin::IdentityCenter
        }
        (true, Principal::AssumedRole { .. }) => CredentialOrigin::AssumedRole { chained: false },
        (true, Principal::FederatedUser { .. }) => CredentialOrigin::FederationToken,
        (true, Principal::User { .. }) if access_key_id == MOTO_TEMPORARY_KEY_ID => {
            CredentialOrigin::FederationToken
        }
        (true, Principal::User { .. } | Principal::Root) => CredentialOrigin::SessionToken,
        (true, _) => CredentialOrigin::Unknown,
    }
}

/// Service errors mean the credentials were refused; anything else means STS was unreachable.
fn resolve_error<E, R>(err: SdkError<E, R>) -> ResolveError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match &err {
        SdkError::ServiceError(service) => ResolveError::InvalidCredentials {
            reason: format!(
                "GetCallerIdentity refused them: {}",
                service.err().code().unwrap_or("unknown error")
            ),
        },
        _ => ResolveError::Unavailable {
            reason: DisplayErrorContext(&err)
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        },
    }
}
