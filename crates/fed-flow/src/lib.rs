//! Credentials in, AWS Management Console sign-in URL out: the one sign-in flow that `fed url`,
//! `cargo xtask demo` and other tools call.
//!
//! # Brief overview
//!
//! A sign-in is planned, then executed:
//!
//! - [`Context::load`] reads the environment and the AWS config files once, through a
//!   [`Host`] (the process's own, or a fake one for tests). From it, with no AWS call:
//!   [`Context::profiles`] lists the profiles ([`ProfileSummary`], [`ProfileKind`]) for a
//!   picker; [`Context::selection`] says which profile and why ([`Selection`], [`Source`],
//!   [`ChosenBy`]), by the one rule the AWS CLI has; [`Context::portal_link`] makes an IAM
//!   Identity Center shortcut link ([`PortalRequest`], [`PortalShortcut`]).
//! - [`Context::plan`] decides a [`SignIn`] (a profile, a [`RoleToAssume`], the console
//!   session length, long-term keys' [`SessionPolicy`], the console [`Page`]) into a [`Plan`]:
//!   the source, the chain of roles, the region, the [`PlannedDuration`], the partition and
//!   the [`SigninEndpoints`] where known, and the [`Notice`]s to show before anything is sent.
//!   A profile's `fed_service`, `fed_region` and `fed_duration` fill what the request leaves
//!   open.
//! - [`Plan::execute`] resolves the credentials once, makes every AssumeRole hop itself (so
//!   it knows whether the final session is role-chained, and asks profiles' `mfa_serial` codes
//!   through an [`MfaPrompt`]), exchanges long-term keys with GetFederationToken, and asks the
//!   federation endpoint for the URL: a [`SignedIn`] with the principal, the
//!   [`SessionLength`] and why, and every [`Notice`], typed, for the tool to word.
//! - [`Signer`] is the same for services such as an identity broker: from a [`SignerConfig`]
//!   (no profiles), a [`RoleSession`] (session name, source identity, session [`fed_core::Tag`]s,
//!   duration, external id) becomes a [`RoleSignedIn`]. With the `revocation` feature, a
//!   signer also ends a person's sessions of a role early: `Signer::revoke_sessions` puts a
//!   [`fed_core::SessionRevocation`]'s deny policy on the role, and `Signer::lift_revocation`
//!   removes it once those sessions have expired.
//! - [`console_url`] is the last step on its own, for a [`ConsoleLogin`]: the
//!   `SessionDuration` decision, the token and the login URL, as a [`ConsoleUrl`].
//! - [`Error`] names the cause, the [`Input`] involved, and a [`Error::hint`].
//!
//! ```no_run
//! # async fn run() -> Result<(), fed_flow::Error> {
//! use fed_core::Issuer;
//! use fed_flow::{Context, Host, NoPrompt, Notice, SignIn};
//!
//! let context = Context::load(Host::real()).await?;
//! let request = SignIn::new(Issuer::new("my-tool").unwrap()).profile("prod-admin");
//! let plan = context.plan(&request)?;
//! let signed_in = plan.execute(&NoPrompt).await?;
//! for notice in &signed_in.notices {
//!     if let Notice::RoleChaining { role, cap_seconds } = notice {
//!         eprintln!("{role}: role chaining, the session lasts {cap_seconds}s");
//!     }
//! }
//! println!("{}", signed_in.console.expose());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod base;
mod chain;
mod console_url;
mod context;
mod error;
mod exchange;
mod execute;
mod hops;
mod host;
mod notice;
mod outcome;
mod plan;
mod portal;
mod profiles;
mod prompt;
mod request;
#[cfg(feature = "revocation")]
mod revocation;
mod selection;
mod signer;

pub use crate::console_url::{ConsoleLogin, ConsoleUrl, console_url};
pub use crate::context::Context;
pub use crate::error::{Error, Input};
pub use crate::host::Host;
pub use crate::notice::Notice;
pub use crate::outcome::{LengthWhy, SessionLength, SignedIn};
pub use crate::plan::{
    DurationFrom, Plan, PlannedDuration, SigninEndpoints, parse_signin_endpoint, plan,
};
pub use crate::portal::{PortalRequest, PortalShortcut, portal_link};
pub use crate::profiles::{ProfileKind, ProfileSummary, profiles};
pub use crate::prompt::{MfaPrompt, NoPrompt};
pub use crate::request::{Page, RoleToAssume, SessionPolicy, SignIn, SigninMethod};
pub use crate::selection::{ChosenBy, Selection, Source};
pub use crate::signer::{RoleSession, RoleSignedIn, ServiceCredentials, Signer, SignerConfig};

/// Signs in as `request` asks, with the process's environment and AWS config files: [`plan`],
/// then [`Plan::execute`].
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// use fed_core::Issuer;
/// use fed_flow::{NoPrompt, SignIn, sign_in};
///
/// // The profile's credentials, whatever they are (keys, a role chain, SSO, a process).
/// let request = SignIn::new(Issuer::new("my-tool").expect("an issuer")).profile("prod-admin");
/// let signed_in = sign_in(&request, &NoPrompt).await?;
/// eprintln!("{} ({})", signed_in.principal, signed_in.source);
/// println!("{}", signed_in.console.expose());
/// # Ok(()) }
/// ```
pub async fn sign_in(request: &SignIn, prompt: &dyn MfaPrompt) -> Result<SignedIn, Error> {
    plan(request).await?.execute(prompt).await
}

/// The examples of README.md, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
