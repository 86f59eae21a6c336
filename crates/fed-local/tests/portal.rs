//! The IAM Identity Center portal with real clients: the AWS SDK for Rust and boto3 read the
//! token cache the login helper writes, get role credentials from the portal through
//! `AWS_ENDPOINT_URL_SSO` and call STS through the gate; the federation emulator signs those
//! credentials in; tokens and assignments are checked as AWS checks them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::BehaviorVersion;
use fed_local::{CallerKind, LocalStack, Options, PermissionSet, PortalConfig, Service, SsoLogin};
use reqwest::StatusCode;
use url::Url;

/// The SHA-1 of `fed`: the cache file name of `[sso-session fed]`.
const SESSION_CACHE: &str = "8d0ea520e285791381ab3f7bea5a5a6a0811888c";
/// The SHA-1 of the default start URL: the cache file name of legacy profiles.
const LEGACY_CACHE: &str = "aeeacd82bdb72083931e1903040e628482ed8aec";

/// A temporary home directory, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new() -> Home {
        let dir = std::env::temp_dir().join(format!(
            "fed-portal-test-{}-{:016x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(dir.join(".aws")).expect("temporary home");
        Home(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn config_file(&self) -> PathBuf {
        self.0.join(".aws").join("config")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `~/.aws/config` with `[sso-session fed]`, the profile `sso` using it for
/// ReadOnlyAccess and the legacy profile `legacy` for AdministratorAccess.
fn write_config(home: &Home, stack: &LocalStack) {
    let portal = stack.portal().config();
    let (start_url, region, account) = (&portal.start_url, &portal.region, &portal.account_id);
    let text = format!(
        "[sso-session fed]\n\
         sso_start_url = {start_url}\n\
         sso_region = {region}\n\
         sso_registration_scopes = sso:account:access\n\
         \n\
         [profile sso]\n\
         sso_session = fed\n\
         sso_account_id = {account}\n\
         sso_role_name = ReadOnlyAccess\n\
         region = us-east-1\n\
         \n\
         [profile legacy]\n\
         sso_start_url = {start_url}\n\
         sso_region = {region}\n\
         sso_account_id = {account}\n\
         sso_role_name = AdministratorAccess\n\
         region = us-east-1\n"
    );
    std::fs::write(home.config_file(), text).expect("write ~/.aws/config");
}

/// The environment of a client process: the home, its config file, the stack's endpoints and
/// no credentials.
fn client_env(home: &Home, stack: &LocalStack) -> Vec<(&'static str, String)> {
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    vec![
        ("HOME", path(home.path().to_path_buf())),
        ("AWS_CONFIG_FILE", path(home.config_file())),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            path(home.0.join(".aws").join("credentials")),
        ),
        ("AWS_ENDPOINT_URL", stack.endpoint_url().to_owned()),
        ("AWS_ENDPOINT_URL_SSO", stack.sso_endpoint_url().to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]
}

/// The ARN GetCallerIdentity reports for the portal's user in the role of `permission_set`.
fn expected_arn(stack: &LocalStack, permission_set: &str) -> String {
    let suffix = stack.portal().role_suffix();
    assert_eq!(suffix.len(), 16, "{suffix}");
    assert!(
        suffix
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{suffix}"
    );
    format!("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_{permission_set}_{suffix}/alice")
}

/// The AWS SDK for Rust with `profile`, in the environment of a client process:
/// GetCallerIdentity's ARN, or the error.
async fn sdk_caller_arn(home: &Home, stack: &LocalStack, profile: &str) -> Result<String, String> {
    let vars = client_env(home, stack);
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .env(aws_types::os_shim_internal::Env::from_slice(&pairs))
        .profile_name(profile)
        .load()
        .await;
    aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .map(|out| out.arn().unwrap_or_default().to_owned())
        .map_err(|err| aws_sdk_sts::error::DisplayErrorContext(&err).to_string())
}

/// Runs boto3 with each profile: `{profile} arn {ARN}` or
/// `{profile} error {exception} {error code of the underlying ClientError} {message}` lines.
async fn boto3(home: &Home, stack: &LocalStack, profiles: &[&str]) -> Vec<String> {
    const SCRIPT: &str = r#"
import sys
import boto3
for profile in sys.argv[1:]:
    try:
        arn = boto3.Session(profile_name=profile).client("sts").get_caller_identity()["Arn"]
        print(profile, "arn", arn)
    except Exception as error:
        cause = error.__context__
        code = getattr(cause, "response", {}).get("Error", {}).get("Code", "-")
        message = str(error).replace("\n", " ")
        print(profile, "error", type(error).__name__, code, message)
"#;
    let python = fed_local::moto::python().expect("moto's venv has a Python");
    let output = tokio::process::Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .args(profiles)
        .env_clear()
        .envs(client_env(home, stack))
        .output()
        .await
        .expect("boto3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.lines().map(str::to_owned).collect()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// A portal request: `path` with `query`, the token (if any) in its header.
async fn portal_request(
    stack: &LocalStack,
    method: reqwest::Method,
    path: &str,
    query: &[(&str, &str)],
    token: Option<&str>,
) -> reqwest::Response {
    let mut url = Url::parse(&format!("{}{path}", stack.sso_endpoint_url())).expect("URL");
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    let mut request = http().request(method, url);
    if let Some(token) = token {
        request = request.header("x-amz-sso_bearer_token", token);
    }
    request.send().await.expect("the portal answers")
}

/// GetRoleCredentials over HTTP: the status, the `x-amzn-errortype` header and the body.
async fn get_role_credentials(
    stack: &LocalStack,
    token: Option<&str>,
    account: &str,
    role: &str,
) -> (StatusCode, Option<String>, String) {
    let response = portal_request(
        stack,
        reqwest::Method::GET,
        "/federation/credentials",
        &[("account_id", account), ("role_name", role)],
        token,
    )
    .await;
    let status = response.status();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, error_type, response.text().await.expect("body"))
}

/// The JSON body of a 200 answer.
async fn json_of(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).expect("JSON")
}

fn now_millis() -> i64 {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    i64::try_from(millis).expect("milliseconds fit")
}

/// The SDK with an `sso_session` profile: the token cache file is where and what the AWS CLI
/// writes, the SDK gets ReadOnlyAccess credentials from the portal once, and the gate reports
/// the Identity Center role session.
#[tokio::test]
async fn sdk_signs_in_with_an_sso_session_profile() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let home = Home::new();
    write_config(&home, &stack);
    let token = stack
        .portal()
        .login(home.path(), SsoLogin::session("fed"))
        .expect("login");

    let cache = home
        .path()
        .join(format!(".aws/sso/cache/{SESSION_CACHE}.json"));
    assert_eq!(token.cache_file(), cache);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).expect("cache file")).expect("JSON");
    assert_eq!(file["startUrl"], "https://fed-local.awsapps.com/start");
    assert_eq!(file["region"], "us-east-1");
    assert_eq!(file["accessToken"], token.access_token());
    let expires_at = file["expiresAt"].as_str().expect("expiresAt");
    assert!(
        expires_at.len() == 20 && expires_at.ends_with('Z') && expires_at.as_bytes()[10] == b'T',
        "{expires_at}"
    );
    for field in [
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        assert!(file[field].is_string(), "{field} missing: {file}");
    }

    let arn = sdk_caller_arn(&home, &stack, "sso").await;
    assert_eq!(arn, Ok(expected_arn(&stack, "ReadOnlyAccess")));

    let calls = stack.log().calls(Service::Sso, "GetRoleCredentials");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].status, 200);
    assert_eq!(calls[0].caller, CallerKind::SsoToken);
    assert_eq!(calls[0].param("role_name"), Some("ReadOnlyAccess"));
    assert_eq!(calls[0].param("account_id"), Some("123456789012"));
    let sts = stack.log().calls(Service::Sts, "GetCallerIdentity");
    assert_eq!(sts.len(), 1, "{sts:?}");
    assert_eq!(sts[0].caller, CallerKind::IdentityCenter);
    let logged = format!("{:?}", stack.log().entries());
    assert!(
        !logged.contains(token.access_token()),
        "the token was logged"
    );

    let role_name = stack.portal().role_name("ReadOnlyAccess");
    let role = aws_sdk_iam::Client::new(&stack.aws().sdk_config().await)
        .get_role()
        .role_name(&role_name)
        .send()
        .await
        .expect("the role exists in moto");
    let role = role.role().expect("role");
    assert_eq!(role.path(), "/aws-reserved/sso.amazonaws.com/");
    assert_eq!(
        role.arn(),
        format!("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/{role_name}")
    );
}

