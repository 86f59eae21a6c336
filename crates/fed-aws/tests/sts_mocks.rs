//! The STS adapter against aws-smithy-mocks: request mapping, role chaining, propagation retry
//! and error mapping. These cover what moto does not emulate.

use std::error::Error as _;
use std::time::Duration;

use aws_credential_types::Credentials as SdkCredentials;
use aws_sdk_sts::Client;
use aws_sdk_sts::operation::assume_role::{AssumeRoleError, AssumeRoleOutput};
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_sdk_sts::operation::get_federation_token::GetFederationTokenOutput;
use aws_sdk_sts::types::{AssumedRoleUser, FederatedUser};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use fed_aws::{
    AssumeRoleRequest, AssumedRole, Attempt, Error, FederationTokenRequest, Mfa, PropagationRetry,
    Sts, StsClient, Tag, assume_role_when_propagated, detect_origin,
};
use fed_core::{
    Arn, AssumeRoleDuration, CredentialOrigin, ExternalId, FederationName, FederationTokenDuration,
    MfaCode, MfaSerial, RoleSessionName, SourceIdentity,
};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/fed-demo";

/// The `SessionDuration` fed-core's policy sends for these credentials when two hours are asked
/// for; `None` when it is left out.
fn sent_session_duration(assumed: &AssumedRole) -> Option<u32> {
    fed_core::decide_session_duration(assumed.origin(), Some(Duration::from_secs(7200)))
        .expect("7200 s is in range")
        .value
        .map(|d| d.seconds())
}

fn long_term() -> SdkCredentials {
    SdkCredentials::new("AKIAFAKEFAKEFAKE0001", "fake-secret", None, None, "test")
}

fn temporary() -> SdkCredentials {
    SdkCredentials::new(
        "ASIAFAKEFAKEFAKE0001",
        "fake-secret",
        Some("fake-session-token".to_owned()),
        None,
        "test",
    )
}

fn sts(rules: &[&Rule], signing: SdkCredentials) -> StsClient {
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, rules);
    StsClient::from_client(client, signing)
}

fn arn(s: &str) -> Arn {
    s.parse().expect("valid ARN")
}

fn request() -> AssumeRoleRequest {
    AssumeRoleRequest::new(
        ROLE_ARN.parse().expect("a role ARN"),
        RoleSessionName::new("alice").expect("valid session name"),
    )
}

fn sts_credentials() -> aws_sdk_sts::types::Credentials {
    aws_sdk_sts::types::Credentials::builder()
        .access_key_id("ASIAFAKEASSUMED00001")
        .secret_access_key("fake-assumed-secret")
        .session_token("fake-assumed-token")
        .expiration(DateTime::from_secs(4_000_000_000))
        .build()
        .expect("complete credentials")
}

fn assumed_output() -> AssumeRoleOutput {
    AssumeRoleOutput::builder()
        .credentials(sts_credentials())
        .assumed_role_user(
            AssumedRoleUser::builder()
                .assumed_role_id("AROAFAKE:alice")
                .arn("arn:aws:sts::123456789012:assumed-role/fed-demo/alice")
                .build()
                .expect("complete user"),
        )
        .build()
}

fn service_error(code: &str, message: &str) -> AssumeRoleError {
    AssumeRoleError::generic(ErrorMetadata::builder().code(code).message(message).build())
}

fn fast_retry(deadline: Duration) -> PropagationRetry {
    PropagationRetry {
        deadline,
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    }
}

/// Every AssumeRole input reaches the wire, and the answer maps to fed-core types.
#[tokio::test]
async fn assume_role_sends_every_input() {
    let rule = mock!(Client::assume_role)
        .match_requests(|r| {
            r.role_arn() == Some(ROLE_ARN)
                && r.role_session_name() == Some("alice")
                && r.duration_seconds() == Some(7200)
                && r.external_id() == Some("ext-123")
                && r.serial_number() == Some("arn:aws:iam::123456789012:mfa/alice")
                && r.token_code() == Some("123456")
                && r.source_identity() == Some("alice@example.org")
                && r.tags().len() == 1
                && r.tags()[0].key() == "team"
                && r.tags()[0].value() == "blue"
                && r.policy_arns().len() == 1
                && r.policy_arns()[0].arn() == Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
        })
        .then_output(assumed_output);
    let sts = sts(&[&rule], long_term());
    let mut req = request();
    req.duration = Some(AssumeRoleDuration::from_secs(7200).unwrap());
    req.external_id = Some(ExternalId::new("ext-123").unwrap());
    req.mfa = Some(Mfa {
        serial: MfaSerial::new("arn:aws:iam::123456789012:mfa/alice").unwrap(),
        code: MfaCode::new("123456").unwrap(),
    });
    req.source_identity = Some(SourceIdentity::new("alice@example.org").unwrap());
    req.tags = vec![Tag::new("team", "blue")];
    req.policy_arns = vec![arn("arn:aws:iam::aws:policy/ReadOnlyAccess")];

    let assumed = sts.assume_role(&req).await.expect("AssumeRole succeeds");
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(
        assumed.arn.to_string(),
        "arn:aws:sts::123456789012:assumed-role/fed-demo/alice"
    );
    assert_eq!(assumed.assumed_role_id, "AROAFAKE:alice");
    assert_eq!(assumed.credentials.access_key_id(), "ASIAFAKEASSUMED00001");
    assert_eq!(
        assumed.credentials.session_token(),
        Some("fake-assumed-token")
    );
    assert!(assumed.credentials.expiration().is_some());
    assert!(!assumed.chained);
    assert!(!assumed.duration_capped);
    assert!(sent_session_duration(&assumed).is_some());
    assert_eq!(
        assumed.origin(),
        CredentialOrigin::AssumedRole { chained: false }
    );
    let debug = format!("{assumed:?}");
    assert!(!debug.contains("fake-assumed-secret"), "{debug}");
    assert!(!debug.contains("fake-assumed-token"), "{debug}");
}

