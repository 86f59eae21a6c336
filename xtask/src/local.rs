//! The local stack (moto for IAM and STS, plus the federation emulator), and `cargo xtask local`,
//! which runs it in the foreground and prints the environment that points tools at it.

use fed_local::LocalStack;

use crate::Exit;
use crate::signal::Signals;

/// Starts the local stack: moto (provisioned into a venv on first use) and the federation
/// emulator, which resolves identities through moto's STS.
pub(crate) async fn start() -> anyhow::Result<LocalStack> {
    Ok(LocalStack::start().await?)
}

/// The test credentials moto accepts, as `(access key id, secret access key)`.
pub(crate) fn test_keys(stack: &LocalStack) -> (String, String) {
    let credentials = stack.credentials();
    (
        credentials.access_key_id().to_owned(),
        credentials.secret_access_key().to_owned(),
    )
}

/// Runs `cargo xtask local`: starts the stack, prints `export` lines, and waits for Ctrl-C.
pub(crate) async fn run() -> anyhow::Result<Exit> {
    let mut signals = Signals::install()?;
    tell!("starting the local stack (moto and the federation emulator)…");
    let stack = tokio::select! {
        stack = start() => stack?,
        stop = signals.recv() => return Ok(stop.exit()),
    };
    let (key_id, secret) = test_keys(&stack);
    say!("# The local stack is up. Paste these lines into a shell to use it:");
    say!("export AWS_ENDPOINT_URL={}", stack.endpoint_url());
    say!("export AWS_ACCESS_KEY_ID={key_id}");
    say!("export AWS_SECRET_ACCESS_KEY={secret}");
    say!("export AWS_REGION={}", stack.region());
    say!("export FED_SIGNIN_ENDPOINT={}", stack.federation_url());
    say!(
        "# Login URLs land on the console page {}",
        stack.emulator().console_url()
    );
    say!("# Then run `cargo xtask demo` or `fed url`. Press Ctrl-C to stop the stack.");
    // Stopping with Ctrl-C or SIGTERM is the normal way out.
    let stop = signals.recv().await;
    tell!("{} received: stopping the local stack…", stop.name());
    stack.shutdown().await;
    Ok(Exit::Success)
}
