//! A broker's whole world on this machine: the local stack with roles for the broker to hand
//! out, the test OpenID Provider with its users, a PostgreSQL for its store (records, grants
//! and revocations) when asked, and `fed-broker` itself, configured for them.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use base64::Engine as _;
use fed_local::{LocalPostgres, LocalStack, Options};
use serde_json::json;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};
use url::Url;

use super::provider::Provider;

/// The roles the world's broker hands out: (display name, role name, who may use it).
pub(crate) const ROLES: &[(&str, &str, &str)] = &[
    ("Read-only", "reader", "groups = [\"engineering\"]"),
    ("On-call admin", "admin", "groups = [\"on-call\"]"),
    ("Finance", "finance", "groups = [\"finance\"]"),
];

/// The role on request of a world with a store: (display name, role name, its entitlement).
pub(crate) const REQUEST_ROLE: (&str, &str, &str) = (
    "Production admin",
    "prod-admin",
    "groups = [\"engineering\"]\naccess = \"request\"\napprovers = [\"on-call\"]\nmax_grant = \"8h\"\njustification = true",
);

/// The provider's users, their groups, and the roles they see (password = user name).
pub(crate) const USERS: &[(&str, &str, &str)] = &[
    ("alice", "engineering, on-call", "Read-only, On-call admin"),
    ("bob", "engineering", "Read-only"),
    ("carol", "finance", "Finance"),
];

/// Who does what with [`REQUEST_ROLE`]: (user, what).
pub(crate) const JUST_IN_TIME: &[(&str, &str)] = &[
    (
        "bob",
        "requester: asks for Production admin (justification required, up to 8h)",
    ),
    (
        "alice",
        "approver: approves or denies it at /approvals, and may end it early",
    ),
];

/// How to start a world.
pub(crate) struct WorldOptions {
    /// The `fed-broker` binary.
    pub(crate) broker: PathBuf,
    /// The port the broker listens on, on 127.0.0.1.
    pub(crate) port: u16,
    /// The stack's options (latency, https).
    pub(crate) stack: Options,
    /// Extra tables at the end of the broker's configuration.
    pub(crate) extra_config: String,
    /// Where the broker's configuration goes.
    pub(crate) dir: PathBuf,
    /// Whether the broker's audit records and logs reach this process's stdout and stderr.
    pub(crate) show_output: bool,
    /// Whether the broker keeps its records and grants in a PostgreSQL of the world, which
    /// brings [`REQUEST_ROLE`].
    pub(crate) store: bool,
    /// More entitlements, after the world's own roles.
    pub(crate) more_entitlements: String,
}

/// A running world; everything in it stops on [`World::stop`] (or, less gently, on drop).
pub(crate) struct World {
    pub(crate) stack: LocalStack,
    database: Option<LocalPostgres>,
    provider: Provider,
    broker: Child,
    /// The other replicas, started with [`World::start_replica`].
    replicas: Vec<Child>,
    /// What every replica needs: the broker's binary, the provider's client secret and the
    /// cookie keys, which they share.
    broker_binary: PathBuf,
    client_secret: String,
    cookie_keys: String,
    /// Where people reach the broker.
    pub(crate) url: Url,
    /// The broker's configuration file.
    pub(crate) config: PathBuf,
    /// The role ARNs, in the order of [`ROLES`], then [`REQUEST_ROLE`]'s with a store.
    pub(crate) roles: Vec<String>,
}

