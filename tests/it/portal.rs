//! `fed url --portal` with real AWS config files: the access portal's shortcut link for an IAM
//! Identity Center profile, printed, as JSON, as a QR code and opened, with no request at all to the local
//! stack (no STS, no SSO, no federation endpoint) and no SSO token; and each profile or flag it
//! cannot serve, refused before anything is done.

use fed_local::Service;

use crate::support::{World, assert_failure, decode_qr, recording_browser, stderr};

/// The link of the World's `sso` profile, with `destination` when given (already encoded).
fn link(world: &World, destination: Option<&str>) -> String {
    let start = &world.stack.portal().config().start_url;
    let mut link = format!(
        "{}/#/console?account_id=123456789012&role_name=ReadOnlyAccess",
        start.trim_end_matches('/')
    );
    if let Some(destination) = destination {
        link.push_str("&destination=");
        link.push_str(destination);
    }
    link
}

/// Nothing reached the stack: no STS, SSO (portal) or federation request.
#[track_caller]
fn assert_no_request(world: &World) {
    let entries = world.stack.log().entries();
    assert!(entries.is_empty(), "requests were made: {entries:?}");
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);
    assert_eq!(world.count(Service::Sso, "GetRoleCredentials"), 0);
    assert_eq!(world.count(Service::Signin, "getSigninToken"), 0);
    assert!(world.stack.emulator().requests().is_empty());
}

/// The link on stdout: one line, exactly `expect`.
#[track_caller]
fn assert_link(out: &std::process::Output, expect: &str) {
    assert!(out.status.success(), "fed failed: {}", stderr(out));
    let text = String::from_utf8(out.stdout.clone()).expect("utf-8");
    assert_eq!(text, format!("{expect}\n"));
}

/// The shortcut link, its destination from the flags, from the profile's region or none, and
/// `--json`: no request is made, no SSO token is needed (none is in the cache), and variables
/// that cannot apply are ignored with a notice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_links_make_no_request() {
    let world = World::new().await;
    world.stack.log().clear();
    world.stack.emulator().clear_requests();

    let out = world
        .fed()
        .run(&[
            "url",
            "--portal",
            "sso",
            "--service",
            "s3",
            "--region",
            "eu-west-1",
        ])
        .await;
    assert_link(
        &out,
        &link(
            &world,
            Some("https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1"),
        ),
    );
    let err = stderr(&out);
    assert!(
        err.lines().any(|l| l
            == "fed: FED_SIGNIN_ENDPOINT is ignored: the portal's shortcut link cannot carry it"),
        "{err}"
    );
    assert!(
        err.contains("fed: the access portal's shortcut link for permission set ReadOnlyAccess in account 123456789012 (profile sso)"),
        "{err}"
    );

    // No region or page anywhere: no destination; the permission set's relay state applies.
    let out = world.fed().run(&["url", "--portal", "sso", "-q"]).await;
    assert_link(&out, &link(&world, None));
    assert_eq!(stderr(&out), "", "-q silences the notices");

    // AWS_PROFILE chooses the profile; AWS_REGION and FED_DURATION as variables.
    let out = world
        .fed()
        .envs(&[
            ("AWS_PROFILE", "sso"),
            ("AWS_REGION", "eu-central-1"),
            ("FED_DURATION", "2h"),
        ])
        .run(&["url", "--portal", "--destination", "/ec2/home#Instances:"])
        .await;
    assert_link(
        &out,
        &link(
            &world,
            Some(
                "https%3A%2F%2Feu-central-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-central-1%23Instances%3A",
            ),
        ),
    );
    assert!(
        stderr(&out).contains("fed: FED_DURATION is ignored"),
        "{}",
        stderr(&out)
    );

    let out = world
        .fed()
        .run(&["url", "--portal", "sso", "--json", "--service", "iam"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "url": link(&world, Some("https%3A%2F%2Fconsole.aws.amazon.com%2Fiam%2Fhome")),
            "kind": "portal",
            "profile": "sso",
            "account_id": "123456789012",
            "role_name": "ReadOnlyAccess",
            "partition": "aws",
            "destination": "https://console.aws.amazon.com/iam/home",
        })
    );

    // --qr draws the link.
    let out = world
        .fed()
        .run(&["url", "--portal", "sso", "--qr", "-q"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let code = String::from_utf8(out.stdout.clone()).expect("utf-8");
    assert_eq!(decode_qr(&code), link(&world, None));
    assert_no_request(&world);
}

/// `--open` hands the link to the browser through the private page, and prints nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_link_opens_in_the_browser() {
    let world = World::new().await;
    world.stack.log().clear();
    let dir = tempfile::tempdir().expect("temp dir");
    let browser = recording_browser(dir.path());
    let browser = browser.display().to_string();
    let out = world
        .fed()
        .envs(&[("BROWSER", browser.as_str())])
        .run(&["url", "--portal", "sso", "--open"])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let page = std::fs::read_to_string(dir.path().join("page")).expect("the browser read a page");
    let expect = link(&world, None).replace('&', "&amp;");
    assert!(page.contains(&expect), "{page}");
    assert!(
        stderr(&out).contains("fed: opened the access portal's shortcut link"),
        "{}",
        stderr(&out)
    );
    assert_no_request(&world);
}

