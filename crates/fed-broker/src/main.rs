//! `fed-broker`: `fed-broker serve --config FILE` runs the broker; `fed-broker check --config
//! FILE` checks the configuration and the entitlements it names (and that the audit store
//! answers, when one is configured), and says what it found; `fed-broker revoke --config FILE
//! --user U` ends all of U's broker sessions on every replica (it needs the audit store);
//! `fed-broker policy --config FILE` prints the effective Cedar policies; `fed-broker explain
//! --config FILE --user U --groups G --role ARN …` answers allow or deny and names the policies
//! that decided (`explain.rs`).
//!
//! Audit records go to stdout, one JSON line each; logs go to stderr, one JSON line each.
//! SIGHUP reloads the entitlements and the policies together; SIGTERM and Ctrl-C stop it gracefully, giving requests in
//! flight `[server] shutdown_grace`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use fed_broker::{AuditStore, Broker, Config, Issuer, KeyRing, Provider, Rules, Serving};
use fed_flow::{ServiceCredentials, Signer, SignerConfig};

mod explain;
mod revoke;

use revoke::{Failure, revoke};

/// The custom identity broker for the AWS console.
#[derive(Debug, Parser)]
#[command(name = "fed-broker", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the broker.
    Serve {
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Check the configuration file, the entitlements and policies files it names, and the
    /// audit store.
    Check {
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// End all of a user's broker sessions, on every replica (console sessions already opened
    /// last until their own end).
    #[command(group = clap::ArgGroup::new("whom").required(true).args(["user", "grant"]))]
    Revoke {
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// End every broker session of this user, as the broker names them (the user claim,
        /// such as an email).
        #[arg(long, value_name = "USER")]
        user: Option<String>,
        /// End this just-in-time grant (its id, as /requests and the audit records show it).
        #[arg(long, value_name = "ID")]
        grant: Option<String>,
    },
    /// Print the effective Cedar policies: those the entitlements compile to, the broker-wide
    /// one, then the extra policies file's.
    Policy {
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Ask the policies whether a person may use, request or approve a role: prints allow or
    /// deny, and the policies that decided.
    Explain(explain::Flags),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { config } => {
            tracing_subscriber::fmt()
                .json()
                .with_writer(std::io::stderr)
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
                )
                .init();
            // A mistake in the files or the variables they name exits 2, as `check` does.
            let start = match prepare(&config) {
                Ok(start) => start,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    return ExitCode::from(2);
                }
            };
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("error: cannot start: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(serve(start)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Revoke {
            config,
            user,
            grant,
        } => match revoke(&config, user.as_deref(), grant.as_deref()) {
            Ok(message) => {
                eprintln!("{message}");
                ExitCode::SUCCESS
            }
            Err(Failure::Setup(err)) => {
                eprintln!("error: {err:#}");
                ExitCode::from(2)
            }
            Err(Failure::Store(err)) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        },
        Command::Policy { config } => match Config::load(&config).and_then(|c| Rules::load(&c)) {
            Ok((rules, _)) => {
                print!("{}", rules.policies().text());
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(2)
            }
        },
        Command::Explain(flags) => match explain::run(&flags) {
            Ok(answer) => {
                print!("{answer}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::from(2)
            }
        },
        Command::Check { config } => match check(&config) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::from(2)
            }
        },
    }
}

/// Loads the files and connects to the audit store, if any; a one-line summary of what they
/// hold.
fn check(path: &Path) -> anyhow::Result<String> {
    let config = Config::load(path)?;
    let (rules, _) = Rules::load(&config)?;
    let store = match &config.audit.database_url_env {
        None => String::new(),
        Some(name) => {
            let url = secret(name)?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let table = if runtime.block_on(AuditStore::check(name, &url))? {
                "its table is there"
            } else {
                "its table will be created at start"
            };
            format!("; audit records also go to PostgreSQL ({name}), which answers and {table}")
        }
    };
    let extra = match &config.policies {
        Some(file) => format!(
            " and {} extra Cedar policies ({})",
            rules.policies().extra_len(),
            file.display()
        ),
        None => String::new(),
    };
    Ok(format!(
        "{}: the broker listens on {} as {}, signs people in at {}, and has {} roles{extra}{store}",
        path.display(),
        config.listen,
        config.public_url,
        config.oidc.issuer,
        rules.entitlements().len()
    ))
}

/// A variable the configuration names, which must be set.
pub(crate) fn secret(name: &str) -> anyhow::Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("{name} is not set; the configuration names it"))
}

/// What `serve` starts from: the files and the secrets they name, all checked.
struct Start {
    config: Config,
    rules: Rules,
    client_secret: String,
    keys: KeyRing,
    /// The webhook's URL and signing secret, when `[notify]` is set.
    webhook: Option<(url::Url, String)>,
}