impl World {
    /// Starts the stack, makes the roles, starts the provider and the broker, and waits until
    /// the broker answers.
    pub(crate) async fn start(options: WorldOptions) -> anyhow::Result<World> {
        let address = format!("127.0.0.1:{}", options.port);
        // Taken now, the port is named in the error; the broker binds it again below.
        drop(std::net::TcpListener::bind(&address).with_context(|| {
            format!("cannot listen on {address}: choose another port with --port")
        })?);
        let url = Url::parse(&format!("http://{address}/"))?;
        let stack = LocalStack::start_with(options.stack.clone()).await?;
        let mut roles = Vec::new();
        for (_, name, _) in ROLES {
            roles.push(role(&stack, name).await?);
        }
        let database = match options.store {
            true => {
                roles.push(role(&stack, REQUEST_ROLE.1).await?);
                Some(LocalPostgres::start().await?)
            }
            false => None,
        };
        let client_secret = random_base64(32)?;
        let provider = Provider::start(&client_secret, &url.join("callback")?).await?;
        std::fs::create_dir_all(&options.dir)
            .with_context(|| format!("cannot create {}", options.dir.display()))?;
        let config = options.dir.join("broker.toml");
        write_private(
            &config,
            &config_file(&url, &provider.issuer, &stack, &options),
        )?;
        write_private(
            &options.dir.join("entitlements.toml"),
            &(entitlements_file(&roles) + &options.more_entitlements),
        )?;
        let cookie_keys = random_base64(64)?;
        let secrets = Secrets {
            client_secret: &client_secret,
            cookie_keys: &cookie_keys,
            database_url: database.as_ref().map(LocalPostgres::url),
        };
        let broker = spawn_broker(
            &options.broker,
            options.show_output,
            &config,
            &stack,
            &secrets,
        )?;
        let mut world = World {
            stack,
            database,
            provider,
            broker,
            replicas: Vec::new(),
            broker_binary: options.broker.clone(),
            client_secret,
            cookie_keys,
            url,
            config,
            roles,
        };
        world.wait_until_up().await?;
        Ok(world)
    }

    /// The broker's process id, for `kill -HUP`.
    pub(crate) fn broker_pid(&self) -> Option<u32> {
        self.broker.id()
    }

    /// The provider's issuer URL.
    pub(crate) fn issuer(&self) -> &Url {
        &self.provider.issuer
    }

    async fn wait_until_up(&mut self) -> anyhow::Result<()> {
        let url = self.url.clone();
        wait_until_up(&mut self.broker, &url).await
    }

    /// Starts another replica on `port`, sharing the configuration (but its listening
    /// address), the cookie keys and the store; where it answers. People still sign in at the
    /// world's URL, whose cookie every replica takes.
    pub(crate) async fn start_replica(&mut self, port: u16) -> anyhow::Result<Url> {
        let text = std::fs::read_to_string(&self.config)
            .with_context(|| format!("cannot read {}", self.config.display()))?;
        let own = format!("listen = \"127.0.0.1:{port}\"");
        let replaced = text
            .lines()
            .map(|line| {
                if line.starts_with("listen = ") {
                    own.as_str()
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = self.config.with_file_name(format!("broker-{port}.toml"));
        write_private(&config, &replaced)?;
        let secrets = Secrets {
            client_secret: &self.client_secret,
            cookie_keys: &self.cookie_keys,
            database_url: self.database.as_ref().map(LocalPostgres::url),
        };
        let mut replica = spawn_broker(&self.broker_binary, false, &config, &self.stack, &secrets)?;
        let url = Url::parse(&format!("http://127.0.0.1:{port}/"))?;
        wait_until_up(&mut replica, &url).await?;
        self.replicas.push(replica);
        Ok(url)
    }

    /// Stops the broker, the provider and the stack.
    pub(crate) async fn stop(mut self) {
        for mut replica in std::mem::take(&mut self.replicas) {
            let _ = replica.start_kill();
            let _ = replica.wait().await;
        }
        let _ = self.broker.start_kill();
        let _ = self.broker.wait().await;
        self.provider.stop().await;
        self.stack.shutdown().await;
        if let Some(database) = self.database.take()
            && let Err(problem) = database.stop().await
        {
            tell!("warning: {problem}");
        }
    }
}

/// Waits until the broker `child` answers `url`'s health check, for 30 s at most.
async fn wait_until_up(child: &mut Child, url: &Url) -> anyhow::Result<()> {
    let health = url.join("healthz")?;
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("fed-broker stopped at start ({status}); its error is above");
        }
        if http
            .get(health.clone())
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("fed-broker did not answer {health} within 30 s")
}

/// The secrets every replica's environment holds.
struct Secrets<'a> {
    client_secret: &'a str,
    cookie_keys: &'a str,
    database_url: Option<&'a str>,
}

/// A role the stack's IAM user (the broker's credentials) may assume, naming the person with a
/// source identity and session tags, as AWS asks of a broker.
async fn role(stack: &LocalStack, name: &str) -> anyhow::Result<String> {
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": stack.user_arn().to_string()},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
    }]});
    Ok(stack.create_role(name, &trust, Some(43_200)).await?)
}

