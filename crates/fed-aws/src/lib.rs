//! STS for console federation, and IAM roles with the `iam` feature, behind narrow traits.
//!
//! fed-aws is where fed talks to AWS STS and IAM. Callers (fed-flow, the CLI, the xtask) take
//! `&dyn Sts` and `&dyn Iam`, so they can be tested with the fakes of the `test-util` feature.
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
//! - [`Error`] is the one error type, for STS and IAM; [`Error::code`] gives the AWS error code.
//! - With the `iam` feature (off by default; the `fed` binary does not use it), `Iam`,
//!   implemented by `IamClient`: a role's lifecycle. `CreateRole` makes a role that one
//!   principal may assume, with tags; [`assume_role_when_propagated`] waits until STS can use
//!   it; `delete_owned_role` deletes it with its managed and inline policies and instance
//!   profiles, only if it carries the caller's owner tag, within a time `Budget`.
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
//!
//! # Example: a role's lifecycle (feature `iam`)
//!
//! Create a role that the caller may assume, tagged as the caller's; wait until STS lets it be
//! assumed; delete it, only because it carries the owner tag. Here the `test-util` fakes stand
//! in for [`StsClient`] and `IamClient::new(&sdk_config)`:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(all(feature = "iam", feature = "test-util"))]
//! # {
//! use std::time::Duration;
//!
//! use fed_aws::{
//!     AssumeRoleRequest, Budget, CreateRole, Iam, PropagationRetry, Sts, Tag,
//!     assume_role_when_propagated, delete_owned_role,
//! };
//! use fed_core::{RoleName, RoleSessionName};
//!
//! async fn lifecycle(sts: &dyn Sts, iam: &dyn Iam) -> Result<(), fed_aws::Error> {
//!     let me = sts.caller_identity().await?;
//!     let owner = Tag::new("owner", "lifecycle-example");
//!     let name = RoleName::new("fed-example").expect("a role name");
//!     let role = iam
//!         .create_role(&CreateRole::new(name, me.arn.clone()).with_tag(owner.clone()))
//!         .await?;
//!
//!     let session = RoleSessionName::for_caller(&me.arn);
//!     let request = AssumeRoleRequest::new(role.arn.clone(), session);
//!     let retry = PropagationRetry::default();
//!     let assumed = assume_role_when_propagated(sts, &request, &retry, &mut |_| {}).await?;
//!     assert_eq!(assumed.arn.account_id(), role.arn.account_id());
//!
//!     let budget = Budget::start(Duration::from_secs(120));
//!     let removal = delete_owned_role(iam, &role.name, &owner, &budget, &mut |_| {}).await?;
//!     assert!(removal.is_complete());
//!     Ok(())
//! }
//!
//! let iam = fed_aws::fake::FakeIam::default();
//! lifecycle(&fed_aws::fake::FakeSts::long_term_user(), &iam).await?;
//! assert!(iam.role_names().is_empty());
//! # }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod error;
#[cfg(feature = "iam")]
mod iam;
mod origin;
mod propagation;
mod sts;

#[cfg(feature = "test-util")]
pub mod fake;

use std::future::Future;
use std::pin::Pin;

pub use crate::config::{ConfigOptions, default_timeouts, load_sdk_config};
pub use crate::error::{BoxError, Error, is_transient_code};
#[cfg(feature = "iam")]
pub use crate::iam::{
    Budget, CreateRole, Iam, IamClient, Removal, RemovalEvent, RemovalFailure, RemovalStep, Role,
    delete_owned_role, remove_role, trust_policy_for,
};
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
