//! The profile picker: `fed url` with no profile, no credentials in the environment and a
//! person at a terminal offers the profiles of the AWS config files in a list that filters as
//! they type. Without a terminal it never asks, and the default chain decides as before.

use std::io::IsTerminal;

use fed_flow::ProfileSummary;

use crate::printable::printable;

/// The user left the picker (Esc or Ctrl-C): exit 130, nothing on stdout.
#[derive(Debug)]
pub(crate) struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// Whether the picker can be offered: stdin and stderr are a terminal. Whether it is wanted
/// is the flow's to say (`Selection::open`: no profile named, no variable choosing one).
pub(crate) fn terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// What a profile is, for the list and for completion: `role Deploy in 111122223333`.
pub(crate) fn describe(profile: &ProfileSummary) -> String {
    let mut text = profile.kind.to_string();
    if let Some(role) = &profile.role {
        text = format!("{text} {role}");
    }
    if let Some(user) = &profile.user {
        text = format!("{text} user {user}");
    }
    if let Some(account) = &profile.account {
        text = format!("{text} in {account}");
    }
    text
}

/// The lines of the list: names in a column, then what each profile is.
/// Config values are shown without control characters: an escape sequence in a profile name
/// or a `role_arn` never reaches the terminal.
fn lines(profiles: &[ProfileSummary]) -> Vec<String> {
    let names: Vec<String> = profiles
        .iter()
        .map(|p| printable(&p.name).into_owned())
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    names
        .iter()
        .zip(profiles)
        .map(|(name, profile)| format!("{name:width$}  {}", printable(&describe(profile))))
        .collect()
}

/// Asks which profile to use, on stderr; Esc or Ctrl-C is [`Cancelled`].
pub(crate) async fn choose(profiles: Vec<ProfileSummary>) -> anyhow::Result<String> {
    let items = lines(&profiles);
    let asking = tokio::task::spawn_blocking(move || {
        dialoguer::FuzzySelect::new()
            .with_prompt("Profile to sign in with (type to filter, Enter to choose, Esc to cancel)")
            .items(&items)
            .default(0)
            .interact_opt()
    });
    tokio::select! {
        answer = asking => match answer? {
            Ok(Some(index)) => Ok(profiles[index].name.clone()),
            Ok(None) => Err(Cancelled.into()),
            Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                Err(Cancelled.into())
            }
            Err(dialoguer::Error::IO(e)) => {
                Err(anyhow::anyhow!("cannot show the profile list on the terminal: {e}"))
            }
        },
        _ = tokio::signal::ctrl_c() => {
            // The list hid the cursor; give it back.
            eprint!("\x1b[?25h");
            Err(Cancelled.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use fed_flow::ProfileKind;

    use super::*;

    fn profile(
        name: &str,
        kind: ProfileKind,
        account: Option<&str>,
        role: Option<&str>,
    ) -> ProfileSummary {
        let mut profile = ProfileSummary::new(name, kind);
        profile.account = account.map(str::to_owned);
        profile.role = role.map(str::to_owned);
        profile
    }

    #[test]
    fn each_line_names_the_profile_and_what_it_is() {
        let profiles = [
            profile("default", ProfileKind::Keys, None, None),
            profile(
                "prod-admin",
                ProfileKind::Role,
                Some("111122223333"),
                Some("Admin"),
            ),
            profile(
                "sso",
                ProfileKind::Sso,
                Some("444455556666"),
                Some("ReadOnly"),
            ),
            profile("odd", ProfileKind::Role, None, None),
            profile(
                "console",
                ProfileKind::Login,
                Some("111122223333"),
                Some("Admin"),
            ),
            {
                let mut alice = profile("alice", ProfileKind::Login, Some("444455556666"), None);
                alice.user = Some("alice".to_owned());
                alice
            },
        ];
        assert_eq!(
            lines(&profiles),
            [
                "default     keys",
                "prod-admin  role Admin in 111122223333",
                "sso         SSO ReadOnly in 444455556666",
                "odd         role",
                "console     login Admin in 111122223333",
                "alice       login user alice in 444455556666",
            ]
        );
    }

    #[test]
    fn escape_sequences_in_the_config_never_reach_the_terminal() {
        let profiles = [profile(
            "evil\u{1b}]0;owned\u{7}",
            ProfileKind::Sso,
            Some("111122223333"),
            Some("Admin\u{1b}[2J\u{9b}1m"),
        )];
        let lines = lines(&profiles);
        assert_eq!(lines, ["evil]0;owned  SSO Admin[2J1m in 111122223333"]);
        assert!(!lines[0].chars().any(char::is_control));
    }
}
