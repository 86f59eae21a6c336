//! `fed url` with real `~/.aws/config` and `credentials` files in a temporary HOME, on the strict
//! local stack: the principal it lands as (on the console page), the same one boto3 resolves
//! for the profile, the exact STS calls and process runs, whether `SessionDuration` was sent,
//! and what stderr says.

use std::process::Output;

use fed_local::fixtures::trusting;
use fed_local::portal::SsoLogin;
use fed_local::{AwsLogin, Service};

use crate::support::{
    ACCOUNT, Fed, World, arn, assert_failure, follow, landed_as, query, session, stderr, the_url,
};

/// A role profile with long-term keys in the credentials file: one AssumeRole, not chained,
/// so `--duration` is sent as SessionDuration, and AssumeRole gets no DurationSeconds of it;
/// the same principal as boto3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_profile_from_keys() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world
        .fed()
        .run(&["url", "--profile", "admin", "-d", "8h"])
        .await;
    let principal = landed_as(&out).await;
    assert_eq!(principal, session("admin", "alice-admin"));
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 1);
    assert_eq!(world.count(Service::Sts, "GetCallerIdentity"), 0);
    assert_eq!(world.session_durations(), [Some("28800".to_owned())]);
    let assumed = &world.stack.log().calls(Service::Sts, "AssumeRole")[0];
    assert_eq!(assumed.param("DurationSeconds"), None);
    assert!(
        stderr(&out).contains("fed: using the credentials of profile admin"),
        "{}",
        stderr(&out)
    );
    assert_eq!(world.boto3_arn("admin", &[]).await, principal);
}

/// A two-hop chain: two AssumeRole calls, the second chained, so SessionDuration is left out
/// and a shorter `--duration` becomes the role session's own length.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hop_profile_is_chained() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world.fed().run(&["url", "second", "-d", "30m"]).await;
    let principal = landed_as(&out).await;
    assert_eq!(principal, session("second", "alice-second"));
    let calls = world.stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].param("DurationSeconds"), None);
    assert_eq!(calls[1].param("DurationSeconds"), Some("1800"));
    assert_eq!(world.session_durations(), [None]);
    let err = stderr(&out);
    assert!(
        err.contains("not sending SessionDuration=1800: the credentials come from role chaining"),
        "{err}"
    );
    assert_eq!(world.boto3_arn("second", &[]).await, principal);
}

/// The profile's `duration_seconds` is the console session length when `--duration` is not
/// given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_seconds_of_the_profile() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world.fed().run(&["url", "long"]).await;
    assert_eq!(landed_as(&out).await, session("admin", "alice-long"));
    let assumed = &world.stack.log().calls(Service::Sts, "AssumeRole")[0];
    assert_eq!(assumed.param("DurationSeconds"), Some("7200"));
    assert_eq!(world.session_durations(), [Some("7200".to_owned())]);
}

/// A `credential_process` runs once per invocation, and its long-term keys assume the role
/// without chaining.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_process_runs_once() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world.fed().run(&["url", "proc-admin", "-d", "2h"]).await;
    let principal = landed_as(&out).await;
    assert_eq!(principal, session("admin", "alice-proc"));
    let runs = std::fs::read_to_string(world.runs_file()).expect("the process ran");
    assert_eq!(runs.lines().count(), 1, "one run: {runs:?}");
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 1);
    assert_eq!(world.session_durations(), [Some("7200".to_owned())]);
    assert_eq!(world.boto3_arn("proc-admin", &[]).await, principal);
}

/// A failing `credential_process`: its exit status and a clean excerpt of its stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_process_failure_is_named() {
    let world = World::new().await;
    let out = world
        .fed()
        .run(&["url", "procfail", "--policy", "readonly"])
        .await;
    assert_failure(&out, 1, "the credential_process of profile procfail failed")
        .error_says("exit status: 3")
        .error_says("token");
}

/// A profile's `mfa_serial`: `--mfa-code` answers it; without a terminal and without the code,
/// fed says which device needs it; a wrong code is named as such.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_serial_of_the_profile() {
    let world = World::new().await;
    let out = world.fed().run(&["url", "guarded"]).await;
    assert_failure(&out, 1, &world.mfa.serial).hint_says("pass the code with --mfa-code");
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);

    let code = world.mfa.code();
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    let out = world
        .fed()
        .run(&["url", "guarded", "--mfa-code", &wrong])
        .await;
    assert_failure(&out, 1, "invalid MFA one time pass code");

    world.stack.log().clear();
    let out = world
        .fed()
        .run(&["url", "guarded", "--mfa-code", &code])
        .await;
    assert_eq!(landed_as(&out).await, session("guarded", "alice-mfa"));
    let calls = world.stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(calls.len(), 1);
    assert!(calls[0].has("SerialNumber") && calls[0].has("TokenCode"));
}

