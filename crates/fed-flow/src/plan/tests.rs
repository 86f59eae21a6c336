//! Tests of planning: what is decided from a request and the config files, with no AWS call and
//! the files read once.

use fed_core::{Issuer, Partition, RequestedDuration};

use super::*;
use crate::{Host, RoleToAssume, SignIn};

const CONFIG: &str = "\
[default]
region = us-east-1

[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = not-a-secret

[profile ro]
role_arn = arn:aws:iam::111122223333:role/ReadOnly
source_profile = keys
fed_browser = firefox

[profile chained]
role_arn = arn:aws:iam::111122223333:role/Second
source_profile = ro
duration_seconds = 1800

[profile consoled]
role_arn = arn:aws:iam::111122223333:role/ReadOnly
source_profile = keys
fed_duration = 2h
fed_service = ec2
fed_region = eu-central-1

[profile long]
role_arn = arn:aws:iam::111122223333:role/ReadOnly
source_profile = keys
fed_duration = 36h

[profile china]
role_arn = arn:aws-cn:iam::111122223333:role/ReadOnly
source_profile = keys

[profile console-role]
login_session = arn:aws:sts::111122223333:assumed-role/Admin/alice

[profile console-user]
login_session = arn:aws:iam::111122223333:user/alice

[profile console-root]
login_session = arn:aws:iam::111122223333:root

[profile console-odd]
login_session = alice

[profile from-console-user]
role_arn = arn:aws:iam::111122223333:role/ReadOnly
source_profile = console-user
";

fn host(vars: &[(&str, &str)]) -> Host {
    vars.iter()
        .fold(Host::fake(), |host, (name, value)| host.var(*name, *value))
        .var("HOME", "/home/u")
        .file("/home/u/.aws/config", CONFIG)
}

fn request() -> SignIn {
    SignIn::new(Issuer::new("fed").expect("an issuer"))
}

fn hours(h: u64) -> RequestedDuration {
    RequestedDuration::from_secs(h * 3600).expect("in range")
}

async fn context(vars: &[(&str, &str)]) -> Context {
    Context::load(host(vars)).await.expect("the files parse")
}

#[tokio::test]
async fn the_files_are_read_once_for_every_decision() {
    let host = host(&[]);
    let context = Context::load(host.clone()).await.expect("the files parse");
    // The config file, and the credentials file that is not there.
    assert_eq!(host.files_read(), 2);
    let _ = context.profiles();
    let _ = context.selection(None);
    let plan = context
        .plan(&request().profile("ro").duration(hours(2)))
        .expect("a plan");
    let _ = plan.profile_value("fed_browser");
    let _ = context.portal_link(&crate::PortalRequest::new().profile("ro"));
    let _ = context
        .plan(&request().profile("consoled"))
        .expect("a plan");
    assert_eq!(host.files_read(), 2);
}

#[tokio::test]
async fn the_duration_is_decided_once_with_where_it_comes_from() {
    let context = context(&[]).await;
    let plan = context
        .plan(&request().profile("ro").duration(hours(2)))
        .expect("a plan");
    let duration = plan.duration().expect("a duration");
    assert_eq!(duration.from, DurationFrom::Request);
    assert_eq!(duration.assume_role.map(|d| d.seconds()), Some(7200));

    let plan = context
        .plan(&request().profile("consoled"))
        .expect("a plan");
    let duration = plan.duration().expect("a duration");
    assert_eq!(
        duration.from,
        DurationFrom::FedDuration {
            profile: "consoled".to_owned()
        }
    );
    assert_eq!(duration.requested.seconds(), 7200);

    let plan = context.plan(&request().profile("chained")).expect("a plan");
    assert_eq!(
        plan.duration().map(|d| (&d.from, d.requested.seconds())),
        Some((
            &DurationFrom::DurationSeconds {
                profile: "chained".to_owned()
            },
            1800
        ))
    );

    // Long-term keys: GetFederationToken's range, no AssumeRole.
    let plan = context
        .plan(&request().profile("keys").duration(hours(36)))
        .expect("a plan");
    assert_eq!(plan.duration().and_then(|d| d.assume_role), None);

    // Where a role is assumed last, 36 hours is refused before anything is sent, and the
    // refusal names what asked for it.
    let err = context
        .plan(&request().profile("ro").duration(hours(36)))
        .unwrap_err();
    assert_eq!(err.input(), Some(Input::Duration), "{err}");
    let err = context.plan(&request().profile("long")).unwrap_err();
    assert_eq!(err.input(), Some(Input::Profile));
    assert!(
        err.to_string()
            .starts_with("the profile long has fed_duration = 129600: "),
        "{err}"
    );
}

#[tokio::test]
async fn the_profile_fills_what_the_request_leaves_open() {
    let context = context(&[]).await;
    let plan = context
        .plan(&request().profile("consoled"))
        .expect("a plan");
    assert_eq!(plan.region().map(|r| r.as_str()), Some("eu-central-1"));
    assert_eq!(
        plan.page(),
        &Page::Service(fed_core::Service::from_name("ec2").expect("a service"))
    );
    assert_eq!(plan.profile_value("fed_browser"), None);
    let plan = context.plan(&request().profile("ro")).expect("a plan");
    assert_eq!(
        plan.profile_value("fed_browser").as_deref(),
        Some("firefox")
    );
}

#[tokio::test]
async fn the_partition_and_endpoints_are_known_from_the_role() {
    let context = context(&[]).await;
    let plan = context.plan(&request().profile("china")).expect("a plan");
    assert_eq!(plan.partition(), Some(Partition::AwsCn));
    let endpoints = plan.endpoints().expect("known");
    assert_eq!(endpoints.federation.host_str(), Some("signin.amazonaws.cn"));
    assert_eq!(endpoints.logout, None);

    let plan = context
        .plan(&request().profile("ro").logout_first(true))
        .expect("a plan");
    let endpoints = plan.endpoints().expect("known");
    assert_eq!(endpoints.logout, Some(Partition::Aws.logout_endpoint()));
    assert_eq!(
        endpoints.federation,
        Partition::Aws.logout_first_federation_endpoint()
    );

    // Long-term keys: the principal decides, after the calls.
    let plan = context.plan(&request().profile("keys")).expect("a plan");
    assert_eq!(plan.partition(), None);
    assert_eq!(plan.endpoints(), None);

    // A role in another partition than the one asked for is refused before any call.
    let role = RoleToAssume::new("arn:aws:iam::111122223333:role/X".parse().expect("a role"));
    let err = context
        .plan(
            &request()
                .profile("keys")
                .role(role)
                .partition(Partition::AwsCn),
        )
        .unwrap_err();
    assert_eq!(err.input(), Some(Input::RoleArn), "{err}");
}

#[tokio::test]
async fn notices_before_anything_is_sent() {
    let context = context(&[
        ("AWS_ACCESS_KEY_ID", "AKIAENV"),
        ("AWS_SECRET_ACCESS_KEY", "not-a-secret"),
        ("AWS_PROFILE", "ro"),
    ])
    .await;
    let plan = context
        .plan(&request().signin_endpoint("http://127.0.0.1:9/federation".parse().expect("a URL")))
        .expect("a plan");
    assert_eq!(
        plan.notices(),
        [
            Notice::UnofficialSigninEndpoint {
                endpoint: "http://127.0.0.1:9/federation".parse().expect("a URL")
            },
            Notice::Credentials {
                source: Source::Environment {
                    ignored_profile: Some("ro".to_owned())
                }
            },
            Notice::EnvironmentKeysOverAwsProfile {
                profile: "ro".to_owned()
            },
        ]
    );
    // The environment's keys, and AWS_PROFILE's settings: its region is the default's here.
    assert_eq!(plan.profile(), None);
    assert_eq!(plan.selection().settings.as_deref(), Some("ro"));
}

#[tokio::test]
async fn an_mfa_code_with_no_device_is_refused_before_any_call() {
    let context = context(&[]).await;
    let err = context
        .plan(
            &request()
                .profile("ro")
                .mfa_code(fed_core::MfaCode::new("123456").expect("a code")),
        )
        .unwrap_err();
    assert!(matches!(err, Error::MfaCodeUnused), "{err}");
}

#[tokio::test]
async fn a_login_session_is_a_base_of_its_own_and_a_user_one_is_refused_before_any_call() {
    let context = context(&[]).await;
    let base = |profile: &str| {
        context
            .plan(&request().profile(profile))
            .map(|plan| plan.base)
    };
    assert!(matches!(
        base("console-role"),
        Ok(Base::Login {
            identity: chain::LoginIdentity::RoleSession,
            ..
        })
    ));
    // What STS says decides, when the ARN does not.
    assert!(matches!(
        base("console-odd"),
        Ok(Base::Login {
            identity: chain::LoginIdentity::Unknown,
            ..
        })
    ));
    for profile in ["console-user", "console-root"] {
        let err = base(profile).unwrap_err();
        assert!(
            matches!(&err, Error::LoginSessionUser { profile: p, .. } if p == profile),
            "{err}"
        );
        assert!(err.hint().is_some_and(|hint| hint.contains("--role-arn")));
    }
    // A role assumed from a user's session is a role session like any other.
    assert!(
        context
            .plan(&request().profile("from-console-user"))
            .is_ok()
    );
    let role = RoleToAssume::new(
        "arn:aws:iam::111122223333:role/ReadOnly"
            .parse()
            .expect("a role"),
    );
    assert!(
        context
            .plan(&request().profile("console-user").role(role))
            .is_ok()
    );
}

#[tokio::test]
async fn debug_output_holds_no_secret_of_the_files_or_the_environment() {
    let context = context(&[
        ("AWS_SECRET_ACCESS_KEY", "env-secret-value"),
        ("AWS_ACCESS_KEY_ID", "AKIAENV"),
    ])
    .await;
    let plan = context.plan(&request().profile("ro")).expect("a plan");
    for shown in [format!("{context:?}"), format!("{plan:?}")] {
        assert!(!shown.contains("not-a-secret"), "{shown}");
        assert!(!shown.contains("env-secret-value"), "{shown}");
        assert!(shown.contains("ro"), "{shown}");
    }
}
