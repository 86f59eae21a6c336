//! `fed-broker`: `fed-broker serve --config FILE` runs the broker; `fed-broker check --config
//! FILE` checks the configuration and the entitlements it names (and that the audit store
//! answers, when one is configured), and says what it found.
//!
//! Audit records go to stdout, one JSON line each; logs go to stderr, one JSON line each.
//! SIGHUP reloads the entitlements; SIGTERM and Ctrl-C stop it gracefully.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use fed_broker::{AuditStore, Broker, Config, Entitlements, Issuer, KeyRing, Provider};
use fed_flow::{ServiceCredentials, Signer, SignerConfig};

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
    /// Check the configuration file, the entitlements file it names, and the audit store.
    Check {
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
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

/// Loads both files and connects to the audit store, if any; a one-line summary of what they
/// hold.
fn check(path: &Path) -> anyhow::Result<String> {
    let config = Config::load(path)?;
    let entitlements = Entitlements::load(&config.entitlements)?;
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
    Ok(format!(
        "{}: the broker listens on {} as {}, signs people in at {}, and has {} roles{store}",
        path.display(),
        config.listen,
        config.public_url,
        config.oidc.issuer,
        entitlements.len()
    ))
}

/// A variable the configuration names, which must be set.
fn secret(name: &str) -> anyhow::Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("{name} is not set; the configuration names it"))
}

/// What `serve` starts from: the files and the secrets they name, all checked.
struct Start {
    config: Config,
    entitlements: Entitlements,
    client_secret: String,
    keys: KeyRing,
}

/// Reads the configuration, the entitlements and the secrets; a mistake in any is the
/// operator's to fix, reported like `check` reports it.
fn prepare(path: &Path) -> anyhow::Result<Start> {
    let config = Config::load(path)?;
    let entitlements = Entitlements::load(&config.entitlements)?;
    let client_secret = secret(&config.oidc.client_secret_env)?;
    let keys = KeyRing::parse(
        &config.session.keys_env,
        &secret(&config.session.keys_env)?,
        config.public_url.scheme() == "https",
    )?;
    Ok(Start {
        config,
        entitlements,
        client_secret,
        keys,
    })
}

async fn serve(start: Start) -> anyhow::Result<()> {
    let Start {
        config,
        entitlements,
        client_secret,
        keys,
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
    let issuer = Issuer::new(Signer::new(signer).await?);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;
    let entitlements_path = config.entitlements.clone();
    let mut broker = Broker::new(config, provider, keys, entitlements, issuer);
    if let Some(store) = store {
        tracing::info!(
            variable = store.variable(),
            "audit records also go to PostgreSQL"
        );
        broker = broker.with_store(store);
    }
    let broker = Arc::new(broker);
    tokio::spawn(reload_on_hangup(Arc::clone(&broker), entitlements_path));
    tokio::spawn(forget_idle_clients(Arc::clone(&broker)));
    tracing::info!(%address, "fed-broker listening");
    axum::serve(
        listener,
        Arc::clone(&broker)
            .router()
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
}

/// Reloads the entitlements on each SIGHUP; a file with a mistake keeps the old ones.
async fn reload_on_hangup(broker: Arc<Broker>, path: PathBuf) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        return;
    };
    while hangups.recv().await.is_some() {
        match Entitlements::load(&path) {
            Ok(entitlements) => {
                tracing::info!(roles = entitlements.len(), "entitlements reloaded");
                broker.set_entitlements(entitlements);
            }
            Err(e) => {
                tracing::error!(error = %e, "entitlements not reloaded; the previous ones stay")
            }
        }
    }
}

/// Every minute, forgets the rate limits' clients that are within their allowance again.
async fn forget_idle_clients(broker: Arc<Broker>) {
    let mut minutes = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        minutes.tick().await;
        broker.forget_idle_clients();
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
