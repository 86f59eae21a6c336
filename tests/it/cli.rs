//! `fed url` end to end: the real binary against the local stack (moto for
//! IAM and STS, the federation emulator for sign-in).

use fed_local::LocalStack;
use fed_local::federation::RecordedRequest;

use crate::support::{
    Fed, HEADLESS, assert_failure, assert_success, chromium, create_role, executable, follow,
    query, recording_browser, start_stack, stderr, stdout, the_url,
};

fn signin_token_requests(stack: &LocalStack) -> Vec<RecordedRequest> {
    stack
        .emulator()
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("getSigninToken"))
        .collect()
}

/// The seed's flow: `--role-arn` assumes the role, and the URL signs in as it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_arn_url_lands_on_the_console_as_the_role() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-reader").await;
    let out = Fed::on(&stack)
        .run(&[
            "url",
            "--role-arn",
            role_arn.as_str(),
            "--session-name",
            "alice",
            "--duration",
            "2h",
        ])
        .await;
    assert_success(&out);
    let url = the_url(&out);
    assert_eq!(query(&url, "Action").as_deref(), Some("login"));
    assert_eq!(query(&url, "Issuer").as_deref(), Some("fed"));
    let page = follow(&url).await;
    assert!(
        page.contains("assumed-role/fed-e2e-reader/alice"),
        "console page shows the session: {page}"
    );

    // Long-term keys made a non-chained AssumeRole, so SessionDuration was sent, by POST.
    let requests = signin_token_requests(&stack);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].session_duration, Some(7200));
    assert!(
        !requests[0].query_params.iter().any(|p| p == "Session"),
        "secrets stay out of the URL"
    );
}

/// Long-term keys go through GetFederationToken with the policy, and
/// SessionDuration is never sent for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_term_keys_use_a_federation_token_without_session_duration() {
    let stack = start_stack().await;
    let out = Fed::on(&stack)
        .run(&["url", "--policy", "readonly", "--duration", "2h"])
        .await;
    assert_success(&out);
    let page = follow(&the_url(&out)).await;
    // moto cannot tell whose federation token it is, but the emulator knows its kind.
    assert!(
        page.contains("GetFederationToken credentials"),
        "console page shows a federation token: {page}"
    );
    assert!(
        stderr(&out).contains("federated-user/"),
        "fed names the federated user: {}",
        stderr(&out)
    );
    let requests = signin_token_requests(&stack);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        !requests[0].params.iter().any(|p| p == "SessionDuration"),
        "{:?}",
        requests[0].params
    );
}

/// Without a policy, long-term keys are refused before anything is asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_term_keys_without_a_policy_are_refused() {
    let stack = start_stack().await;
    let out = Fed::on(&stack).run(&["url"]).await;
    assert_failure(&out, 1, "long-term IAM user keys need a session policy").hint_says("--policy");
    assert!(signin_token_requests(&stack).is_empty());
}

/// GetSessionToken credentials cannot sign in: exit 1, a clear error, nothing on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_token_credentials_are_refused() {
    let stack = start_stack().await;
    let sts = aws_sdk_sts::Client::new(&stack.sdk_config().await);
    let session = sts
        .get_session_token()
        .send()
        .await
        .expect("GetSessionToken on moto");
    let creds = session.credentials().expect("credentials");
    let out = Fed::on(&stack)
        .keys(
            creds.access_key_id(),
            creds.secret_access_key(),
            Some(creds.session_token()),
        )
        .run(&["url"])
        .await;
    assert_failure(&out, 1, "GetSessionToken");
}

