//! What a sign-in did: the URL, who it signs in as, how long the console session lasts and
//! why, and what the user should know.

use std::time::SystemTime;

use fed_core::{Arn, CredentialOrigin, Omitted, Partition, SessionDuration};

use crate::console_url::ConsoleUrl;
use crate::notice::Notice;
use crate::selection::Source;

/// How long the console session lasts, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionLength {
    /// The `SessionDuration` sent and accepted, when there was one.
    pub session_duration: Option<SessionDuration>,
    /// When the console session ends, when known: now plus `SessionDuration`, or the
    /// credentials' expiry.
    pub ends_at: Option<SystemTime>,
    /// Why it lasts that long.
    pub why: LengthWhy,
}

/// Why a console session lasts as long as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LengthWhy {
    /// The `SessionDuration` asked for was sent and accepted.
    SessionDuration,
    /// No length was asked for: the console session lasts as long as the credentials.
    NotAsked,
    /// The length asked for was not sent, for this reason: the credentials' lifetime decides.
    Omitted(Omitted),
    /// The federation endpoint refused `SessionDuration`: the credentials' lifetime decides.
    Refused,
}

/// A console sign-in URL and what was done to get it.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedIn {
    /// The URL.
    pub console: ConsoleUrl,
    /// Who it signs in as.
    pub principal: Arn,
    /// The partition.
    pub partition: Partition,
    /// Where the credentials came from.
    pub source: Source,
    /// What the credentials signed in with are.
    pub origin: CredentialOrigin,
    /// How long the console session lasts, and why.
    pub session: SessionLength,
    /// What the user should know, in the order it happened: the plan's, then the sign-in's.
    pub notices: Vec<Notice>,
}
