//! Tests of shortcut links from profiles: the link, where its destination comes from, and each
//! profile that cannot give one.

use fed_core::{Region, Service};

use super::*;

const CONFIG: &str = "\
[default]
region = us-east-1

[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin+Ops
region = eu-west-1

[profile bare-sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile consoled]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
fed_service = cloudformation
fed_region = eu-central-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start/
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Billing

[profile china]
sso_start_url = https://d-90670a1b2c.awsapps.cn/start
sso_region = cn-north-1
sso_account_id = 777788889999
sso_role_name = ReadOnly

[profile eusc]
sso_start_url = https://d-99672a1b2c.eusc-de-east-1.portal.amazonaws.eu/start
sso_region = eusc-de-east-1
sso_account_id = 777788889999
sso_role_name = ReadOnly

[profile on-sso]
role_arn = arn:aws:iam::111122223333:role/Deploy
source_profile = sso

[profile on-keys]
role_arn = arn:aws:iam::111122223333:role/Deploy
source_profile = keys

[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile proc]
credential_process = get-keys

[profile no-session]
sso_session = nowhere
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile no-account]
sso_session = corp
sso_role_name = ReadOnly

[profile no-role]
sso_session = corp
sso_account_id = 111122223333

[profile bad-account]
sso_session = corp
sso_account_id = 1111-2222-3333
sso_role_name = ReadOnly

[profile http]
sso_start_url = http://corp.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start#/
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
";

async fn link(request: PortalRequest, vars: &[(&str, &str)]) -> Result<PortalShortcut, Error> {
    let mut env = vec![
        ("HOME", "/home/u"),
        ("AWS_CONFIG_FILE", "/home/u/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/home/u/credentials"),
    ];
    env.extend_from_slice(vars);
    let host = env
        .iter()
        .fold(crate::Host::fake(), |host, (name, value)| {
            host.var(*name, *value)
        })
        .file("/home/u/config", CONFIG)
        .file("/home/u/credentials", "");
    Context::load(host).await?.portal_link(&request)
}

#[track_caller]
fn check_link(got: Result<PortalShortcut, Error>, expect: &str) {
    match got {
        Ok(shortcut) => assert_eq!(shortcut.link.as_str(), expect),
        Err(e) => panic!("no link: {e}"),
    }
}

