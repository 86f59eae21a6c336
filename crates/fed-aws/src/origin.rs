//! Where credentials came from: session token presence, key prefix and the caller ARN.

use fed_core::{Arn, CredentialOrigin, Principal};

use crate::{CallerIdentity, Error, Sts};

/// The origin of the signing credentials, with the identity it was derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedOrigin {
    /// The classified origin.
    pub origin: CredentialOrigin,
    /// GetCallerIdentity's answer for the credentials.
    pub identity: CallerIdentity,
}

/// Resolves the credentials `sts` signs with, asks GetCallerIdentity who they belong to, and
/// classifies them with [`classify_origin`].
pub async fn detect_origin(sts: &dyn Sts) -> Result<DetectedOrigin, Error> {
    let credentials = sts.credentials().await?;
    let identity = sts.caller_identity().await?;
    let origin = classify_origin(
        credentials.access_key_id(),
        credentials.session_token().is_some(),
        &identity.arn,
    );
    Ok(DetectedOrigin { origin, identity })
}

/// Classifies credentials from their access key id, whether they carry a session token, and the
/// ARN GetCallerIdentity reports for them.
///
/// - No session token and a `user/…` or root ARN: long-term IAM user keys.
/// - Session token and a `federated-user/…` ARN: GetFederationToken.
/// - Session token and an `assumed-role/AWSReservedSSO_…` ARN: IAM Identity Center.
/// - Session token and any other `assumed-role/…` ARN: a role session whose history cannot be
///   seen from the credentials (whether the AssumeRole call was itself made with temporary
///   credentials), so its origin is unknown: the federation endpoint alone can tell whether it
///   takes `SessionDuration`. Only an AssumeRole made by fed itself knows, see
///   [`AssumedRole::origin`](crate::AssumedRole::origin).
/// - Session token and a `user/…` or root ARN: GetSessionToken.
/// - Anything else, including an `AKIA` key with a session token or an `ASIA` key without one
///   (real temporary keys start with `ASIA`, long-term ones with `AKIA`): unknown.
pub fn classify_origin(
    access_key_id: &str,
    has_session_token: bool,
    arn: &Arn,
) -> CredentialOrigin {
    let long_term_key = access_key_id.starts_with("AKIA");
    let temporary_key = access_key_id.starts_with("ASIA");
    if has_session_token && long_term_key || !has_session_token && temporary_key {
        return CredentialOrigin::Unknown;
    }
    match (has_session_token, arn.principal()) {
        (false, Principal::User { .. } | Principal::Root) => CredentialOrigin::LongTermUser,
        (false, _) => CredentialOrigin::Unknown,
        (true, Principal::FederatedUser { .. }) => CredentialOrigin::FederationToken,
        (true, Principal::AssumedRole { role_name, .. })
            if role_name.starts_with("AWSReservedSSO_") =>
        {
            CredentialOrigin::IdentityCenter
        }
        (true, Principal::AssumedRole { .. }) => CredentialOrigin::Unknown,
        (true, Principal::User { .. } | Principal::Root) => CredentialOrigin::SessionToken,
        (true, Principal::Role { .. } | Principal::Other) => CredentialOrigin::Unknown,
    }
}
