//! The local stack as a client sees it, with the AWS SDK for Rust: the STS rules gate refuses
//! what AWS refuses, with AWS's codes, statuses and texts, and the federation emulator judges
//! credentials by what the gate saw issued. `boto3.rs` runs the same rules with boto3.

use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_sts::Client as Sts;
use aws_sdk_sts::config::Credentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use fed_local::federation::Rejection;
use fed_local::fixtures::trusting;
use fed_local::{CallerKind, LocalStack, Options, Service};
use reqwest::StatusCode;
use serde_json::json;

const ACCOUNT: &str = "123456789012";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("HTTP client")
}

async fn sts_as(stack: &LocalStack, credentials: &Credentials) -> Sts {
    Sts::new(&stack.sdk_config_with(credentials.clone()).await)
}

/// Creates a role with `trust` as its trust policy; returns its ARN.
async fn create_role(
    stack: &LocalStack,
    name: &str,
    trust: serde_json::Value,
    max: Option<u32>,
) -> String {
    stack
        .create_role(name, &trust, max)
        .await
        .expect("CreateRole")
}

async fn create_user(stack: &LocalStack, name: &str) -> Credentials {
    stack.create_user(name).await.expect("a user")
}

/// A virtual MFA device enabled for `user`: its serial and seed.
async fn enable_mfa(stack: &LocalStack, user: &str) -> (String, String) {
    let device = stack.enable_mfa(user).await.expect("an MFA device");
    (device.serial, device.seed)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn temporary(c: &aws_sdk_sts::types::Credentials) -> Credentials {
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "test",
    )
}

async fn assume(sts: &Sts, role: &str, session: &str) -> Credentials {
    let out = sts
        .assume_role()
        .role_arn(role)
        .role_session_name(session)
        .send()
        .await
        .unwrap_or_else(|err| {
            panic!(
                "AssumeRole {role}: {}",
                aws_sdk_sts::error::DisplayErrorContext(&err)
            )
        });
    temporary(out.credentials().expect("credentials"))
}

/// Asserts that a call was refused with `status`, `code` and exactly `message`.
#[track_caller]
fn refused<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<T, SdkError<E, aws_smithy_runtime_api::http::Response>>,
    status: u16,
    code: &str,
    message: &str,
) {
    let err = result.expect_err("the call is refused");
    let raw = err.raw_response().map(|r| r.status().as_u16());
    let service = err.as_service_error().expect("a service error");
    assert_eq!(
        (raw, service.code(), service.message()),
        (Some(status), Some(code), Some(message))
    );
}

fn not_authorized(caller: &str, action: &str, role: &str) -> String {
    format!("User: {caller} is not authorized to perform: {action} on resource: {role}")
}

/// A role that does not exist cannot be assumed, in AWS's words.
#[tokio::test]
async fn assume_role_needs_an_existing_role() {
    let stack = LocalStack::start().await.expect("stack");
    let sts = Sts::new(&stack.sdk_config().await);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/nope");
    let result = sts
        .assume_role()
        .role_arn(&role)
        .role_session_name("s1")
        .send()
        .await;
    refused(
        result,
        403,
        "AccessDenied",
        &not_authorized(&stack.user_arn().to_string(), "sts:AssumeRole", &role),
    );
}

