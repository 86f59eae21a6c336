//! fed-broker: the custom identity broker of AWS's "enable custom identity broker access to
//! the AWS console" page. People sign in with the company's OpenID Connect provider; the
//! broker decides which roles each may use from its entitlements, assumes the role with the
//! person's name on the session, and hands the browser a console sign-in URL.
//!
//! The pieces: the configuration and entitlements files ([`Config`], [`Entitlements`]),
//! checked as a whole with errors that name the key; the sign-in at the provider
//! ([`Provider`]); the sealed cookies that keep the broker stateless ([`KeyRing`]); the web
//! server ([`Broker`]) and what issues sessions ([`Issuer`]); the audit record of each
//! decision ([`Record`]), also kept in PostgreSQL when configured ([`AuditStore`]).
//!
//! ```
//! use fed_broker::Entitlements;
//!
//! let entitlements = Entitlements::parse(r#"
//!     [[role]]
//!     name = "Production, read-only"
//!     arn = "arn:aws:iam::111122223333:role/ReadOnly"
//!     groups = ["engineering"]
//!     max_session = "4h"
//! "#)?;
//! let groups = vec!["engineering".to_owned()];
//! let roles: Vec<_> = entitlements.for_user("alice@example.com", &groups).collect();
//! assert_eq!(roles[0].name, "Production, read-only");
//! assert_eq!(roles[0].account, "111122223333");
//! # Ok::<(), fed_broker::Error>(())
//! ```
#![deny(missing_docs)]

mod audit;
mod config;
mod cookies;
mod entitlements;
mod error;
mod oidc;
mod server;

pub use crate::audit::{AuditStore, Decision, Record};
pub use crate::config::{Audit, Aws, Config, Limits, Oidc, Session};
pub use crate::cookies::{KeyRing, Refusal};
pub use crate::entitlements::{Entitlement, Entitlements};
pub use crate::error::Error;
pub use crate::oidc::{Pending, Person, Provider, SignInError};
pub use crate::server::{Broker, Issuer};
