//! The floor of each credential path: its fewest requests, made by clients created once, in a
//! process of their own.
//!
//! The floor runs in a separate process, `cargo xtask bench floor` (hidden), started once with
//! the fed runs' environment, because two of its clients take what they need from the process's
//! environment only: fed-signin's client trusts the certificates `SSL_CERT_FILE` names
//! (reqwest's platform verifier reads them when the client is built, and takes no certificate
//! otherwise), and aws-config's IAM Identity Center provider finds its token under `HOME` and
//! the portal at `AWS_ENDPOINT_URL_SSO`. The stack's certificate authority and ports exist only
//! once it is up, and the benchmark cannot change its own environment (`set_var` is unsafe,
//! which the workspace forbids). The floor process builds every client once, then times one
//! floor run each time the benchmark asks for one on its stdin, and answers on its stdout:
//!
//! ```text
//! > role-from-keys
//! < ok 101234567          (nanoseconds)
//! > sso-profile
//! < error …
//! ```
//!
//! Only the requests are timed, from the first request's start to the last answer.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use aws_config::provider_config::ProviderConfig;
use aws_config::sso::SsoCredentialsProvider;
use aws_config::{BehaviorVersion, ConfigLoader, Region};
use fed_aws::{AssumeRoleRequest, ConfigOptions, Sts as _, StsClient};
use fed_core::{Credentials, Partition, RoleSessionName};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::paths::{CredentialPath, Fixtures, SESSION_NAME, SSO_SESSION, var};

/// The clients of the floor, created once.
struct Floor {
    /// Signs with the long-term keys.
    keys: StsClient,
    /// Signs with the role session of `env-session`.
    session: StsClient,
    session_credentials: Credentials,
    /// Its credentials provider is the `sso` profile's: resolving it is GetRoleCredentials.
    sso: StsClient,
    signin: fed_signin::Client,
    role: AssumeRoleRequest,
    second_role: AssumeRoleRequest,
}

impl Floor {
    /// Creates the clients from this process's environment and the fixtures in it.
    async fn new() -> anyhow::Result<Floor> {
        let fixtures = Fixtures::from_env()?;
        let region = Region::new(var("AWS_REGION")?);
        let endpoint = var("AWS_ENDPOINT_URL")?;
        // One HTTP client for every SDK client, so that they share warm connections: an SDK
        // client built without one makes its own. fed-aws's sends https through the SDK's
        // default client, which trusts SSL_CERT_FILE.
        let http = fed_aws::load_sdk_config(&ConfigOptions::default())
            .await
            .http_client()
            .context("fed-aws gave the SDK no HTTP client")?;
        let loader = || -> ConfigLoader {
            aws_config::defaults(BehaviorVersion::latest())
                .empty_test_environment()
                .region(region.clone())
                .endpoint_url(&endpoint)
                .http_client(http.clone())
        };
        let keys = loader()
            .credentials_provider(fed_aws::to_sdk_credentials(&fixtures.keys))
            .load()
            .await;
        let keys = StsClient::new(&keys);
        let session = keys.with_credentials(&fixtures.session);
        // Found by its session name, the token is read from ~/.aws/sso/cache once and kept.
        let provider = SsoCredentialsProvider::builder()
            .configure(&ProviderConfig::without_region().with_http_client(http.clone()))
            .session_name(SSO_SESSION)
            .start_url(&fixtures.sso.start_url)
            .region(Region::new(fixtures.sso.region.clone()))
            .account_id(&fixtures.sso.account_id)
            .role_name(&fixtures.sso.role_name)
            .build();
        let sso = StsClient::new(&loader().credentials_provider(provider).load().await);
        let mut signin = fed_signin::Config::new(var("FED_SIGNIN_ENDPOINT")?.parse()?);
        signin.partition = Some(Partition::Aws);
        let session_name = RoleSessionName::new(SESSION_NAME)?;
        Ok(Floor {
            keys,
            session,
            session_credentials: fixtures.session,
            sso,
            signin: fed_signin::Client::new(signin)?,
            role: AssumeRoleRequest::new(fixtures.role_arn.parse()?, session_name.clone()),
            second_role: AssumeRoleRequest::new(fixtures.second_role_arn.parse()?, session_name),
        })
    }

