//! What tests put into the stack before they act as users: IAM users with long-term keys,
//! roles with a trust policy, virtual MFA devices. Everything goes through the gate, as a
//! user's own setup would.

use aws_sdk_iam::error::DisplayErrorContext;
use aws_sdk_sts::config::Credentials;
use fed_core::Arn;
use serde_json::{Value, json};

use crate::Error;
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
