//! Validated durations and the parser for `3600`, `90m`, `12h`, `1h30m`.

use std::fmt;
use std::time::Duration;

use crate::Error;

/// Parses a duration written as seconds (`3600`) or as a sum of units
/// (`45s`, `90m`, `12h`, `1h30m`).
pub fn parse_duration(input: &str) -> Result<Duration, Error> {
    const ALLOWED: &str = "seconds (3600) or a number with a unit s, m or h (90m, 12h, 1h30m)";
    let bad = |problem: &str| Error::invalid("duration", input, problem, ALLOWED);
    let s = input.trim();
    if s.is_empty() {
        return Err(bad("empty"));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| bad("too large"));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad(&format!("unknown unit {c:?}"))),
        };
        if digits.is_empty() {
            return Err(bad(&format!("unit {c:?} without a number")));
        }
        let n: u64 = digits.parse().map_err(|_| bad("too large"))?;
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(|| bad("too large"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(bad("number without a unit after another unit"));
    }
    Ok(Duration::from_secs(total))
}

macro_rules! seconds_newtype {
    ($(#[$doc:meta])* $name:ident, $input:literal, $min:expr, $max:expr, $allowed:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The smallest allowed value, in seconds.
            pub const MIN: u32 = $min;
            /// The largest allowed value, in seconds.
            pub const MAX: u32 = $max;

            #[doc = concat!("Validates a ", $input, " given in seconds.")]
            pub fn from_secs(secs: u64) -> Result<$name, Error> {
                if (u64::from(Self::MIN)..=u64::from(Self::MAX)).contains(&secs) {
                    Ok($name(secs as u32))
                } else {
                    Err(Error::invalid($input, secs.to_string(), "out of range", $allowed))
                }
            }

            #[doc = concat!("Validates a ", $input, " (whole seconds; sub-second parts are dropped).")]
            pub fn new(duration: Duration) -> Result<$name, Error> {
                Self::from_secs(duration.as_secs())
            }

            /// The value in seconds.
            pub fn seconds(self) -> u32 {
                self.0
            }

            /// The value as a [`Duration`].
            pub fn as_duration(self) -> Duration {
                Duration::from_secs(u64::from(self.0))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

seconds_newtype!(
    /// The getSigninToken `SessionDuration`: how long the console session lasts,
    /// 900–43200 seconds (15 minutes to 12 hours).
    SessionDuration, "session duration", 900, 43_200, "900 to 43200 seconds (15m to 12h)"
);

seconds_newtype!(
    /// AssumeRole `DurationSeconds`: 900–43200 seconds, and at most 3600 when
    /// the call is role chaining (see [`AssumeRoleDuration::capped_for_chaining`]).
    AssumeRoleDuration, "assume-role duration", 900, 43_200, "900 to 43200 seconds (15m to 12h); at most 3600 when role chaining"
);

seconds_newtype!(
    /// GetFederationToken `DurationSeconds`: 900–129600 seconds (15 minutes to
    /// 36 hours).
    FederationTokenDuration, "federation token duration", 900, 129_600, "900 to 129600 seconds (15m to 36h)"
);

seconds_newtype!(
    /// A console session length as it is asked for, before the way to the console is known:
    /// 900–129600 seconds, the widest range any way allows (GetFederationToken's). Each way
    /// narrows it once it is known: [`RequestedDuration::for_assume_role`] where a role is
    /// assumed, [`crate::decide_session_duration`] where `SessionDuration` is sent.
    RequestedDuration, "duration", 900, 129_600, "900 to 129600 seconds (15m to 36h); at most 12h where a role is assumed"
);

impl RequestedDuration {
    /// Parses and checks a duration as a user writes it (`3600`, `90m`, `12h`, `1h30m`).
    ///
    /// ```
    /// use fed_core::RequestedDuration;
    ///
    /// assert_eq!(RequestedDuration::parse("2h").unwrap().seconds(), 7200);
    /// assert!(RequestedDuration::parse("10m").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<RequestedDuration, Error> {
        RequestedDuration::new(parse_duration(input)?)
    }

    /// The AssumeRole `DurationSeconds` for this length, where a role is assumed.
    pub fn for_assume_role(self) -> Result<AssumeRoleDuration, Error> {
        AssumeRoleDuration::from_secs(u64::from(self.0))
    }

    /// The GetFederationToken `DurationSeconds` for this length: the same range.
    pub fn for_federation_token(self) -> FederationTokenDuration {
        FederationTokenDuration(self.0)
    }
}

impl AssumeRoleDuration {
    /// The 1-hour cap that STS applies to role chaining.
    pub const CHAINED_MAX: u32 = 3600;

    /// The duration allowed for a chained AssumeRole, and whether it had to
    /// be lowered to [`AssumeRoleDuration::CHAINED_MAX`].
    pub fn capped_for_chaining(self) -> (AssumeRoleDuration, bool) {
        if self.0 > Self::CHAINED_MAX {
            (AssumeRoleDuration(Self::CHAINED_MAX), true)
        } else {
            (self, false)
        }
    }
}

#[cfg(test)]
mod tests;