/// boto3, the reference client, with the `sso_session` profile and a legacy `sso_start_url`
/// profile, each logged in with the helper.
#[tokio::test]
async fn boto3_signs_in_with_session_and_legacy_profiles() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let home = Home::new();
    write_config(&home, &stack);
    let portal = stack.portal();
    portal
        .login(home.path(), SsoLogin::session("fed"))
        .expect("login");
    let legacy = portal
        .login(home.path(), SsoLogin::legacy(&portal.config().start_url))
        .expect("legacy login");
    assert_eq!(
        legacy.cache_file(),
        home.path()
            .join(format!(".aws/sso/cache/{LEGACY_CACHE}.json"))
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(legacy.cache_file()).expect("cache"))
            .expect("JSON");
    let keys: Vec<&str> = file
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "{file}");
    for key in ["startUrl", "region", "accessToken", "expiresAt"] {
        assert!(keys.contains(&key), "{file}");
    }

    let lines = boto3(&home, &stack, &["sso", "legacy"]).await;
    assert_eq!(
        lines,
        [
            format!("sso arn {}", expected_arn(&stack, "ReadOnlyAccess")),
            format!("legacy arn {}", expected_arn(&stack, "AdministratorAccess")),
        ]
    );
    let calls = stack.log().calls(Service::Sso, "GetRoleCredentials");
    let roles: Vec<_> = calls.iter().map(|c| c.param("role_name")).collect();
    assert_eq!(
        roles,
        [Some("ReadOnlyAccess"), Some("AdministratorAccess")],
        "{calls:?}"
    );
    assert!(calls.iter().all(|c| c.status == 200), "{calls:?}");
}

