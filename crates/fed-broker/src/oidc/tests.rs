//! The provider's keys fetched again for an unknown key id: a rotation right after start is
//! followed, and made-up key ids cannot make the broker hammer the provider.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;

use super::*;

fn json(value: &serde_json::Value) -> impl axum::response::IntoResponse + use<> {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
}

/// A provider on loopback that counts how often its keys are fetched; the broker's client of it.
async fn counting_provider() -> (Provider, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let fetched = Arc::new(AtomicUsize::new(0));
    let metadata = serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/auth"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    let count = Arc::clone(&fetched);
    let router = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { json(&metadata) }),
        )
        .route(
            "/jwks",
            get(move || {
                count.fetch_add(1, Ordering::SeqCst);
                async { json(&serde_json::json!({ "keys": [] })) }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let issuer = Url::parse(&base).expect("a URL");
    let redirect = issuer.join("callback").expect("a URL");
    let provider = Provider::discover(&issuer, "fed-broker", "s", &redirect, "email", "groups")
        .await
        .expect("discovered");
    (provider, fetched)
}

#[tokio::test]
async fn unknown_keys_refetch_once_at_a_time_then_cool_down() {
    let (provider, fetched) = counting_provider().await;
    assert_eq!(fetched.load(Ordering::SeqCst), 1, "discovery");
    let unknown = |_: &Client| Err(SignInError::UnknownKey);

    // Five tokens with a made-up key id at once: one refetch.
    let tries = futures_join(&provider, unknown).await;
    assert!(tries.iter().all(|t| *t == Err(SignInError::UnknownKey)));
    assert_eq!(fetched.load(Ordering::SeqCst), 2);
    // More within the minute: none.
    assert_eq!(
        provider.refetch_keys(unknown).await,
        Err(SignInError::UnknownKey)
    );
    assert_eq!(fetched.load(Ordering::SeqCst), 2);
    // A minute later: one again.
    let long_ago = tokio::time::Instant::now()
        .checked_sub(REFETCH_COOLDOWN + Duration::from_secs(1))
        .expect("an instant");
    *provider.refetch.lock().await = Some(long_ago);
    assert_eq!(
        provider.refetch_keys(unknown).await,
        Err(SignInError::UnknownKey)
    );
    assert_eq!(fetched.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_rotation_right_after_start_is_followed() {
    let (provider, fetched) = counting_provider().await;
    // The token's key is only in the keys fetched again.
    let current = provider.current();
    let rotated = |client: &Client| {
        if std::ptr::eq(client, current.as_ref()) {
            Err(SignInError::UnknownKey)
        } else {
            Ok(())
        }
    };
    assert_eq!(provider.refetch_keys(rotated).await, Ok(()));
    assert_eq!(fetched.load(Ordering::SeqCst), 2);
    assert!(provider.refetch.lock().await.is_none(), "no cool-down");
}

/// Five refetches at once.
async fn futures_join(
    provider: &Provider,
    verify: impl Fn(&Client) -> Result<(), SignInError> + Copy,
) -> Vec<Result<(), SignInError>> {
    let (a, b, c, d, e) = tokio::join!(
        provider.refetch_keys(verify),
        provider.refetch_keys(verify),
        provider.refetch_keys(verify),
        provider.refetch_keys(verify),
        provider.refetch_keys(verify),
    );
    vec![a, b, c, d, e]
}
