//! What `aws login` (AWS CLI 2.32 and later) leaves behind: the login cache file the SDKs read a
//! `login_session` profile's credentials from.
//!
//! The AWS CLI writes `~/.aws/login/cache/{sha256 hex}.json` (`AWS_LOGIN_CACHE_DIRECTORY` moves
//! the folder), named after the trimmed `login_session` ARN, with `accessToken`
//! (`accessKeyId`, `secretAccessKey`, `sessionToken`, `accountId`, `expiresAt`: RFC 3339, UTC,
//! whole seconds), `tokenType`, `clientId`, `refreshToken`, `idToken` and `dpopKey` (a PEM
//! EC P-256 private key, the DPoP key of the refresh). The credentials last 15 minutes.
//!
//! The stack does not emulate the refresh (the Sign-In service's `CreateOAuth2Token`): the
//! refresh token is random, so a client that tries to refresh fails, as after a session was
//! revoked.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use aws_sdk_sts::config::Credentials;
use serde::Serialize;

use crate::Error;
use crate::portal::login::{random, rfc3339, whole_seconds, write_private};

/// How long `aws login` credentials last.
const LIFETIME: Duration = Duration::from_secs(15 * 60);

/// How long before now an expired login expired.
const EXPIRED_SINCE: Duration = Duration::from_secs(3600);

/// The client id the AWS CLI signs in with on the same device.
const CLIENT_ID: &str = "arn:aws:signin:::devtools/same-device";

/// What to log in as, like `aws login --profile P` for a profile whose `login_session` is the
/// console identity's ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsLogin {
    login_session: String,
    expired: bool,
}

impl AwsLogin {
    /// A login of `login_session` (an `assumed-role`, `user` or `root` ARN) whose credentials
    /// are valid for 15 minutes.
    pub fn new(login_session: impl Into<String>) -> AwsLogin {
        AwsLogin {
            login_session: login_session.into(),
            expired: false,
        }
    }

    /// Credentials that expired an hour ago: clients try to refresh them through the Sign-In
    /// service, which the stack does not emulate, and fail.
    #[must_use]
    pub fn expired(mut self) -> AwsLogin {
        self.expired = true;
        self
    }

    /// The `login_session` ARN.
    pub fn login_session(&self) -> &str {
        &self.login_session
    }

    /// Writes the cache file for `credentials` (temporary: a role session's, or a user's from
    /// GetSessionToken) of `account_id` into `dir` (`{HOME}/.aws/login/cache`, see
    /// [`AwsLogin::cache_dir`]), as `aws login` does.
    pub fn write(
        &self,
        dir: &Path,
        credentials: &Credentials,
        account_id: &str,
    ) -> Result<LoginCache, Error> {
        let session_token = credentials.session_token().ok_or_else(|| Error::Fixture {
            what: "write the aws login cache".to_owned(),
            reason: "aws login credentials are temporary: they need a session token".to_owned(),
        })?;
        let now = whole_seconds(SystemTime::now());
        let expires_at = if self.expired {
            now - EXPIRED_SINCE
        } else {
            now + LIFETIME
        };
        let file = CacheFile {
            access_token: AccessToken {
                access_key_id: credentials.access_key_id(),
                secret_access_key: credentials.secret_access_key(),
                session_token,
                account_id,
                expires_at: rfc3339(expires_at),
            },
            token_type: "aws_sigv4",
            client_id: CLIENT_ID,
            refresh_token: random(400),
            id_token: format!("{}.{}.{}", random(36), random(120), random(86)),
            dpop_key: dpop_key()?,
        };
        let text = serde_json::to_string(&file).expect("the cache file serializes to JSON");
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            action: "create",
            path: dir.to_owned(),
            source,
        })?;
        let cache_file = AwsLogin::cache_file(dir, &self.login_session);
        write_private(&cache_file, &text).map_err(|source| Error::Io {
            action: "write",
            path: cache_file.clone(),
            source,
        })?;
        Ok(LoginCache {
            cache_file,
            expires_at,
        })
    }

    /// The login cache folder of the home directory `home`, without `AWS_LOGIN_CACHE_DIRECTORY`.
    pub fn cache_dir(home: &Path) -> PathBuf {
        home.join(".aws").join("login").join("cache")
    }

    /// The cache file of `login_session` in `dir`: the lowercase hex SHA-256 of the trimmed
    /// ARN, with `.json`.
    pub fn cache_file(dir: &Path, login_session: &str) -> PathBuf {
        let digest =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, login_session.trim().as_bytes());
        dir.join(format!(
            "{}.json",
            data_encoding::HEXLOWER.encode(digest.as_ref())
        ))
    }
}

/// A cache file written by [`AwsLogin::write`]; it holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCache {
    cache_file: PathBuf,
    expires_at: SystemTime,
}

impl LoginCache {
    /// The cache file.
    pub fn cache_file(&self) -> &Path {
        &self.cache_file
    }

    /// When the cache file says the credentials expire.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

/// The cache file's fields, in the order the AWS CLI writes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CacheFile<'a> {
    access_token: AccessToken<'a>,
    token_type: &'a str,
    client_id: &'a str,
    refresh_token: String,
    id_token: String,
    dpop_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessToken<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    account_id: &'a str,
    expires_at: String,
}

/// A new EC P-256 private key as SEC 1 PEM (`EC PRIVATE KEY`), as the AWS CLI writes its DPoP
/// key.
fn dpop_key() -> Result<String, Error> {
    let failed = || Error::Fixture {
        what: "make the DPoP key of the aws login cache".to_owned(),
        reason: "aws-lc-rs cannot make an EC P-256 key".to_owned(),
    };
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(|_| failed())?;
    let der = pair.private_key().as_der().map_err(|_| failed())?;
    let base64 = data_encoding::BASE64.encode(der.as_ref());
    let mut pem = String::from("-----BEGIN EC PRIVATE KEY-----\n");
    for line in base64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END EC PRIVATE KEY-----\n");
    Ok(pem)
}

#[cfg(test)]
mod tests;
