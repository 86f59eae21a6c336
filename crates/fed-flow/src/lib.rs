//! Credentials in, AWS Management Console sign-in URL out: the one sign-in flow that `fed url`,
//! `cargo xtask demo` and other tools call.
//!
//! # Brief overview
//!
//! - [`SignIn`] says what to sign in as: a profile (or the environment's credentials, as the
//!   AWS CLI picks them), a [`RoleToAssume`], the console session length, long-term keys'
//!   [`SessionPolicy`], and the console [`Page`].
//! - [`sign_in`] resolves the credentials once, makes every AssumeRole hop itself (so it knows
//!   whether the final session is role-chained, and asks profiles' `mfa_serial` codes through
//!   an [`MfaPrompt`]), exchanges long-term keys with GetFederationToken, and asks the
//!   federation endpoint for the URL. `SessionDuration` is decided by fed-core's policy from
//!   what is known of the credentials.
//!   A profile's `fed_service`, `fed_region` and `fed_duration` fill what the request
//!   leaves open.
//! - [`SignedIn`] holds the URL and what was done: the principal, the [`Source`] of the
//!   credentials, the [`SessionLength`] and notes for the user.
//! - [`console_url`] is the sign-in itself for a [`ConsoleLogin`]: the
//!   `SessionDuration` decision, the token and the login URL, as a [`ConsoleUrl`].
//! - [`console`] is the second half on its own: from [`Signable`] credentials (such as a role
//!   session a tool just assumed, [`Signable::assumed`]) to the URL.
//! - [`portal_link`] reads an IAM Identity Center profile into the access portal's shortcut
//!   link ([`PortalShortcut`]) for a [`PortalRequest`]: no AWS call, no credentials.
//! - [`profiles`] lists the profiles of the AWS config files with their [`ProfileKind`], for
//!   a tool that lets its user choose one.
//! - [`Error`] names the cause, the [`Input`] involved, and a [`Error::hint`].
//!
//! ```no_run
//! # async fn run() -> Result<(), fed_flow::Error> {
//! use fed_core::Issuer;
//! use fed_flow::{NoPrompt, SignIn, sign_in};
//!
//! let request = SignIn::new(Issuer::new("my-tool").unwrap()).profile("prod-admin");
//! let signed_in = sign_in(&request, &NoPrompt).await?;
//! println!("{}", signed_in.console.expose());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod base;
mod console_url;
mod error;
mod flow;
mod portal;
mod profiles;
mod request;
mod source;

pub use crate::console_url::{ConsoleLogin, ConsoleUrl, console_url};
pub use crate::error::{Error, Input};
pub use crate::flow::{
    MfaPrompt, NoPrompt, SessionLength, Signable, SignedIn, console, federation_endpoint, sign_in,
};
pub use crate::portal::{PortalRequest, PortalShortcut, portal_link};
pub use crate::profiles::{ProfileKind, ProfileSummary, profile_value, profiles};
pub use crate::request::{Page, RoleToAssume, SessionPolicy, SignIn};
pub use crate::source::{ChosenBy, Source};

/// The examples of README.md, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
