//! Ending people's role sessions early (feature `revocation`): a [`Signer`] puts a
//! [`SessionRevocation`]'s deny policy on its role, and removes it once the sessions it denies
//! have expired. The calls are IAM's `PutRolePolicy` and `DeleteRolePolicy`, made with the
//! signer's own credentials, so they need those two permissions on the role.

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use fed_aws::{Iam, IamClient};
use fed_core::{RoleName, SessionRevocation};

use crate::error::{Error, Input};
use crate::signer::{ServiceCredentials, Signer};

/// The IAM client of a signer: the signer's credentials, AWS's IAM endpoint (or
/// `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL`, as every AWS SDK reads them) and never the STS
/// endpoint the signer may have been given.
pub(crate) fn iam_client(sdk: &SdkConfig, credentials: &ServiceCredentials) -> IamClient {
    let mut builder = sdk.to_builder();
    builder.set_endpoint_url(None);
    if let ServiceCredentials::Explicit(credentials) = credentials {
        builder.set_credentials_provider(Some(SharedCredentialsProvider::new(
            fed_aws::to_sdk_credentials(credentials),
        )));
    }
    IamClient::new(&builder.build())
}

impl Signer {
    /// Denies, from now on, the sessions `revocation` names: puts its inline policy on its role
    /// (`iam:PutRolePolicy`). Doing it again changes nothing.
    ///
    /// ```no_run
    /// # async fn run(signer: &fed_flow::Signer) -> Result<(), Box<dyn std::error::Error>> {
    /// use fed_core::{PolicyName, SessionRevocation, SourceIdentity};
    ///
    /// let revocation = SessionRevocation::new(
    ///     "arn:aws:iam::123456789012:role/Admin".parse()?,
    ///     SourceIdentity::new("bob@example.com")?,
    ///     std::time::SystemTime::now(),
    ///     PolicyName::new("fed-revoke-1f2e3d4c")?,
    /// );
    /// signer.revoke_sessions(&revocation).await?;
    /// // …and once every session it denies has expired:
    /// signer.lift_revocation(&revocation).await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_sessions(&self, revocation: &SessionRevocation) -> Result<(), Error> {
        let role = role_name(revocation)?;
        self.iam()
            .put_role_policy(
                &role,
                revocation.policy_name().as_str(),
                &revocation.policy_document(),
            )
            .await?;
        Ok(())
    }

    /// Removes `revocation`'s policy from its role (`iam:DeleteRolePolicy`); a policy (or role)
    /// that is already gone is no error.
    pub async fn lift_revocation(&self, revocation: &SessionRevocation) -> Result<(), Error> {
        let role = role_name(revocation)?;
        match self
            .iam()
            .delete_role_policy(&role, revocation.policy_name().as_str())
            .await
        {
            Err(error) if !error.is_no_such_entity() => Err(error.into()),
            _ => Ok(()),
        }
    }
}

fn role_name(revocation: &SessionRevocation) -> Result<RoleName, Error> {
    RoleName::new(revocation.role().name()).map_err(|e| Error::invalid(Input::RoleArn, e))
}
