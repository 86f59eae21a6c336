//! The local stack: everything needed to run console federation without AWS.
//!
//! Not linked into the `fed` binary; only `xtask` and the test crates depend on it.

pub mod federation;
pub mod moto;
pub mod stack;
pub mod sts_resolver;

pub use moto::{LocalAws, LocalAwsError};
pub use stack::{LocalStack, LocalStackError};
pub use sts_resolver::StsResolver;