/// Profiles that cannot give a link, no profile at all, and flags the link cannot carry: exit 2,
/// one `error:` line naming the cause and a `hint:`, nothing on stdout, no request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_refuses_what_it_cannot_serve() {
    let world = World::new().await;
    world.stack.log().clear();
    world.stack.emulator().clear_requests();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["url", "--portal", "admin"],
            "error: the profile admin cannot give an IAM Identity Center shortcut link: it is a role profile (role_arn = arn:aws:iam::123456789012:role/admin), not an IAM Identity Center one",
            "hint: name a profile with sso_session (or sso_start_url), sso_account_id and sso_role_name; `fed url admin` without --portal signs in as the role",
        ),
        (
            &["url", "--portal", "keys"],
            "error: the profile keys cannot give an IAM Identity Center shortcut link: it holds access keys (aws_access_key_id), and has no sso_session or sso_start_url",
            "hint: name a profile with sso_session",
        ),
        (
            &["url", "--portal", "proc"],
            "error: the profile proc cannot give an IAM Identity Center shortcut link: it runs a credential_process",
            "hint: name a profile with sso_session",
        ),
        (
            &["url", "--portal", "sso-role"],
            "error: the profile sso-role cannot give an IAM Identity Center shortcut link: it assumes arn:aws:iam::123456789012:role/admin with the credentials of the IAM Identity Center profile sso, and a shortcut link can only open sso's permission set ReadOnlyAccess itself, not a role assumed from it",
            "hint: `fed url --portal sso` opens the permission set; `fed url sso-role` without --portal signs in as the role",
        ),
        (
            &["url", "--portal", "sso-half"],
            "error: the profile sso-half cannot give an IAM Identity Center shortcut link: it has no sso_account_id",
            "hint: add sso_account_id = 123456789012 to the profile sso-half",
        ),
        (
            &["url", "--portal"],
            "error: an IAM Identity Center shortcut link is made from a profile, and none is chosen",
            "hint: name an IAM Identity Center profile: fed url --portal PROFILE",
        ),
        (
            &["url", "--portal", "nope"],
            "error: the profile nope is not in the AWS config files",
            "hint: ",
        ),
        (
            &[
                "url",
                "--portal",
                "sso",
                "--role-arn",
                "arn:aws:iam::123456789012:role/admin",
                "-d",
                "2h",
                "--policy",
                "readonly",
                "--issuer",
                "https://example.com",
                "--logout-first",
            ],
            "error: --portal cannot be used with --role-arn, --duration, --policy, --issuer, --logout-first: the portal's shortcut link carries only the account, the permission set and the console page",
            "hint: the permission set decides the session's length",
        ),
        (
            &[
                "url",
                "--portal",
                "sso",
                "--signin-region",
                "eu-west-1",
                "--get",
            ],
            "error: --portal cannot be used with --signin-region, --get:",
            "hint: ",
        ),
    ];
    for (args, error, hint) in cases {
        let out = world.fed().run(args).await;
        let failure = assert_failure(&out, 2, error);
        assert!(failure.error.starts_with(error), "{args:?}: {failure:?}");
        assert!(
            failure.hint.as_deref().is_some_and(|h| h.starts_with(hint)),
            "{args:?}: {failure:?}"
        );
    }
    assert_no_request(&world);
}
