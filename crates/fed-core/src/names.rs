//! Validated names and identifiers sent to STS and IAM or put in the login URL.

use std::fmt;

use crate::{Arn, Error, Principal};

/// `[\w+=,.@-]`: the character set of session, federation and role names.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// `1 character`, `2 characters`.
fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}

fn check_len(
    input: &'static str,
    value: &str,
    min: usize,
    max: usize,
    allowed: &'static str,
) -> Result<(), Error> {
    let len = value.chars().count();
    if len < min {
        return Err(Error::invalid(
            input,
            value,
            format!("{}, fewer than {min}", characters(len)),
            allowed,
        ));
    }
    if len > max {
        return Err(Error::invalid(
            input,
            value,
            format!("{}, more than {max}", characters(len)),
            allowed,
        ));
    }
    Ok(())
}

fn check_chars(
    input: &'static str,
    value: &str,
    ok: impl Fn(char) -> bool,
    allowed: &'static str,
) -> Result<(), Error> {
    match value.chars().find(|&c| !ok(c)) {
        Some(c) => Err(Error::invalid(
            input,
            value,
            format!("contains {c:?}"),
            allowed,
        )),
        None => Ok(()),
    }
}

/// Replaces characters outside `[\w+=,.@-]` with `-`, trims to `max`
/// characters and pads to `min`.
fn sanitize(raw: &str, min: usize, max: usize) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| if is_name_char(c) { c } else { '-' })
        .take(max)
        .collect();
    while s.chars().count() < min {
        s.push('-');
    }
    s
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident, $input:literal, $allowed:expr, |$v:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Validates a ", $input, ".")]
            pub fn new(value: impl Into<String>) -> Result<$name, Error> {
                let $v: String = value.into();
                let check: Result<(), Error> = $check;
                check.map(|()| $name($v))
            }

            /// The validated value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// What is allowed, for help texts.
            pub const ALLOWED: &'static str = $allowed;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<$name, Error> {
                $name::new(s)
            }
        }
    };
}

const NAME_2_64: &str = "2 to 64 characters: letters, digits and _+=,.@-";

string_newtype!(
    /// An STS `RoleSessionName`: 2–64 characters of `[\w+=,.@-]`.
    RoleSessionName, "role session name", NAME_2_64,
    |v| {
        check_len("role session name", &v, 2, 64, NAME_2_64)?;
        check_chars("role session name", &v, is_name_char, NAME_2_64)
    }
);

/// The name a caller goes by: a user's, role's or federated user's name, or
/// an assumed-role session's name; `root` for the root user and `fed` for
/// anything else.
fn caller_name(caller: &Arn) -> &str {
    match caller.principal() {
        Principal::User { name, .. }
        | Principal::Role { name, .. }
        | Principal::FederatedUser { name }
        | Principal::AssumedRole {
            session_name: name, ..
        } => name,
        Principal::Root => "root",
        Principal::Other => "fed",
    }
}

impl RoleSessionName {
    /// A valid session name made from any string (e.g. a caller's user
    /// name): disallowed characters become `-`, it is cut to 64 characters and
    /// padded to 2.
    pub fn sanitized(raw: &str) -> RoleSessionName {
        RoleSessionName(sanitize(raw, 2, 64))
    }

    /// The default session name for a caller: its own name, sanitized.
    pub fn for_caller(caller: &Arn) -> RoleSessionName {
        RoleSessionName::sanitized(caller_name(caller))
    }
}

const NAME_2_32: &str = "2 to 32 characters: letters, digits and _+=,.@-";

string_newtype!(
    /// A GetFederationToken `Name`: 2–32 characters of `[\w+=,.@-]`.
    FederationName, "federation token name", NAME_2_32,
    |v| {
        check_len("federation token name", &v, 2, 32, NAME_2_32)?;
        check_chars("federation token name", &v, is_name_char, NAME_2_32)
    }
);

