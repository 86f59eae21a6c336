//! `LocalStack`: the federation emulator resolving identities through moto's STS.

use std::net::{Ipv4Addr, TcpStream};

use aws_sdk_sts::config::Credentials;
use fed_core::{CredentialOrigin, Credentials as FedCredentials};
use fed_local::federation::{IdentityResolver, Rejection, ResolvedIdentity};
use fed_local::{LocalStack, StsResolver};
use reqwest::StatusCode;
use url::Url;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// getSigninToken with `credentials`, returning the status and the body.
async fn signin_token(
    stack: &LocalStack,
    credentials: &Credentials,
    duration: Option<&str>,
) -> (StatusCode, String) {
    let session = serde_json::json!({
        "sessionId": credentials.access_key_id(),
        "sessionKey": credentials.secret_access_key(),
        "sessionToken": credentials.session_token().unwrap_or_default(),
    })
    .to_string();
    let mut form = vec![
        ("Action", "getSigninToken"),
        ("SessionType", "json"),
        ("Session", session.as_str()),
    ];
    if let Some(duration) = duration {
        form.push(("SessionDuration", duration));
    }
    let response = http()
        .post(stack.federation_url())
        .form(&form)
        .send()
        .await
        .expect("emulator answers");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

async fn assume(stack: &LocalStack, role: &str, session: &str) -> Credentials {
    let sts = aws_sdk_sts::Client::new(&stack.sdk_config().await);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::123456789012:role/{role}"))
        .role_session_name(session)
        .send()
        .await
        .expect("AssumeRole on moto");
    let c = out.credentials().expect("credentials");
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "test",
    )
}

/// Assumed-role credentials from moto sign in, and the console page shows the assumed-role ARN
/// that moto's GetCallerIdentity reported.
#[tokio::test]
async fn console_page_shows_the_assumed_role_from_moto() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let credentials = assume(&stack, "fed-demo", "alice").await;

    let (status, body) = signin_token(&stack, &credentials, Some("7200")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let token = json["SigninToken"].as_str().expect("SigninToken");

    let mut login = stack.federation_url();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Destination", "https://console.aws.amazon.com/")
        .append_pair("SigninToken", token);
    let response = http().get(login).send().await.expect("login answers");
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    let page_url = stack.signin_base_url().join(location).expect("URL");
    let page = http()
        .get(page_url)
        .send()
        .await
        .expect("console page")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("arn:aws:sts::123456789012:assumed-role/fed-demo/alice"),
        "{page}"
    );
}

/// moto's long-term test keys are refused, as the real endpoint refuses IAM user keys: without a
/// session token they never reach the resolver.
#[tokio::test]
async fn long_term_keys_are_refused() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let (status, body) = signin_token(&stack, &stack.credentials(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, Rejection::MissingSessionToken.message());
}

/// moto's GetFederationToken credentials count as a federation token: accepted without
/// SessionDuration, refused with it.
#[tokio::test]
async fn federation_token_credentials_follow_the_federation_rules() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let sts = aws_sdk_sts::Client::new(&stack.sdk_config().await);
    let out = sts
        .get_federation_token()
        .name("alice")
        .policy_arns(
            aws_sdk_sts::types::PolicyDescriptorType::builder()
                .arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build(),
        )
        .send()
        .await
        .expect("GetFederationToken on moto");
    let c = out.credentials().expect("credentials");
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "test",
    );

    let (status, body) = signin_token(&stack, &credentials, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = signin_token(&stack, &credentials, Some("3600")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        Rejection::SessionDurationWithFederationToken.message()
    );
}

/// The resolver maps what moto reports, and notes override it.
#[tokio::test]
async fn resolver_classifies_and_notes_override() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let resolver = StsResolver::new(&stack.sdk_config().await);
    let assumed = assume(&stack, "fed-demo", "bob").await;
    let presented = FedCredentials::new(
        assumed.access_key_id(),
        assumed.secret_access_key(),
        assumed.session_token().map(str::to_owned),
        None,
    );
    let identity = resolver.resolve(&presented).await.expect("resolves");
    assert_eq!(
        identity.arn.to_string(),
        "arn:aws:sts::123456789012:assumed-role/fed-demo/bob"
    );
    assert_eq!(
        identity.origin,
        CredentialOrigin::AssumedRole { chained: false }
    );

    let long_term = FedCredentials::new("testing", "testing", None, None);
    let identity = resolver.resolve(&long_term).await.expect("resolves");
    assert_eq!(
        identity.arn.to_string(),
        "arn:aws:sts::123456789012:user/moto"
    );
    assert_eq!(identity.origin, CredentialOrigin::LongTermUser);

    let temporary = FedCredentials::new(
        "ASIAFAKE",
        "fake-secret",
        Some("fake-token".to_owned()),
        None,
    );
    let identity = resolver.resolve(&temporary).await.expect("resolves");
    assert_eq!(identity.origin, CredentialOrigin::SessionToken);

    let chained = ResolvedIdentity::new(
        "arn:aws:sts::123456789012:assumed-role/fed-demo/bob"
            .parse()
            .unwrap(),
        CredentialOrigin::AssumedRole { chained: true },
    );
    resolver.note(assumed.access_key_id(), chained.clone());
    assert_eq!(
        resolver.resolve(&presented).await.expect("resolves"),
        chained
    );
}

/// An unreachable STS makes the resolver unavailable rather than the credentials invalid.
#[tokio::test]
async fn unreachable_sts_is_unavailable() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let config = stack.sdk_config().await;
    let port = stack.aws().port();
    stack.shutdown().await;
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
    let resolver = StsResolver::new(&config);
    let err = resolver
        .resolve(&FedCredentials::new("testing", "testing", None, None))
        .await
        .expect_err("moto is gone");
    assert!(
        matches!(err, fed_local::federation::ResolveError::Unavailable { .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("testing"), "{err}");
}

/// Dropping the stack stops moto and the emulator.
#[tokio::test]
async fn drop_stops_both() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let moto_port = stack.aws().port();
    let emulator: Url = stack.signin_base_url().clone();
    let emulator_port = emulator.port().expect("port");
    drop(stack);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, moto_port)).is_err());
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, emulator_port)).is_err());
}