/// `--json` prints one object with the URL, principal, partition, expiry and duration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_has_a_stable_shape() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-json").await;
    let out = Fed::on(&stack)
        .run(&[
            "url",
            "--json",
            "--role-arn",
            role_arn.as_str(),
            "--session-name",
            "bob",
            "--duration",
            "3600",
        ])
        .await;
    assert_success(&out);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    // The keys come in one order, whatever features serde_json was built with.
    let text = String::from_utf8_lossy(&out.stdout);
    let at: Vec<usize> = [
        "expires_at",
        "kind",
        "partition",
        "principal_arn",
        "session_duration",
        "url",
    ]
    .iter()
    .map(|key| text.find(&format!("\"{key}\":")).expect("the key"))
    .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    let url = url::Url::parse(value["url"].as_str().expect("url is a string")).expect("a URL");
    assert!(query(&url, "SigninToken").is_some_and(|t| !t.is_empty()));
    insta::assert_json_snapshot!(value, {
        ".url" => insta::dynamic_redaction(|value, _| {
            let url = url::Url::parse(value.as_str().unwrap_or_default()).expect("a URL");
            format!("{}://127.0.0.1:[port]{}?{}", url.scheme(), url.path(), url
                .query_pairs()
                .map(|(k, v)| if k == "SigninToken" { format!("{k}=[token]") } else { format!("{k}={v}") })
                .collect::<Vec<_>>()
                .join("&"))
        }),
        ".expires_at" => "[issued + 15 min]",
    });
}

/// Global services such as IAM get no region; regional ones do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destinations_follow_the_service_rules() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-dest").await;
    let fed = Fed::on(&stack);
    let iam = fed
        .run(&["url", "--role-arn", role_arn.as_str(), "--service", "iam"])
        .await;
    assert_success(&iam);
    assert_eq!(
        query(&the_url(&iam), "Destination").as_deref(),
        Some("https://console.aws.amazon.com/iam/home")
    );
    let s3 = fed
        .run(&[
            "url",
            "--role-arn",
            role_arn.as_str(),
            "--service",
            "s3",
            "--region",
            "eu-west-1",
        ])
        .await;
    assert_success(&s3);
    assert_eq!(
        query(&the_url(&s3), "Destination").as_deref(),
        Some("https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1")
    );
}

/// `--logout-first` wraps the login URL in the emulator's logout endpoint, and
/// following it still signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_first_wraps_the_login_url() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-logout").await;
    let out = Fed::on(&stack)
        .run(&[
            "url",
            "--logout-first",
            "--role-arn",
            role_arn.as_str(),
            "--session-name",
            "carol",
        ])
        .await;
    assert_success(&out);
    let url = the_url(&out);
    assert_eq!(url.path(), "/oauth");
    assert_eq!(query(&url, "Action").as_deref(), Some("logout"));
    let inner =
        url::Url::parse(&query(&url, "redirect_uri").expect("redirect_uri")).expect("a URL");
    assert_eq!(inner.path(), "/federation");
    assert_eq!(query(&inner, "Action").as_deref(), Some("login"));
    let page = follow(&url).await;
    assert!(page.contains("assumed-role/fed-e2e-logout/carol"), "{page}");

    // It says that the sign-out fails under multi-session, and what to use instead; -q
    // silences it, and a plain URL does not say it.
    let notice = "fed: the URL signs out of the console first; if the browser has the console's multi-session on, that sign-out answers HTTP 400: leave out --logout-first for a plain URL, which adds a session, or use --portal with an IAM Identity Center profile";
    assert!(
        stderr(&out).lines().any(|l| l == notice),
        "{}",
        stderr(&out)
    );
    let quiet = Fed::on(&stack)
        .env("FED_LOGOUT_FIRST", "1")
        .run(&["url", "-q", "--role-arn", role_arn.as_str()])
        .await;
    assert_success(&quiet);
    assert_eq!(the_url(&quiet).path(), "/oauth", "FED_LOGOUT_FIRST is on");
    assert!(
        !stderr(&quiet).contains("multi-session"),
        "{}",
        stderr(&quiet)
    );
    let plain = Fed::on(&stack)
        .run(&["url", "--role-arn", role_arn.as_str()])
        .await;
    assert_success(&plain);
    assert!(
        !stderr(&plain).contains("multi-session"),
        "{}",
        stderr(&plain)
    );
}