impl FederationName {
    /// A valid federation name made from any string, as
    /// [`RoleSessionName::sanitized`] but cut to 32 characters.
    pub fn sanitized(raw: &str) -> FederationName {
        FederationName(sanitize(raw, 2, 32))
    }

    /// The default federated user name for a caller: its own name, sanitized.
    pub fn for_caller(caller: &Arn) -> FederationName {
        FederationName::sanitized(caller_name(caller))
    }
}

const ROLE_NAME: &str = "1 to 64 characters: letters, digits and _+=,.@-";

string_newtype!(
    /// An IAM role name: 1–64 characters of `[\w+=,.@-]`.
    RoleName, "role name", ROLE_NAME,
    |v| {
        check_len("role name", &v, 1, 64, ROLE_NAME)?;
        check_chars("role name", &v, is_name_char, ROLE_NAME)
    }
);

const POLICY_NAME: &str = "1 to 128 characters: letters, digits and _+=,.@-";

string_newtype!(
    /// The name of an IAM inline policy: 1–128 characters of `[\w+=,.@-]`.
    PolicyName, "policy name", POLICY_NAME,
    |v| {
        check_len("policy name", &v, 1, 128, POLICY_NAME)?;
        check_chars("policy name", &v, is_name_char, POLICY_NAME)
    }
);

const EXTERNAL_ID: &str = "2 to 1224 characters: letters, digits and _+=,.@:/-";

string_newtype!(
    /// An AssumeRole `ExternalId`: 2–1224 characters of `[\w+=,.@:/-]`.
    ExternalId, "external id", EXTERNAL_ID,
    |v| {
        check_len("external id", &v, 2, 1224, EXTERNAL_ID)?;
        check_chars("external id", &v, |c| is_name_char(c) || c == ':' || c == '/', EXTERNAL_ID)
    }
);

const MFA_SERIAL: &str =
    "an MFA device ARN or serial number, 9 to 256 characters: letters, digits and _+=/:,.@-";

string_newtype!(
    /// An MFA device serial number or ARN: 9–256 characters of `[\w+=/:,.@-]`.
    MfaSerial, "MFA serial", MFA_SERIAL,
    |v| {
        check_len("MFA serial", &v, 9, 256, MFA_SERIAL)?;
        check_chars("MFA serial", &v, |c| is_name_char(c) || c == ':' || c == '/', MFA_SERIAL)
    }
);

const MFA_CODE: &str = "exactly 6 digits";

string_newtype!(
    /// A one-time MFA code: exactly 6 digits.
    MfaCode, "MFA code", MFA_CODE,
    |v| {
        if v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(Error::invalid("MFA code", v.as_str(), "not 6 digits", MFA_CODE))
        }
    }
);

const SOURCE_IDENTITY: &str =
    "2 to 64 characters: letters, digits and _+=,.@-, not starting with aws:";

string_newtype!(
    /// An AssumeRole `SourceIdentity`: 2–64 characters of `[\w+=,.@-]`, not
    /// starting with `aws:`.
    SourceIdentity, "source identity", SOURCE_IDENTITY,
    |v| {
        check_len("source identity", &v, 2, 64, SOURCE_IDENTITY)?;
        check_chars("source identity", &v, is_name_char, SOURCE_IDENTITY)?;
        if v.to_ascii_lowercase().starts_with("aws:") {
            return Err(Error::invalid("source identity", v.as_str(), "starts with aws:", SOURCE_IDENTITY));
        }
        Ok(())
    }
);

const ISSUER: &str =
    "1 to 2048 characters without control characters, e.g. a URL of your sign-in page";

string_newtype!(
    /// The login URL's `Issuer`: where users are sent when the console session
    /// expires. 1–2048 characters, no control characters.
    Issuer, "issuer", ISSUER,
    |v| {
        check_len("issuer", &v, 1, 2048, ISSUER)?;
        check_chars("issuer", &v, |c| !c.is_control(), ISSUER)
    }
);

#[cfg(test)]
mod tests;
