//! The local stack (moto behind the STS rules gate, the federation emulator and the IAM
//! Identity Center portal), and `cargo xtask local`, which runs it in the foreground, prints
//! the environment that points tools at it and, on request, signs in to its portal.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use fed_local::{LocalStack, Options, SsoLogin};

use crate::Exit;
use crate::signal::Signals;

/// Options of `cargo xtask local`.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct LocalArgs {
    /// Milliseconds added to every answer of the gate, the portal and the federation emulator,
    /// standing for the round trip to AWS.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Serve https with a certificate authority made at start; its PEM file is exported as
    /// AWS_CA_BUNDLE and SSL_CERT_FILE.
    #[arg(long)]
    tls: bool,
    /// Milliseconds during which a newly created role cannot be assumed (AccessDenied), as
    /// IAM's eventual consistency behaves.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    iam_propagation_ms: u64,
    /// Append every request of the stack, one JSON object per line (never a secret), to FILE.
    #[arg(long, value_name = "FILE")]
    request_log: Option<PathBuf>,
    /// Sign in to the local IAM Identity Center portal, as `aws sso login --sso-session
    /// fed-local` does: write its token to ~/.aws/sso/cache/, valid for eight hours.
    #[arg(long)]
    sso_login: bool,
}

/// The name of the `sso-session` that `--sso-login` signs in.
const SSO_SESSION: &str = "fed-local";

impl LocalArgs {
    fn options(&self) -> Options {
        Options::new()
            .latency(Duration::from_millis(self.latency_ms))
            .tls(self.tls)
            .iam_propagation(Duration::from_millis(self.iam_propagation_ms))
    }
}

/// Starts the local stack with the default options.
pub(crate) async fn start() -> anyhow::Result<LocalStack> {
    Ok(LocalStack::start().await?)
}

/// The environment that points the AWS CLI, boto3, the AWS SDK, `fed` and the demo at `stack`:
/// its endpoints, the long-term keys of its IAM user, its region, the federation emulator and,
/// over https, its certificate authority.
pub(crate) fn environment(stack: &LocalStack) -> Vec<(&'static str, String)> {
    let credentials = stack.credentials();
    let mut environment = vec![
        ("AWS_ENDPOINT_URL", stack.endpoint_url().to_owned()),
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_owned(),
        ),
        ("AWS_REGION", stack.region().to_owned()),
        ("AWS_DEFAULT_REGION", stack.region().to_owned()),
        ("AWS_ENDPOINT_URL_SSO", stack.sso_endpoint_url().to_owned()),
        ("FED_SIGNIN_ENDPOINT", stack.federation_url().to_string()),
    ];
    if let Some(bundle) = stack.ca_bundle() {
        let bundle = bundle.display().to_string();
        environment.push(("AWS_CA_BUNDLE", bundle.clone()));
        environment.push(("SSL_CERT_FILE", bundle));
    }
    environment
}

/// Runs `cargo xtask local`: starts the stack, prints `export` lines, and waits for Ctrl-C.
pub(crate) async fn run(args: LocalArgs) -> anyhow::Result<Exit> {
    let mut signals = Signals::install()?;
    tell!(
        "starting the local stack (moto behind the STS rules gate, and the federation emulator)…"
    );
    let stack = tokio::select! {
        stack = LocalStack::start_with(args.options()) => stack?,
        stop = signals.recv() => return Ok(stop.exit()),
    };
    if let Some(path) = &args.request_log {
        stack.log().write_to(path).map_err(|err| {
            anyhow::anyhow!("cannot open the request log {}: {err}", path.display())
        })?;
    }
    say!("# The local stack is up. Paste these lines into a shell to use it:");
    for (key, value) in environment(&stack) {
        say!("export {key}={value}");
    }
    say!(
        "# The keys are long-term keys of the IAM user {}.",
        stack.user_arn()
    );
    say!(
        "# Login URLs land on the console page {}",
        stack.emulator().console_url()
    );
    sso(&stack, args.sso_login)?;
    say!("# Then run `cargo xtask demo` or `fed url`. Press Ctrl-C to stop the stack.");
    // Stopping with Ctrl-C or SIGTERM is the normal way out.
    let stop = signals.recv().await;
    tell!("{} received: stopping the local stack…", stop.name());
    stack.shutdown().await;
    Ok(Exit::Success)
}

/// Prints the config file lines of the portal's `sso-session` and, with `login`, signs it in.
fn sso(stack: &LocalStack, login: bool) -> anyhow::Result<()> {
    let portal = stack.portal().config();
    say!("# IAM Identity Center: these ~/.aws/config sections use the local portal:");
    say!("#   [sso-session {SSO_SESSION}]");
    say!("#   sso_start_url = {}", portal.start_url);
    say!("#   sso_region = {}", portal.region);
    say!("#   sso_registration_scopes = sso:account:access");
    for set in &portal.permission_sets {
        say!("#   [profile {SSO_SESSION}-{}]", set.name);
        say!("#   sso_session = {SSO_SESSION}");
        say!("#   sso_account_id = {}", portal.account_id);
        say!("#   sso_role_name = {}", set.name);
        say!("#   region = {}", stack.region());
    }
    if !login {
        say!("# Run with --sso-login to sign in to the portal (writes ~/.aws/sso/cache/).");
        return Ok(());
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("--sso-login needs HOME to find ~/.aws/sso/cache"))?;
    let token = stack
        .portal()
        .login(&home, SsoLogin::session(SSO_SESSION))?;
    say!(
        "# Signed in to the portal as {}: token cache {}",
        portal.user_name,
        token.cache_file().display()
    );
    Ok(())
}
