//! STS for console federation, behind a narrow trait.
//!
//! fed-aws is where fed talks to AWS STS. Callers (fed-flow, the CLI, the xtask) take
//! `&dyn Sts`, so they can be tested with the fake of the `test-util` feature.
//!
//! # Brief overview
//!
//! - [`Sts`], implemented by [`StsClient`]: GetCallerIdentity, AssumeRole (aware of role
//!   chaining: see [`AssumedRole::chained`]) and GetFederationToken.
//! - [`detect_origin`] and [`classify_origin`] tell where the signing credentials came from, as a
//!   fed-core [`CredentialOrigin`](fed_core::CredentialOrigin).
//! - [`assume_role_when_propagated`] retries AssumeRole on `AccessDenied` while a new role or
//!   policy propagates, up to a deadline ([`PropagationRetry`]).
//! - [`load_sdk_config`] builds an SDK configuration with timeouts and standard retries.
//! - [`Error`] is the one error type; [`Error::code`] gives the AWS error code.
//!
//! # Example
//!
//! Callers take `&dyn Sts`; here the `test-util` feature's fake stands in for
//! [`StsClient::new`]`(&load_sdk_config(&ConfigOptions::default()).await)`:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "test-util")]
//! # {
//! use fed_aws::{AssumeRoleRequest, Sts, detect_origin};
//! use fed_core::{CredentialOrigin, RoleSessionName};
//!
//! async fn assume(sts: &dyn Sts) -> Result<String, fed_aws::Error> {
//!     // Long-term keys, so the role session is not role chaining.
//!     let origin = detect_origin(sts).await?;
//!     assert_eq!(origin.origin, CredentialOrigin::LongTermUser);
//!     let request = AssumeRoleRequest::new(
//!         "arn:aws:iam::123456789012:role/ReadOnly".parse().expect("a role"),
//!         RoleSessionName::for_caller(&origin.identity.arn),
//!     );
//!     let assumed = sts.assume_role(&request).await?;
//!     assert!(!assumed.chained);
//!     Ok(assumed.arn.to_string())
//! }
//!
//! let arn = assume(&fed_aws::fake::FakeSts::long_term_user()).await?;
//! assert!(arn.starts_with("arn:aws:sts::123456789012:assumed-role/ReadOnly/"));
//! # }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod config;
mod error;
mod origin;
mod propagation;
mod sts;

#[cfg(feature = "test-util")]
pub mod fake;

use std::future::Future;
use std::pin::Pin;

pub use crate::config::{ConfigOptions, default_timeouts, load_sdk_config};
pub use crate::error::{BoxError, Error, is_transient_code};
pub use crate::origin::{DetectedOrigin, classify_origin, detect_origin};
pub use crate::propagation::{Attempt, PropagationRetry, assume_role_when_propagated};
pub use crate::sts::{
    AssumeRoleRequest, AssumedRole, CallerIdentity, FederationToken, FederationTokenRequest, Mfa,
    Sts, StsClient, Tag, from_sdk_credentials, to_sdk_credentials,
};

/// The future returned by the trait methods: boxed, so that the trait stays object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The examples of README.md, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
