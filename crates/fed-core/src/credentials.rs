//! Credentials, where they came from, and the sign-in token: secrets that
//! never reach `Debug`, logs or errors.

use std::fmt;
use std::time::SystemTime;

use zeroize::Zeroizing;

/// AWS credentials: an access key id, a secret key and, for temporary
/// credentials, a session token.
///
/// `Debug` prints the key id and redacts the rest; there is no `Display`.
/// The secret key and session token are zeroed when dropped.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiration: Option<SystemTime>,
    ) -> Credentials {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: Zeroizing::new(secret_access_key.into()),
            session_token: session_token.map(Zeroizing::new),
            expiration,
        }
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    /// When temporary credentials expire, if known.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Where credentials came from. This decides whether they can sign in to the
/// console directly and whether `SessionDuration` may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialOrigin {
    /// From AssumeRole (or AssumeRoleWithSAML/WebIdentity). `chained` is true
    /// when the call was made with temporary credentials (role chaining).
    AssumedRole {
        /// Whether the AssumeRole call was itself made with temporary credentials.
        chained: bool,
    },
    /// From GetFederationToken (a `federated-user` ARN).
    FederationToken,
    /// An IAM Identity Center (SSO) role session.
    IdentityCenter,
    /// Long-term IAM user access keys (no session token).
    LongTermUser,
    /// From GetSessionToken: temporary, but not accepted by the federation endpoint.
    SessionToken,
    /// Temporary credentials of unknown origin.
    Unknown,
    /// A role session's credentials from `aws login` (a `login_session` profile): temporary,
    /// refreshed by the AWS Sign-In service, with a history fed cannot see.
    LoginSession,
}

impl CredentialOrigin {
    /// Whether the federation endpoint accepts these credentials as they are.
    pub fn can_sign_in(self) -> bool {
        !matches!(
            self,
            CredentialOrigin::LongTermUser | CredentialOrigin::SessionToken
        )
    }

    /// A short lowercase description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            CredentialOrigin::AssumedRole { chained: false } => "assumed-role credentials",
            CredentialOrigin::AssumedRole { chained: true } => "role-chained credentials",
            CredentialOrigin::FederationToken => "GetFederationToken credentials",
            CredentialOrigin::IdentityCenter => "IAM Identity Center credentials",
            CredentialOrigin::LongTermUser => "long-term IAM user keys",
            CredentialOrigin::SessionToken => "GetSessionToken credentials",
            CredentialOrigin::Unknown => "temporary credentials of unknown origin",
            CredentialOrigin::LoginSession => "aws login credentials",
        }
    }
}

/// The `SigninToken` returned by getSigninToken: a bearer credential valid
/// for 15 minutes.
///
/// `Debug` is redacted, there is no `Display`, and the value is zeroed when
/// dropped. [`SigninToken::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigninToken(Zeroizing<String>);

impl SigninToken {
    /// How long a sign-in token stays valid after it is issued.
    pub const LIFETIME: std::time::Duration = std::time::Duration::from_secs(15 * 60);

    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> SigninToken {
        SigninToken(Zeroizing::new(token.into()))
    }

    /// The token's value, for building the login URL.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SigninToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigninToken(** redacted **)")
    }
}

#[cfg(test)]
mod tests;