    /// Makes the floor's requests of `path` once; returns how long they took.
    async fn once(&self, path: CredentialPath) -> anyhow::Result<Duration> {
        let started = Instant::now();
        match path {
            CredentialPath::RoleFromKeys | CredentialPath::RoleProfile => {
                let role = self.keys.assume_role(&self.role).await?;
                self.signin_token(&role.credentials).await?;
            }
            CredentialPath::TwoHopProfile => {
                let role = self.keys.assume_role(&self.role).await?;
                let second = self
                    .keys
                    .with_credentials(&role.credentials)
                    .assume_role(&self.second_role)
                    .await?;
                self.signin_token(&second.credentials).await?;
            }
            CredentialPath::SsoProfile => {
                // StsClient::credentials resolves the provider itself, uncached.
                let credentials = self.sso.credentials().await?;
                let caller = self.keys.with_credentials(&credentials);
                let (identity, token) =
                    tokio::join!(caller.caller_identity(), self.signin_token(&credentials));
                identity?;
                token?;
            }
            CredentialPath::EnvSession => {
                let (identity, token) = tokio::join!(
                    self.session.caller_identity(),
                    self.signin_token(&self.session_credentials)
                );
                identity?;
                token?;
            }
        }
        Ok(started.elapsed())
    }

    /// getSigninToken for `credentials`, without `SessionDuration`.
    async fn signin_token(&self, credentials: &Credentials) -> anyhow::Result<()> {
        let request = fed_signin::TokenRequest::new(credentials);
        self.signin.get_signin_token(&request).await?;
        Ok(())
    }
}

/// Runs the floor process: creates the clients, then answers one request per line of stdin
/// until it closes.
pub(super) async fn serve() -> anyhow::Result<()> {
    let floor = Floor::new().await?;
    loop {
        let line = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|_| line)
        })
        .await??;
        if line.is_empty() {
            return Ok(());
        }
        let name = line.trim();
        let answer = match CredentialPath::from_name(name) {
            None => format!("error unknown path {name:?}"),
            Some(path) => match floor.once(path).await {
                Ok(took) => format!("ok {}", took.as_nanos()),
                Err(err) => format!("error {}", format!("{err:#}").replace('\n', " ")),
            },
        };
        say!("{answer}");
    }
}

/// The program of this process. On Linux `/proc/self/exe`, which still runs it when a build
/// (another `cargo xtask`, say) has replaced the file since this process started.
fn this_program() -> std::io::Result<PathBuf> {
    if cfg!(target_os = "linux") {
        Ok(PathBuf::from("/proc/self/exe"))
    } else {
        std::env::current_exe()
    }
}

/// The floor process, seen from the benchmark.
pub(super) struct FloorProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl FloorProcess {
    /// Starts `cargo xtask bench floor` with exactly `environment` and the fixtures.
    pub(super) fn start(
        environment: &[(String, String)],
        fixtures: &Fixtures,
    ) -> anyhow::Result<FloorProcess> {
        let exe = this_program()?;
        let mut child = tokio::process::Command::new(&exe)
            .args(["bench", "floor"])
            .env_clear()
            .envs(environment.iter().map(|(k, v)| (k, v)))
            .envs(fixtures.to_env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {} bench floor", exe.display()))?;
        let stdin = child
            .stdin
            .take()
            .context("the floor process has no stdin")?;
        let stdout = child
            .stdout
            .take()
            .context("the floor process has no stdout")?;
        Ok(FloorProcess {
            child,
            stdin,
            stdout: BufReader::new(stdout).lines(),
        })
    }

    /// Has the floor of `path` made once; returns how long its requests took.
    pub(super) async fn once(&mut self, path: CredentialPath) -> anyhow::Result<Duration> {
        self.stdin
            .write_all(format!("{}\n", path.name()).as_bytes())
            .await?;
        self.stdin.flush().await?;
        let line = self
            .stdout
            .next_line()
            .await?
            .with_context(|| format!("the floor process ended while timing {}", path.name()))?;
        match line.split_once(' ') {
            Some(("ok", nanos)) => Ok(Duration::from_nanos(nanos.parse()?)),
            Some(("error", message)) => {
                anyhow::bail!("{}: the floor failed: {message}", path.name())
            }
            _ => anyhow::bail!("the floor process answered {line:?}"),
        }
    }

    /// Closes its stdin and waits for it to exit.
    pub(super) async fn finish(self) -> anyhow::Result<()> {
        let FloorProcess {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        let status = child.wait().await?;
        anyhow::ensure!(status.success(), "the floor process failed ({status})");
        Ok(())
    }
}
