//! The one error type of fed-broker: each variant names the file and the key it is about.

use std::path::{Path, PathBuf};

/// What can go wrong in the broker's files and its audit store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file cannot be read.
    #[error("cannot read {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The text is not valid TOML, or has a key that is unknown or of the wrong type.
    #[error("{}{message}", file_prefix(file.as_deref()))]
    Syntax {
        /// The file, once known.
        file: Option<PathBuf>,
        /// The parser's message, which names the key and the line.
        message: String,
    },
    /// An environment variable the configuration names is unset or holds something unusable.
    /// The message never holds the variable's value.
    #[error("{name}: {problem}")]
    Variable {
        /// The variable.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// The audit store, whose URL the variable holds, cannot be reached or used. The message
    /// never holds the URL.
    #[error("the audit store in {variable}: {problem}")]
    Store {
        /// The variable that holds the database URL.
        variable: String,
        /// What went wrong.
        problem: String,
    },
    /// A key has a value that is not allowed.
    #[error("{}{key}: {value:?} is not allowed; expected {expected}", file_prefix(file.as_deref()))]
    Key {
        /// The file, once known.
        file: Option<PathBuf>,
        /// The key, such as `oidc.issuer` or `role[2].arn`.
        key: String,
        /// Its value.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A Cedar policy cannot be parsed, or does not fit the broker's schema: in the extra
    /// policies file (named, with the line when known), or, a mistake of the broker's, among
    /// those compiled from the entitlements.
    #[error("{}{message}", policy_place(file.as_deref(), *line))]
    Policy {
        /// The extra policies file, when the mistake is there.
        file: Option<PathBuf>,
        /// The line, from 1.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
}

fn policy_place(file: Option<&Path>, line: Option<usize>) -> String {
    match (file, line) {
        (Some(file), Some(line)) => format!("{}, line {line}: ", file.display()),
        (Some(file), None) => format!("{}: ", file.display()),
        _ => String::new(),
    }
}

fn file_prefix(file: Option<&Path>) -> String {
    file.map(|f| format!("{}: ", f.display()))
        .unwrap_or_default()
}

impl Error {
    pub(crate) fn key(key: &str, value: &str, expected: &str) -> Error {
        Error::Key {
            file: None,
            key: key.to_owned(),
            value: value.to_owned(),
            expected: expected.to_owned(),
        }
    }

    /// A TOML error of `text` on one line, with its line and column (toml's own rendering
    /// spans several lines).
    pub(crate) fn toml(err: &toml::de::Error, text: &str) -> Error {
        let message = err.message().trim_end_matches('\n').to_owned();
        let at = err
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!(" (line {line}, column {column})")
            })
            .unwrap_or_default();
        Error::Syntax {
            file: None,
            message: format!("{message}{at}"),
        }
    }

    /// The same error, naming `path`.
    pub(crate) fn in_file(self, path: &Path) -> Error {
        match self {
            Error::Syntax { message, .. } => Error::Syntax {
                file: Some(path.to_owned()),
                message,
            },
            Error::Key {
                key,
                value,
                expected,
                ..
            } => Error::Key {
                file: Some(path.to_owned()),
                key,
                value,
                expected,
            },
            other => other,
        }
    }
}
