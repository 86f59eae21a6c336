//! `Signer::revoke_sessions` and `Signer::lift_revocation` (feature `revocation`) against the
//! strict local stack: the deny policy lands on the role, the console page of the person's
//! older session says access is denied, and lifting it works again; with a revocation role the
//! IAM calls are made as that role of the revoked role's account.

use std::time::SystemTime;

use fed_aws::{Iam, IamClient};
use fed_core::{Issuer, PolicyName, RoleName, RoleSessionName, SessionRevocation, SourceIdentity};
use fed_flow::{RoleSession, Signer};
use fed_local::{LocalStack, Service};
use support::{config, role};

mod support;

/// A signer with the stack's long-term keys, making revocations as `revoker` when given.
async fn signer(stack: &LocalStack, revoker: Option<&str>) -> Signer {
    let mut config = config(stack).iam_endpoint(stack.endpoint_url().parse().expect("a URL"));
    if let Some(name) = revoker {
        config = config.revocation_role(RoleName::new(name).expect("a role name"));
    }
    Signer::new(config).await.expect("a signer")
}

/// Signs `person` in to `role` and opens the console page the URL lands on: its URL.
async fn console_page(signer: &Signer, role: &str, person: &str) -> reqwest::Url {
    let mut session = RoleSession::new(
        role.parse().expect("a role ARN"),
        RoleSessionName::new(person).expect("a name"),
        Issuer::new("https://broker.example.com/").expect("an issuer"),
    );
    session.source_identity = Some(SourceIdentity::new(person).expect("a source identity"));
    let signed_in = signer.sign_in(&session).await.expect("signed in");
    let landed = reqwest::get(signed_in.console.expose())
        .await
        .expect("the sign-in URL answers");
    assert_eq!(landed.status(), 200);
    landed.url().clone()
}

async fn status(page: &reqwest::Url) -> u16 {
    reqwest::get(page.clone())
        .await
        .expect("the console page answers")
        .status()
        .as_u16()
}

fn revocation(role: &str, person: &str, name: &str) -> SessionRevocation {
    SessionRevocation::new(
        role.parse().expect("a role ARN"),
        SourceIdentity::new(person).expect("a source identity"),
        SystemTime::now(),
        PolicyName::new(name).expect("a policy name"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_denies_the_persons_older_sessions_until_it_is_lifted() {
    let stack = LocalStack::start().await.expect("the local stack");
    let admin = role(
        &stack,
        "admin",
        &["sts:AssumeRole", "sts:SetSourceIdentity"],
    )
    .await;
    let signer = signer(&stack, None).await;
    let bob = console_page(&signer, &admin, "bob").await;
    let alice = console_page(&signer, &admin, "alice").await;
    let iam = IamClient::new(&stack.sdk_config().await);
    let admin_name = RoleName::new("admin").expect("a role name");

    let revoked = revocation(&admin, "bob", "fed-revoke-1");
    stack.log().clear();
    signer.revoke_sessions(&revoked).await.expect("revoked");
    assert_eq!(
        iam.inline_policies(&admin_name).await.expect("listed"),
        ["fed-revoke-1"]
    );
    assert!(
        stack.log().calls(Service::Sts, "AssumeRole").is_empty(),
        "the signer's own credentials made the call"
    );
    assert_eq!(status(&bob).await, 403);
    assert_eq!(status(&alice).await, 200);
    // Again changes nothing.
    signer
        .revoke_sessions(&revoked)
        .await
        .expect("revoked again");

    signer.lift_revocation(&revoked).await.expect("lifted");
    assert!(
        iam.inline_policies(&admin_name)
            .await
            .expect("listed")
            .is_empty()
    );
    assert_eq!(status(&bob).await, 200);
    // A policy already gone, or a role that is gone, is no error.
    signer
        .lift_revocation(&revoked)
        .await
        .expect("lifted again");
    let gone = revocation(
        "arn:aws:iam::123456789012:role/deleted",
        "bob",
        "fed-revoke-2",
    );
    signer
        .revoke_sessions(&gone)
        .await
        .expect("nothing to deny");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_role_of_the_roles_account_makes_the_calls() {
    let stack = LocalStack::start().await.expect("the local stack");
    let admin = role(
        &stack,
        "admin",
        &["sts:AssumeRole", "sts:SetSourceIdentity"],
    )
    .await;
    let revoker = role(&stack, "fed-revoker", &["sts:AssumeRole"]).await;
    let missing = signer(&stack, Some("not-there")).await;
    let signer = signer(&stack, Some("fed-revoker")).await;
    let bob = console_page(&signer, &admin, "bob").await;

    stack.log().clear();
    signer
        .revoke_sessions(&revocation(&admin, "bob", "fed-revoke-1"))
        .await
        .expect("revoked");
    let assumed = stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(assumed.len(), 1);
    assert_eq!(assumed[0].param("RoleArn"), Some(revoker.as_str()));
    assert_eq!(status(&bob).await, 403);

    // A revocation role the account does not have: the revocation fails, and says so.
    let failed = missing
        .revoke_sessions(&revocation(&admin, "bob", "fed-revoke-2"))
        .await
        .expect_err("no such revocation role");
    assert!(failed.to_string().contains("AssumeRole"), "{failed}");
}
