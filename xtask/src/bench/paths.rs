//! The credential paths of `cargo xtask bench url`: what each needs in the stack and in the
//! temporary HOME, how `fed url` is run for it, and its floor.
//!
//! | path | fed is run as | the floor, in sequence |
//! |---|---|---|
//! | `role-from-keys` | `fed url --role-arn ROLE --session-name bench`, long-term keys in the environment | AssumeRole, getSigninToken |
//! | `role-profile` | `fed url role`: `role_arn`, `source_profile = keys` (long-term keys in the credentials file) | AssumeRole, getSigninToken |
//! | `two-hop-profile` | `fed url second`: a second role with `source_profile = role` | AssumeRole, AssumeRole, getSigninToken |
//! | `sso-profile` | `fed url sso`: an `sso_session` profile, logged in | GetRoleCredentials, then getSigninToken with GetCallerIdentity alongside |
//! | `env-session` | `fed url`, AssumeRole credentials in the environment | getSigninToken with GetCallerIdentity alongside |
//!
//! Both roles allow a session of up to 12 hours; the first trusts the stack's IAM user, the
//! second the first. The `sso-profile` floor makes GetCallerIdentity because fed reports the
//! principal, which the role credentials do not name; it needs nothing from getSigninToken's
//! answer, so it runs alongside it. So does the `env-session` floor: with no session length
//! asked for, nothing of the sign-in depends on what GetCallerIdentity says the credentials are
//! (only a length asked for does: whether `SessionDuration` may be sent).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use fed_aws::{AssumeRoleRequest, Sts as _, StsClient};
use fed_core::{Credentials, RoleSessionName};
use fed_local::fixtures::trusting;
use fed_local::{LocalStack, SsoLogin};

/// The role session name of every AssumeRole, fed's and the floor's.
pub(super) const SESSION_NAME: &str = "bench";

/// The `[sso-session]` of the `sso` profile.
pub(super) const SSO_SESSION: &str = "fed";

/// The permission set of the `sso` profile.
const SSO_ROLE_NAME: &str = "ReadOnlyAccess";

/// The roles, made through the gate with the stack's fixtures.
const ROLE: &str = "fed-bench";
const SECOND_ROLE: &str = "fed-bench-second";

/// The roles' MaxSessionDuration: 12 hours.
const MAX_SESSION_SECONDS: u32 = 43_200;

/// One way to the console that `cargo xtask bench url` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CredentialPath {
    /// `--role-arn` with long-term keys in the environment.
    RoleFromKeys,
    /// A profile with `role_arn` and `source_profile` naming long-term keys.
    RoleProfile,
    /// A profile whose `source_profile` is itself a role profile.
    TwoHopProfile,
    /// An IAM Identity Center (`sso_session`) profile.
    SsoProfile,
    /// Role session credentials in the environment.
    EnvSession,
}

impl CredentialPath {
    /// Every path, in the order they are timed and reported.
    pub(super) const ALL: [CredentialPath; 5] = [
        CredentialPath::RoleFromKeys,
        CredentialPath::RoleProfile,
        CredentialPath::TwoHopProfile,
        CredentialPath::SsoProfile,
        CredentialPath::EnvSession,
    ];

    /// The path's name in the report.
    pub(super) fn name(self) -> &'static str {
        match self {
            CredentialPath::RoleFromKeys => "role-from-keys",
            CredentialPath::RoleProfile => "role-profile",
            CredentialPath::TwoHopProfile => "two-hop-profile",
            CredentialPath::SsoProfile => "sso-profile",
            CredentialPath::EnvSession => "env-session",
        }
    }

    /// The path named `name`.
    pub(super) fn from_name(name: &str) -> Option<CredentialPath> {
        CredentialPath::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The arguments of `fed` for this path.
    pub(super) fn fed_args(self, fixtures: &Fixtures) -> Vec<String> {
        let args: &[&str] = match self {
            CredentialPath::RoleFromKeys => &[
                "url",
                "--role-arn",
                fixtures.role_arn.as_str(),
                "--session-name",
                SESSION_NAME,
            ],
            CredentialPath::RoleProfile => &["url", "role"],
            CredentialPath::TwoHopProfile => &["url", "second"],
            CredentialPath::SsoProfile => &["url", "sso"],
            CredentialPath::EnvSession => &["url"],
        };
        args.iter().map(|&arg| arg.to_owned()).collect()
    }

    /// The credentials put into fed's environment for this path, if any.
    pub(super) fn environment_credentials(self, fixtures: &Fixtures) -> Option<&Credentials> {
        match self {
            CredentialPath::RoleFromKeys => Some(&fixtures.keys),
            CredentialPath::EnvSession => Some(&fixtures.session),
            _ => None,
        }
    }

    /// The floor's requests, as the report shows them: `→` in sequence, `∥` alongside.
    pub(super) fn floor_requests(self) -> &'static str {
        match self {
            CredentialPath::RoleFromKeys | CredentialPath::RoleProfile => {
                "AssumeRole → getSigninToken"
            }
            CredentialPath::TwoHopProfile => "AssumeRole → AssumeRole → getSigninToken",
            CredentialPath::SsoProfile => "GetRoleCredentials → getSigninToken ∥ GetCallerIdentity",
            CredentialPath::EnvSession => "getSigninToken ∥ GetCallerIdentity",
        }
    }

    /// How many requests the floor makes one after the other: its time is at least this many
    /// times the latency.
    pub(super) fn sequential_requests(self) -> u32 {
        match self {
            CredentialPath::TwoHopProfile => 3,
            CredentialPath::EnvSession => 1,
            _ => 2,
        }
    }
}