fn config_file(url: &Url, issuer: &Url, stack: &LocalStack, options: &WorldOptions) -> String {
    format!(
        "# fed-broker on the local stack, written by `cargo xtask broker --local`.\n\
         listen = \"127.0.0.1:{port}\"\n\
         public_url = \"{url}\"\n\
         entitlements = \"entitlements.toml\"\n\n\
         [oidc]\n\
         issuer = \"{issuer}\"\n\
         client_id = \"fed-broker\"\n\
         client_secret_env = \"FED_BROKER_CLIENT_SECRET\"\n\
         groups_claim = \"groups\"\n\n\
         [session]\n\
         keys_env = \"FED_BROKER_COOKIE_KEYS\"\n\
         lifetime = \"1h\"\n\n\
         [aws]\n\
         region = \"{region}\"\n\
         signin_endpoint = \"{signin}\"\n{store}{extra}",
        port = options.port,
        region = stack.region(),
        signin = stack.signin_base_url(),
        store = if options.store {
            "\n[audit]\ndatabase_url_env = \"FED_BROKER_DATABASE_URL\"\n"
        } else {
            ""
        },
        extra = options.extra_config,
    )
}

fn entitlements_file(roles: &[String]) -> String {
    let mut text =
        String::from("# Who may use which role. Edit, then `kill -HUP` the broker to reload.\n");
    for ((display, _, who), arn) in ROLES.iter().chain([&REQUEST_ROLE]).zip(roles) {
        text.push_str(&format!(
            "\n[[role]]\nname = \"{display}\"\narn = \"{arn}\"\n{who}\nmax_session = \"4h\"\n"
        ));
    }
    text
}

/// Writes `text` to `path`, readable by its owner alone.
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `bytes` random bytes in standard base64.
fn random_base64(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(buf))
}

fn spawn_broker(
    binary: &Path,
    show_output: bool,
    config: &Path,
    stack: &LocalStack,
    secrets: &Secrets<'_>,
) -> anyhow::Result<Child> {
    let keys = stack.credentials();
    let mut command = Command::new(binary);
    command
        .args(["serve", "--config"])
        .arg(config)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or("info".into()),
        )
        .env("AWS_ACCESS_KEY_ID", keys.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key())
        .env("AWS_ENDPOINT_URL", stack.endpoint_url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("FED_BROKER_CLIENT_SECRET", secrets.client_secret)
        .env("FED_BROKER_COOKIE_KEYS", secrets.cookie_keys)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    if let Some(url) = secrets.database_url {
        command.env("FED_BROKER_DATABASE_URL", url);
    }
    if let Some(bundle) = stack.ca_bundle() {
        command
            .env("AWS_CA_BUNDLE", bundle)
            .env("SSL_CERT_FILE", bundle);
    }
    if show_output {
        command.stdout(Stdio::inherit()).stderr(Stdio::inherit());
    } else {
        command.stdout(Stdio::null()).stderr(Stdio::piped());
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    // Logs are read and dropped, so that the broker never blocks on a full pipe; only a start
    // failure's lines are worth showing, and they reach stderr below.
    if let Some(stderr) = child.stderr.take() {
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with("error:") {
                    tell!("{line}");
                }
            }
        });
    }
    Ok(child)
}
