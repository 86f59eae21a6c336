//! STS's model constraints on request parameters, with AWS's `ValidationError` texts.

/// A refusal: the error code, HTTP status and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Refused {
    pub(crate) fn access_denied(message: impl Into<String>) -> Refused {
        Refused {
            status: 403,
            code: "AccessDenied",
            message: message.into(),
        }
    }

    pub(crate) fn validation(message: impl Into<String>) -> Refused {
        Refused {
            status: 400,
            code: "ValidationError",
            message: message.into(),
        }
    }
}

/// AWS's one-constraint validation message.
fn constraint(field: &str, value: Option<&str>, rule: &str) -> Refused {
    let value = match value {
        Some(value) => format!("'{value}'"),
        None => "null".to_owned(),
    };
    Refused::validation(format!(
        "1 validation error detected: Value {value} at '{field}' failed to satisfy constraint: {rule}"
    ))
}

/// The characters a parameter's pattern allows.
pub(crate) enum Chars {
    /// `\w` and these.
    Word(&'static str),
    /// Decimal digits.
    Digits,
    /// Anything but control characters.
    Printable,
}

/// A string parameter: required or not, its length range, and the characters its pattern
/// allows (`pattern` is AWS's spelling of it, for the message).
pub(crate) struct Text {
    pub(crate) field: &'static str,
    pub(crate) required: bool,
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) chars: Chars,
    pub(crate) pattern: &'static str,
}

pub(crate) const ROLE_SESSION_NAME: Text = Text {
    field: "roleSessionName",
    required: true,
    min: 2,
    max: 64,
    chars: Chars::Word("+=,.@-"),
    pattern: r"[\w+=,.@-]*",
};

pub(crate) const ROLE_ARN: Text = Text {
    field: "roleArn",
    required: true,
    min: 20,
    max: 2048,
    chars: Chars::Printable,
    pattern: r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+",
};

pub(crate) const EXTERNAL_ID: Text = Text {
    field: "externalId",
    required: false,
    min: 2,
    max: 1224,
    chars: Chars::Word("+=,.@:/-"),
    pattern: r"[\w+=,.@:\/-]*",
};

pub(crate) const SERIAL_NUMBER: Text = Text {
    field: "serialNumber",
    required: false,
    min: 9,
    max: 256,
    chars: Chars::Word("+=/:,.@-"),
    pattern: r"[\w+=/:,.@-]*",
};

pub(crate) const TOKEN_CODE: Text = Text {
    field: "tokenCode",
    required: false,
    min: 6,
    max: 6,
    chars: Chars::Digits,
    pattern: r"[\d]*",
};

pub(crate) const SOURCE_IDENTITY: Text = Text {
    field: "sourceIdentity",
    required: false,
    min: 2,
    max: 64,
    chars: Chars::Word("+=,.@-"),
    pattern: r"[\w+=,.@-]*",
};

pub(crate) const FEDERATION_NAME: Text = Text {
    field: "name",
    required: true,
    min: 2,
    max: 32,
    chars: Chars::Word("+=,.@-"),
    pattern: r"[\w+=,.@-]*",
};

impl Text {
    /// Checks `value` against the constraints.
    pub(crate) fn check(&self, value: Option<&str>) -> Result<(), Refused> {
        let Some(value) = value else {
            return if self.required {
                Err(constraint(self.field, None, "Member must not be null"))
            } else {
                Ok(())
            };
        };
        let length = value.chars().count();
        if length < self.min {
            return Err(constraint(
                self.field,
                Some(value),
                &format!(
                    "Member must have length greater than or equal to {}",
                    self.min
                ),
            ));
        }
        if length > self.max {
            return Err(constraint(
                self.field,
                Some(value),
                &format!("Member must have length less than or equal to {}", self.max),
            ));
        }
        let allowed = |c: char| match self.chars {
            Chars::Word(extra) => c.is_ascii_alphanumeric() || c == '_' || extra.contains(c),
            Chars::Digits => c.is_ascii_digit(),
            Chars::Printable => !c.is_control(),
        };
        if !value.chars().all(allowed) {
            return Err(constraint(
                self.field,
                Some(value),
                &format!(
                    "Member must satisfy regular expression pattern: {}",
                    self.pattern
                ),
            ));
        }
        Ok(())
    }
}

/// `DurationSeconds`: absent, or an integer from 900 to `max`.
pub(crate) fn duration_seconds(value: Option<&str>, max: u32) -> Result<Option<u32>, Refused> {
    let Some(raw) = value else {
        return Ok(None);
    };
    let seconds: i64 = raw.parse().map_err(|_| {
        Refused::validation(format!(
            "Value '{raw}' for parameter DurationSeconds is invalid. It must be an integer"
        ))
    })?;
    if seconds < 900 {
        return Err(constraint(
            "durationSeconds",
            Some(raw),
            "Member must have value greater than or equal to 900",
        ));
    }
    if seconds > i64::from(max) {
        return Err(constraint(
            "durationSeconds",
            Some(raw),
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(Some(seconds as u32))
}