#[tokio::test]
async fn links_and_their_destinations() {
    let sso = || PortalRequest::new().profile("sso");
    // The profile's region makes the destination the console home there.
    check_link(
        link(sso(), &[]).await,
        "https://corp.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin%2BOps&destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1",
    );
    // A service and a region asked for win; AWS_REGION wins over the profile's region.
    check_link(
        link(
            sso()
                .page(Page::Service(Service::from_name("s3").unwrap()))
                .region(Region::new("ap-south-1").unwrap()),
            &[],
        )
        .await,
        "https://corp.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin%2BOps&destination=https%3A%2F%2Fap-south-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Dap-south-1",
    );
    check_link(
        link(sso(), &[("AWS_REGION", "sa-east-1")]).await,
        "https://corp.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin%2BOps&destination=https%3A%2F%2Fsa-east-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dsa-east-1",
    );
    // A destination with a query and a fragment.
    check_link(
        link(
            PortalRequest::new()
                .profile("bare-sso")
                .page(Page::Destination(
                    "/ec2/home?region=us-east-1#Instances:".to_owned(),
                )),
            &[],
        )
        .await,
        "https://corp.awsapps.com/start/#/console?account_id=111122223333&role_name=ReadOnly&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Dus-east-1%23Instances%3A",
    );
    // Nothing asked anywhere: no destination, so the permission set's relay state applies.
    let bare = link(PortalRequest::new().profile("bare-sso"), &[])
        .await
        .unwrap();
    assert_eq!(
        bare.link.as_str(),
        "https://corp.awsapps.com/start/#/console?account_id=111122223333&role_name=ReadOnly"
    );
    assert_eq!(bare.destination, None);
    // fed_service and fed_region.
    check_link(
        link(PortalRequest::new().profile("consoled"), &[]).await,
        "https://corp.awsapps.com/start/#/console?account_id=111122223333&role_name=ReadOnly&destination=https%3A%2F%2Feu-central-1.console.aws.amazon.com%2Fcloudformation%2Fhome%3Fregion%3Deu-central-1",
    );
    // The legacy sso_start_url; a global service has no region.
    check_link(
        link(
            PortalRequest::new()
                .profile("legacy")
                .page(Page::Service(Service::from_name("iam").unwrap())),
            &[],
        )
        .await,
        "https://legacy.awsapps.com/start/#/console?account_id=444455556666&role_name=Billing&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fiam%2Fhome",
    );
    // The partition of sso_region when no console region is known.
    let china = link(
        PortalRequest::new()
            .profile("china")
            .page(Page::Service(Service::from_name("iam").unwrap())),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(china.partition, Partition::AwsCn);
    assert_eq!(
        china.destination.unwrap().as_str(),
        "https://console.amazonaws.cn/iam/home"
    );
    let eusc = link(
        PortalRequest::new()
            .profile("eusc")
            .region(Region::new("eusc-de-east-1").unwrap()),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(
        eusc.link.as_str(),
        "https://d-99672a1b2c.eusc-de-east-1.portal.amazonaws.eu/start/#/console?account_id=777788889999&role_name=ReadOnly&destination=https%3A%2F%2Feusc-de-east-1.console.amazonaws-eusc.eu%2Fconsole%2Fhome%3Fregion%3Deusc-de-east-1"
    );
}

#[tokio::test]
async fn the_profile_is_chosen_without_credentials() {
    // AWS_PROFILE, even when environment keys are set: the link uses no credentials.
    let chosen = link(
        PortalRequest::new(),
        &[
            ("AWS_PROFILE", "legacy"),
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(chosen.profile, "legacy");
    assert_eq!(
        chosen.source,
        Source::Profile {
            name: "legacy".to_owned(),
            chosen_by: ChosenBy::AwsProfile
        }
    );
    // Else `default`, which is not an SSO profile here.
    let err = link(PortalRequest::new(), &[]).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the profile default cannot give an IAM Identity Center shortcut link: it holds settings only, and has no sso_session or sso_start_url"
    );
}

#[track_caller]
fn check_error(got: Result<PortalShortcut, Error>, message: &str, hint: &str) {
    let err = got.expect_err("an error");
    assert_eq!(err.to_string(), message);
    assert_eq!(err.hint().as_deref(), Some(hint));
    assert_eq!(err.input(), Some(Input::Profile));
}

#[tokio::test]
async fn profiles_that_cannot_give_a_link_are_named() {
    let of = |name: &str| link(PortalRequest::new().profile(name), &[]);
    check_error(
        of("on-sso").await,
        "the profile on-sso cannot give an IAM Identity Center shortcut link: it assumes arn:aws:iam::111122223333:role/Deploy with the credentials of the IAM Identity Center profile sso, and a shortcut link can only open sso's permission set Admin+Ops itself, not a role assumed from it",
        "`fed url --portal sso` opens the permission set; `fed url on-sso` without --portal signs in as the role",
    );
    check_error(
        of("on-keys").await,
        "the profile on-keys cannot give an IAM Identity Center shortcut link: it is a role profile (role_arn = arn:aws:iam::111122223333:role/Deploy), not an IAM Identity Center one",
        "name a profile with sso_session (or sso_start_url), sso_account_id and sso_role_name; `fed url on-keys` without --portal signs in as the role",
    );
    check_error(
        of("keys").await,
        "the profile keys cannot give an IAM Identity Center shortcut link: it holds access keys (aws_access_key_id), and has no sso_session or sso_start_url",
        "name a profile with sso_session (or sso_start_url), sso_account_id and sso_role_name; `fed url keys` without --portal signs in with this profile's credentials",
    );
    check_error(
        of("proc").await,
        "the profile proc cannot give an IAM Identity Center shortcut link: it runs a credential_process, and has no sso_session or sso_start_url",
        "name a profile with sso_session (or sso_start_url), sso_account_id and sso_role_name; `fed url proc` without --portal signs in with this profile's credentials",
    );
    check_error(
        of("no-session").await,
        "the profile no-session cannot give an IAM Identity Center shortcut link: it has sso_session = nowhere, and there is no [sso-session nowhere] section",
        "add [sso-session nowhere] with sso_start_url and sso_region, or fix sso_session",
    );
    check_error(
        of("no-account").await,
        "the profile no-account cannot give an IAM Identity Center shortcut link: it has no sso_account_id",
        "add sso_account_id = 123456789012 to the profile no-account, as `aws configure sso` writes it",
    );
    check_error(
        of("no-role").await,
        "the profile no-role cannot give an IAM Identity Center shortcut link: it has no sso_role_name",
        "add sso_role_name = PERMISSION_SET to the profile no-role, as `aws configure sso` writes it",
    );
    check_error(
        of("bad-account").await,
        "the profile bad-account cannot give an IAM Identity Center shortcut link: sso_account_id: invalid account id \"1111-2222-3333\": not 12 digits; allowed: an AWS account id of 12 digits, such as 123456789012",
        "correct sso_account_id in the AWS config file, as `aws configure sso` writes it",
    );
    check_error(
        of("http").await,
        "the profile http cannot give an IAM Identity Center shortcut link: sso_start_url: invalid start URL \"http://corp.awsapps.com/start\": not https; allowed: an https URL of the AWS access portal, such as https://d-1234567890.awsapps.com/start",
        "correct sso_start_url in the AWS config file, as `aws configure sso` writes it",
    );
    // No profile at all: no name, no AWS_PROFILE, no default.
    let host = crate::Host::fake()
        .var("HOME", "/home/u")
        .file("/home/u/.aws/config", "[profile sso]\nsso_session = corp\n");
    let err = Context::load(host)
        .await
        .expect("the files parse")
        .portal_link(&PortalRequest::new())
        .unwrap_err();
    assert!(matches!(err, Error::PortalNoProfile), "{err}");
    assert_eq!(
        err.hint().as_deref(),
        Some("name an IAM Identity Center profile: fed url --portal PROFILE")
    );
    // An unknown profile lists those there are.
    let err = of("nope").await.unwrap_err();
    assert!(matches!(err, Error::UnknownProfile { .. }), "{err}");
    // A region of another partition than the one asked for.
    let err = link(
        PortalRequest::new()
            .profile("sso")
            .partition(Partition::AwsCn),
        &[],
    )
    .await
    .unwrap_err();
    assert_eq!(err.input(), Some(Input::Region), "{err}");
}
