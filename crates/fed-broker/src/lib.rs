//! fed-broker: the custom identity broker of AWS's "enable custom identity broker access to
//! the AWS console" page. People sign in with the company's OpenID Connect provider; the
//! broker decides which roles each may use from its entitlements, assumes the role with the
//! person's name on the session, and hands the browser a console sign-in URL.
//!
//! The pieces: the configuration and entitlements files ([`Config`], [`Entitlements`]),
//! checked as a whole with errors that name the key; the sign-in at the provider
//! ([`Provider`]); the Cedar policies the entitlements compile to, with an optional file of
//! extra ones, which make every decision ([`Policies`], [`Rules`]); the sealed cookies that keep the broker stateless ([`KeyRing`]); the shared
//! state ([`Broker`]), the web app built from it ([`app`]) and how it is served ([`serve()`]);
//! what issues sessions ([`Issuer`]); every way of saying no ([`Refusal`], [`Reason`]); and the
//! audit record of each decision ([`Record`]), also kept in PostgreSQL when configured
//! ([`AuditStore`]).
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

mod app;
mod audit;
mod broker;
mod config;
mod cookies;
mod decisions;
mod entitlements;
mod error;
mod extract;
mod grants;
mod issue;
mod jit;
mod limits;
mod metrics;
mod notify;
mod oidc;
mod pages;
mod policy;
mod refusal;
mod revocations;
mod routes;
mod rules;
mod serve;
mod session;

pub use crate::app::{BODY_LIMIT, REQUEST_TIMEOUT, app, metrics_app};
pub use crate::audit::{AuditStore, Decision, MAX_RECORD_BYTES, Record};
pub use crate::broker::Broker;
pub use crate::config::{Audit, Aws, Config, Limits, Notify, Oidc, Server, Session};
pub use crate::cookies::KeyRing;
pub use crate::decisions::RATE_LIMITED_RECORDS_PER_MINUTE;
pub use crate::entitlements::{
    Access, DEFAULT_MAX_GRANT, Entitlement, Entitlements, MAX_GRANT_LIMIT,
};
pub use crate::error::Error;
pub use crate::grants::{Grant, GrantState, NewGrant};
pub use crate::issue::Issuer;
pub use crate::jit::GRANT_TICK;
pub use crate::notify::{
    ATTEMPT_TIMEOUT, ATTEMPTS, Event, Notice, Notifier, SIGNATURE_HEADER, sign,
};
pub use crate::oidc::{
    MAX_AMR, PROVIDER_TIMEOUT, Pending, Person, Provider, REFETCH_COOLDOWN, SignInError,
};
pub use crate::policy::{
    Action, Answer, Facts, MAX_EXTRA_BYTES, NO_SELF_APPROVAL, Policies, Question,
};
pub use crate::refusal::{Reason, Refusal};
pub use crate::rules::{Digests, Rules};
pub use crate::serve::{HEADER_READ_TIMEOUT, Serving, serve};

/// `bytes` random bytes as hex: ids and tokens.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // Without randomness there can be no tokens; an all-zero one would be guessable, so stop.
    getrandom::fill(&mut buf).expect("the system's random number generator");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