/// With temporary signing credentials AssumeRole is role chaining: 7200 s becomes 3600 s and
/// the result says SessionDuration must be omitted.
#[tokio::test]
async fn chained_assume_role_caps_duration() {
    let rule = mock!(Client::assume_role)
        .match_requests(|r| r.duration_seconds() == Some(3600))
        .then_output(assumed_output);
    let sts = sts(&[&rule], temporary());
    let mut req = request();
    req.duration = Some(AssumeRoleDuration::from_secs(7200).unwrap());

    let assumed = sts.assume_role(&req).await.expect("AssumeRole succeeds");
    assert_eq!(rule.num_calls(), 1);
    assert!(assumed.chained);
    assert!(assumed.duration_capped);
    assert_eq!(assumed.duration.map(|d| d.seconds()), Some(3600));
    assert_eq!(sent_session_duration(&assumed), None);
    assert_eq!(
        assumed.origin(),
        CredentialOrigin::AssumedRole { chained: true }
    );
}

/// A chained request within the hour is sent unchanged and not reported as capped.
#[tokio::test]
async fn chained_assume_role_within_an_hour_is_unchanged() {
    let rule = mock!(Client::assume_role)
        .match_requests(|r| r.duration_seconds() == Some(1800))
        .then_output(assumed_output);
    let sts = sts(&[&rule], temporary());
    let mut req = request();
    req.duration = Some(AssumeRoleDuration::from_secs(1800).unwrap());

    let assumed = sts.assume_role(&req).await.expect("AssumeRole succeeds");
    assert!(assumed.chained);
    assert!(!assumed.duration_capped);
}

/// AccessDenied three times, then success: the propagation-aware assume succeeds on the fourth
/// attempt and reports every attempt.
#[tokio::test]
async fn propagation_retry_survives_three_access_denied() {
    let rule = mock!(Client::assume_role)
        .sequence()
        .error(|| service_error("AccessDenied", "not authorized to perform sts:AssumeRole"))
        .times(3)
        .output(assumed_output)
        .build();
    let sts = sts(&[&rule], long_term());
    let mut attempts = Vec::new();
    let assumed = assume_role_when_propagated(
        &sts,
        &request(),
        &fast_retry(Duration::from_secs(10)),
        &mut |a: &Attempt| attempts.push(a.number),
    )
    .await
    .expect("succeeds after retries");
    assert_eq!(rule.num_calls(), 4);
    assert_eq!(attempts, [1, 2, 3, 4]);
    assert_eq!(
        assumed.arn.to_string(),
        "arn:aws:sts::123456789012:assumed-role/fed-demo/alice"
    );
}