/// The identity center settings of the `sso` profile.
#[derive(Debug, Clone)]
pub(super) struct SsoProfile {
    pub(super) start_url: String,
    pub(super) region: String,
    pub(super) account_id: String,
    pub(super) role_name: String,
}

/// What the paths use: the stack user's long-term keys, the two roles, role session
/// credentials for `env-session`, and the portal's settings for `sso-profile`.
#[derive(Debug, Clone)]
pub(super) struct Fixtures {
    pub(super) keys: Credentials,
    pub(super) session: Credentials,
    pub(super) role_arn: String,
    pub(super) second_role_arn: String,
    pub(super) sso: SsoProfile,
}

impl Fixtures {
    /// Creates the roles and the role session in `stack`.
    pub(super) async fn create(stack: &LocalStack) -> anyhow::Result<Fixtures> {
        let user = stack.user_arn().to_string();
        let role_arn = stack
            .create_role(ROLE, &trusting(&user), Some(MAX_SESSION_SECONDS))
            .await?;
        let second_role_arn = stack
            .create_role(SECOND_ROLE, &trusting(&role_arn), Some(MAX_SESSION_SECONDS))
            .await?;
        tell!("created the roles {role_arn} and {second_role_arn}");
        let sts = StsClient::new(&stack.sdk_config().await);
        let assumed = sts
            .assume_role(&AssumeRoleRequest::new(
                role_arn.parse()?,
                RoleSessionName::new(SESSION_NAME)?,
            ))
            .await
            .context("cannot assume the bench role for env-session")?;
        let portal = stack.portal().config();
        Ok(Fixtures {
            keys: fed_aws::from_sdk_credentials(&stack.credentials()),
            session: assumed.credentials,
            role_arn,
            second_role_arn,
            sso: SsoProfile {
                start_url: portal.start_url.clone(),
                region: portal.region.clone(),
                account_id: portal.account_id.clone(),
                role_name: SSO_ROLE_NAME.to_owned(),
            },
        })
    }

    /// The environment that hands these fixtures to the floor process.
    pub(super) fn to_env(&self) -> Vec<(&'static str, String)> {
        let token = self.session.session_token().unwrap_or_default();
        vec![
            (env::KEY_ID, self.keys.access_key_id().to_owned()),
            (env::SECRET, self.keys.secret_access_key().to_owned()),
            (env::SESSION_KEY_ID, self.session.access_key_id().to_owned()),
            (
                env::SESSION_SECRET,
                self.session.secret_access_key().to_owned(),
            ),
            (env::SESSION_TOKEN, token.to_owned()),
            (env::ROLE_ARN, self.role_arn.clone()),
            (env::SECOND_ROLE_ARN, self.second_role_arn.clone()),
            (env::SSO_START_URL, self.sso.start_url.clone()),
            (env::SSO_REGION, self.sso.region.clone()),
            (env::SSO_ACCOUNT_ID, self.sso.account_id.clone()),
            (env::SSO_ROLE_NAME, self.sso.role_name.clone()),
        ]
    }

    /// The fixtures [`Fixtures::to_env`] handed to this process.
    pub(super) fn from_env() -> anyhow::Result<Fixtures> {
        Ok(Fixtures {
            keys: Credentials::new(var(env::KEY_ID)?, var(env::SECRET)?, None, None),
            session: Credentials::new(
                var(env::SESSION_KEY_ID)?,
                var(env::SESSION_SECRET)?,
                Some(var(env::SESSION_TOKEN)?),
                None,
            ),
            role_arn: var(env::ROLE_ARN)?,
            second_role_arn: var(env::SECOND_ROLE_ARN)?,
            sso: SsoProfile {
                start_url: var(env::SSO_START_URL)?,
                region: var(env::SSO_REGION)?,
                account_id: var(env::SSO_ACCOUNT_ID)?,
                role_name: var(env::SSO_ROLE_NAME)?,
            },
        })
    }
}

