//! Which profile, and why: the one rule, as the AWS CLI has it, for the sign-in, the profile
//! picker, the browser keys and `--portal`.
//!
//! - A profile named by the caller (`--profile P`) wins over credentials in the environment.
//! - Otherwise `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` give the credentials, even over
//!   `AWS_PROFILE`; the settings (such as the region) are still `AWS_PROFILE`'s.
//! - Otherwise `AWS_PROFILE`, else the `default` profile when there is one.
//! - Otherwise the rest of the SDK's default chain: web identity, containers, instance metadata.

use std::fmt;

use crate::host::Host;

/// Where a sign-in's credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`).
    Environment {
        /// `AWS_PROFILE`, when it was set too and is therefore not used for the credentials.
        ignored_profile: Option<String>,
    },
    /// A profile of the AWS config files.
    Profile {
        /// Its name.
        name: String,
        /// How it was chosen.
        chosen_by: ChosenBy,
    },
    /// The SDK's default chain: web identity, containers, instance metadata.
    DefaultChain,
}

/// How a profile was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChosenBy {
    /// Named by the caller (`--profile`).
    Caller,
    /// `AWS_PROFILE`.
    AwsProfile,
    /// The `default` profile.
    Default,
}

/// Names the source, as in "the credentials of {source}".
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment { .. } => f.write_str("the environment (AWS_ACCESS_KEY_ID)"),
            Source::Profile {
                name,
                chosen_by: ChosenBy::AwsProfile,
            } => write!(f, "profile {name} (AWS_PROFILE)"),
            Source::Profile { name, .. } => write!(f, "profile {name}"),
            Source::DefaultChain => {
                f.write_str("the default chain (web identity, container or instance credentials)")
            }
        }
    }
}

/// What the rule chose: the source of the credentials, and the profile whose settings apply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selection {
    /// Where the credentials come from.
    pub source: Source,
    /// The profile whose settings apply (`region`, and for `--portal` the IAM Identity Center
    /// ones): the credentials' profile, or with environment keys `AWS_PROFILE`'s (else
    /// `default`'s), as in the AWS CLI. `None` when there is no such profile.
    pub settings: Option<String>,
    /// Whether nothing chose: no profile was named and no variable chooses credentials, so a
    /// tool may offer its user the list of profiles.
    pub open: bool,
}

impl Selection {
    /// The profile whose credentials are used, when they come from a profile.
    pub fn profile(&self) -> Option<&str> {
        match &self.source {
            Source::Profile { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// The variables that choose credentials when no profile is named.
const CHOOSING: [&str; 5] = [
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// The rule: `named` is the profile the caller names; `has_default` whether the config files
/// have a `default` profile.
pub(crate) fn select(named: Option<&str>, host: &Host, has_default: bool) -> Selection {
    let open = named.is_none() && !CHOOSING.iter().any(|name| host.is_set(name));
    let aws_profile = host.get("AWS_PROFILE");
    let default = has_default.then(|| "default".to_owned());
    let keys = host.is_set("AWS_ACCESS_KEY_ID") && host.is_set("AWS_SECRET_ACCESS_KEY");
    let (source, settings) = match (named, keys, aws_profile) {
        (Some(name), _, _) => (profile(name, ChosenBy::Caller), Some(name.to_owned())),
        (None, true, ignored) => (
            Source::Environment {
                ignored_profile: ignored.clone(),
            },
            ignored.or(default),
        ),
        (None, false, Some(name)) => (profile(&name, ChosenBy::AwsProfile), Some(name)),
        (None, false, None) if has_default => (
            profile("default", ChosenBy::Default),
            Some("default".to_owned()),
        ),
        (None, false, None) => (Source::DefaultChain, None),
    };
    Selection {
        source,
        settings,
        open,
    }
}

fn profile(name: &str, chosen_by: ChosenBy) -> Source {
    Source::Profile {
        name: name.to_owned(),
        chosen_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(named: Option<&str>, vars: &[(&str, &str)], has_default: bool, expect: &str) {
        let host = vars
            .iter()
            .fold(Host::fake(), |host, (name, value)| host.var(*name, *value));
        let s = select(named, &host, has_default);
        let got = format!(
            "{} | settings {} | {}",
            s.source,
            s.settings.as_deref().unwrap_or("-"),
            if s.open { "open" } else { "chosen" }
        );
        assert_eq!(got, expect);
    }

    #[test]
    fn the_rule() {
        let keys = [
            ("AWS_ACCESS_KEY_ID", "AKIA"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ];
        check(Some("p"), &keys, true, "profile p | settings p | chosen");
        check(
            None,
            &[keys[0], keys[1], ("AWS_PROFILE", "x")],
            true,
            "the environment (AWS_ACCESS_KEY_ID) | settings x | chosen",
        );
        check(
            None,
            &keys,
            true,
            "the environment (AWS_ACCESS_KEY_ID) | settings default | chosen",
        );
        check(
            None,
            &[("AWS_PROFILE", "x")],
            true,
            "profile x (AWS_PROFILE) | settings x | chosen",
        );
        check(None, &[], true, "profile default | settings default | open");
        check(
            None,
            &[],
            false,
            "the default chain (web identity, container or instance credentials) | settings - | open",
        );
        check(
            None,
            &[("AWS_WEB_IDENTITY_TOKEN_FILE", "/t")],
            false,
            "the default chain (web identity, container or instance credentials) | settings - | chosen",
        );
        // An access key without its secret chooses nothing, and is not a credential either.
        check(
            None,
            &[("AWS_ACCESS_KEY_ID", "AKIA"), ("AWS_PROFILE", " ")],
            true,
            "profile default | settings default | chosen",
        );
    }
}
