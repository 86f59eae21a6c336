//! The credential paths of `fed url`, with a fake STS for the rules moto does
//! not enforce (role chaining, GetSessionToken, IAM Identity Center).

use clap::Parser;
use fed_aws::fake::{FakeSts, long_term_credentials, temporary_credentials};
use fed_aws::{
    AssumeRoleRequest, AssumedRole, BoxFuture, CallerIdentity, DetectedOrigin, Error,
    FederationToken, FederationTokenRequest, Sts, detect_origin,
};
use fed_core::{CredentialOrigin, Partition, decide_session_duration};

use super::*;
use crate::cli::{Cli, Command};

fn args(line: &[&str]) -> UrlArgs {
    let mut argv = vec!["fed", "url"];
    argv.extend_from_slice(line);
    match Cli::try_parse_from(argv).expect("valid arguments").command {
        Command::Url(args) => *args,
        Command::Completions { .. } => panic!("expected the url subcommand"),
    }
}

fn sts(temporary: bool, caller: &str) -> FakeSts {
    let credentials = if temporary {
        temporary_credentials()
    } else {
        long_term_credentials()
    };
    FakeSts::new(credentials, caller.parse().expect("caller ARN"))
}

async fn detected(sts: &FakeSts) -> DetectedOrigin {
    detect_origin(sts as &dyn Sts)
        .await
        .expect("origin detected")
}

async fn run(sts: &FakeSts, line: &[&str]) -> (anyhow::Result<Signable>, Vec<String>) {
    let args = args(line);
    let notices = Notices::new(true);
    let detected = detected(sts).await;
    let result = signable_credentials(&args, sts, Some(&detected), Partition::Aws, &notices).await;
    let said = notices.said.lock().expect("notices").clone();
    (result, said)
}

fn failure(result: anyhow::Result<Signable>) -> Failure {
    match result {
        Ok(_) => panic!("expected a failure"),
        Err(err) => err.downcast::<Failure>().expect("a Failure"),
    }
}

const ROLE: &str = "arn:aws:iam::123456789012:role/Reader";

/// Long-term keys assume the role without chaining: the duration is kept and
/// SessionDuration may be sent.
#[tokio::test]
async fn role_from_long_term_keys_keeps_the_duration() {
    let sts = sts(false, "arn:aws:iam::123456789012:user/alice");
    let (result, said) = run(&sts, &["--role-arn", ROLE, "--duration", "2h"]).await;
    let signable = result.expect("assumed");
    assert_eq!(
        signable.origin,
        CredentialOrigin::AssumedRole { chained: false }
    );
    assert!(
        !signable.duration_applied,
        "SessionDuration is still decided by the policy"
    );
    let requests = sts.assume_role_requests();
    assert_eq!(requests[0].duration.map(|d| d.seconds()), Some(7200));
    assert_eq!(
        requests[0].session_name.as_str(),
        "alice",
        "the session is named after the caller"
    );
    assert!(said.is_empty(), "{said:?}");
}

/// Temporary credentials make AssumeRole role chaining: the duration is capped
/// at one hour, the user is told, and SessionDuration is then left out.
#[tokio::test]
async fn role_chaining_caps_the_duration_and_says_so() {
    let sts = sts(true, "arn:aws:sts::123456789012:assumed-role/Admin/bob");
    let (result, said) = run(&sts, &["--role-arn", ROLE, "--duration", "4h"]).await;
    let signable = result.expect("assumed");
    assert_eq!(
        signable.origin,
        CredentialOrigin::AssumedRole { chained: true }
    );
    assert!(signable.duration_applied);
    assert_eq!(sts.assume_role_requests()[0].session_name.as_str(), "bob");
    assert!(
        said.iter()
            .any(|n| n.contains("role chaining") && n.contains("3600")),
        "{said:?}"
    );
    let decision = decide_session_duration(signable.origin, None).expect("decided");
    assert_eq!(decision.value, None);
}

/// Long-term keys with a policy alias go through GetFederationToken with the
/// resolved policy, the caller's name and the requested duration.
#[tokio::test]
async fn long_term_keys_get_a_federation_token() {
    let sts = sts(false, "arn:aws:iam::123456789012:user/ops/carol");
    let (result, _) = run(
        &sts,
        &[
            "--policy",
            "readonly",
            "--policy",
            "s3-readonly",
            "--duration",
            "24h",
        ],
    )
    .await;
    let signable = result.expect("federation token");
    assert_eq!(signable.origin, CredentialOrigin::FederationToken);
    assert!(signable.duration_applied);
    let request = &sts.federation_token_requests()[0];
    assert_eq!(request.name().as_str(), "carol");
    let policies: Vec<String> = request
        .policy_arns()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        policies,
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
        ]
    );
    assert_eq!(request.duration.map(|d| d.seconds()), Some(86_400));
}

/// Without a policy, long-term keys are refused with a hint naming --policy,
/// before any STS call that would create credentials.
#[tokio::test]
async fn long_term_keys_without_a_policy_are_refused() {
    let sts = sts(false, "arn:aws:iam::123456789012:user/alice");
    let (result, _) = run(&sts, &[]).await;
    let failure = failure(result);
    assert!(!failure.usage);
    assert!(
        failure
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("--policy")),
        "{failure:?}"
    );
    assert!(sts.federation_token_requests().is_empty());
}

/// GetSessionToken credentials (temporary keys of an IAM user) cannot sign in.
#[tokio::test]
async fn session_token_credentials_are_explained() {
    let sts = sts(true, "arn:aws:iam::123456789012:user/alice");
    let (result, _) = run(&sts, &[]).await;
    let failure = failure(result);
    assert!(failure.message.contains("GetSessionToken"), "{failure:?}");
    assert!(
        failure
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("--role-arn")),
        "{failure:?}"
    );
}