/// Reads the configuration, the entitlements and the secrets; a mistake in any is the
/// operator's to fix, reported like `check` reports it.
fn prepare(path: &Path) -> anyhow::Result<Start> {
    let config = Config::load(path)?;
    let (rules, _) = Rules::load(&config)?;
    let client_secret = secret(&config.oidc.client_secret_env)?;
    let keys = KeyRing::parse(
        &config.session.keys_env,
        &secret(&config.session.keys_env)?,
        config.public_url.scheme() == "https",
    )?;
    let webhook = match &config.notify {
        None => None,
        Some(notify) => {
            let text = secret(&notify.webhook_url_env)?;
            // The URL may hold a token: a mistake names the variable, never the value.
            let url = url::Url::parse(text.trim())
                .ok()
                .filter(|u| {
                    u.scheme() == "https"
                        || (u.scheme() == "http"
                            && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")))
                })
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}: expected an https URL (http only for localhost and 127.0.0.1)",
                        notify.webhook_url_env
                    )
                })?;
            Some((url, secret(&notify.secret_env)?))
        }
    };
    Ok(Start {
        config,
        rules,
        client_secret,
        keys,
        webhook,
    })
}

async fn serve(start: Start) -> anyhow::Result<()> {
    let Start {
        config,
        rules,
        client_secret,
        keys,
        webhook,
    } = start;
    // A configured audit store that cannot be reached stops the start: without it, no session
    // could be issued.
    let store = match &config.audit.database_url_env {
        Some(name) => Some(AuditStore::connect(name, &secret(name)?).await?),
        None => None,
    };
    let redirect = config.public_url.join("callback")?;
    let provider = Provider::discover(
        &config.oidc.issuer,
        &config.oidc.client_id,
        &client_secret,
        &redirect,
        &config.oidc.user_claim,
        &config.oidc.groups_claim,
    )
    .await?
    .require_verified_email(config.oidc.require_verified_email);
    let mut signer = SignerConfig::new(ServiceCredentials::Runtime);
    if let Some(region) = &config.aws.region {
        signer = signer.region(fed_core::Region::new(region)?);
    }
    if let Some(endpoint) = &config.aws.signin_endpoint {
        signer = signer.signin_endpoint(endpoint.clone());
    }
    if let Some(role) = &config.aws.revocation_role {
        signer = signer.revocation_role(role.clone());
    }
    let issuer = Issuer::new(Signer::new(signer).await?);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;
    let metrics_listener = match config.server.metrics_listen {
        Some(at) => Some(tokio::net::TcpListener::bind(at).await?),
        None => None,
    };
    let files = config.clone();
    let serving = Serving::of(&config.server);
    let mut broker = Broker::new(config, provider, keys, rules, issuer);
    if let Some(store) = store {
        tracing::info!(
            variable = store.variable(),
            "audit records also go to PostgreSQL"
        );
        broker = broker.with_store(store);
    }
    if let Some(notify) = &webhook {
        broker = broker.with_webhook(notify.0.clone(), &notify.1);
    }
    let broker = Arc::new(broker);
    tokio::spawn(reload_on_hangup(Arc::clone(&broker), files));
    tokio::spawn(every_minute(Arc::clone(&broker)));
    tokio::spawn(advance_grants(Arc::clone(&broker)));
    if let Some(listener) = metrics_listener {
        let at = listener.local_addr()?;
        tracing::info!(address = %at, "metrics served apart");
        let metrics = fed_broker::metrics_app(Arc::clone(&broker));
        tokio::spawn(fed_broker::serve(
            listener,
            metrics,
            serving,
            std::future::pending(),
        ));
    }
    tracing::info!(%address, "fed-broker listening");
    let finished = fed_broker::serve(listener, fed_broker::app(broker), serving, shutdown()).await;
    if !finished {
        tracing::warn!(
            grace_seconds = serving.shutdown_grace.as_secs(),
            "requests still in flight after the shutdown grace are cut"
        );
    }
    Ok(())
}

/// Reloads the entitlements and the extra policies on each SIGHUP, from one read of each file,
/// and swaps them together; a mistake in either keeps the old ones. The log names the SHA-256
/// of what was loaded, so an operator can tell whether the reload took the files they meant.
async fn reload_on_hangup(broker: Arc<Broker>, config: Config) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        return;
    };
    while hangups.recv().await.is_some() {
        match Rules::load(&config) {
            Ok((rules, digests)) => {
                tracing::info!(
                    roles = rules.entitlements().len(),
                    policies = rules.policies().len(),
                    sha256 = %digests.entitlements,
                    policies_sha256 = digests.policies.as_deref().unwrap_or("-"),
                    "entitlements and policies reloaded"
                );
                broker.set_rules(rules);
            }
            Err(e) => {
                tracing::error!(
                    error = %e,
                    "entitlements and policies not reloaded; the previous ones stay"
                )
            }
        }
    }
}

/// Every few seconds: grants that began or ended are recorded and announced, each by one
/// replica.
async fn advance_grants(broker: Arc<Broker>) {
    let mut ticks = tokio::time::interval(fed_broker::GRANT_TICK);
    loop {
        ticks.tick().await;
        broker.advance_grants().await;
    }
}

/// Every minute: the rate limits forget idle clients, and left-out records are summarised.
async fn every_minute(broker: Arc<Broker>) {
    let mut minutes = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        minutes.tick().await;
        broker.every_minute().await;
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown() {
    let terminate = async {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            term.recv().await;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
