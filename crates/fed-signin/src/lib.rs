//! A client for the AWS federation endpoint's `getSigninToken` call.
//!
//! It exchanges temporary credentials for a sign-in token, which
//! [`fed_core::LoginUrl`] turns into a console sign-in URL. It is the
//! endpoint client only; the whole sign-in is fed-flow's.
//!
//! # Brief overview
//!
//! - [`Config`] says where and how to call: the endpoint (a partition's
//!   global or regional sign-in host, or an explicit URL), [`Method`] (form
//!   POST by default, so secrets stay out of URLs and proxy logs), timeouts,
//!   retries, and whether to retry once without `SessionDuration`.
//! - [`Client`] sends the call. It sets a `User-Agent` of [`USER_AGENT`],
//!   retries connection errors, 5xx and 429 with jittered backoff (never
//!   400), and reads at most [`MAX_BODY_BYTES`] of any response.
//! - [`TokenRequest`] carries the credentials and options of one call, and
//!   [`SigninTokenResponse`] the token and what happened on the way.
//! - [`Error`] is the one error type. A 400 carries a [`Hint`] naming the
//!   likely cause. No error, log line or `Debug` output contains the request
//!   URL, its body, the secret key, the session token or the sign-in token:
//!   a response body that echoes them, in any common encoding, is withheld.
//! - The request's text (the form body, the GET URL) and the response body are
//!   held in buffers that are zeroed when dropped.
//!
//! The library reads no environment variables; binaries map
//! `FED_SIGNIN_ENDPOINT` to [`Config::new`].
//!
//! # Example
//!
//! Against AWS, the client is `Client::new(Config::for_partition(Partition::Aws, None))`;
//! here it asks the federation endpoint emulator of `fed-local`, which a test
//! starts in one line and which takes any temporary credentials:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use fed_core::{Credentials, Destination, Issuer, LoginUrl, Partition};
//! use fed_signin::{Client, Config, TokenRequest};
//!
//! let emulator = fed_local::federation::start_any_session().await?;
//! let client = Client::new(Config::new(emulator.federation_url()))?;
//!
//! let credentials = Credentials::new("ASIATEST", "secret", Some("token".into()), None);
//! let answer = client.get_signin_token(&TokenRequest::new(&credentials)).await?;
//! let url = LoginUrl::new(
//!     &client.config().endpoint,
//!     &Issuer::new("my-tool")?,
//!     &Destination::service("iam")?.to_url(Partition::Aws, None),
//!     answer.token(),
//! );
//!
//! // A snapshot of the URL: every parameter decoded, the token replaced, and
//! // the emulator's port (new on every run) filtered out.
//! let port = emulator.base_url().port().unwrap_or_default().to_string();
//! assert_eq!(
//!     url.redacted().to_string().replace(&port, "PORT"),
//!     "http://127.0.0.1:PORT/federation
//!   Action=login
//!   Issuer=my-tool
//!   Destination=https://console.aws.amazon.com/iam/home
//!   SigninToken=[redacted]
//! "
//! );
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod client;
mod config;
mod error;
mod response;
mod wire;

pub use crate::client::{Client, SigninTokenResponse, TokenRequest, parse_endpoint};
pub use crate::config::{Config, MAX_BODY_BYTES, Method, USER_AGENT};
pub use crate::error::{Error, Hint, Transport};

/// The examples of README.md, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