/// The European Sovereign Cloud: the login URL's Destination is on the EUSC console host
/// (regional with a region, `console.amazonaws-eusc.eu` without), and an emulator of aws-eusc
/// signs it in. A region of aws-eusc with credentials of aws is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eusc_destinations_are_on_its_console_host() {
    use fed_core::{Arn, CredentialOrigin, Partition};
    use fed_local::federation::{self, Config, ResolvedIdentity, StaticResolver};

    let stack = start_stack().await;
    // A federation token, which the stack's gate answers GetCallerIdentity for in any region
    // (moto keeps the sessions it issues in one partition's backend).
    let sts = aws_sdk_sts::Client::new(&stack.sdk_config().await);
    let token = sts
        .get_federation_token()
        .name("dora")
        .send()
        .await
        .expect("GetFederationToken");
    let credentials = token.credentials().expect("credentials");
    // The emulator of aws-eusc knows the session as one of its own partition.
    let principal = "arn:aws-eusc:sts::123456789012:federated-user/dora";
    let resolver = StaticResolver::new().with(
        credentials.access_key_id(),
        ResolvedIdentity::new(
            principal.parse::<Arn>().expect("an ARN"),
            CredentialOrigin::FederationToken,
        ),
    );
    let emulator = federation::start(Config::new(Partition::AwsEusc), resolver)
        .await
        .expect("the emulator starts");
    let keys = (
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some(credentials.session_token()),
    );
    let fed = Fed::on(&stack)
        .keys(keys.0, keys.1, keys.2)
        .env("FED_SIGNIN_ENDPOINT", emulator.base_url().as_str());

    let out = fed
        .run(&[
            "url",
            "--json",
            "--partition",
            "aws-eusc",
            "--region",
            "eusc-de-east-1",
            "--service",
            "s3",
        ])
        .await;
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["partition"], "aws-eusc");
    let url = url::Url::parse(json["url"].as_str().expect("a URL")).expect("a URL");
    let destination =
        url::Url::parse(&query(&url, "Destination").expect("a Destination")).expect("a URL");
    assert_eq!(
        destination.as_str(),
        "https://eusc-de-east-1.console.amazonaws-eusc.eu/s3/home?region=eusc-de-east-1"
    );
    let page = follow(&url).await;
    assert!(page.contains(principal), "{page}");

    // Without a region, the console host without one.
    let out = fed
        .env("AWS_REGION", "")
        .run(&["url", "--partition", "aws-eusc"])
        .await;
    assert_success(&out);
    let url = the_url(&out);
    assert_eq!(
        query(&url, "Destination").as_deref(),
        Some("https://console.amazonaws-eusc.eu/")
    );
    assert!(follow(&url).await.contains(principal));
    let signed = emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("getSigninToken"))
        .count();
    assert_eq!(signed, 2);

    // Credentials of aws with a region of aws-eusc: a usage error naming --region.
    let out = Fed::on(&stack)
        .keys(keys.0, keys.1, keys.2)
        .run(&["url", "--region", "eusc-de-east-1"])
        .await;
    assert_failure(&out, 2, "--region").error_says("a region of partition aws-eusc, not of aws");
}

/// Bad flags and values exit with 2, name the flag, and print nothing on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_and_names_the_flag() {
    let stack = start_stack().await;
    let fed = Fed::on(&stack);
    for (args, flag) in [
        (
            &["url", "--role-arn", "arn:aws:iam::12:role/x"][..],
            "--role-arn",
        ),
        (&["url", "--duration", "10"][..], "--duration"),
        (
            &[
                "url",
                "--session-name",
                "has space",
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
            ][..],
            "--session-name",
        ),
        (&["url", "--service", "teleporter"][..], "--service"),
        (&["url", "--policy", "everything"][..], "--policy"),
        (
            &[
                "url",
                "--role-arn",
                "arn:aws:iam::123456789012:role/r",
                "--duration",
                "13h",
            ][..],
            "--duration",
        ),
        (&["url", "--session-name", "alice"][..], "--role-arn"),
        (
            &[
                "url",
                "--policy",
                "readonly",
                "--signin-endpoint",
                "http://example.com/federation",
            ][..],
            "--signin-endpoint",
        ),
    ] {
        let out = fed.run(args).await;
        assert_failure(&out, 2, flag);
        assert!(
            !stderr(&out).contains("fed: "),
            "nothing was done before the error: {}",
            stderr(&out)
        );
    }
    assert!(signin_token_requests(&stack).is_empty());
}

