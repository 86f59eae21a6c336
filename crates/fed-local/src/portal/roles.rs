//! The `AWSReservedSSO_…` roles of the permission sets, created in moto on first use, and the
//! role sessions the portal hands out.

use std::collections::HashMap;
use std::time::SystemTime;

use aws_config::SdkConfig;
use fed_core::{Arn, Credentials};
use tokio::sync::Mutex;

use super::config::PermissionSet;
use crate::identities::Identity;
use crate::log::CallerKind;

/// The path of every role Identity Center creates.
pub(super) const ROLE_PATH: &str = "/aws-reserved/sso.amazonaws.com/";

/// Role credentials, with what the stack records about them.
pub(super) struct RoleSession {
    pub(super) credentials: Credentials,
    pub(super) identity: Identity,
    /// When the credentials expire, in milliseconds since the epoch.
    pub(super) expiration_millis: i64,
}

/// The permission sets' roles in moto.
pub(super) struct Roles {
    iam: aws_sdk_iam::Client,
    sts: aws_sdk_sts::Client,
    account_id: String,
    suffix: String,
    /// The roles created so far, by permission set; the lock is held while one is created.
    created: Mutex<HashMap<String, Arn>>,
}

impl Roles {
    /// Roles in the moto that `moto` points at, with a new random suffix.
    pub(super) fn new(moto: &SdkConfig, account_id: &str) -> Roles {
        Roles {
            iam: aws_sdk_iam::Client::new(moto),
            sts: aws_sdk_sts::Client::new(moto),
            account_id: account_id.to_owned(),
            suffix: format!("{:016x}", fastrand::u64(..)),
            created: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn suffix(&self) -> &str {
        &self.suffix
    }

    pub(super) fn role_name(&self, permission_set: &str) -> String {
        format!("AWSReservedSSO_{permission_set}_{}", self.suffix)
    }

    /// Assumes the role of `set` in moto as `user`, creating the role first if needed.
    pub(super) async fn session(
        &self,
        set: &PermissionSet,
        user: &str,
    ) -> Result<RoleSession, String> {
        let role_arn = self.role(set).await?;
        let seconds = i32::try_from(set.session_duration.as_secs())
            .map_err(|_| format!("the session duration of {} is too long", set.name))?;
        let out = self
            .sts
            .assume_role()
            .role_arn(role_arn.to_string())
            .role_session_name(user)
            .duration_seconds(seconds)
            .send()
            .await
            .map_err(|err| format!("moto's AssumeRole failed: {}", describe(&err)))?;
        let issued = out
            .credentials()
            .ok_or_else(|| "moto's AssumeRole returned no credentials".to_owned())?;
        let expiration_millis = issued
            .expiration()
            .to_millis()
            .map_err(|_| "moto's AssumeRole returned an unusable expiration".to_owned())?;
        let expiration = SystemTime::try_from(*issued.expiration())
            .map_err(|_| "moto's AssumeRole returned an unusable expiration".to_owned())?;
        let session: Arn = out
            .assumed_role_user()
            .map(|user| user.arn())
            .unwrap_or_default()
            .parse()
            .map_err(|err: fed_core::Error| format!("moto's assumed-role ARN: {err}"))?;
        let credentials = Credentials::new(
            issued.access_key_id(),
            issued.secret_access_key(),
            Some(issued.session_token().to_owned()),
            Some(expiration),
        );
        let identity = Identity {
            arn: session,
            kind: CallerKind::IdentityCenter,
            user_arn: None,
            role_arn: Some(role_arn),
            mfa: false,
            base_key_id: None,
            expiration: Some(expiration),
            issued_at: Some(std::time::SystemTime::now()),
            source_identity: None,
        };
        Ok(RoleSession {
            credentials,
            identity,
            expiration_millis,
        })
    }

    /// The ARN (with its path) of the role of `set`, created in moto on first use.
    async fn role(&self, set: &PermissionSet) -> Result<Arn, String> {
        let mut created = self.created.lock().await;
        if let Some(arn) = created.get(&set.name) {
            return Ok(arn.clone());
        }
        let name = self.role_name(&set.name);
        let max_session = i32::try_from(set.session_duration.as_secs())
            .map_err(|_| format!("the session duration of {} is too long", set.name))?;
        let result = self
            .iam
            .create_role()
            .role_name(&name)
            .path(ROLE_PATH)
            .assume_role_policy_document(self.trust_policy())
            .max_session_duration(max_session)
            .description(format!(
                "Role for the permission set {} of IAM Identity Center",
                set.name
            ))
            .send()
            .await;
        let raw = match result {
            Ok(out) => out.role().map(|role| role.arn().to_owned()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_entity_already_exists_exception()) =>
            {
                self.iam
                    .get_role()
                    .role_name(&name)
                    .send()
                    .await
                    .map_err(|err| format!("moto's GetRole failed: {}", describe(&err)))?
                    .role()
                    .map(|role| role.arn().to_owned())
            }
            Err(err) => {
                return Err(format!("moto's CreateRole failed: {}", describe(&err)));
            }
        };
        let arn: Arn = raw
            .ok_or_else(|| format!("moto returned no role {name}"))?
            .parse()
            .map_err(|err: fed_core::Error| format!("moto's role ARN: {err}"))?;
        created.insert(set.name.clone(), arn.clone());
        Ok(arn)
    }

    /// The trust policy Identity Center gives its roles: the account's SAML provider for it.
    fn trust_policy(&self) -> String {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {
                    "Federated": format!(
                        "arn:aws:iam::{}:saml-provider/AWSSSO_{}_DO_NOT_DELETE",
                        self.account_id, self.suffix
                    ),
                },
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {
                    "StringEquals": { "SAML:aud": "https://signin.aws.amazon.com/saml" },
                },
            }],
        })
        .to_string()
    }
}

/// An error and its sources, by their messages.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}
