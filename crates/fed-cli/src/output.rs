//! What `fed url` prints: the bare URL, a JSON object, or a browser opening it.

use std::io::Write;

use fed_core::{Partition, SessionDuration};
use time::format_description::well_known::Rfc3339;

/// The result of a sign-in.
pub(crate) struct Outcome {
    /// The sign-in URL, when it was issued and the session length it got.
    pub(crate) console: fed_flow::ConsoleUrl,
    pub(crate) principal_arn: String,
    pub(crate) partition: Partition,
}

impl Outcome {
    /// The `--json` object. `kind` tells it from `--portal`'s; `expires_at` is when the sign-in
    /// URL stops working.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let expires = time::OffsetDateTime::from(self.console.expires_at());
        serde_json::json!({
            "url": self.console.expose(),
            "kind": "federation",
            "principal_arn": self.principal_arn,
            "partition": self.partition.as_str(),
            "expires_at": expires.format(&Rfc3339).unwrap_or_default(),
            "session_duration": self.console.session.session_duration.map(SessionDuration::seconds),
        })
    }
}

/// Writes one line to stdout, treating a closed pipe as success.
pub(crate) fn print_line(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