/// The trust policy decides who may assume a role: the named user, the account, `*`; an
/// explicit Deny wins.
#[tokio::test]
async fn trust_policy_names_who_may_assume() {
    let stack = LocalStack::start().await.expect("stack");
    let bob = create_user(&stack, "bob").await;
    let me = stack.user_arn().to_string();
    let only_me = create_role(&stack, "only-me", trusting(&me), None).await;
    let account = create_role(&stack, "account", trusting(ACCOUNT), None).await;
    let denied = create_role(
        &stack,
        "denied",
        json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:user/bob")}, "Action": "sts:*"}
        ]}),
        None,
    )
    .await;

    let mine = Sts::new(&stack.sdk_config().await);
    let bobs = sts_as(&stack, &bob).await;
    assume(&mine, &only_me, "me").await;
    let bob_arn = format!("arn:aws:iam::{ACCOUNT}:user/bob");
    refused(
        bobs.assume_role()
            .role_arn(&only_me)
            .role_session_name("bob")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&bob_arn, "sts:AssumeRole", &only_me),
    );
    assume(&bobs, &account, "bob").await;
    assume(&mine, &denied, "me").await;
    refused(
        bobs.assume_role()
            .role_arn(&denied)
            .role_session_name("bob")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&bob_arn, "sts:AssumeRole", &denied),
    );
    // A role session is trusted through its role's ARN.
    let session = assume(&mine, &only_me, "hop").await;
    let by_role = create_role(&stack, "by-role", trusting(&only_me), None).await;
    assume(&sts_as(&stack, &session).await, &by_role, "hop2").await;
    refused(
        mine.assume_role()
            .role_arn(&by_role)
            .role_session_name("me")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&me, "sts:AssumeRole", &by_role),
    );
}

/// `sts:ExternalId` must match when the trust policy asks for it.
#[tokio::test]
async fn external_id_condition() {
    let stack = LocalStack::start().await.expect("stack");
    let role = create_role(
        &stack,
        "vendor",
        json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "7f3c2a"}}}}),
        None,
    )
    .await;
    let sts = Sts::new(&stack.sdk_config().await);
    let denied = not_authorized(&stack.user_arn().to_string(), "sts:AssumeRole", &role);
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("s1")
            .send()
            .await,
        403,
        "AccessDenied",
        &denied,
    );
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("s1")
            .external_id("wrong")
            .send()
            .await,
        403,
        "AccessDenied",
        &denied,
    );
    sts.assume_role()
        .role_arn(&role)
        .role_session_name("s1")
        .external_id("7f3c2a")
        .send()
        .await
        .expect("the right external id");
}

/// `aws:MultiFactorAuthPresent` holds only with a valid TOTP code of the caller's own device.
#[tokio::test]
async fn mfa_condition_and_codes() {
    let stack = LocalStack::start().await.expect("stack");
    let alice = create_user(&stack, "alice").await;
    let (serial, seed) = enable_mfa(&stack, "alice").await;
    create_user(&stack, "carol").await;
    let (carols, _) = enable_mfa(&stack, "carol").await;
    let role = create_role(
        &stack,
        "mfa",
        json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}),
        None,
    )
    .await;
    let sts = sts_as(&stack, &alice).await;
    let alice_arn = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("al")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&alice_arn, "sts:AssumeRole", &role),
    );
    let code = fed_local::totp::code(&seed, now()).expect("code");
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("al")
            .serial_number(&serial)
            .token_code(&wrong)
            .send()
            .await,
        403,
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    );
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("al")
            .serial_number(&carols)
            .token_code(&code)
            .send()
            .await,
        403,
        "AccessDenied",
        "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.",
    );
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("al")
            .serial_number(&serial)
            .send()
            .await,
        403,
        "AccessDenied",
        "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
    );
    sts.assume_role()
        .role_arn(&role)
        .role_session_name("al")
        .serial_number(&serial)
        .token_code(&code)
        .send()
        .await
        .expect("a valid code");
    // GetSessionToken with MFA carries it into AssumeRole, as aws-vault relies on.
    let session = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code(&code)
        .send()
        .await
        .expect("GetSessionToken with MFA");
    let session = temporary(session.credentials().expect("credentials"));
    assume(&sts_as(&stack, &session).await, &role, "via-session").await;
}

