//! The local stack: everything needed to run console federation without AWS.
//!
//! Not linked into the `fed` binary; only `xtask` and the test crates depend on it.

pub mod federation;
pub mod moto;

pub use moto::{LocalAws, LocalAwsError};
