//! The local stack: everything needed to run console federation without AWS, as strict as AWS.
//!
//! Not linked into the `fed` binary; only `xtask` and the test crates depend on it.
//!
//! # Layout
//!
//! - [`stack`]: [`LocalStack`] starts moto, the STS rules gate in front of it, the federation
//!   emulator and the IAM Identity Center portal, with [`Options`] for latency, TLS and IAM
//!   propagation.
//! - [`moto`]: [`LocalAws`], moto provisioned into a venv and run as a child process.
//! - [`gate`]: [`Gate`], the STS rules gate, which refuses what AWS refuses and moto does not;
//!   [`LocalStack`] runs one, [`Gate::start`] runs one alone in front of a [`LocalAws`].
//! - [`federation`]: the federation endpoint emulator.
//! - [`portal`]: [`Portal`], the IAM Identity Center portal (`sso`) and its login helper.
//! - [`AwsLogin`]: what `aws login` writes, the login cache of a `login_session` profile.
//! - [`identities`]: what every credential the stack has seen is; the emulator's resolver.
//! - [`log`]: the [`RequestLog`] of every request, for exact call counts.
//! - [`fixtures`]: IAM users, roles and MFA devices for tests, made through the gate, and
//!   [`fixtures::one_of_each_kind`], the emulator's table of one identity per kind of
//!   credentials.
//! - [`programs`]: the workspace's examples and binaries, built with the cargo profile of the
//!   running test, for tests that run them as processes.
//! - [`ports`]: [`ports::unused_port`], loopback ports for servers another process binds.
//! - [`postgres`]: [`LocalPostgres`], a throw-away PostgreSQL for fed-broker's store.
//! - [`totp`]: MFA codes.
//! - [`Error`]: the one error type.
//!
//! # Example
//!
//! The whole stack, a user, a role it may assume, and the environment a
//! program under test needs (what `cargo xtask local` prints):
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use fed_local::LocalStack;
//! use fed_local::fixtures::trusting;
//!
//! let stack = LocalStack::start().await?;
//! let alice = stack.create_user("alice").await?;
//! let user = format!("arn:aws:iam::{}:user/alice", stack.account_id());
//! stack.create_role("reader", &trusting(&user), None).await?;
//! println!("AWS_ENDPOINT_URL={}", stack.endpoint_url());
//! println!("AWS_ACCESS_KEY_ID={}", alice.access_key_id());
//! println!("FED_SIGNIN_ENDPOINT={}", stack.federation_url());
//! # Ok(()) }
//! ```

mod aws_login;
mod console_access;
mod error;
mod serve;

pub mod federation;
pub mod fixtures;
pub mod gate;
pub mod identities;
pub mod log;
pub mod moto;
pub mod portal;
pub mod ports;
pub mod postgres;
pub mod programs;
pub mod stack;
pub mod totp;

pub use aws_login::{AwsLogin, LoginCache};
pub use error::Error;
pub use gate::Gate;
pub use identities::{Identities, Identity};
pub use log::{CallerKind, LoggedRequest, RequestLog, Service};
pub use moto::LocalAws;
pub use portal::{PermissionSet, Portal, PortalConfig, SsoLogin};
pub use postgres::LocalPostgres;
pub use serve::Ca;
pub use stack::{LocalStack, Options};

/// The examples of README.md, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