/// DurationSeconds: 900 at least, the role's MaxSessionDuration at most, one hour for chaining.
#[tokio::test]
async fn duration_seconds_limits() {
    let stack = LocalStack::start().await.expect("stack");
    let me = stack.user_arn().to_string();
    let short = create_role(&stack, "short", trusting(&me), None).await;
    let long = create_role(&stack, "long", trusting(ACCOUNT), Some(43_200)).await;
    let sts = Sts::new(&stack.sdk_config().await);
    refused(
        sts.assume_role()
            .role_arn(&short)
            .role_session_name("s1")
            .duration_seconds(600)
            .send()
            .await,
        400,
        "ValidationError",
        "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    refused(
        sts.assume_role()
            .role_arn(&short)
            .role_session_name("s1")
            .duration_seconds(7200)
            .send()
            .await,
        400,
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
    refused(
        sts.assume_role()
            .role_arn(&short)
            .role_session_name("x")
            .send()
            .await,
        400,
        "ValidationError",
        "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    let out = sts
        .assume_role()
        .role_arn(&long)
        .role_session_name("s1")
        .duration_seconds(43_200)
        .send()
        .await
        .expect("twelve hours from long-term keys");
    let first = temporary(out.credentials().unwrap());
    let chained = sts_as(&stack, &first).await;
    refused(
        chained
            .assume_role()
            .role_arn(&long)
            .role_session_name("s2")
            .duration_seconds(3601)
            .send()
            .await,
        400,
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    chained
        .assume_role()
        .role_arn(&long)
        .role_session_name("s2")
        .duration_seconds(3600)
        .send()
        .await
        .expect("one hour when chained");
}

/// GetFederationToken and GetSessionToken need long-term keys; a federation token is a
/// federated user to GetCallerIdentity and cannot assume roles.
#[tokio::test]
async fn token_calls_need_long_term_keys() {
    let stack = LocalStack::start().await.expect("stack");
    let sts = Sts::new(&stack.sdk_config().await);
    let role = create_role(&stack, "any", trusting("*"), None).await;
    let session = assume(&sts, &role, "s1").await;
    let temp = sts_as(&stack, &session).await;
    refused(
        temp.get_federation_token().name("alice").send().await,
        403,
        "AccessDenied",
        "Cannot call GetFederationToken with session credentials",
    );
    refused(
        temp.get_session_token().send().await,
        403,
        "AccessDenied",
        "Cannot call GetSessionToken with session credentials",
    );
    let out = sts
        .get_federation_token()
        .name("alice")
        .send()
        .await
        .expect("GetFederationToken");
    let federated = temporary(out.credentials().unwrap());
    let federated_sts = sts_as(&stack, &federated).await;
    let who = federated_sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(
        who.arn(),
        Some(&*format!("arn:aws:sts::{ACCOUNT}:federated-user/alice"))
    );
    let caller = format!("arn:aws:sts::{ACCOUNT}:federated-user/alice");
    refused(
        federated_sts
            .assume_role()
            .role_arn(&role)
            .role_session_name("s2")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&caller, "sts:AssumeRole", &role),
    );
    let session_token = sts
        .get_session_token()
        .send()
        .await
        .expect("GetSessionToken");
    let session_token = temporary(session_token.credentials().unwrap());
    let who = sts_as(&stack, &session_token)
        .await
        .get_caller_identity()
        .send()
        .await
        .expect("who");
    assert_eq!(who.arn(), Some(&*stack.user_arn().to_string()));
    // Long-term keys too are named as AWS names them, in `iam` (moto says `sts`).
    let who = sts.get_caller_identity().send().await.expect("who");
    assert_eq!(
        who.arn(),
        Some(&*format!("arn:aws:iam::{ACCOUNT}:user/fed-local"))
    );
    refused(
        sts.get_federation_token()
            .name("a-name-far-longer-than-thirty-two")
            .send()
            .await,
        400,
        "ValidationError",
        "1 validation error detected: Value 'a-name-far-longer-than-thirty-two' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32",
    );
}

/// Keys the stack never issued, and a session token that is not the key's own, are invalid.
#[tokio::test]
async fn unknown_keys_and_wrong_tokens_are_invalid() {
    let stack = LocalStack::start().await.expect("stack");
    let invalid = "The security token included in the request is invalid.";
    let stranger = sts_as(
        &stack,
        &Credentials::new("AKIASTRANGER", "secret", None, None, "test"),
    )
    .await;
    refused(
        stranger.get_caller_identity().send().await,
        403,
        "InvalidClientTokenId",
        invalid,
    );
    let sts = Sts::new(&stack.sdk_config().await);
    let role = create_role(&stack, "any", trusting("*"), None).await;
    let session = assume(&sts, &role, "s1").await;
    let forged = Credentials::new(
        session.access_key_id(),
        session.secret_access_key(),
        Some("not-the-token".to_owned()),
        None,
        "test",
    );
    refused(
        sts_as(&stack, &forged)
            .await
            .get_caller_identity()
            .send()
            .await,
        403,
        "InvalidClientTokenId",
        invalid,
    );
    let who = sts_as(&stack, &session)
        .await
        .get_caller_identity()
        .send()
        .await
        .expect("who");
    assert_eq!(
        who.arn(),
        Some(&*format!("arn:aws:sts::{ACCOUNT}:assumed-role/any/s1"))
    );
}

/// SourceIdentity needs `sts:SetSourceIdentity` in the trust policy too.
#[tokio::test]
async fn source_identity_needs_its_own_permission() {
    let stack = LocalStack::start().await.expect("stack");
    let plain = create_role(&stack, "plain", trusting(ACCOUNT), None).await;
    let with = create_role(
        &stack,
        "with",
        json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}}),
        None,
    )
    .await;
    let sts = Sts::new(&stack.sdk_config().await);
    refused(
        sts.assume_role()
            .role_arn(&plain)
            .role_session_name("s1")
            .source_identity("alice")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(
            &stack.user_arn().to_string(),
            "sts:SetSourceIdentity",
            &plain,
        ),
    );
    sts.assume_role()
        .role_arn(&with)
        .role_session_name("s1")
        .source_identity("alice")
        .send()
        .await
        .expect("allowed");
    // Session tags need `sts:TagSession` the same way.
    let tag = aws_sdk_sts::types::Tag::builder()
        .key("team")
        .value("ops")
        .build()
        .unwrap();
    refused(
        sts.assume_role()
            .role_arn(&plain)
            .role_session_name("s1")
            .tags(tag)
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&stack.user_arn().to_string(), "sts:TagSession", &plain),
    );
}

