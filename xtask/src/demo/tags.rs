//! What marks a demo role, so that its teardown and `cargo xtask sweep` recognise it: its name,
//! the run id in its `fed:demo` tag, and the time in its `fed:created-at` tag.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::BorrowedFormatItem;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The tag that marks demo roles; its value is the run id.
pub(crate) const DEMO_TAG: &str = "fed:demo";

/// The tag that records when a demo role was created (RFC 3339, UTC).
pub(crate) const CREATED_AT_TAG: &str = "fed:created-at";

/// Every demo role's name starts with this.
pub(crate) const ROLE_PREFIX: &str = "fed-demo-";

/// A run id: the UTC time and six random hex digits, e.g. `20261122T164500-3fa9c2`.
pub(crate) fn run_id(now: SystemTime) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        now.duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u32(std::process::id());
    let random = hasher.finish() & 0xff_ffff;
    let stamp: String = rfc3339(now)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("{}-{random:06x}", stamp.trim_end_matches('Z'))
}

/// The timestamps of the `fed:created-at` tag: RFC 3339 in UTC, whole seconds.
fn timestamp_format() -> Vec<BorrowedFormatItem<'static>> {
    time::format_description::parse_borrowed::<2>("[year]-[month]-[day]T[hour]:[minute]:[second]Z")
        .expect("the format description is valid")
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&timestamp_format())
        .unwrap_or_default()
}

/// Parses what [`rfc3339`] writes.
pub(crate) fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    PrimitiveDateTime::parse(s, &timestamp_format())
        .ok()
        .map(|at| at.assume_utc().into())
}
