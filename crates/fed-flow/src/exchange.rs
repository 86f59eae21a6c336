//! Credentials the federation endpoint accepts, from what the hops left: a role session as it
//! is, IAM Identity Center credentials as they are, long-term keys exchanged with
//! GetFederationToken, `aws login` role sessions as they are (never with `SessionDuration`), and
//! credentials of unknown history looked up with GetCallerIdentity.

use fed_aws::{AssumedRole, FederationTokenRequest, Sts, StsClient, classify_origin};
use fed_core::{Arn, CredentialOrigin, Credentials, FederationName, Partition, Region};

use crate::base::History;
use crate::chain::LoginIdentity;
use crate::error::{Error, Input};
use crate::notice::Notice;
use crate::plan::Plan;

/// Credentials to sign in with, what they are, and who they belong to when that is known
/// without another call.
pub(crate) struct Signable {
    pub(crate) credentials: Credentials,
    pub(crate) origin: CredentialOrigin,
    /// `None`: GetCallerIdentity runs alongside the sign-in.
    pub(crate) principal: Option<Arn>,
    /// Whether what GetCallerIdentity says decides what the credentials are (and refuses
    /// GetSessionToken credentials) once it answers.
    pub(crate) classify: bool,
}

/// What the credentials are, from who GetCallerIdentity says they belong to; GetSessionToken
/// credentials cannot sign in.
pub(crate) fn classified(credentials: &Credentials, arn: &Arn) -> Result<CredentialOrigin, Error> {
    match classify_origin(
        credentials.access_key_id(),
        credentials.session_token().is_some(),
        arn,
    ) {
        CredentialOrigin::SessionToken => Err(Error::SessionTokenCredentials),
        origin => Ok(origin),
    }
}

/// What the hops left, made signable.
pub(crate) async fn signable(
    plan: &Plan,
    signer: &StsClient,
    credentials: Credentials,
    last: Option<AssumedRole>,
    history: History,
    notices: &mut Vec<Notice>,
) -> Result<Signable, Error> {
    Ok(match (last, history) {
        (Some(assumed), _) => Signable {
            credentials: assumed.credentials.clone(),
            origin: assumed.origin(),
            principal: Some(assumed.arn),
            classify: false,
        },
        (None, History::LongTerm) => federation_token(plan, signer, notices).await?,
        // Who IAM Identity Center credentials belong to is asked alongside the sign-in.
        (None, History::IdentityCenter) => Signable {
            credentials,
            origin: CredentialOrigin::IdentityCenter,
            principal: None,
            classify: false,
        },
        (None, History::Login { identity }) => {
            login_session(plan, signer, credentials, identity, notices).await?
        }
        // Temporary credentials of unknown history, with no session length asked for: the
        // sign-in asks for nothing that depends on what they are, so it does not wait for
        // GetCallerIdentity; what that says still refuses GetSessionToken credentials.
        (None, History::Temporary) if plan.duration.is_none() => Signable {
            credentials,
            origin: CredentialOrigin::Unknown,
            principal: None,
            classify: true,
        },
        (None, History::Temporary) => {
            let identity = signer.caller_identity().await?;
            match classified(&credentials, &identity.arn)? {
                CredentialOrigin::LongTermUser => federation_token(plan, signer, notices).await?,
                origin => Signable {
                    credentials,
                    origin,
                    principal: Some(identity.arn),
                    classify: false,
                },
            }
        }
    })
}

/// `aws login` credentials signed in as they are: a role session's, as its `login_session` ARN
/// says or, when it does not say, as GetCallerIdentity says first. A user's are refused before
/// the federation endpoint is called.
async fn login_session(
    plan: &Plan,
    signer: &StsClient,
    credentials: Credentials,
    identity: LoginIdentity,
    notices: &mut Vec<Notice>,
) -> Result<Signable, Error> {
    let refused = |arn: String| Error::LoginSessionUser {
        profile: plan.profile().unwrap_or_default().to_owned(),
        arn,
    };
    let principal = match identity {
        LoginIdentity::RoleSession => None,
        LoginIdentity::User | LoginIdentity::Unknown => {
            let caller = signer.caller_identity().await?.arn;
            if LoginIdentity::of_arn(&caller) == LoginIdentity::User {
                return Err(refused(caller.to_string()));
            }
            Some(caller)
        }
    };
    notices.push(Notice::LoginSession {
        ends_at: credentials.expiration(),
    });
    Ok(Signable {
        credentials,
        origin: CredentialOrigin::LoginSession,
        principal,
        classify: false,
    })
}

/// GetFederationToken with the session policies, for long-term keys.
async fn federation_token(
    plan: &Plan,
    signer: &StsClient,
    notices: &mut Vec<Notice>,
) -> Result<Signable, Error> {
    let request = &plan.request;
    if request.policies.is_empty() {
        return Err(Error::PolicyNeeded);
    }
    let caller = match &request.federation_name {
        Some(_) => None,
        None => Some(signer.caller_identity().await?.arn),
    };
    let partition = request
        .partition
        .or(caller.as_ref().map(Arn::partition))
        .or(plan.region.as_ref().map(Region::partition))
        .unwrap_or(Partition::Aws);
    let arns = request
        .policies
        .iter()
        .map(|policy| policy.resolve(partition))
        .collect::<Result<Vec<Arn>, String>>()
        .map_err(|e| Error::invalid(Input::Policy, e))?;
    let name = match (&request.federation_name, &caller) {
        (Some(name), _) => name.clone(),
        (None, Some(caller)) => FederationName::for_caller(caller),
        (None, None) => unreachable!("the caller is asked for when no name is given"),
    };
    let mut token_request = FederationTokenRequest::new(name, arns, None)
        .map_err(|e| Error::invalid(Input::Policy, e))?;
    token_request.duration = plan
        .duration
        .as_ref()
        .map(|d| d.requested.for_federation_token());
    let token = signer.federation_token(&token_request).await?;
    notices.push(Notice::FederatedUser {
        arn: token.arn.clone(),
    });
    Ok(Signable {
        credentials: token.credentials.clone(),
        origin: token.origin(),
        principal: Some(token.arn.clone()),
        classify: false,
    })
}