/// With IAM propagation emulated, a new role is refused until the delay has passed.
#[tokio::test]
async fn new_roles_propagate() {
    let stack = LocalStack::start_with(Options::new().iam_propagation(Duration::from_millis(1500)))
        .await
        .expect("stack");
    let role = create_role(&stack, "fresh", trusting(ACCOUNT), None).await;
    let sts = Sts::new(&stack.sdk_config().await);
    refused(
        sts.assume_role()
            .role_arn(&role)
            .role_session_name("s1")
            .send()
            .await,
        403,
        "AccessDenied",
        &not_authorized(&stack.user_arn().to_string(), "sts:AssumeRole", &role),
    );
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assume(&sts, &role, "s1").await;
}

/// getSigninToken with `credentials`, returning the status and the body.
async fn signin_token(
    stack: &LocalStack,
    credentials: &Credentials,
    duration: Option<&str>,
) -> (StatusCode, String) {
    let session = json!({
        "sessionId": credentials.access_key_id(),
        "sessionKey": credentials.secret_access_key(),
        "sessionToken": credentials.session_token().unwrap_or_default(),
    })
    .to_string();
    let mut form = vec![("Action", "getSigninToken"), ("Session", session.as_str())];
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

/// The emulator knows what the gate issued: SessionDuration works for one hop from long-term
/// keys and is refused for a chain, a federation token; GetSessionToken credentials and
/// forged secrets are refused.
#[tokio::test]
async fn emulator_judges_what_the_gate_issued() {
    let stack = LocalStack::start().await.expect("stack");
    let role = create_role(&stack, "hop", trusting(ACCOUNT), Some(43_200)).await;
    let sts = Sts::new(&stack.sdk_config().await);
    let one = assume(&sts, &role, "one").await;
    let two = assume(&sts_as(&stack, &one).await, &role, "two").await;

    let (status, body) = signin_token(&stack, &one, Some("43200")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = signin_token(&stack, &two, Some("3600")).await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            Rejection::SessionDurationWithChainedRole.message()
        )
    );
    let (status, body) = signin_token(&stack, &two, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let federated = sts
        .get_federation_token()
        .name("alice")
        .send()
        .await
        .expect("GFT");
    let federated = temporary(federated.credentials().unwrap());
    let (status, body) = signin_token(&stack, &federated, Some("3600")).await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            Rejection::SessionDurationWithFederationToken.message()
        )
    );
    assert_eq!(
        signin_token(&stack, &federated, None).await.0,
        StatusCode::OK
    );

    let session = sts.get_session_token().send().await.expect("GST");
    let session = temporary(session.credentials().unwrap());
    let (status, body) = signin_token(&stack, &session, None).await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            Rejection::SessionTokenCredentials.message()
        )
    );

    let forged = Credentials::new(
        one.access_key_id(),
        "wrong-secret",
        one.session_token().map(str::to_owned),
        None,
        "t",
    );
    let (status, body) = signin_token(&stack, &forged, None).await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            Rejection::InvalidCredentials.message()
        )
    );

    let signin = stack.log().calls(Service::Signin, "getSigninToken");
    assert_eq!(signin.len(), 7);
    assert_eq!(
        signin[1].caller,
        CallerKind::AssumedRole {
            hops: 2,
            chained: true
        }
    );
    assert_eq!(signin[1].param("SessionDuration"), Some("3600"));
}

