//! Ending people's role sessions early (feature `revocation`): a [`Signer`] puts a
//! [`SessionRevocation`]'s deny policy on its role, and removes it once the sessions it denies
//! have expired. The calls are IAM's `PutRolePolicy` and `DeleteRolePolicy` on the role. IAM
//! takes them only from a principal of the role's own account: the signer's own credentials for
//! its own account, or, with [`SignerConfig::revocation_role`](crate::SignerConfig), a role of
//! that name in the role's account, which the signer assumes for them.

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use fed_aws::{AssumeRoleRequest, Iam, IamClient, Sts};
use fed_core::{RoleArn, RoleName, RoleSessionName, SessionRevocation};

use crate::error::{Error, Input};
use crate::signer::{ServiceCredentials, Signer, SignerConfig};

/// An IAM client of a signer: `credentials`, and the signer's IAM endpoint, else AWS's (or
/// `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL`, as every AWS SDK reads them), never the STS
/// endpoint the signer may have been given.
fn iam_client(
    sdk: &SdkConfig,
    config: &SignerConfig,
    credentials: &ServiceCredentials,
) -> IamClient {
    let mut builder = sdk.to_builder();
    builder.set_endpoint_url(config.iam_endpoint.as_ref().map(|url| url.to_string()));
    if let ServiceCredentials::Explicit(credentials) = credentials {
        builder.set_credentials_provider(Some(SharedCredentialsProvider::new(
            fed_aws::to_sdk_credentials(credentials),
        )));
    }
    IamClient::new(&builder.build())
}

impl Signer {
    /// Denies, from now on, the sessions `revocation` names: puts its inline policy on its role
    /// (`iam:PutRolePolicy`). Doing it again changes nothing; a role that no longer exists has
    /// no sessions left to deny, so that is no error either.
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
        match self
            .iam_for(revocation.role())
            .await?
            .put_role_policy(
                &role,
                revocation.policy_name().as_str(),
                &revocation.policy_document(),
            )
            .await
        {
            Err(error) if !error.is_no_such_entity() => Err(error.into()),
            _ => Ok(()),
        }
    }

    /// Removes `revocation`'s policy from its role (`iam:DeleteRolePolicy`); a policy (or role)
    /// that is already gone is no error.
    pub async fn lift_revocation(&self, revocation: &SessionRevocation) -> Result<(), Error> {
        let role = role_name(revocation)?;
        match self
            .iam_for(revocation.role())
            .await?
            .delete_role_policy(&role, revocation.policy_name().as_str())
            .await
        {
            Err(error) if !error.is_no_such_entity() => Err(error.into()),
            _ => Ok(()),
        }
    }
}

impl Signer {
    /// The IAM client that may change `role`: the signer's own, or the revocation role's of
    /// `role`'s account.
    async fn iam_for(&self, role: &RoleArn) -> Result<IamClient, Error> {
        let (sts, sdk, config) = self.parts();
        let Some(name) = &config.revocation_role else {
            return Ok(iam_client(sdk, config, &config.credentials));
        };
        let revoker: RoleArn = format!(
            "arn:{}:iam::{}:role/{name}",
            role.partition().as_str(),
            role.account_id()
        )
        .parse()
        .map_err(|e| Error::invalid(Input::RoleArn, e))?;
        let session = RoleSessionName::new("fed-revocation").expect("a valid session name");
        let assumed = sts
            .assume_role(&AssumeRoleRequest::new(revoker, session))
            .await?;
        Ok(iam_client(
            sdk,
            config,
            &ServiceCredentials::Explicit(assumed.credentials),
        ))
    }
}

fn role_name(revocation: &SessionRevocation) -> Result<RoleName, Error> {
    RoleName::new(revocation.role().name()).map_err(|e| Error::invalid(Input::RoleArn, e))
}
