//! Audit records: one per decision (a console session issued, or refused), as JSON lines. A
//! record holds who, their groups, the role, the session length, where the request came from,
//! its id and the time; its fields cannot hold a credential, a token or a cookie. Records go
//! to stdout, and also to PostgreSQL when an [`AuditStore`] is configured (`store.rs`).

use std::io::Write;
use std::net::IpAddr;
use std::time::SystemTime;

use serde::Serialize;

pub use store::AuditStore;

mod store;

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// A console session was issued.
    Issued,
    /// The request was refused.
    Denied,
}

impl Decision {
    /// As in the JSON record: `issued` or `denied`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Decision::Issued => "issued",
            Decision::Denied => "denied",
        }
    }
}

/// One decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Record {
    /// When, as RFC 3339 in UTC.
    pub time: String,
    /// The request's id, also in the broker's logs.
    pub request_id: String,
    /// What was decided.
    pub decision: Decision,
    /// Why it was refused (for `denied`), such as `not_entitled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who asked, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Their groups.
    pub groups: Vec<String>,
    /// The role asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// The console session's length, for `issued`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<u64>,
    /// The client's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<IpAddr>,
}

impl Record {
    /// A record of `decision` now, for request `request_id`.
    pub fn new(decision: Decision, request_id: impl Into<String>) -> Record {
        Record {
            time: rfc3339(SystemTime::now()),
            request_id: request_id.into(),
            decision,
            reason: None,
            user: None,
            groups: Vec::new(),
            role_arn: None,
            duration_seconds: None,
            source_ip: None,
        }
    }

    /// The record as one line of JSON, without the newline.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the record as one line of JSON to `out`.
    pub fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.to_json_line())?;
        out.flush()
    }
}

/// `time` as RFC 3339 in UTC.
fn rfc3339(time: SystemTime) -> String {
    time::OffsetDateTime::from(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