/// Signs in with `credentials` and opens the emulator's console page: its status and body.
async fn console_page(stack: &LocalStack, credentials: &Credentials) -> (StatusCode, String) {
    let (status, body) = signin_token(stack, credentials, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let mut login = stack.federation_url();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair(
            "SigninToken",
            token["SigninToken"].as_str().expect("a token"),
        )
        .append_pair("Destination", stack.emulator().console_url().as_str());
    let landed = http().get(login).send().await.expect("login answers");
    assert_eq!(landed.status(), StatusCode::FOUND);
    let page = landed.headers()["location"].to_str().expect("a location");
    let response = http().get(page).send().await.expect("console answers");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// The console page stands for the console's calls: AWS's revocation of older sessions (an
/// inline `Deny` on `aws:TokenIssueTime`, narrowed with `aws:SourceIdentity`) denies the
/// sessions it names from the next view, and not another person's or a later session; once
/// removed, the sessions work again.
#[tokio::test]
async fn console_page_honours_a_revocation_of_older_sessions() {
    let stack = LocalStack::start().await.expect("stack");
    let role = create_role(
        &stack,
        "on-call",
        json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}}),
        None,
    )
    .await;
    let sts = Sts::new(&stack.sdk_config().await);
    let assume_as = |person: &'static str| {
        let (sts, role) = (sts.clone(), role.clone());
        async move {
            let out = sts
                .assume_role()
                .role_arn(&role)
                .role_session_name(person)
                .source_identity(person)
                .send()
                .await
                .expect("AssumeRole");
            temporary(out.credentials().expect("credentials"))
        }
    };
    let bob = assume_as("bob").await;
    let alice = assume_as("alice").await;
    assert_eq!(console_page(&stack, &bob).await.0, StatusCode::OK);

    let revocation = fed_core::SessionRevocation::new(
        role.parse().expect("a role"),
        fed_core::SourceIdentity::new("bob").expect("a source identity"),
        SystemTime::now(),
        fed_core::PolicyName::new("fed-revoke-test").expect("a name"),
    );
    let iam = aws_sdk_iam::Client::new(&stack.sdk_config().await);
    iam.put_role_policy()
        .role_name("on-call")
        .policy_name("fed-revoke-test")
        .policy_document(revocation.policy_document())
        .send()
        .await
        .expect("PutRolePolicy");

    let (status, page) = console_page(&stack, &bob).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(page.contains("Access denied"), "{page}");
    assert!(page.contains("role/on-call/fed-revoke-test"), "{page}");
    assert_eq!(console_page(&stack, &alice).await.0, StatusCode::OK);
    // A session issued after the revocation's time is not denied.
    while SystemTime::now() <= revocation.issued_before() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let later = assume_as("bob").await;
    assert_eq!(console_page(&stack, &later).await.0, StatusCode::OK);

    iam.delete_role_policy()
        .role_name("on-call")
        .policy_name("fed-revoke-test")
        .send()
        .await
        .expect("DeleteRolePolicy");
    assert_eq!(console_page(&stack, &bob).await.0, StatusCode::OK);
}

