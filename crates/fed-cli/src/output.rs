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
    /// The `--json` object, its keys in a fixed (alphabetical) order whatever features
    /// serde_json is built with. `kind` tells it from `--portal`'s; `expires_at` is when the
    /// sign-in URL stops working.
    pub(crate) fn to_json(&self) -> String {
        /// The object, field by field in the order printed.
        #[derive(serde::Serialize)]
        struct Json<'a> {
            expires_at: String,
            kind: &'static str,
            partition: &'a str,
            principal_arn: &'a str,
            session_duration: Option<u32>,
            url: &'a str,
        }
        let expires = time::OffsetDateTime::from(self.console.expires_at());
        serde_json::to_string(&Json {
            expires_at: expires.format(&Rfc3339).unwrap_or_default(),
            kind: "federation",
            partition: self.partition.as_str(),
            principal_arn: &self.principal_arn,
            session_duration: self
                .console
                .session
                .session_duration
                .map(SessionDuration::seconds),
            url: self.console.expose(),
        })
        .unwrap_or_default()
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