/// With trace logging on, no secret reaches stdout or stderr; the sign-in
/// token appears only inside the URL on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_carry_no_secrets() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-trace").await;

    // Role credentials from the stack, whose secrets the test knows.
    let sts = aws_sdk_sts::Client::new(&stack.sdk_config().await);
    let assumed = sts
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("dave")
        .send()
        .await
        .expect("AssumeRole");
    let assumed = assumed.credentials().expect("credentials");
    let (temp_key, temp_secret, temp_token) = (
        assumed.access_key_id(),
        assumed.secret_access_key(),
        assumed.session_token(),
    );
    let long_term = stack.credentials();
    let secret = long_term.secret_access_key();

    let runs = [
        (
            Fed::on(&stack),
            vec!["url", "-vv", "--role-arn", role_arn.as_str()],
        ),
        (
            Fed::on(&stack).keys(temp_key, temp_secret, Some(temp_token)),
            vec!["url", "-vv"],
        ),
    ];
    for (fed, args) in runs {
        let fed = fed.env("RUST_LOG", "trace");
        let out = fed.run(&args).await;
        assert_success(&out);
        let (out_text, err_text) = (stdout(&out), stderr(&out));
        assert!(
            err_text.len() > 1000,
            "trace logging is on: {} bytes",
            err_text.len()
        );
        let token = query(&the_url(&out), "SigninToken").expect("a token");
        for secret in [secret, temp_secret, temp_token] {
            assert!(
                !out_text.contains(secret) && !err_text.contains(secret),
                "a secret leaked"
            );
        }
        assert!(
            !err_text.contains(&token),
            "the sign-in token leaked to stderr"
        );
        let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        assert!(
            !err_text.contains(&encoded),
            "the encoded sign-in token leaked to stderr"
        );
    }
}

/// `--open` gives the browser a private page (0600 in a 0700 directory) that redirects to the
/// sign-in URL, never the URL itself, and none of fed's credential variables; the page is gone
/// once fed exits, and what it points at signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_hands_a_private_page_to_the_browser() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-open").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let browser = recording_browser(dir.path());
    let out = Fed::on(&stack)
        .env("BROWSER", browser.display().to_string())
        .run(&["url", "--open", "--role-arn", role_arn.as_str()])
        .await;
    assert_success(&out);
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", stdout(&out));
    let argv = std::fs::read_to_string(dir.path().join("argv")).expect("the browser ran");
    assert!(argv.starts_with("file://"), "{argv}");
    assert!(
        !argv.contains("SigninToken"),
        "the URL is in the browser's argv: {argv}"
    );
    let env = std::fs::read_to_string(dir.path().join("env")).expect("env");
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        assert!(
            !env.contains(&format!("{name}=")),
            "{name} reached the browser"
        );
    }
    let modes = std::fs::read_to_string(dir.path().join("modes")).expect("modes");
    assert!(
        modes.lines().any(|l| l.starts_with("drwx------"))
            && modes.lines().any(|l| l.starts_with("-rw-------")),
        "{modes}"
    );
    let page_path = argv.trim().trim_start_matches("file://");
    assert!(
        !std::path::Path::new(page_path).exists(),
        "the page is removed"
    );
    assert!(
        stderr(&out).contains("its one-time link is gone"),
        "{}",
        stderr(&out)
    );
    let page = std::fs::read_to_string(dir.path().join("page")).expect("the page");
    let start = page.find("url=").expect("a refresh") + "url=".len();
    let end = start + page[start..].find('"').expect("closed");
    let login = page[start..end].replace("&amp;", "&");
    let landed = follow(&url::Url::parse(&login).expect("a URL")).await;
    assert!(landed.contains("assumed-role/fed-e2e-open/"), "{landed}");
}