/// The log counts every call, keeps non-secret values and only the names of secrets.
#[tokio::test]
async fn request_log_counts_calls_without_secrets() {
    let stack = LocalStack::start().await.expect("stack");
    let alice = create_user(&stack, "alice").await;
    let (serial, seed) = enable_mfa(&stack, "alice").await;
    let role = create_role(&stack, "logged", trusting(ACCOUNT), None).await;
    let sts = sts_as(&stack, &alice).await;
    let code = fed_local::totp::code(&seed, now()).unwrap();
    let out = sts
        .assume_role()
        .role_arn(&role)
        .role_session_name("logged-session")
        .duration_seconds(900)
        .serial_number(&serial)
        .token_code(&code)
        .external_id("secret-ish")
        .send()
        .await
        .expect("AssumeRole");
    let issued = temporary(out.credentials().unwrap());
    assert_eq!(stack.log().count(Service::Sts, "AssumeRole"), 1);
    assert_eq!(stack.log().count(Service::Iam, "CreateRole"), 1);
    let call = &stack.log().calls(Service::Sts, "AssumeRole")[0];
    assert_eq!(call.caller, CallerKind::LongTermUser);
    assert_eq!(call.param("RoleSessionName"), Some("logged-session"));
    assert_eq!(call.param("DurationSeconds"), Some("900"));
    assert!(call.has("SerialNumber") && call.has("TokenCode") && call.has("ExternalId"));
    let everything = serde_json::to_string(&stack.log().entries()).unwrap();
    for secret in [
        issued.secret_access_key(),
        issued.session_token().unwrap(),
        alice.secret_access_key(),
        code.as_str(),
        "secret-ish",
    ] {
        assert!(!everything.contains(secret), "the log holds a secret");
    }
}

/// Over https with latency: the SDK trusts the stack's authority, and every server is https.
#[tokio::test]
async fn tls_and_latency() {
    const LATENCY: Duration = Duration::from_millis(200);
    let stack = LocalStack::start_with(Options::new().tls(true).latency(LATENCY))
        .await
        .expect("stack");
    assert!(
        stack.endpoint_url().starts_with("https://127.0.0.1:"),
        "{}",
        stack.endpoint_url()
    );
    assert_eq!(stack.signin_base_url().scheme(), "https");
    let pem = std::fs::read_to_string(stack.ca_bundle().expect("a CA bundle")).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let sts = Sts::new(&stack.sdk_config().await);
    let started = std::time::Instant::now();
    let who = sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity over https");
    assert!(started.elapsed() >= LATENCY, "the latency is added");
    assert_eq!(who.arn(), Some(&*stack.user_arn().to_string()));
    // A client that does not trust the authority is refused by TLS.
    let untrusting = http();
    assert!(untrusting.get(stack.federation_url()).send().await.is_err());
}

/// Dropping the stack stops moto, the gate and the emulator.
#[tokio::test]
async fn drop_stops_everything() {
    let stack = LocalStack::start().await.expect("stack");
    let ports = [
        stack.aws().port(),
        url::Url::parse(stack.endpoint_url())
            .unwrap()
            .port()
            .unwrap(),
        stack.signin_base_url().port().unwrap(),
    ];
    drop(stack);
    tokio::time::sleep(Duration::from_millis(100)).await;
    for port in ports {
        assert!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
            "{port}"
        );
    }
}
