//! The stack's resolver for the federation emulator: [`Identities`] says whose credentials were
//! given, and the role's inline policies in moto say whether the console's calls are denied now
//! (AWS's revocation of older sessions: a `Deny` on `aws:TokenIssueTime`, narrowed with
//! `aws:SourceIdentity`).
//!
//! The console page stands for the console's calls, so each view is judged as the console's
//! first call, `ec2:DescribeRegions`, on every resource, with the session's condition keys
//! `aws:SourceIdentity`, `aws:TokenIssueTime`, `aws:PrincipalArn` and `aws:PrincipalAccount`,
//! and `aws:CurrentTime` and `aws:EpochTime`.
//! Only `Deny` statements of inline policies are read: managed policies and the allows that a
//! real call would also need are not modelled, and a role deleted since the sign-in denies
//! nothing (on AWS its sessions would stop working; the demo's tests read the page after its
//! teardown).

use fed_core::{Credentials, Principal};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::federation::{ConsoleDenial, IdentityResolver, ResolveError, ResolvedIdentity};
use crate::gate::trust::{Context, identity_policy_denies, policy_document, set_time};
use crate::identities::Identities;

/// The call the console page stands for.
const CONSOLE_CALL: &str = "ec2:DescribeRegions";

/// [`Identities`], and moto's IAM for the roles' policies.
pub(crate) struct StackResolver {
    pub(crate) identities: Identities,
    pub(crate) iam: aws_sdk_iam::Client,
}

impl IdentityResolver for StackResolver {
    async fn resolve(&self, credentials: &Credentials) -> Result<ResolvedIdentity, ResolveError> {
        self.identities.resolve(credentials).await
    }

    async fn console_denial(
        &self,
        identity: &ResolvedIdentity,
    ) -> Result<Option<ConsoleDenial>, ResolveError> {
        let Principal::AssumedRole { role_name, .. } = identity.arn.principal() else {
            return Ok(None);
        };
        let unavailable = |call: &str, error: String| ResolveError::Unavailable {
            reason: format!("iam:{call} on role {role_name}: {error}"),
        };
        let names = match self
            .iam
            .list_role_policies()
            .role_name(role_name)
            .send()
            .await
        {
            Ok(names) => names,
            // A role deleted since (the demo's, after its teardown) has no policy to deny with.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_no_such_entity_exception()) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(unavailable("ListRolePolicies", e.to_string())),
        };
        let context = context(identity);
        for name in names.policy_names() {
            let policy = match self
                .iam
                .get_role_policy()
                .role_name(role_name)
                .policy_name(name)
                .send()
                .await
            {
                Ok(policy) => policy,
                // Deleted since it was listed.
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_no_such_entity_exception()) =>
                {
                    continue;
                }
                Err(e) => return Err(unavailable("GetRolePolicy", e.to_string())),
            };
            let document = policy_document(policy.policy_document())
                .ok_or_else(|| unavailable("GetRolePolicy", format!("{name} is not JSON")))?;
            if identity_policy_denies(&document, CONSOLE_CALL, &context) {
                return Ok(Some(ConsoleDenial::new(format!("role/{role_name}/{name}"))));
            }
        }
        Ok(None)
    }
}

/// The condition keys of a console call made with `identity`'s credentials.
fn context(identity: &ResolvedIdentity) -> Context {
    let mut context = Context::new();
    set_time(&mut context);
    let mut set = |key: &str, value: String| {
        context.insert(key.to_ascii_lowercase(), value);
    };
    set("aws:PrincipalArn", identity.arn.to_string());
    set("aws:PrincipalAccount", identity.arn.account_id().to_owned());
    if let Some(source) = &identity.source_identity {
        set("aws:SourceIdentity", source.clone());
    }
    if let Some(at) = identity
        .issued_at
        .and_then(|at| OffsetDateTime::from(at).format(&Rfc3339).ok())
    {
        set("aws:TokenIssueTime", at);
    }
    context
}