/// `--open-direct` gives the browser the URL itself, for browsers that cannot read the page;
/// still without credential variables.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_direct_hands_the_url_itself() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-open-direct").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let browser = recording_browser(dir.path());
    let out = Fed::on(&stack)
        .env("BROWSER", browser.display().to_string())
        .run(&[
            "url",
            "--open",
            "--open-direct",
            "--role-arn",
            role_arn.as_str(),
        ])
        .await;
    assert_success(&out);
    let argv = std::fs::read_to_string(dir.path().join("argv")).expect("the browser ran");
    let landed = follow(&url::Url::parse(argv.trim()).expect("a URL")).await;
    assert!(
        landed.contains("assumed-role/fed-e2e-open-direct/"),
        "{landed}"
    );
    let env = std::fs::read_to_string(dir.path().join("env")).expect("env");
    assert!(!env.contains("AWS_SECRET_ACCESS_KEY="));
}

/// `fed --version` works without credentials (completions: completion.rs).
#[test]
fn version() {
    let version = Fed::new().run_blocking(&["--version"]);
    assert_success(&version);
    assert_eq!(
        stdout(&version).trim(),
        format!("fed {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Loads `url` in headless Chromium, following every redirect as a browser
/// does, and returns the DOM of the page it ends on.
async fn browse(chromium: &std::path::Path, url: &str) -> String {
    let profile = tempfile::tempdir().expect("temp dir");
    let out = tokio::process::Command::new(chromium)
        .args(HEADLESS)
        .arg("--dump-dom")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 DOM")
}

/// A real browser opens the URL `fed url` prints, and the logout-first form of
/// it, and both land on the console page signed in as the role session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_browser_signs_in() {
    let Some(chromium) = chromium("a_real_browser_signs_in") else {
        return;
    };
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-browser").await;
    let fed = Fed::on(&stack);
    for extra in [&[][..], &["--logout-first"][..]] {
        let mut args = vec![
            "url",
            "--role-arn",
            role_arn.as_str(),
            "--session-name",
            "erin",
        ];
        args.extend_from_slice(extra);
        let out = fed.run(&args).await;
        assert_success(&out);
        let dom = browse(&chromium, the_url(&out).as_str()).await;
        assert!(
            dom.contains(r#"<dd id="principal">arn:aws:sts::123456789012:assumed-role/fed-e2e-browser/erin</dd>"#),
            "the browser ends on the console page as the session ({extra:?}): {dom}"
        );
    }
}

/// With no credentials anywhere, fed says so in one line that names where it looked, with a
/// hint, and prints nothing on stdout; the SDK's own account of its chain (instance metadata
/// disabled, …) is for `-v` only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_is_one_clear_error() {
    let fed = Fed::new().env("AWS_REGION", "us-east-1");
    let args = ["url", "--role-arn", "arn:aws:iam::123456789012:role/r"];
    let out = fed.run(&args).await;
    assert_failure(&out, 1, "no AWS credentials found")
        .error_says("none in the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE), the AWS config files, the IAM Identity Center cache, web identity (AWS_WEB_IDENTITY_TOKEN_FILE), a container's endpoint or instance metadata")
        .hint_says("configure credentials");
    let err = stderr(&out);
    assert!(!err.contains("IMDS"), "{err}");
    let mut verbose = args.to_vec();
    verbose.push("-v");
    let out = fed.run(&verbose).await;
    assert!(stderr(&out).contains("IMDS"), "{}", stderr(&out));
}

/// A federation endpoint that is not AWS's is named on stderr before the credentials go to it;
/// `-q` silences it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_aws_endpoint_is_named() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-endpoint").await;
    let notice = format!(
        "fed: {} is not an AWS sign-in endpoint: the credentials are sent to it",
        stack.signin_base_url()
    );
    let out = Fed::on(&stack).run(&["url", "--role-arn", &role_arn]).await;
    assert_success(&out);
    assert!(
        stderr(&out).lines().any(|l| l == notice),
        "{}",
        stderr(&out)
    );
    let out = Fed::on(&stack)
        .run(&["url", "-q", "--role-arn", &role_arn])
        .await;
    assert_success(&out);
    assert!(!stderr(&out).contains("not an AWS sign-in endpoint"));
}

/// A real browser opened by `fed url --open` reads the private page and follows it to the
/// console page, signed in as the role session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_browser_follows_the_private_page() {
    let Some(chromium) = chromium("a_real_browser_follows_the_private_page") else {
        return;
    };
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-open-browser").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let dom = dir.path().join("dom");
    let browser = dir.path().join("browser");
    executable(
        &browser,
        &format!(
            "#!/bin/sh\nexec '{chromium}' {headless} \\\n  --user-data-dir='{profile}' --dump-dom \"$1\" > '{dom}' 2>/dev/null\n",
            chromium = chromium.display(),
            headless = HEADLESS.join(" "),
            profile = dir.path().join("profile").display(),
            dom = dom.display(),
        ),
    );
    let out = Fed::on(&stack)
        .env("BROWSER", browser.display().to_string())
        .run(&[
            "url",
            "--open",
            "--role-arn",
            &role_arn,
            "--session-name",
            "erin",
        ])
        .await;
    assert_success(&out);
    let dom = std::fs::read_to_string(&dom).expect("the browser ran");
    assert!(
        dom.contains(r#"<dd id="principal">arn:aws:sts::123456789012:assumed-role/fed-e2e-open-browser/erin</dd>"#),
        "the browser ends on the console page as the session: {dom}"
    );
}

/// A mistyped `--service` exits 2 before anything is done, naming the flag and suggesting the
/// closest names; `fed services` lists the catalogue on stdout.
#[test]
fn services_are_listed_and_near_misses_named() {
    let fed = Fed::new();
    let out = fed.run_blocking(&["url", "--service", "cloudwatc"]);
    assert_failure(&out, 2, "--service")
        .error_says("unknown service \"cloudwatc\"")
        .hint_says("hint: did you mean cloudwatch?");

    let list = fed.run_blocking(&["services"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let text = stdout(&list);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 80, "{text}");
    assert!(
        lines.iter().any(|l| l.starts_with("route53 ")
            && l.contains(" global ")
            && l.contains("/route53/v2/home")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("s3 ") && l.contains(" regional ")),
        "{text}"
    );
    // docs/usage.md lists every service.
    let usage = std::fs::read_to_string(crate::support::project_root().join("docs/usage.md"))
        .expect("docs/usage.md");
    for line in lines {
        let name = line.split_whitespace().next().expect("a name");
        assert!(
            usage.contains(&format!("| `{name}` |")),
            "docs/usage.md does not list {name}"
        );
    }
}

/// Runs `fed` with `vars` in its environment.
fn fed_with_env(args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    Fed::new().envs(vars).run_blocking(args)
}

/// A bad value from an environment variable names the variable, not the flag; an empty
/// variable counts as unset; boolean variables take what people write; a missing argument is
/// named.
#[test]
fn environment_variables_are_named_and_read_as_people_write_them() {
    const ROLE: [&str; 3] = ["url", "--role-arn", "arn:aws:iam::123456789012:role/r"];
    for (name, value) in [
        ("AWS_REGION", "Mars"),
        ("FED_DURATION", "abc"),
        ("FED_LOGOUT_FIRST", "maybe"),
    ] {
        let out = fed_with_env(&ROLE, &[(name, value)]);
        assert_failure(&out, 2, name);
        let err = stderr(&out);
        let flag = format!(
            "--{}",
            name.trim_start_matches("AWS_")
                .trim_start_matches("FED_")
                .to_ascii_lowercase()
                .replace('_', "-")
        );
        assert!(!err.contains(&flag), "{name} is named, not {flag}: {err}");
    }
    // The flag itself is still named when it is on the command line.
    let out = fed_with_env(&["url", "--region", "Mars"], &[("AWS_REGION", "Mars")]);
    assert_failure(&out, 2, "--region");

    // Empty variables count as unset: the run goes on to look for credentials.
    let empty = [
        ("AWS_REGION", ""),
        ("FED_DURATION", ""),
        ("FED_LOGOUT_FIRST", ""),
        ("FED_SIGNIN_ENDPOINT", ""),
    ];
    let out = fed_with_env(&ROLE, &empty);
    assert_failure(&out, 1, "no AWS credentials");

    // FED_LOGOUT_FIRST: true values conflict with --signin-region, false ones do not.
    for value in ["1", "true", "yes", "on", "TRUE"] {
        let out = fed_with_env(
            &["url", "--signin-region", "eu-west-1"],
            &[("FED_LOGOUT_FIRST", value)],
        );
        assert_failure(&out, 2, "--logout-first");
    }
    for value in ["0", "false", "no", "off"] {
        let out = fed_with_env(
            &["url", "--signin-region", "eu-west-1"],
            &[("FED_LOGOUT_FIRST", value)],
        );
        assert_failure(&out, 1, "no AWS credentials");
    }

    let out = fed_with_env(&["completions"], &[]);
    assert_failure(&out, 2, "<SHELL>");

    // An MFA code with no device to use it with names what is missing, before any call.
    for keys in [
        &[][..],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ][..],
    ] {
        let out = fed_with_env(&["url", "--mfa-code", "123456"], keys);
        assert_failure(&out, 2, "--mfa-serial");
        let out = fed_with_env(
            &["url", "--mfa-code", "123456", "--role-arn", ROLE[2]],
            keys,
        );
        assert_failure(&out, 2, "--mfa-serial");
    }
}

/// `-v` logs carry no colour codes when stderr is not a terminal.
#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    let out = fed_with_env(
        &[
            "url",
            "-vv",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
        ],
        &[],
    );
    let err = stderr(&out);
    assert!(err.contains("DEBUG"), "-vv logs: {err}");
    assert!(!err.contains('\u{1b}'), "no escape sequences: {err:?}");
}

