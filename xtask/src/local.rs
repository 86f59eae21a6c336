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

/// The environment that points the AWS SDK, `fed` and the demo at `stack`: its endpoint, the
/// test credentials moto accepts, its region and the federation emulator.
pub(crate) fn environment(stack: &LocalStack) -> Vec<(&'static str, String)> {
    let credentials = stack.credentials();
    vec![
        ("AWS_ENDPOINT_URL", stack.endpoint_url().to_owned()),
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key().to_owned(),
        ),
        ("AWS_REGION", stack.region().to_owned()),
        ("FED_SIGNIN_ENDPOINT", stack.federation_url().to_string()),
    ]
}

/// Runs `cargo xtask local`: starts the stack, prints `export` lines, and waits for Ctrl-C.
pub(crate) async fn run() -> anyhow::Result<Exit> {
    let mut signals = Signals::install()?;
    tell!("starting the local stack (moto and the federation emulator)…");
    let stack = tokio::select! {
        stack = start() => stack?,
        stop = signals.recv() => return Ok(stop.exit()),
    };
    say!("# The local stack is up. Paste these lines into a shell to use it:");
    for (key, value) in environment(&stack) {
        say!("export {key}={value}");
    }
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
