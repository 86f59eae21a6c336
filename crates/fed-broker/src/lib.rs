//! fed-broker: the custom identity broker of AWS's "enable custom identity broker access to
//! the AWS console" page. People sign in with the company's OpenID Connect provider; the
//! broker decides which roles each may use from its entitlements, assumes the role with the
//! person's name on the session, and hands the browser a console sign-in URL.
//!
//! What is here so far: the configuration file and the entitlements file, each checked as a
//! whole with errors that name the key; the sealed cookies that keep the broker stateless;
//! and the audit record of each decision.
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

pub use crate::audit::{Decision, Record};
pub use crate::config::{Audit, Config, Limits, Oidc, Session};
pub use crate::cookies::{KeyRing, Refusal};
pub use crate::entitlements::{Entitlement, Entitlements};
pub use crate::error::Error;
pub use crate::oidc::{Pending, Person, Provider, SignInError};
