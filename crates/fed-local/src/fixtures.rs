//! What tests put into the stack before they act as users: IAM users with long-term keys,
//! roles with a trust policy, virtual MFA devices. Everything goes through the gate, as a
//! user's own setup would.
//!
//! For the federation emulator on its own, [`one_of_each_kind`] is a table of seven access key
//! ids ([`keys`]), one per kind of credentials the endpoint tells apart, and [`Unavailable`] a
//! resolver whose backend is down.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_iam::error::DisplayErrorContext;
use aws_sdk_sts::config::Credentials;
use fed_core::{Arn, CredentialOrigin};
use serde_json::{Value, json};

use crate::Error;
use crate::federation::{IdentityResolver, ResolveError, ResolvedIdentity, StaticResolver};
use crate::stack::LocalStack;

/// A virtual MFA device enabled for a user.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaDevice {
    /// The device's serial number, `arn:aws:iam::…:mfa/NAME`.
    pub serial: String,
    /// The base32 seed; [`crate::totp::code`] makes its codes.
    pub seed: String,
}

impl std::fmt::Debug for MfaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaDevice")
            .field("serial", &self.serial)
            .field("seed", &"** redacted **")
            .finish()
    }
}

impl MfaDevice {
    /// The device's code now.
    pub fn code(&self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        crate::totp::code(&self.seed, now).unwrap_or_default()
    }
}

/// A trust policy that lets `principal` (an account id, a user or role ARN, `*`) assume the
/// role.
pub fn trusting(principal: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    ]})
}

/// Creates the IAM user `name` and long-term keys for it with `iam`.
pub(crate) async fn new_user(
    iam: &aws_sdk_iam::Client,
    name: &str,
) -> Result<(Arn, Credentials), Error> {
    let what = format!("create the IAM user {name}");
    let user = iam
        .create_user()
        .user_name(name)
        .send()
        .await
        .map_err(|err| Error::fixture(&what, DisplayErrorContext(&err).to_string()))?;
    let arn: Arn = user
        .user()
        .map(|u| u.arn())
        .unwrap_or_default()
        .parse()
        .map_err(|err: fed_core::Error| Error::fixture(&what, err.to_string()))?;
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .map_err(|err| Error::fixture(&what, DisplayErrorContext(&err).to_string()))?;
    let key = key
        .access_key()
        .ok_or_else(|| Error::fixture(&what, "CreateAccessKey returned no key"))?;
    let credentials = Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "fed-local",
    );
    Ok((arn, credentials))
}

impl LocalStack {
    async fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config().await)
    }

    /// Creates the IAM user `name` with long-term keys; returns the keys.
    pub async fn create_user(&self, name: &str) -> Result<Credentials, Error> {
        Ok(new_user(&self.iam().await, name).await?.1)
    }

    /// Creates the role `name` with the trust policy `trust` and, if given, its
    /// MaxSessionDuration in seconds; returns its ARN.
    pub async fn create_role(
        &self,
        name: &str,
        trust: &Value,
        max_session_duration: Option<u32>,
    ) -> Result<String, Error> {
        let what = format!("create the role {name}");
        let max = max_session_duration.map(|s| i32::try_from(s).unwrap_or(i32::MAX));
        let out = self
            .iam()
            .await
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust.to_string())
            .set_max_session_duration(max)
            .send()
            .await
            .map_err(|err| Error::fixture(&what, DisplayErrorContext(&err).to_string()))?;
        Ok(out
            .role()
            .ok_or_else(|| Error::fixture(&what, "CreateRole returned no role"))?
            .arn()
            .to_owned())
    }

    /// Creates a virtual MFA device named after `user` and enables it for them.
    pub async fn enable_mfa(&self, user: &str) -> Result<MfaDevice, Error> {
        let what = format!("enable an MFA device for {user}");
        let failed = |reason: String| Error::fixture(&what, reason);
        let iam = self.iam().await;
        let device = iam
            .create_virtual_mfa_device()
            .virtual_mfa_device_name(user)
            .send()
            .await
            .map_err(|err| failed(DisplayErrorContext(&err).to_string()))?;
        let device = device
            .virtual_mfa_device()
            .ok_or_else(|| failed("no device was returned".to_owned()))?;
        let serial = device.serial_number().to_owned();
        let seed = device
            .base32_string_seed()
            .and_then(|seed| String::from_utf8(seed.as_ref().to_vec()).ok())
            .ok_or_else(|| failed("the device has no base32 seed".to_owned()))?;
        iam.enable_mfa_device()
            .user_name(user)
            .serial_number(&serial)
            .authentication_code1("123456")
            .authentication_code2("234567")
            .send()
            .await
            .map_err(|err| failed(DisplayErrorContext(&err).to_string()))?;
        Ok(MfaDevice { serial, seed })
    }
}

