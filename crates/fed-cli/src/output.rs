//! What `fed url` prints: the bare URL, a JSON object, or a browser opening it.

use std::io::Write;
use std::process::{Command, Stdio};

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
    /// The `--json` object. `expires_at` is when the sign-in URL stops working.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let expires = time::OffsetDateTime::from(self.console.expires_at());
        serde_json::json!({
            "url": self.console.expose(),
            "principal_arn": self.principal_arn,
            "partition": self.partition.as_str(),
            "expires_at": expires.format(&Rfc3339).unwrap_or_default(),
            "session_duration": self.console.session_duration.map(SessionDuration::seconds),
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

/// Opens `url` with `$BROWSER` (a `:`-separated list of commands; `%s` is
/// replaced by the URL, else it is the last argument) or the system's opener.
pub(crate) fn open(url: &str) -> Result<(), String> {
    if let Ok(browsers) = std::env::var("BROWSER") {
        let mut last = String::from("BROWSER is empty");
        for browser in browsers.split(':').filter(|b| !b.trim().is_empty()) {
            match run_browser(browser, url) {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        return Err(last);
    }
    webbrowser::open(url).map_err(|e| format!("could not open a browser: {e}"))
}

fn run_browser(command: &str, url: &str) -> Result<(), String> {
    let mut words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_owned());
    }
    let (program, args) = words.split_first().ok_or("BROWSER is empty")?;
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("could not run BROWSER command {program:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("BROWSER command {program:?} failed with {status}"))
    }
}
