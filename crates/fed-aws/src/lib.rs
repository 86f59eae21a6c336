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
pub use crate::error::{BoxError, Error};
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