/// An `sso_session` profile: one GetRoleCredentials, the AWSReservedSSO role, no
/// SessionDuration; an expired portal session says how to sign in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sso_session_profile() {
    let world = World::new().await;
    world
        .stack
        .portal()
        .login(world.home.path(), SsoLogin::session("fed"))
        .expect("signed in");
    world.stack.log().clear();
    let out = world.fed().run(&["url", "sso", "-d", "2h"]).await;
    let principal = landed_as(&out).await;
    let role = world.stack.portal().role_name("ReadOnlyAccess");
    assert_eq!(principal, session(&role, "alice"));
    assert_eq!(world.count(Service::Sso, "GetRoleCredentials"), 1);
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);
    assert_eq!(world.session_durations(), [None]);
    assert_eq!(world.boto3_arn("sso", &[]).await, principal);

    world
        .stack
        .portal()
        .login(
            world.home.path(),
            SsoLogin::session("fed").expired_on_portal(),
        )
        .expect("signed in");
    let out = world.fed().run(&["url", "sso"]).await;
    assert_failure(&out, 1, "IAM Identity Center session of profile sso")
        .hint_says("run `aws sso login --profile sso`");
}

/// `aws login` as a role session, as the AWS CLI leaves it: a `login_session` profile and its
/// login cache. fed signs in with the cached credentials as they are: no STS call but
/// GetCallerIdentity, no SessionDuration (even with `-d`), and a word on how long the console
/// session lasts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_session_profile_of_a_role() {
    let world = World::new().await;
    let user = world
        .stack
        .create_user("consoleuser")
        .await
        .expect("a user");
    world
        .stack
        .create_role("console", &trusting(&arn("user/consoleuser")), None)
        .await
        .expect("a role");
    let sts = aws_sdk_sts::Client::new(&world.stack.sdk_config_with(user).await);
    let assumed = sts
        .assume_role()
        .role_arn(arn("role/console"))
        .role_session_name("alice")
        .send()
        .await
        .expect("AssumeRole");
    let c = assumed.credentials().expect("credentials");
    let credentials = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "test",
    );
    let login_session = session("console", "alice");
    AwsLogin::new(&login_session)
        .write(
            &AwsLogin::cache_dir(world.home.path()),
            &credentials,
            ACCOUNT,
        )
        .expect("the login cache");
    world.add_profiles(&format!(
        "[profile console]\nlogin_session = {login_session}\nregion = us-east-1\n"
    ));
    world.stack.log().clear();
    let out = world.fed().run(&["url", "console", "-d", "2h"]).await;
    let principal = landed_as(&out).await;
    assert_eq!(principal, login_session);
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);
    assert_eq!(world.session_durations(), [None]);
    let err = stderr(&out);
    assert!(
        err.contains("not sending SessionDuration=7200: aws login sessions"),
        "{err}"
    );
    assert!(
        err.contains("an aws login session: SessionDuration is not sent"),
        "{err}"
    );
    assert!(
        err.contains("the console session lasts as long as its current credentials, until "),
        "{err}"
    );
}

/// `aws login` as an IAM user or the root user: user-session credentials, which the federation
/// endpoint refuses; fed says so before any call, with what to do instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_session_profile_of_a_user_is_refused() {
    let world = World::new().await;
    world.add_profiles(&format!(
        "[profile console-user]\nlogin_session = {}\n\n[profile console-root]\nlogin_session = arn:aws:iam::{ACCOUNT}:root\n",
        arn("user/alice")
    ));
    world.stack.log().clear();
    for profile in ["console-user", "console-root"] {
        let out = world.fed().run(&["url", profile]).await;
        assert_failure(
            &out,
            1,
            "the federation endpoint refuses user-session credentials",
        )
        .hint_says("--role-arn");
    }
    assert_eq!(world.count(Service::Sts, "GetCallerIdentity"), 0);
    assert!(world.session_durations().is_empty());
}

