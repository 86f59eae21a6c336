//! The rules of AWS console federation, as pure values.
//!
//! fed-core does no I/O: no network, no files, no clock, no environment. Every
//! input is validated when it is constructed, so building a request or a URL
//! from validated parts cannot fail.
//!
//! ```
//! use fed_core::{
//!     CredentialOrigin, Credentials, Destination, Issuer, LoginUrl, Partition, Region,
//!     SigninToken, SigninTokenRequest, decide_session_duration,
//! };
//! use std::time::Duration;
//!
//! // Temporary credentials of a role session that was not role chaining.
//! let credentials = Credentials::new("ASIAEXAMPLE", "secret", Some("token".into()), None);
//! let decision = decide_session_duration(
//!     CredentialOrigin::AssumedRole { chained: false },
//!     Some(Duration::from_secs(8 * 3600)),
//! )?;
//! // The getSigninToken call, to send with any HTTP client (fed-signin does it).
//! let request = SigninTokenRequest::new(&credentials, decision.value)?;
//! assert!(request.to_form_body().starts_with("Action=getSigninToken&"));
//!
//! // With the token from the answer, the URL that opens the S3 console in Ireland.
//! let region = Region::new("eu-west-1")?;
//! let url = LoginUrl::new(
//!     &Partition::Aws.federation_endpoint(None),
//!     &Issuer::new("https://example.com/")?,
//!     &Destination::service("s3")?.to_url(region.partition(), Some(&region)),
//!     &SigninToken::new("from getSigninToken"),
//! );
//! println!("{}", url.redacted());
//! # Ok::<(), fed_core::Error>(())
//! ```
//!
//! # Brief overview
//!
//! - [`Partition`] knows the sign-in, console and logout hosts of `aws`,
//!   `aws-us-gov`, `aws-cn` and `aws-eusc`; [`Region`] is a checked region name
//!   and knows its partition.
//! - [`Arn`] parses principal ARNs into a [`Principal`]; [`RoleArn`] is an ARN
//!   checked to name a role.
//! - Validated inputs: [`RoleSessionName`], [`FederationName`], [`RoleName`],
//!   [`ExternalId`], [`MfaSerial`], [`MfaCode`], [`SourceIdentity`], [`Issuer`],
//!   [`SessionDuration`], [`AssumeRoleDuration`], [`FederationTokenDuration`], and
//!   [`RequestedDuration`], a length as it is asked for before the way is known.
//! - [`Credentials`] (redacted `Debug`, zeroized) and their [`CredentialOrigin`].
//! - [`decide_session_duration`] decides whether `SessionDuration` is sent.
//! - [`SigninTokenRequest`] encodes the `getSigninToken` call; [`SigninToken`]
//!   holds its answer.
//! - [`Service`] is the catalogue of console services (shortcuts, paths,
//!   aliases); [`Destination`] resolves the console page to land on; [`LoginUrl`] builds
//!   the `Action=login` URL and its logout-first form; [`RedactedUrl`] renders
//!   one without its token, for logs and snapshot tests.
//! - [`PortalLink`] is the IAM Identity Center access portal's shortcut link
//!   to a console page as an account and permission set: no credentials, no
//!   token.
//! - [`SessionRevocation`] is AWS's documented way to end a person's role sessions early:
//!   an inline policy denying the sessions they were issued before a time.
//! - [`Error`] is the one error type; [`one_line`] writes any error with its
//!   sources on one line.
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
mod portal_link;
mod redacted;
mod region;
mod revocation;
mod services;
mod session_duration;
mod signin_request;
mod tag;

pub use crate::arn::{Arn, Principal, RoleArn};
pub use crate::credentials::{CredentialOrigin, Credentials, SigninToken};
pub use crate::destination::Destination;
pub use crate::duration::{
    AssumeRoleDuration, FederationTokenDuration, RequestedDuration, SessionDuration, parse_duration,
};
pub use crate::error::{Error, one_line};
pub use crate::login_url::LoginUrl;
pub use crate::names::{
    ExternalId, FederationName, Issuer, MfaCode, MfaSerial, PolicyName, RoleName, RoleSessionName,
    SourceIdentity,
};
pub use crate::partition::Partition;
pub use crate::portal_link::PortalLink;
pub use crate::redacted::RedactedUrl;
pub use crate::region::Region;
pub use crate::revocation::SessionRevocation;
pub use crate::services::Service;
pub use crate::session_duration::{Omitted, SessionDurationDecision, decide_session_duration};
pub use crate::signin_request::SigninTokenRequest;
pub use crate::tag::Tag;

/// The examples of README.md, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