/// AccessDenied until the deadline: a timeout error that names the role and keeps the last
/// AccessDenied as its source.
#[tokio::test]
async fn propagation_retry_times_out_naming_the_role() {
    let rule = mock!(Client::assume_role)
        .sequence()
        .error(|| service_error("AccessDenied", "not authorized to perform sts:AssumeRole"))
        .repeatedly()
        .build();
    let sts = sts(&[&rule], long_term());
    let mut attempts = 0;
    let err = assume_role_when_propagated(
        &sts,
        &request(),
        &fast_retry(Duration::from_millis(300)),
        &mut |_: &Attempt| attempts += 1,
    )
    .await
    .expect_err("times out");
    assert!(matches!(err, Error::PropagationTimeout { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(ROLE_ARN), "{message}");
    assert!(message.starts_with("assuming role"), "{message}");
    assert!(!message.contains('\n'));
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(attempts > 1, "only {attempts} attempts");
    assert_eq!(rule.num_calls(), attempts);
    let source = err.source().expect("the last AccessDenied is the source");
    assert!(source.to_string().contains("AccessDenied"), "{source}");
}

/// Any other error fails at once, without retrying.
#[tokio::test]
async fn propagation_retry_fails_at_once_on_validation_error() {
    let rule = mock!(Client::assume_role)
        .sequence()
        .error(|| service_error("ValidationError", "1 validation error detected"))
        .repeatedly()
        .build();
    let sts = sts(&[&rule], long_term());
    let mut attempts = 0;
    let err = assume_role_when_propagated(
        &sts,
        &request(),
        &PropagationRetry::default(),
        &mut |_: &Attempt| attempts += 1,
    )
    .await
    .expect_err("fails");
    assert_eq!(err.code(), Some("ValidationError"));
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(attempts, 1);
    assert_eq!(
        err.to_string(),
        "sts:AssumeRole failed: ValidationError: 1 validation error detected"
    );
    // The service's answer is all said by the message: no source repeats it.
    assert!(err.source().is_none());
    assert_eq!(fed_core::one_line(&err), err.to_string());
}

/// GetFederationToken sends the name, policies and duration, and maps the federated user.
#[tokio::test]
async fn federation_token_sends_policies() {
    let rule = mock!(Client::get_federation_token)
        .match_requests(|r| {
            r.name() == Some("alice")
                && r.duration_seconds() == Some(129_600)
                && r.policy_arns().len() == 1
                && r.policy() == Some(r#"{"Version":"2012-10-17","Statement":[]}"#)
        })
        .then_output(|| {
            GetFederationTokenOutput::builder()
                .credentials(sts_credentials())
                .federated_user(
                    FederatedUser::builder()
                        .federated_user_id("123456789012:alice")
                        .arn("arn:aws:sts::123456789012:federated-user/alice")
                        .build()
                        .expect("complete user"),
                )
                .build()
        });
    let sts = sts(&[&rule], long_term());
    let mut req = FederationTokenRequest::new(
        FederationName::new("alice").unwrap(),
        vec![arn("arn:aws:iam::aws:policy/ReadOnlyAccess")],
        Some(r#"{"Version":"2012-10-17","Statement":[]}"#.to_owned()),
    )
    .expect("valid request");
    req.duration = Some(FederationTokenDuration::from_secs(129_600).unwrap());
    let token = sts.federation_token(&req).await.expect("succeeds");
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(
        token.arn.to_string(),
        "arn:aws:sts::123456789012:federated-user/alice"
    );
    assert_eq!(token.federated_user_id, "123456789012:alice");
    assert_eq!(token.origin(), CredentialOrigin::FederationToken);
}

/// GetFederationToken without any session policy is refused before any call.
#[test]
fn federation_token_requires_a_policy() {
    let err = FederationTokenRequest::new(
        FederationName::new("alice").unwrap(),
        Vec::new(),
        Some("  ".to_owned()),
    )
    .expect_err("no policy");
    assert!(err.to_string().contains("needs a session policy"), "{err}");
}

/// detect_origin combines the signing credentials with GetCallerIdentity.
#[tokio::test]
async fn detect_origin_uses_caller_identity() {
    let identity = |arn: &'static str| {
        mock!(Client::get_caller_identity).then_output(move || {
            GetCallerIdentityOutput::builder()
                .account("123456789012")
                .arn(arn)
                .user_id("AIDAFAKE")
                .build()
        })
    };

    let user = identity("arn:aws:iam::123456789012:user/alice");
    let detected = detect_origin(&sts(&[&user], long_term())).await.unwrap();
    assert_eq!(detected.origin, CredentialOrigin::LongTermUser);
    assert_eq!(detected.identity.account, "123456789012");

    let federated = identity("arn:aws:sts::123456789012:federated-user/alice");
    let detected = detect_origin(&sts(&[&federated], temporary()))
        .await
        .unwrap();
    assert_eq!(detected.origin, CredentialOrigin::FederationToken);
}

/// The client's own SDK error codes are reachable and the message is one line.
#[tokio::test]
async fn http_error_response_is_mapped() {
    let rule = mock!(Client::get_caller_identity).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(403).unwrap(),
            aws_smithy_types::body::SdkBody::from(
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>\
                 <Message>The security token included in the request is invalid.\n</Message>\
                 </Error><RequestId>x</RequestId></ErrorResponse>",
            ),
        )
    });
    let err = sts(&[&rule], long_term())
        .caller_identity()
        .await
        .expect_err("fails");
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    assert_eq!(
        err.to_string(),
        "sts:GetCallerIdentity failed: InvalidClientTokenId: The security token included in the request is invalid."
    );
}
