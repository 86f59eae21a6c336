//! Exchanges temporary credentials from the environment for a console sign-in URL, with the
//! federation endpoint client alone.
//!
//! ```sh
//! eval "$(aws configure export-credentials --format env)"
//! cargo run -p fed-signin --example console_url
//! ```
//!
//! It reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (temporary
//! credentials: the endpoint refuses long-term keys), and `FED_SIGNIN_ENDPOINT` for another
//! federation endpoint than AWS's, such as the local stack's emulator.

use fed_core::{Credentials, Destination, Issuer, LoginUrl, Partition};
use fed_signin::{Client, Config, TokenRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let credentials = Credentials::new(
        var("AWS_ACCESS_KEY_ID")?,
        var("AWS_SECRET_ACCESS_KEY")?,
        Some(var("AWS_SESSION_TOKEN")?),
        None,
    );
    let config = match std::env::var("FED_SIGNIN_ENDPOINT") {
        Ok(endpoint) => Config::new(fed_signin::parse_endpoint(&endpoint)?),
        Err(_) => Config::for_partition(Partition::Aws, None),
    };
    let client = Client::new(config)?;
    let answer = client
        .get_signin_token(&TokenRequest::new(&credentials))
        .await?;
    let url = LoginUrl::new(
        &client.config().endpoint,
        &Issuer::new("fed-example")?,
        &Destination::ConsoleHome.to_url(Partition::Aws, None),
        answer.token(),
    );
    println!("{}", url.expose());
    Ok(())
}
