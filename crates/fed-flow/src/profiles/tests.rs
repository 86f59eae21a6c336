//! Tests of the profile listing: each kind, the order, missing files.

use super::{ProfileKind, ProfileSummary};
use crate::{Context, Host};

fn summary(
    name: &str,
    kind: ProfileKind,
    account: Option<&str>,
    role: Option<&str>,
) -> ProfileSummary {
    ProfileSummary {
        name: name.to_owned(),
        kind,
        account: account.map(str::to_owned),
        role: role.map(str::to_owned),
        user: None,
    }
}

async fn listed(config: &str, credentials: &str) -> Vec<ProfileSummary> {
    let host = Host::fake()
        .var("HOME", "/home/u")
        .var("AWS_CONFIG_FILE", "/home/u/config")
        .var("AWS_SHARED_CREDENTIALS_FILE", "~/credentials")
        .file("/home/u/config", config)
        .file("/home/u/credentials", credentials);
    let context = Context::load(host.clone()).await.expect("the files parse");
    let profiles = context.profiles();
    // Listing, like every other decision of the context, reads nothing again.
    assert_eq!(context.profiles(), profiles);
    assert_eq!(host.files_read(), 2);
    profiles
}

#[tokio::test]
async fn each_kind_is_named_with_its_account_and_role() {
    let config = "[profile zeta]\nrole_arn = arn:aws:iam::111122223333:role/team/Deploy\nsource_profile = default\n\
                  [profile sso]\nsso_session = corp\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n\
                  [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
                  [profile legacy-sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 777788889999\nsso_role_name = Admin\n\
                  [profile proc]\ncredential_process = get-keys\n\
                  [profile web]\nweb_identity_token_file = /token\nrole_arn_missing = 1\n\
                  [profile regional]\nregion = eu-west-1\n\
                  [default]\nregion = us-east-1\n";
    let credentials = "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n\
                       [alpha]\naws_access_key_id = AKIAEXAMPLE2\naws_secret_access_key = secret\n";
    assert_eq!(
        listed(config, credentials).await,
        vec![
            summary("default", ProfileKind::Keys, None, None),
            summary("alpha", ProfileKind::Keys, None, None),
            summary(
                "legacy-sso",
                ProfileKind::Sso,
                Some("777788889999"),
                Some("Admin")
            ),
            summary("proc", ProfileKind::Process, None, None),
            summary("regional", ProfileKind::Settings, None, None),
            summary(
                "sso",
                ProfileKind::Sso,
                Some("444455556666"),
                Some("ReadOnly")
            ),
            summary("web", ProfileKind::WebIdentity, None, None),
            summary(
                "zeta",
                ProfileKind::Role,
                Some("111122223333"),
                Some("Deploy")
            ),
        ]
    );
}

#[tokio::test]
async fn missing_files_are_no_profiles() {
    let host = Host::fake().var("HOME", "/home/u");
    let context = Context::load(host).await.expect("no files");
    assert_eq!(context.profiles(), vec![]);
}

#[tokio::test]
async fn a_role_arn_that_does_not_parse_is_still_a_role() {
    assert_eq!(
        listed("[profile odd]\nrole_arn = not-an-arn\n", "").await,
        vec![summary("odd", ProfileKind::Role, None, None)]
    );
}

#[tokio::test]
async fn a_value_of_a_profile() {
    let host = Host::fake()
        .var("HOME", "/home/u")
        .var("AWS_CONFIG_FILE", "/home/u/config")
        .file(
            "/home/u/config",
            "[profile prod]\nfed_browser = firefox\nfed_container =  \n",
        );
    let context = Context::load(host).await.expect("the files parse");
    let value = |name: &str, key: &str| context.profile_value(name, key);
    assert_eq!(value("prod", "fed_browser").as_deref(), Some("firefox"));
    assert_eq!(value("prod", "fed_container"), None);
    assert_eq!(value("prod", "fed_region"), None);
    assert_eq!(value("other", "fed_browser"), None);
}

#[tokio::test]
async fn login_sessions_are_named_with_their_account_and_role_or_user() {
    let config = "[profile console-role]\nlogin_session = arn:aws:sts::111122223333:assumed-role/Admin/alice\n\
                  [profile console-user]\nlogin_session = arn:aws:iam::444455556666:user/team/bob\n\
                  [profile console-root]\nlogin_session = arn:aws:iam::777788889999:root\n\
                  [profile console-odd]\nlogin_session = not-an-arn\n";
    let user = |name: &str, account: &str, user: &str| ProfileSummary {
        user: Some(user.to_owned()),
        ..summary(name, ProfileKind::Login, Some(account), None)
    };
    assert_eq!(
        listed(config, "").await,
        vec![
            summary("console-odd", ProfileKind::Login, None, None),
            summary(
                "console-role",
                ProfileKind::Login,
                Some("111122223333"),
                Some("Admin")
            ),
            user("console-root", "777788889999", "root"),
            user("console-user", "444455556666", "bob"),
        ]
    );
}
