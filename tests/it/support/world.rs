//! The world of the tests of profiles, the picker and the portal: a temporary HOME with real
//! AWS config and credentials files (role chains, `credential_process`, MFA, IAM Identity
//! Center, console defaults, broken profiles) and a local stack with the users, roles and MFA
//! device they name.

use std::path::PathBuf;

use fed_local::fixtures::{MfaDevice, trusting};
use fed_local::{LocalStack, Service};
use serde_json::json;

use super::{Fed, Home};

/// The account of every identity of the stack.
pub(crate) const ACCOUNT: &str = "123456789012";

/// A temporary HOME with AWS config files, and a stack with the users and roles they name.
pub(crate) struct World {
    pub(crate) stack: LocalStack,
    pub(crate) home: Home,
    pub(crate) mfa: MfaDevice,
    /// Long-term keys of `envuser`, for the environment.
    pub(crate) env_keys: (String, String),
}

/// The ARN of the IAM `resource` (`role/admin`, `user/keyuser`) in [`ACCOUNT`].
pub(crate) fn arn(resource: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{resource}")
}

/// The ARN of the role session `name` of `role`.
pub(crate) fn session(role: &str, name: &str) -> String {
    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{name}")
}

impl World {
    pub(crate) async fn new() -> World {
        let stack = LocalStack::start().await.expect("the local stack starts");
        let home = Home::new();
        let keys = stack.create_user("keyuser").await.expect("keyuser");
        let alice = stack.create_user("alice").await.expect("alice");
        let env = stack.create_user("envuser").await.expect("envuser");
        let mfa = stack.enable_mfa("alice").await.expect("MFA");
        let role = |name: &'static str, trust: serde_json::Value| {
            let stack = &stack;
            async move {
                stack
                    .create_role(name, &trust, Some(43_200))
                    .await
                    .expect("role")
            }
        };
        role("admin", trusting(&arn("user/keyuser"))).await;
        role("second", trusting(&arn("role/admin"))).await;
        role(
            "guarded",
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}),
        )
        .await;

        let runs = home.path().join("process-runs");
        let keys_json = home.write(
            "keys.json",
            &json!({"Version": 1, "AccessKeyId": keys.access_key_id(),
                   "SecretAccessKey": keys.secret_access_key()})
            .to_string(),
        );
        let portal = stack.portal().config();
        let config = format!(
            "[profile admin]\n\
             role_arn = {admin}\n\
             source_profile = keys\n\
             role_session_name = alice-admin\n\
             region = eu-west-1\n\
             \n\
             [profile second]\n\
             role_arn = {second}\n\
             source_profile = admin\n\
             role_session_name = alice-second\n\
             \n\
             [profile long]\n\
             role_arn = {admin}\n\
             source_profile = keys\n\
             role_session_name = alice-long\n\
             duration_seconds = 7200\n\
             \n\
             [profile consoled]\n\
             role_arn = {admin}\n\
             source_profile = keys\n\
             role_session_name = alice-consoled\n\
             fed_service = ec2\n\
             fed_region = eu-central-1\n\
             fed_duration = 2h\n\
             \n\
             [profile badconsole]\n\
             role_arn = {admin}\n\
             source_profile = keys\n\
             fed_region = Mars\n\
             \n\
             [profile proc]\n\
             credential_process = sh -c 'echo run >> {runs}; cat {keys_json}'\n\
             \n\
             [profile proc-admin]\n\
             role_arn = {admin}\n\
             source_profile = proc\n\
             role_session_name = alice-proc\n\
             \n\
             [profile procfail]\n\
             credential_process = sh -c 'printf \"token \\033[31mexpired\\n\" >&2; exit 3'\n\
             \n\
             [profile guarded]\n\
             role_arn = {guarded}\n\
             source_profile = alice\n\
             mfa_serial = {serial}\n\
             role_session_name = alice-mfa\n\
             \n\
             [profile broken]\n\
             role_arn = {admin}\n\
             source_profile = nowhere\n\
             \n\
             [profile sso]\n\
             sso_session = fed\n\
             sso_account_id = {ACCOUNT}\n\
             sso_role_name = ReadOnlyAccess\n\
             \n\
             [profile sso-role]\n\
             role_arn = {admin}\n\
             source_profile = sso\n\
             \n\
             [profile sso-half]\n\
             sso_session = fed\n\
             sso_role_name = ReadOnlyAccess\n\
             \n\
             [sso-session fed]\n\
             sso_start_url = {start_url}\n\
             sso_region = {sso_region}\n\
             sso_registration_scopes = sso:account:access\n",
            admin = arn("role/admin"),
            second = arn("role/second"),
            guarded = arn("role/guarded"),
            serial = mfa.serial,
            runs = runs.display(),
            keys_json = keys_json.display(),
            start_url = portal.start_url,
            sso_region = portal.region,
        );
        home.write("config", &config);
        let credentials = format!(
            "[keys]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n\
             [alice]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            keys.access_key_id(),
            keys.secret_access_key(),
            alice.access_key_id(),
            alice.secret_access_key(),
        );
        home.write("credentials", &credentials);
        World {
            stack,
            home,
            mfa,
            env_keys: (
                env.access_key_id().to_owned(),
                env.secret_access_key().to_owned(),
            ),
        }
    }

    /// Adds `sections` to the end of the config file.
    pub(crate) fn add_profiles(&self, sections: &str) {
        let mut config = std::fs::read_to_string(self.home.config()).expect("the config file");
        config.push('\n');
        config.push_str(sections);
        self.home.write("config", &config);
    }

    /// The file the `proc` profile's `credential_process` adds a line to at each run.
    pub(crate) fn runs_file(&self) -> PathBuf {
        self.home.path().join("process-runs")
    }

    /// `fed` with the config files and the stack's endpoints, and no region or credentials in
    /// the environment.
    pub(crate) fn fed(&self) -> Fed {
        Fed::new().in_home(&self.home).endpoints(&self.stack)
    }

    /// The ARN boto3 resolves for `profile` with the same files and endpoints.
    pub(crate) async fn boto3_arn(&self, profile: &str, env: &[(&str, &str)]) -> String {
        let python = fed_local::moto::python().expect("moto's venv");
        let mut boto3 = self
            .fed()
            .envs(env)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .wrapper(python);
        boto3.args([
            "-c",
            "import sys, boto3; print(boto3.Session(profile_name=sys.argv[1]).client('sts').get_caller_identity()['Arn'])",
            profile,
        ]);
        let out = tokio::process::Command::from(boto3)
            .output()
            .await
            .expect("python runs");
        assert!(
            out.status.success(),
            "boto3 failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    pub(crate) fn count(&self, service: Service, action: &str) -> usize {
        self.stack.log().count(service, action)
    }

    /// The `SessionDuration` of each getSigninToken call, in order.
    pub(crate) fn session_durations(&self) -> Vec<Option<String>> {
        self.stack
            .log()
            .calls(Service::Signin, "getSigninToken")
            .iter()
            .map(|c| c.param("SessionDuration").map(str::to_owned))
            .collect()
    }
}