/// The access key ids of [`one_of_each_kind`]. Any secret key and session token go with them:
/// the table knows key ids only.
pub mod keys {
    /// A role session assumed with long-term keys: [`ROLE_SESSION_ARN`](super::ROLE_SESSION_ARN).
    pub const ROLE: &str = "ASIAROLE";
    /// The same session, expiring half an hour after [`epoch`](super::epoch).
    pub const EXPIRING: &str = "ASIAEXPIRING";
    /// A role session made by role chaining, `assumed-role/second/bob`.
    pub const CHAINED: &str = "ASIACHAINED";
    /// A federation token of `federated-user/carol`; an `AKIA` key id, as moto hands out even
    /// for GetFederationToken.
    pub const FEDERATED: &str = "AKIAFEDERATED";
    /// A GetSessionToken session of `user/dave`.
    pub const SESSION: &str = "ASIASESSION";
    /// Long-term keys of `user/erin`.
    pub const LONG_TERM: &str = "AKIALONGTERM";
    /// A role session of the aws-cn partition, `assumed-role/demo/frank`.
    pub const CHINA: &str = "ASIACHINA";
}

/// The principal of [`keys::ROLE`] and [`keys::EXPIRING`].
pub const ROLE_SESSION_ARN: &str = "arn:aws:sts::123456789012:assumed-role/demo/alice";

/// 2023-11-14T22:13:20Z: the instant [`keys::EXPIRING`] is counted from, and a fixed time for a
/// [`ManualClock`](crate::federation::ManualClock).
pub fn epoch() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// A resolver for the federation emulator that knows one access key id per kind of credentials
/// ([`keys`]): a role session, the same expiring, a chained one, a federation token, a
/// GetSessionToken session, long-term keys and a role session of another partition. Every other
/// key id is unknown.
pub fn one_of_each_kind() -> StaticResolver {
    let identity = |arn: &str, origin| {
        ResolvedIdentity::new(arn.parse::<Arn>().expect("a fixture ARN"), origin)
    };
    let role = CredentialOrigin::AssumedRole { chained: false };
    StaticResolver::new()
        .with(keys::ROLE, identity(ROLE_SESSION_ARN, role))
        .with(
            keys::EXPIRING,
            identity(ROLE_SESSION_ARN, role).with_expiration(epoch() + Duration::from_secs(1800)),
        )
        .with(
            keys::CHAINED,
            identity(
                "arn:aws:sts::123456789012:assumed-role/second/bob",
                CredentialOrigin::AssumedRole { chained: true },
            ),
        )
        .with(
            keys::FEDERATED,
            identity(
                "arn:aws:sts::123456789012:federated-user/carol",
                CredentialOrigin::FederationToken,
            ),
        )
        .with(
            keys::SESSION,
            identity(
                "arn:aws:iam::123456789012:user/dave",
                CredentialOrigin::SessionToken,
            ),
        )
        .with(
            keys::LONG_TERM,
            identity(
                "arn:aws:iam::123456789012:user/erin",
                CredentialOrigin::LongTermUser,
            ),
        )
        .with(
            keys::CHINA,
            identity("arn:aws-cn:sts::123456789012:assumed-role/demo/frank", role),
        )
}

/// A resolver whose backend is down: every credential gets [`ResolveError::Unavailable`], so
/// the emulator answers 500.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unavailable;

impl IdentityResolver for Unavailable {
    async fn resolve(
        &self,
        _credentials: &fed_core::Credentials,
    ) -> Result<ResolvedIdentity, ResolveError> {
        Err(ResolveError::Unavailable {
            reason: "backend down".to_owned(),
        })
    }
}