/// A `login_session` profile with no login cache, or an expired one the stack cannot refresh:
/// sign in again with `aws login`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_session_profile_without_a_login() {
    let world = World::new().await;
    let login_session = session("console", "bob");
    world.add_profiles(&format!(
        "[profile gone]\nlogin_session = {login_session}\nregion = us-east-1\n"
    ));
    let out = world.fed().run(&["url", "gone"]).await;
    assert_failure(&out, 1, "aws login session of profile gone")
        .hint_says("run `aws login --profile gone`");

    let credentials = aws_sdk_sts::config::Credentials::new(
        "ASIAEXAMPLE",
        "not-a-secret",
        Some("token".to_owned()),
        None,
        "test",
    );
    AwsLogin::new(&login_session)
        .expired()
        .write(
            &AwsLogin::cache_dir(world.home.path()),
            &credentials,
            ACCOUNT,
        )
        .expect("the login cache");
    let out = world.fed().run(&["url", "gone"]).await;
    assert_failure(&out, 1, "aws login session of profile gone")
        .hint_says("run `aws login --profile gone`");
    assert!(world.session_durations().is_empty());
}

/// Environment keys win over AWS_PROFILE, as in the AWS CLI, and fed says so; an explicit
/// profile wins over environment keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_keys_and_profiles() {
    let world = World::new().await;
    let (id, secret) = (world.env_keys.0.as_str(), world.env_keys.1.as_str());
    let env = [
        ("AWS_ACCESS_KEY_ID", id),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_PROFILE", "admin"),
    ];
    world.stack.log().clear();
    let out = world
        .fed()
        .envs(&env)
        .run(&["url", "--policy", "readonly"])
        .await;
    assert_eq!(
        landed_as(&out).await,
        format!("arn:aws:sts::{ACCOUNT}:federated-user/envuser")
    );
    assert!(
        stderr(&out).contains("not AWS_PROFILE=admin"),
        "{}",
        stderr(&out)
    );
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);
    assert_eq!(world.count(Service::Sts, "GetFederationToken"), 1);
    assert_eq!(world.session_durations(), [None]);

    world.stack.log().clear();
    let out = world
        .fed()
        .envs(&env)
        .run(&["url", "--profile", "admin"])
        .await;
    let principal = landed_as(&out).await;
    assert_eq!(principal, session("admin", "alice-admin"));
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 1);
    let calls = world.stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(calls[0].caller, fed_local::CallerKind::LongTermUser);
    assert_eq!(world.boto3_arn("admin", &env).await, principal);
}

/// Temporary credentials in the environment, whose history fed cannot know: the requested
/// SessionDuration is sent, and when the endpoint refuses it, fed signs in without it once more
/// and says so, never claiming role chaining.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_session_of_unknown_history() {
    let world = World::new().await;
    let keys = world.stack.credentials();
    let sts = aws_sdk_sts::Client::new(&world.stack.sdk_config_with(keys).await);
    let open = world
        .stack
        .create_role("open", &trusting(ACCOUNT), Some(43_200))
        .await
        .expect("role");
    let first = sts
        .assume_role()
        .role_arn(&open)
        .role_session_name("one")
        .send()
        .await
        .expect("AssumeRole");
    let first = first.credentials().expect("credentials");
    let chained = aws_sdk_sts::Client::new(
        &world
            .stack
            .sdk_config_with(aws_sdk_sts::config::Credentials::new(
                first.access_key_id(),
                first.secret_access_key(),
                Some(first.session_token().to_owned()),
                None,
                "test",
            ))
            .await,
    )
    .assume_role()
    .role_arn(&open)
    .role_session_name("two")
    .send()
    .await
    .expect("a chained AssumeRole");
    for (credentials, refused) in [(first, false), (chained.credentials().unwrap(), true)] {
        world.stack.log().clear();
        let env = [
            ("AWS_ACCESS_KEY_ID", credentials.access_key_id()),
            ("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key()),
            ("AWS_SESSION_TOKEN", credentials.session_token()),
        ];
        let out = world.fed().envs(&env).run(&["url", "-d", "1h"]).await;
        landed_as(&out).await;
        let err = stderr(&out);
        assert!(!err.contains("chaining"), "{err}");
        assert_eq!(world.count(Service::Sts, "GetCallerIdentity"), 1);
        if refused {
            assert_eq!(world.session_durations(), [Some("3600".to_owned()), None]);
            assert!(
                err.contains("the federation endpoint refused SessionDuration"),
                "{err}"
            );
        } else {
            assert_eq!(world.session_durations(), [Some("3600".to_owned())]);
        }
    }
}

/// Bad profiles are named: an unknown one lists those that exist (exit 2), a missing
/// source_profile names both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_errors_name_the_cause() {
    let world = World::new().await;
    let out = world.fed().run(&["url", "nope"]).await;
    assert_failure(&out, 2, "the profile nope is not in the AWS config files")
        .error_says("admin, alice, badconsole, broken, consoled, guarded");
    let out = world
        .fed()
        .envs(&[("AWS_PROFILE", "nope")])
        .run(&["url"])
        .await;
    assert_failure(&out, 2, "the profile nope is not in the AWS config files");
    let out = world.fed().run(&["url", "broken"]).await;
    assert_failure(&out, 1, "source_profile = nowhere");
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);
}

