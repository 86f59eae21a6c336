//! The failure contract of the binaries: bad input gets one clear `error:` line naming the input
//! and what is allowed, a `hint:` line when there is a fix, a non-zero exit, nothing on stdout,
//! and never a Rust Debug rendering (nor a control character a server slipped in).

use std::process::Output;

/// The lines of a failure that met the contract.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The `error:` line.
    pub(crate) error: String,
    /// The `hint:` line, if any.
    pub(crate) hint: Option<String>,
}

impl Failure {
    /// Asserts that the `error:` line also says `text`.
    #[track_caller]
    pub(crate) fn error_says(&self, text: &str) -> &Failure {
        assert!(
            self.error.contains(text),
            "the error says {text:?}: {self:?}"
        );
        self
    }

    /// Asserts that there is a `hint:` line and that it says `text`.
    #[track_caller]
    pub(crate) fn hint_says(&self, text: &str) -> &Failure {
        assert!(
            self.hint.as_deref().is_some_and(|hint| hint.contains(text)),
            "the hint says {text:?}: {self:?}"
        );
        self
    }
}

/// Asserts that `out` is a failure with exit code `code` whose `error:` line names `names`, as
/// the contract says; notices (`fed: …`) may come before the error. Its lines.
#[track_caller]
pub(crate) fn assert_failure(out: &Output, code: i32, names: &str) -> Failure {
    let err = String::from_utf8(out.stderr.clone()).expect("utf-8 stderr");
    assert_eq!(out.status.code(), Some(code), "stderr:\n{err}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout, got {:?}; stderr:\n{err}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("fed: ")).collect();
    let (error, hint) = match lines.as_slice() {
        [error] => (*error, None),
        [error, hint] if hint.starts_with("hint: ") => (*error, Some(*hint)),
        _ => panic!("one `error:` line and an optional `hint:` line: {err}"),
    };
    assert!(error.starts_with("error: "), "an `error:` line: {err}");
    assert!(
        error.contains(names),
        "the error line names {names:?}: {err}"
    );
    if let Some(rendering) = debug_rendering(&err) {
        panic!("a Rust Debug rendering or a control character ({rendering:?}) on stderr: {err:?}");
    }
    Failure {
        error: error.to_owned(),
        hint: hint.map(str::to_owned),
    }
}

/// What in `text` is a Debug rendering (`Some(…)`, `Error { kind: … }`, `\"` escapes, the SDK's
/// error variants) or a control character other than a line break, if anything.
fn debug_rendering(text: &str) -> Option<String> {
    for marker in [
        "Some(",
        "None)",
        "Ok(",
        "Err(",
        "\\\"",
        "DispatchFailure",
        "ServiceError",
    ] {
        if text.contains(marker) {
            return Some(marker.to_owned());
        }
    }
    if let Some(control) = text.chars().find(|c| c.is_control() && *c != '\n') {
        return Some(control.to_string());
    }
    // `Name { field: …`: a struct as `{:?}` prints it.
    text.match_indices(" { ").find_map(|(at, _)| {
        let name = text[..at]
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        let rest = &text[at + " { ".len()..];
        let field = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        let is_dump = name.starts_with(|c: char| c.is_ascii_uppercase())
            && !field.is_empty()
            && rest[field.len()..].starts_with(':');
        is_dump.then(|| format!("{name} {{ {field}:"))
    })
}

#[test]
fn debug_renderings_are_found() {
    for (text, found) in [
        ("error: no AWS credentials found", None),
        (
            "error: unknown service \"cloudwatc\": see `fed services`",
            None,
        ),
        ("error: the template {url} is { not } a dump", None),
        ("error: failed: Some(\"x\")", Some("Some(")),
        ("error: failed: \\\"x\\\"", Some("\\\"")),
        (
            "error: failed: Error { kind: NotFound }",
            Some("Error { kind:"),
        ),
        ("error: \u{1b}]0;pwned\u{7}", Some("\u{1b}")),
        ("error: \u{9b}2J", Some("\u{9b}")),
    ] {
        assert_eq!(debug_rendering(text).as_deref(), found, "{text:?}");
    }
}