/// A token the cache file calls valid but the portal has expired: the SDK and boto3 get
/// UnauthorizedException from GetRoleCredentials. An expired cache file stops boto3 before it
/// calls the portal. A bogus or missing token gets AWS's exact 401.
#[tokio::test]
async fn expired_and_bogus_tokens_are_unauthorized() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let home = Home::new();
    write_config(&home, &stack);
    let portal = stack.portal();
    let token = portal
        .login(home.path(), SsoLogin::session("fed").expired_on_portal())
        .expect("login");
    assert!(token.expires_at() > SystemTime::now() + Duration::from_secs(7 * 3600));
    let legacy = portal
        .login(
            home.path(),
            SsoLogin::legacy(&portal.config().start_url).expired(),
        )
        .expect("legacy login");
    assert!(legacy.expires_at() < SystemTime::now());

    let error = sdk_caller_arn(&home, &stack, "sso")
        .await
        .expect_err("the portal expired the token");
    assert!(error.contains("UnauthorizedException"), "{error}");
    assert!(
        error.contains("Session token not found or invalid"),
        "{error}"
    );

    let lines = boto3(&home, &stack, &["sso", "legacy"]).await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("sso error UnauthorizedSSOTokenError UnauthorizedException "),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("legacy error UnauthorizedSSOTokenError - "),
        "{lines:?}"
    );

    let calls = stack.log().calls(Service::Sso, "GetRoleCredentials");
    assert_eq!(calls.len(), 2, "{calls:?}");
    for call in &calls {
        assert_eq!(call.status, 401);
        assert_eq!(call.caller, CallerKind::Unknown);
        assert_eq!(call.error.as_deref(), Some("UnauthorizedException"));
    }
    assert_eq!(stack.log().count(Service::Sts, "GetCallerIdentity"), 0);

    let body = r#"{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#;
    for bogus in [Some("aoaBogusToken"), None] {
        let answer = get_role_credentials(&stack, bogus, "123456789012", "ReadOnlyAccess").await;
        assert_eq!(
            answer,
            (
                StatusCode::UNAUTHORIZED,
                Some("UnauthorizedException".to_owned()),
                body.to_owned()
            )
        );
    }
}

/// Identity Center role credentials sign in at the federation emulator, which sees an Identity
/// Center session, and its console page shows the AWSReservedSSO assumed-role ARN.
#[tokio::test]
async fn federation_emulator_signs_in_identity_center_credentials() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let home = Home::new();
    let token = stack
        .portal()
        .login(home.path(), SsoLogin::session("fed"))
        .expect("login");
    let (status, _, body) = get_role_credentials(
        &stack,
        Some(token.access_token()),
        "123456789012",
        "AdministratorAccess",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let credentials = &json["roleCredentials"];
    let expiration = credentials["expiration"].as_i64().expect("epoch millis");
    let in_an_hour = now_millis() + 3_600_000;
    assert!((expiration - in_an_hour).abs() < 60_000, "{expiration}");

    let session = serde_json::json!({
        "sessionId": credentials["accessKeyId"],
        "sessionKey": credentials["secretAccessKey"],
        "sessionToken": credentials["sessionToken"],
    })
    .to_string();
    let response = http()
        .post(stack.federation_url())
        .form(&[
            ("Action", "getSigninToken"),
            ("SessionType", "json"),
            ("Session", session.as_str()),
        ])
        .send()
        .await
        .expect("emulator answers");
    assert_eq!(response.status(), StatusCode::OK);
    let json: serde_json::Value =
        serde_json::from_str(&response.text().await.expect("body")).expect("JSON");
    let signin_token = json["SigninToken"].as_str().expect("SigninToken");
    let signin = stack.log().calls(Service::Signin, "getSigninToken");
    assert_eq!(signin.len(), 1, "{signin:?}");
    assert_eq!(signin[0].caller, CallerKind::IdentityCenter);

    let mut login = stack.federation_url();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Destination", "https://console.aws.amazon.com/")
        .append_pair("SigninToken", signin_token);
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
    let arn = expected_arn(&stack, "AdministratorAccess");
    assert!(page.contains(&arn), "{arn} not in {page}");
}

