//! The `Signer` for services against the strict local stack: a role assumed for a person with
//! a session name, source identity, session tags, duration and external id, from explicit
//! credentials, and the URL that signs in as that session.

use fed_core::{ExternalId, Issuer, RequestedDuration, RoleSessionName, SourceIdentity, Tag};
use fed_flow::{LengthWhy, RoleSession, Signer};
use fed_local::{LocalStack, Service};
use support::{config, role};

mod support;

async fn signer(stack: &LocalStack) -> Signer {
    Signer::new(config(stack)).await.expect("a signer")
}

fn session(role: &str) -> RoleSession {
    let mut session = RoleSession::new(
        role.parse().expect("a role ARN"),
        RoleSessionName::new("alice@example.com").expect("a name"),
        Issuer::new("https://broker.example.com/").expect("an issuer"),
    );
    session.source_identity = Some(SourceIdentity::new("alice@example.com").expect("an id"));
    session.tags = vec![
        Tag::new("fed:user", "alice@example.com"),
        Tag::new("fed:groups", "readers:oncall"),
    ];
    session.duration = Some(RequestedDuration::parse("4h").expect("a duration"));
    session.external_id = Some(ExternalId::new("ticket-42").expect("an external id"));
    session
}

/// Everything the session asks for reaches AssumeRole, the console session is as long as asked
/// (the signer's keys are long-term, so this is no role chaining), and the URL signs in as the
/// person's role session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assumes_the_role_for_the_person_and_signs_in() {
    let stack = LocalStack::start().await.expect("the local stack");
    let role = role(
        &stack,
        "reader",
        &["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    )
    .await;
    let signer = signer(&stack).await;
    stack.log().clear();
    let signed_in = signer.sign_in(&session(&role)).await.expect("signed in");

    let calls = stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.param("RoleSessionName"), Some("alice@example.com"));
    assert_eq!(call.param("SourceIdentity"), Some("alice@example.com"));
    assert_eq!(call.param("DurationSeconds"), Some("14400"));
    assert!(call.has("ExternalId"), "the external id is sent");
    assert_eq!(call.param("Tags.member.1.Key"), Some("fed:user"));
    assert_eq!(call.param("Tags.member.2.Value"), Some("readers:oncall"));

    assert!(!signed_in.chained);
    assert_eq!(signed_in.role_session.map(|d| d.seconds()), Some(14_400));
    assert_eq!(
        signed_in.session.session_duration.map(|d| d.seconds()),
        Some(14_400)
    );
    assert_eq!(signed_in.session.why, LengthWhy::SessionDuration);
    assert!(signed_in.notices.is_empty(), "{:?}", signed_in.notices);
    assert!(
        signed_in
            .principal
            .to_string()
            .ends_with(":assumed-role/reader/alice@example.com"),
        "{}",
        signed_in.principal
    );
    let page = reqwest::get(signed_in.console.expose())
        .await
        .expect("the URL answers")
        .text()
        .await
        .expect("a page");
    assert!(
        page.contains("assumed-role/reader/alice@example.com"),
        "{page}"
    );
}

/// A role whose trust does not allow session tags refuses the session, as AWS does; nothing is
/// signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trust_without_tag_session_refuses_tags() {
    let stack = LocalStack::start().await.expect("the local stack");
    let role = role(
        &stack,
        "untagged",
        &["sts:AssumeRole", "sts:SetSourceIdentity"],
    )
    .await;
    let signer = signer(&stack).await;
    let err = signer.sign_in(&session(&role)).await.unwrap_err();
    assert!(err.to_string().contains("AccessDenied"), "{err}");
    assert_eq!(stack.log().count(Service::Sts, "AssumeRole"), 1);
    let mut untagged = session(&role);
    untagged.tags.clear();
    signer
        .sign_in(&untagged)
        .await
        .expect("signed in without tags");
}