/// IAM Identity Center credentials are used as they are; a --policy is
/// ignored, and the user is told.
#[tokio::test]
async fn identity_center_credentials_sign_in_directly() {
    let caller =
        "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/dana";
    let sts = sts(true, caller);
    let (result, said) = run(&sts, &["--policy", "admin"]).await;
    let signable = result.expect("used directly");
    assert_eq!(signable.origin, CredentialOrigin::IdentityCenter);
    assert_eq!(signable.principal.to_string(), caller);
    assert!(sts.assume_role_requests().is_empty() && sts.federation_token_requests().is_empty());
    assert!(
        said.iter().any(|n| n.contains("--policy is ignored")),
        "{said:?}"
    );
}

/// Flags that only make sense with --role-arn are usage errors without it.
#[test]
fn role_flags_need_a_role() {
    for line in [&["--session-name", "x1"][..], &["--external-id", "abc"][..]] {
        let err = check_offline(&args(line)).expect_err("refused");
        let failure = err.downcast::<Failure>().expect("a Failure");
        assert!(
            failure.usage && failure.message.contains("--role-arn"),
            "{failure:?}"
        );
    }
    let err =
        check_offline(&args(&["--role-arn", ROLE, "--duration", "13h"])).expect_err("refused");
    assert!(err.to_string().contains("--duration"), "{err}");
}

/// Flags of the GetFederationToken path are usage errors with --role-arn.
#[test]
fn federation_flags_do_not_mix_with_a_role() {
    for (line, flag) in [
        (
            &["--role-arn", ROLE, "--policy", "readonly"][..],
            "--policy",
        ),
        (
            &["--role-arn", ROLE, "--federation-name", "alice"][..],
            "--federation-name",
        ),
    ] {
        let err = check_offline(&args(line)).expect_err("refused");
        let failure = err.downcast::<Failure>().expect("a Failure");
        assert!(
            failure.usage && failure.message.starts_with(flag),
            "{failure:?}"
        );
    }
}

/// A fake STS that counts GetCallerIdentity calls.
struct Counting {
    inner: FakeSts,
    caller_identity_calls: std::sync::atomic::AtomicUsize,
}

impl Counting {
    fn new(inner: FakeSts) -> Counting {
        Counting {
            inner,
            caller_identity_calls: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn caller_identity_calls(&self) -> usize {
        self.caller_identity_calls
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Sts for Counting {
    fn credentials(&self) -> BoxFuture<'_, Result<fed_core::Credentials, Error>> {
        self.inner.credentials()
    }

    fn caller_identity(&self) -> BoxFuture<'_, Result<CallerIdentity, Error>> {
        self.caller_identity_calls
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.caller_identity()
    }

    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<AssumedRole, Error>> {
        self.inner.assume_role(request)
    }

    fn federation_token<'a>(
        &'a self,
        request: &'a FederationTokenRequest,
    ) -> BoxFuture<'a, Result<FederationToken, Error>> {
        self.inner.federation_token(request)
    }
}

/// The caller's identity is needed without --role-arn (the origin decides the path) and with
/// --role-arn but no --session-name (the name is derived from the caller), not otherwise.
#[test]
fn caller_identity_only_when_needed() {
    assert!(needs_caller(&args(&[])));
    assert!(needs_caller(&args(&["--policy", "readonly"])));
    assert!(needs_caller(&args(&["--role-arn", ROLE])));
    assert!(!needs_caller(&args(&[
        "--role-arn",
        ROLE,
        "--session-name",
        "bench"
    ])));
}

/// With --role-arn and --session-name, AssumeRole is made without GetCallerIdentity, and role
/// chaining still follows from the credentials: temporary ones cap the duration.
#[tokio::test]
async fn named_role_session_skips_caller_identity() {
    for (temporary, chained) in [(false, false), (true, true)] {
        let sts = Counting::new(sts(
            temporary,
            "arn:aws:sts::123456789012:assumed-role/Admin/bob",
        ));
        let args = args(&[
            "--role-arn",
            ROLE,
            "--session-name",
            "bench",
            "--duration",
            "4h",
        ]);
        let notices = Notices::new(true);
        let signable = signable_credentials(&args, &sts, None, Partition::Aws, &notices)
            .await
            .expect("assumed");
        assert_eq!(sts.caller_identity_calls(), 0);
        assert_eq!(signable.origin, CredentialOrigin::AssumedRole { chained });
        let requests = sts.inner.assume_role_requests();
        assert_eq!(requests[0].session_name.as_str(), "bench");
        let said = notices.said.lock().expect("notices").clone();
        assert_eq!(
            said.iter().any(|n| n.contains("role chaining")),
            chained,
            "{said:?}"
        );
    }
}

/// Without an identity from earlier, the paths that need the caller ask for it themselves.
#[tokio::test]
async fn caller_identity_is_asked_when_not_given() {
    let sts = Counting::new(sts(false, "arn:aws:iam::123456789012:user/alice"));
    let notices = Notices::new(true);
    signable_credentials(
        &args(&["--role-arn", ROLE]),
        &sts,
        None,
        Partition::Aws,
        &notices,
    )
    .await
    .expect("assumed");
    assert_eq!(sts.caller_identity_calls(), 1);
    assert_eq!(
        sts.inner.assume_role_requests()[0].session_name.as_str(),
        "alice"
    );
    let signable = signable_credentials(
        &args(&["--policy", "readonly"]),
        &sts,
        None,
        Partition::Aws,
        &notices,
    )
    .await
    .expect("federation token");
    assert_eq!(sts.caller_identity_calls(), 2);
    assert_eq!(signable.origin, CredentialOrigin::FederationToken);
}