/// A role or an account that is not assigned gets AWS's 403 ForbiddenException.
#[tokio::test]
async fn unassigned_roles_and_accounts_are_forbidden() {
    let stack = LocalStack::start().await.expect("local stack starts");
    let home = Home::new();
    let token = stack
        .portal()
        .login(home.path(), SsoLogin::session("fed"))
        .expect("login");
    let forbidden = (
        StatusCode::FORBIDDEN,
        Some("ForbiddenException".to_owned()),
        r#"{"message":"No access","__type":"com.amazonaws.switchboard.portal#ForbiddenException"}"#
            .to_owned(),
    );
    let token = Some(token.access_token());
    for (account, role) in [
        ("123456789012", "PowerUserAccess"),
        ("210987654321", "ReadOnlyAccess"),
    ] {
        let answer = get_role_credentials(&stack, token, account, role).await;
        assert_eq!(answer, forbidden, "{account} {role}");
    }
    let calls = stack.log().calls(Service::Sso, "GetRoleCredentials");
    assert_eq!(calls.len(), 2, "{calls:?}");
    for call in &calls {
        assert_eq!(call.status, 403);
        assert_eq!(call.caller, CallerKind::SsoToken);
        assert_eq!(call.error.as_deref(), Some("ForbiddenException"));
    }
    assert_eq!(calls[0].param("role_name"), Some("PowerUserAccess"));
    assert_eq!(calls[1].param("account_id"), Some("210987654321"));
}

/// ListAccounts and ListAccountRoles show the configured assignments, a permission set's
/// session duration sets the credentials' expiration, and Logout ends the token.
#[tokio::test]
async fn assignments_durations_and_logout() {
    let portal = PortalConfig::new()
        .user_name("bob")
        .account_name("sandbox")
        .permission_set(PermissionSet::new("Deploy").session_duration(Duration::from_secs(7200)));
    let stack = LocalStack::start_with(Options::new().portal(portal))
        .await
        .expect("local stack starts");
    let home = Home::new();
    let token = stack
        .portal()
        .login(home.path(), SsoLogin::session("fed"))
        .expect("login");
    let token = Some(token.access_token());
    let get = reqwest::Method::GET;

    let accounts =
        json_of(portal_request(&stack, get.clone(), "/assignment/accounts", &[], token).await)
            .await;
    assert_eq!(
        accounts,
        serde_json::json!({"accountList": [{
            "accountId": "123456789012",
            "accountName": "sandbox",
            "emailAddress": stack.portal().config().email_address,
        }]})
    );
    let roles = json_of(
        portal_request(
            &stack,
            get.clone(),
            "/assignment/roles",
            &[("account_id", "123456789012")],
            token,
        )
        .await,
    )
    .await;
    let names: Vec<&str> = roles["roleList"]
        .as_array()
        .expect("roleList")
        .iter()
        .map(|role| {
            assert_eq!(role["accountId"], "123456789012");
            role["roleName"].as_str().expect("roleName")
        })
        .collect();
    assert_eq!(names, ["AdministratorAccess", "ReadOnlyAccess", "Deploy"]);

    let (status, _, body) = get_role_credentials(&stack, token, "123456789012", "Deploy").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let credentials = &json["roleCredentials"];
    let expiration = credentials["expiration"].as_i64().expect("epoch millis");
    assert!(
        (expiration - (now_millis() + 7_200_000)).abs() < 60_000,
        "{expiration}"
    );
    let key = credentials["accessKeyId"].as_str().expect("accessKeyId");
    let identity = stack
        .identities()
        .get(key)
        .expect("the stack knows the key");
    assert_eq!(identity.kind, CallerKind::IdentityCenter);
    let suffix = stack.portal().role_suffix();
    assert_eq!(
        identity.arn.to_string(),
        format!("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deploy_{suffix}/bob")
    );
    assert_eq!(
        identity.role_arn.map(|arn| arn.to_string()),
        Some(format!(
            "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Deploy_{suffix}"
        ))
    );

    let logout = portal_request(&stack, reqwest::Method::POST, "/logout", &[], token).await;
    assert_eq!(logout.status(), StatusCode::OK);
    let after = portal_request(&stack, get, "/assignment/accounts", &[], token).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);

    let log = stack.log();
    let actions: Vec<(String, u16)> = log
        .entries()
        .into_iter()
        .filter(|e| e.service == Service::Sso)
        .map(|e| (e.action, e.status))
        .collect();
    let expected = [
        ("ListAccounts", 200),
        ("ListAccountRoles", 200),
        ("GetRoleCredentials", 200),
        ("Logout", 200),
        ("ListAccounts", 401),
    ];
    assert_eq!(
        actions,
        expected.map(|(action, status)| (action.to_owned(), status))
    );
}
