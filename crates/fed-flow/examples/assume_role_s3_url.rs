//! Assumes a role and prints a sign-in URL for the S3 console in eu-west-1.
//!
//! ```sh
//! cargo run -p fed-flow --example assume_role_s3_url -- arn:aws:iam::123456789012:role/ReadOnly
//! ```
//!
//! The credentials come from the environment and `~/.aws/config`, as for the AWS CLI. Against
//! the local stack, paste the `export` lines of `cargo xtask local` first: `FED_SIGNIN_ENDPOINT`
//! points the sign-in at its federation endpoint emulator.

use fed_core::{Issuer, Region, Service};
use fed_flow::{NoPrompt, Page, RoleToAssume, SignIn, sign_in};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let role = std::env::args()
        .nth(1)
        .ok_or("usage: assume_role_s3_url ROLE_ARN")?;
    let mut request = SignIn::new(Issuer::new("fed-example")?)
        .role(RoleToAssume::new(role.parse()?))
        .region(Region::new("eu-west-1")?)
        .page(Page::Service(Service::from_name("s3")?));
    if let Ok(endpoint) = std::env::var("FED_SIGNIN_ENDPOINT") {
        request = request.signin_endpoint(endpoint.parse()?);
    }
    let signed_in = sign_in(&request, &NoPrompt).await?;
    eprintln!("signed in as {}", signed_in.principal);
    println!("{}", signed_in.console.expose());
    Ok(())
}
