//! Sign-in against a real OpenID Provider (oidc-provider, started from `tests/oidc-provider`):
//! the whole authorization code flow with PKCE, `state` and `nonce`, driven as a browser does;
//! a replayed code, a wrong state and a wrong nonce are refused; a provider that rotates its
//! signing key is followed.

use fed_broker::{Pending, Person, Provider, SignInError};
use url::Url;

mod support;

use support::{OpenIdProvider, REDIRECT, sign_in_at_provider};

async fn client(provider: &OpenIdProvider) -> Provider {
    Provider::discover(
        &provider.issuer,
        "fed-broker",
        "test-secret",
        &Url::parse(REDIRECT).expect("a URL"),
        "email",
        "groups",
    )
    .await
    .expect("discovery")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_flow_signs_a_person_in_with_their_groups() {
    let op = OpenIdProvider::start(0, "key-1", REDIRECT).await;
    let provider = client(&op).await;
    let (url, pending) = provider.start();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert!(query["scope"].contains("openid") && query["scope"].contains("groups"));
    assert!(query.contains_key("state") && query.contains_key("nonce"));
    // What the callback needs is secret: its Debug shows none of it.
    let shown = format!("{pending:?}");
    assert!(
        !shown.contains(query["state"].as_str()) && !shown.contains(query["nonce"].as_str()),
        "{shown}"
    );

    let (state, code) = sign_in_at_provider(&url, "alice").await;
    let person = provider
        .finish(pending.clone(), &state, &code)
        .await
        .expect("signed in");
    assert_eq!(
        person,
        Person {
            user: "alice@example.com".to_owned(),
            groups: vec!["engineering".to_owned(), "on-call".to_owned()],
            issuer: op.issuer.as_str().trim_end_matches('/').to_owned(),
            subject: "alice".to_owned(),
            amr: Vec::new(),
        }
    );
    // The same code again: the provider refuses it.
    let replayed = provider.finish(pending, &state, &code).await;
    assert!(
        matches!(replayed, Err(SignInError::Code(_))),
        "{replayed:?}"
    );
    op.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_state_or_nonce_is_refused() {
    let op = OpenIdProvider::start(0, "key-1", REDIRECT).await;
    let provider = client(&op).await;
    let (url, pending) = provider.start();
    let (state, code) = sign_in_at_provider(&url, "bob").await;
    let wrong_state = provider.finish(pending.clone(), "forged", &code).await;
    assert_eq!(wrong_state, Err(SignInError::WrongState));
    // The same pending sign-in with another nonce: the token's is not it.
    let mut other: serde_json::Value = serde_json::to_value(&pending).expect("JSON");
    other["nonce"] = "another-nonce".into();
    let other: Pending = serde_json::from_value(other).expect("pending");
    let wrong_nonce = provider.finish(other, &state, &code).await;
    assert_eq!(wrong_nonce, Err(SignInError::WrongNonce));
    assert_eq!(wrong_nonce.unwrap_err().reason().as_str(), "wrong_nonce");
    op.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_signing_key_is_fetched_again() {
    let first = OpenIdProvider::start(0, "key-1", REDIRECT).await;
    let port = first.port();
    let provider = client(&first).await;
    first.stop().await;
    // The provider comes back on the same address with a new key.
    let second = OpenIdProvider::start(port, "key-2", REDIRECT).await;
    let (url, pending) = provider.start();
    let (state, code) = sign_in_at_provider(&url, "carol").await;
    let person = provider
        .finish(pending, &state, &code)
        .await
        .expect("signed in");
    assert_eq!(person.user, "carol@example.com");
    assert_eq!(person.groups, ["finance"]);
    second.stop().await;
}