/// No region anywhere: STS in us-east-1 and the console home without a region, not an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_region_is_not_an_error() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world.fed().run(&["url", "second", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let url = url::Url::parse(json["url"].as_str().expect("url")).expect("a URL");
    let destination = query(&url, "Destination").expect("Destination");
    assert_eq!(destination, "https://console.aws.amazon.com/");
    assert_eq!(json["principal_arn"], session("second", "alice-second"));
}

/// An STS that cannot be reached is named, with no Debug rendering of the SDK's error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_sts_is_named() {
    let out = Fed::new()
        .keys("AKIAUNREACHABLE0001", "not-a-secret", None)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
        .run(&["url", "--role-arn", &arn("role/r"), "--session-name", "s1"])
        .await;
    assert_failure(&out, 1, "could not reach STS at http://127.0.0.1:1")
        .hint_says("check the network");
}

/// On a terminal, fed asks for the profile's MFA code, naming the device and the role, and
/// signs in with what is typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_prompt_on_a_terminal() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let world = World::new().await;
    world.stack.log().clear();
    // `script` runs fed on a pseudo-terminal and passes what this test writes as keystrokes.
    let mut cmd = world.fed().in_terminal(&["url", "guarded"], None);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("script runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let prompt = format!(
        "MFA code for {} (to assume {}): ",
        world.mfa.serial,
        arn("role/guarded")
    );
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while !seen.contains(&prompt) {
        let n = tokio::time::timeout_at(deadline, stdout.read(&mut buf))
            .await
            .expect("the prompt comes")
            .expect("reads");
        assert!(n > 0, "fed ended before asking: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    stdin
        .write_all(format!("{}\n", world.mfa.code()).as_bytes())
        .await
        .expect("types the code");
    let mut rest = String::new();
    tokio::time::timeout_at(deadline, stdout.read_to_string(&mut rest))
        .await
        .expect("fed finishes")
        .expect("reads");
    let status = child.wait().await.expect("script ends");
    assert!(status.success(), "{seen}{rest}");
    let url = rest
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("http://"))
        .unwrap_or_else(|| panic!("a URL: {rest}"));
    let page = follow(&url::Url::parse(url).expect("a URL")).await;
    assert!(
        page.contains(&format!(
            "<dd id=\"principal\">{}</dd>",
            session("guarded", "alice-mfa")
        )),
        "{page}"
    );
    let calls = world.stack.log().calls(Service::Sts, "AssumeRole");
    assert_eq!(calls.len(), 1);
    assert!(calls[0].has("TokenCode"));
}

/// More than the role's MaxSessionDuration is an error that names the role and the fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_max_session_duration_names_the_fix() {
    let world = World::new().await;
    world
        .stack
        .create_role("short", &trusting(&arn("user/keyuser")), None)
        .await
        .expect("role");
    world.add_profiles(&format!(
        "[profile short-long]\nrole_arn = {}\nsource_profile = keys\nduration_seconds = 7200\n",
        arn("role/short")
    ));
    let out = world.fed().run(&["url", "short-long"]).await;
    assert_failure(&out, 1, "MaxSessionDuration").hint_says(
        "ask for less with duration_seconds in the profile short-long, or raise it: aws iam update-role --role-name short --max-session-duration 43200",
    );
}

/// The console session of a role assumed with long-term keys is `SessionDuration`, up to 12
/// hours, whatever the role's MaxSessionDuration (AWS's own example asks for 12 hours on a
/// one-hour role): on a role with the default one hour, `-d 2h`, `8h` and `12h` sign in from a
/// role profile, from `--role-arn` over a keys profile, and from keys in the environment, and
/// AssumeRole is asked for no DurationSeconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_length_is_not_capped_by_the_roles_max_session_duration() {
    let world = World::new().await;
    let short = world
        .stack
        .create_role("short", &trusting(ACCOUNT), None)
        .await
        .expect("role");
    world.add_profiles(&format!(
        "[profile ro]\nrole_arn = {short}\nsource_profile = keys\nrole_session_name = alice-ro\n"
    ));
    let (id, secret) = &world.env_keys;
    let runs: [(Fed, Vec<&str>, &str); 3] = [
        (world.fed(), vec!["url", "--profile", "ro"], "alice-ro"),
        (
            world.fed(),
            vec!["url", "keys", "--role-arn", short.as_str()],
            "keyuser",
        ),
        (
            world.fed().keys(id, secret, None),
            vec!["url", "--role-arn", short.as_str()],
            "envuser",
        ),
    ];
    for (fed, args, session_name) in runs {
        for (duration, seconds) in [("2h", "7200"), ("8h", "28800"), ("12h", "43200")] {
            world.stack.log().clear();
            let mut args = args.clone();
            args.extend(["-d", duration]);
            let out = fed.run(&args).await;
            assert_eq!(
                landed_as(&out).await,
                session("short", session_name),
                "{args:?}: {}",
                stderr(&out)
            );
            let assumed = world.stack.log().calls(Service::Sts, "AssumeRole");
            assert_eq!(assumed.len(), 1, "{args:?}");
            assert_eq!(assumed[0].param("DurationSeconds"), None, "{args:?}");
            assert_eq!(
                world.session_durations(),
                [Some(seconds.to_owned())],
                "{args:?}"
            );
        }
    }
}

