//! The rules of AWS console federation, as pure values.
//!
//! fed-core does no I/O: no network, no files, no clock, no environment. Every
//! input is validated when it is constructed, so building a request or a URL
//! from validated parts cannot fail.
//!
//! # Brief overview
//!
//! - [`Partition`] knows the sign-in, console and logout hosts of `aws`,
//!   `aws-us-gov` and `aws-cn`.
//! - [`Arn`] parses principal ARNs into a [`Principal`].
//! - Validated inputs: [`RoleSessionName`], [`FederationName`], [`RoleName`],
//!   [`ExternalId`], [`MfaSerial`], [`MfaCode`], [`SourceIdentity`], [`Issuer`],
//!   [`SessionDuration`], [`AssumeRoleDuration`], [`FederationTokenDuration`].
//! - [`Credentials`] (redacted `Debug`, zeroized) and their [`CredentialOrigin`].
//! - [`decide_session_duration`] decides whether `SessionDuration` is sent.
//! - [`SigninTokenRequest`] encodes the `getSigninToken` call; [`SigninToken`]
//!   holds its answer.
//! - [`Destination`] resolves the console page to land on; [`LoginUrl`] builds
//!   the `Action=login` URL and its logout-first form.
#![deny(missing_docs)]

mod arn;
mod credentials;
mod destination;
mod duration;
mod error;
mod form;
mod login_url;
mod names;
mod partition;
mod session_duration;
mod signin_request;

pub use crate::arn::{Arn, Principal};
pub use crate::credentials::{CredentialOrigin, Credentials, SigninToken};
pub use crate::destination::{Destination, Service};
pub use crate::duration::{
    AssumeRoleDuration, FederationTokenDuration, SessionDuration, parse_duration,
};
pub use crate::error::{Error, one_line};
pub use crate::login_url::LoginUrl;
pub use crate::names::{
    ExternalId, FederationName, Issuer, MfaCode, MfaSerial, RoleName, RoleSessionName,
    SourceIdentity,
};
pub use crate::partition::Partition;
pub use crate::session_duration::{SessionDurationDecision, decide_session_duration};
pub use crate::signin_request::SigninTokenRequest;