/// The variables through which the floor process gets the fixtures.
mod env {
    pub(super) const KEY_ID: &str = "FED_BENCH_KEY_ID";
    pub(super) const SECRET: &str = "FED_BENCH_SECRET";
    pub(super) const SESSION_KEY_ID: &str = "FED_BENCH_SESSION_KEY_ID";
    pub(super) const SESSION_SECRET: &str = "FED_BENCH_SESSION_SECRET";
    pub(super) const SESSION_TOKEN: &str = "FED_BENCH_SESSION_TOKEN";
    pub(super) const ROLE_ARN: &str = "FED_BENCH_ROLE_ARN";
    pub(super) const SECOND_ROLE_ARN: &str = "FED_BENCH_SECOND_ROLE_ARN";
    pub(super) const SSO_START_URL: &str = "FED_BENCH_SSO_START_URL";
    pub(super) const SSO_REGION: &str = "FED_BENCH_SSO_REGION";
    pub(super) const SSO_ACCOUNT_ID: &str = "FED_BENCH_SSO_ACCOUNT_ID";
    pub(super) const SSO_ROLE_NAME: &str = "FED_BENCH_SSO_ROLE_NAME";
}

/// A variable that must be set.
pub(super) fn var(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("{name} is not set"))
}

/// A temporary HOME with `~/.aws/config`, `~/.aws/credentials` and a portal login in
/// `~/.aws/sso/cache/`; removed on drop.
#[derive(Debug)]
pub(super) struct Home(PathBuf);

impl Home {
    /// Writes the AWS config files for `fixtures` and logs in to `stack`'s portal.
    pub(super) fn create(stack: &LocalStack, fixtures: &Fixtures) -> anyhow::Result<Home> {
        let dir = std::env::temp_dir().join(format!("fed-bench-{}", std::process::id()));
        let home = Home(dir);
        std::fs::create_dir_all(home.aws_dir())?;
        let Fixtures {
            keys,
            role_arn,
            second_role_arn,
            sso,
            ..
        } = fixtures;
        let config = format!(
            "[profile role]\n\
             role_arn = {role_arn}\n\
             source_profile = keys\n\
             role_session_name = {SESSION_NAME}\n\
             \n\
             [profile second]\n\
             role_arn = {second_role_arn}\n\
             source_profile = role\n\
             role_session_name = {SESSION_NAME}\n\
             \n\
             [profile sso]\n\
             sso_session = {SSO_SESSION}\n\
             sso_account_id = {account_id}\n\
             sso_role_name = {role_name}\n\
             \n\
             [sso-session {SSO_SESSION}]\n\
             sso_start_url = {start_url}\n\
             sso_region = {sso_region}\n\
             sso_registration_scopes = sso:account:access\n",
            account_id = sso.account_id,
            role_name = sso.role_name,
            start_url = sso.start_url,
            sso_region = sso.region,
        );
        std::fs::write(home.config_file(), config)?;
        let credentials = format!(
            "[keys]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            keys.access_key_id(),
            keys.secret_access_key(),
        );
        std::fs::write(home.credentials_file(), credentials)?;
        stack
            .portal()
            .login(&home.0, SsoLogin::session(SSO_SESSION))?;
        Ok(home)
    }

    /// The directory.
    pub(super) fn path(&self) -> &Path {
        &self.0
    }

    fn aws_dir(&self) -> PathBuf {
        self.0.join(".aws")
    }

    /// `~/.aws/config`.
    pub(super) fn config_file(&self) -> PathBuf {
        self.aws_dir().join("config")
    }

    /// `~/.aws/credentials`.
    pub(super) fn credentials_file(&self) -> PathBuf {
        self.aws_dir().join("credentials")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The environment of every fed run and of the floor process: only the temporary HOME and its
/// config files, the stack's endpoints, region and certificate authority, and no instance
/// metadata. The credentials of a path and `--env` come on top.
pub(super) fn environment(
    stack: &LocalStack,
    home: &Home,
) -> anyhow::Result<Vec<(String, String)>> {
    let ca = stack
        .ca_bundle()
        .context("the stack serves plain http: it has no certificate authority")?;
    let path = |p: &Path| p.display().to_string();
    Ok([
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", path(home.path())),
        ("AWS_CONFIG_FILE", path(&home.config_file())),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            path(&home.credentials_file()),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_ENDPOINT_URL", stack.endpoint_url().to_owned()),
        ("AWS_ENDPOINT_URL_SSO", stack.sso_endpoint_url().to_owned()),
        ("AWS_REGION", stack.region().to_owned()),
        ("FED_SIGNIN_ENDPOINT", stack.federation_url().to_string()),
        ("SSL_CERT_FILE", path(ca)),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect())
}

/// The variables of `credentials` as the AWS CLI reads them from the environment.
pub(super) fn credentials_env(credentials: &Credentials) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "AWS_ACCESS_KEY_ID".to_owned(),
            credentials.access_key_id().to_owned(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY".to_owned(),
            credentials.secret_access_key().to_owned(),
        ),
    ];
    if let Some(token) = credentials.session_token() {
        env.push(("AWS_SESSION_TOKEN".to_owned(), token.to_owned()));
    }
    env
}