/// A word that is not a profile is named as such, with the close names.
#[test]
fn an_unknown_profile_names_the_close_ones() {
    // The config file where the AWS CLI looks by default, ~/.aws/config.
    let fed = Fed::new()
        .without("AWS_CONFIG_FILE")
        .without("AWS_SHARED_CREDENTIALS_FILE");
    fed.home().write(
        ".aws/config",
        "[default]\nregion = us-east-1\n[profile prod-admin]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n",
    );
    let out = fed.run_blocking(&["url", "prod-admn"]);
    assert_failure(
        &out,
        2,
        "the profile prod-admn is not in the AWS config files",
    )
    .hint_says("did you mean prod-admin?");
    let out = fed.run_blocking(&["url", "extra"]);
    assert_failure(&out, 2, "the profile extra is not in the AWS config files");
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

/// A browser that fails is named with its exit status, and the URL is not lost: it goes to
/// stdout as without `--open`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_browser_leaves_the_url_on_stdout() {
    let stack = start_stack().await;
    let role_arn = create_role(&stack, "fed-e2e-open-fails").await;
    let out = Fed::on(&stack)
        .env("BROWSER", "false")
        .run(&[
            "url",
            "--open",
            "--open-direct",
            "--role-arn",
            role_arn.as_str(),
        ])
        .await;
    assert_success(&out);
    let err = stderr(&out);
    assert!(
        err.contains("BROWSER command \"false\" failed with exit status: 1"),
        "{err}"
    );
    let landed = follow(&the_url(&out)).await;
    assert!(
        landed.contains("assumed-role/fed-e2e-open-fails/"),
        "{landed}"
    );
}
