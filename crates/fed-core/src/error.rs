//! The one error type of fed-core.

/// Everything that can be wrong with an input to fed-core.
///
/// Messages are one line, name the input and say what is allowed. They never
/// contain secret values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value did not meet the rules of the named input.
    #[error("invalid {input} {value:?}: {problem}; allowed: {allowed}")]
    InvalidInput {
        /// Which input, e.g. `role session name`.
        input: &'static str,
        /// The offending value (never a secret).
        value: String,
        /// What is wrong with it.
        problem: String,
        /// What would be accepted.
        allowed: &'static str,
    },
    /// A partition that fed does not support: the ISO partitions, for which AWS publishes
    /// neither a federation endpoint nor a console host.
    #[error(
        "unsupported partition {0:?}: AWS publishes no federation endpoint or console host for it; console federation is available in aws, aws-us-gov, aws-cn and aws-eusc"
    )]
    UnsupportedPartition(String),
    /// A string that is not a well-formed ARN.
    #[error(
        "invalid ARN {value:?}: {problem}; expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
    )]
    InvalidArn {
        /// The offending value.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Credentials without a session token cannot be exchanged for a sign-in token.
    #[error(
        "credentials have no session token: long-term access keys cannot sign in to the console; use temporary credentials from AssumeRole or GetFederationToken"
    )]
    MissingSessionToken,
}

impl Error {
    pub(crate) fn invalid(
        input: &'static str,
        value: impl Into<String>,
        problem: impl Into<String>,
        allowed: &'static str,
    ) -> Error {
        Error::InvalidInput {
            input,
            value: value.into(),
            problem: problem.into(),
            allowed,
        }
    }
}

/// An error and its sources on one line, `outer: inner: …`: their `Display` only (never the
/// `Debug` some libraries append), a source skipped when its text is already there, and runs of
/// whitespace collapsed.
pub fn one_line(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        source = e.source();
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}