/// In one `fed url --profile X -d 2h --browser chrome`, fed reads each AWS config file once and
/// decides the session length once (its debug log says each time it does either).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_run_reads_the_config_files_once_and_decides_the_length_once() {
    let world = World::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    crate::support::stub_browser(dir.path(), "google-chrome-stable");
    let out = world
        .fed()
        .env("PATH", crate::support::path_with(dir.path()))
        .run(&[
            "url",
            "--profile",
            "admin",
            "-d",
            "2h",
            "--browser",
            "chrome",
            "-v",
        ])
        .await;
    crate::support::finished(dir.path(), "google-chrome-stable");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let reads: Vec<&str> = err
        .lines()
        .filter(|line| line.contains("reading an AWS config file"))
        .collect();
    assert_eq!(reads.len(), 2, "the config and the credentials file: {err}");
    assert!(reads.iter().any(|l| l.ends_with("/config")), "{reads:?}");
    assert!(
        reads.iter().any(|l| l.ends_with("/credentials")),
        "{reads:?}"
    );
    let decided = err
        .lines()
        .filter(|line| line.contains("console session length asked for"))
        .count();
    assert_eq!(decided, 1, "{err}");
    assert_eq!(world.session_durations(), [Some("7200".to_owned())]);
}

/// A profile with static long-term keys goes through GetFederationToken with the policy, once,
/// as the same IAM user boto3 sees for the profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_keys_profile() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world
        .fed()
        .run(&["url", "keys", "--policy", "readonly", "-d", "24h"])
        .await;
    let principal = landed_as(&out).await;
    assert_eq!(
        principal,
        format!("arn:aws:sts::{ACCOUNT}:federated-user/keyuser")
    );
    let tokens = world.stack.log().calls(Service::Sts, "GetFederationToken");
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].param("DurationSeconds"), Some("86400"));
    assert_eq!(world.count(Service::Sts, "GetCallerIdentity"), 1);
    assert_eq!(world.session_durations(), [None]);
    assert_eq!(world.boto3_arn("keys", &[]).await, arn("user/keyuser"));
}

/// The `Destination` of the one URL on stdout.
fn destination_of(out: &Output) -> String {
    query(&the_url(out), "Destination").expect("a Destination")
}

/// `fed_service`, `fed_region` and `fed_duration` in a profile set the console page, its
/// region and the session length; flags win over them; a bad value names the profile and key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_defaults_of_the_profile() {
    let world = World::new().await;
    world.stack.log().clear();
    let out = world.fed().run(&["url", "consoled"]).await;
    assert_eq!(landed_as(&out).await, session("admin", "alice-consoled"));
    assert_eq!(
        destination_of(&out),
        "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1"
    );
    assert_eq!(world.session_durations(), [Some("7200".to_owned())]);
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 1);
    assert!(
        stderr(&out).contains("fed: using the credentials of profile consoled"),
        "{}",
        stderr(&out)
    );

    world.stack.log().clear();
    let out = world
        .fed()
        .run(&[
            "url",
            "consoled",
            "--service",
            "s3",
            "--region",
            "eu-west-1",
            "-d",
            "1h",
        ])
        .await;
    assert_eq!(landed_as(&out).await, session("admin", "alice-consoled"));
    assert_eq!(
        destination_of(&out),
        "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
    );
    assert_eq!(world.session_durations(), [Some("3600".to_owned())]);

    let out = world.fed().run(&["url", "badconsole"]).await;
    let failure = assert_failure(&out, 1, "the profile badconsole has fed_region = Mars: ");
    assert!(
        failure
            .error
            .starts_with("error: the profile badconsole has fed_region = Mars: "),
        "{failure:?}"
    );
}
