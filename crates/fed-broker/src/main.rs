//! `fed-broker`: `fed-broker check --config FILE` checks the configuration and the
//! entitlements it names, and says what it found.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fed_broker::{Config, Entitlements};

/// The custom identity broker for the AWS console.
#[derive(Debug, Parser)]
#[command(name = "fed-broker", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the configuration file and the entitlements file it names.
    Check {
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { config } => match check(&config) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(2)
            }
        },
    }
}

/// Loads both files; a one-line summary of what they hold.
fn check(path: &Path) -> Result<String, fed_broker::Error> {
    let config = Config::load(path)?;
    let entitlements = Entitlements::load(&config.entitlements)?;
    Ok(format!(
        "{}: the broker listens on {} as {}, signs people in at {}, and has {} roles",
        path.display(),
        config.listen,
        config.public_url,
        config.oidc.issuer,
        entitlements.len()
    ))
}
