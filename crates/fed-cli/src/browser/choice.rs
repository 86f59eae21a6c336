//! Where `fed url` opens the console: the flags first, then `FED_BROWSER` and
//! `FED_BROWSER_PROFILE`, then the profile's `fed_browser`, `fed_browser_profile` and
//! `fed_container`. `--browser`, `--browser-profile` and `--container` imply `--open`; the
//! variables and profile keys only say how `--open` opens.

use super::{Browser, Container, Named};
use crate::cli::UrlArgs;
use crate::failure::Failure;

/// The settings of the AWS profile used, for where the console opens.
#[derive(Debug, Default)]
pub(crate) struct ProfileKeys {
    /// The profile's name.
    pub(crate) profile: Option<String>,
    pub(crate) browser: Option<String>,
    pub(crate) browser_profile: Option<String>,
    pub(crate) container: Option<String>,
}

impl ProfileKeys {
    /// The keys of `profile` in `context`, the profile the sign-in (or the shortcut link)
    /// uses; none when it uses no profile.
    pub(crate) fn of(context: &fed_flow::Context, profile: Option<&str>) -> ProfileKeys {
        let Some(profile) = profile else {
            return ProfileKeys::default();
        };
        let value = |key: &str| context.profile_value(profile, key);
        ProfileKeys {
            profile: Some(profile.to_owned()),
            browser: value("fed_browser"),
            browser_profile: value("fed_browser_profile"),
            container: value("fed_container"),
        }
    }
}

/// A browser, and the profile or container to open in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// `None`: `$BROWSER` or the system's browser.
    pub(crate) browser: Option<Browser>,
    /// The display name of a Chromium-family profile.
    pub(crate) profile: Option<String>,
    pub(crate) container: Option<Container>,
}

impl Choice {
    /// How to open: this choice's browser, else the system's (with the URL itself when
    /// `direct`); `aws_profile` fills a template's `{profile}`.
    pub(crate) fn opener<'a>(
        &'a self,
        direct: bool,
        aws_profile: Option<&'a str>,
    ) -> crate::open::Opener<'a> {
        match &self.browser {
            None => crate::open::Opener::System { direct },
            Some(browser) => crate::open::Opener::Browser {
                browser,
                profile: self.profile.as_deref(),
                container: self.container.as_ref(),
                aws_profile,
            },
        }
    }
}

/// A non-empty environment variable.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether the command line asks to open the console.
pub(crate) fn opening(args: &UrlArgs) -> bool {
    args.open
        || args.browser.is_some()
        || args.browser_profile.is_some()
        || args.container.is_some()
}

/// Where to open, from the flags, the environment and `keys`; `None` when not opening.
pub(crate) fn choose(args: &UrlArgs, keys: &ProfileKeys) -> Result<Option<Choice>, Failure> {
    if !opening(args) {
        return Ok(None);
    }
    let of_profile = |key: &str| {
        format!(
            "{key} of profile {}",
            keys.profile.as_deref().unwrap_or_default()
        )
    };
    let browser = match (&args.browser, var("FED_BROWSER"), &keys.browser) {
        (Some(browser), _, _) => Some(browser.clone()),
        (None, Some(value), _) => Some(
            Browser::parse(&value)
                .map_err(|e| Failure::usage(format!("invalid value for FED_BROWSER: {e}")))?,
        ),
        (None, None, Some(value)) => Some(Browser::parse(value).map_err(|e| {
            Failure::usage(format!(
                "invalid value for {}: {e}",
                of_profile("fed_browser")
            ))
        })?),
        (None, None, None) => None,
    };
    // A flag for one of profile or container sets aside the other's defaults.
    let (browser_profile, container_name) = match (&args.browser_profile, &args.container) {
        (Some(profile), _) => (Some(profile.clone()), None),
        (None, Some(container)) => (None, Some(container.clone())),
        (None, None) => {
            let profile = var("FED_BROWSER_PROFILE").or_else(|| keys.browser_profile.clone());
            let container = keys.container.clone();
            match (profile, container) {
                (Some(_), Some(_)) => {
                    return Err(Failure::usage(format!(
                        "both a browser profile and {} are set; they open different browsers",
                        of_profile("fed_container")
                    ))
                    .hint("pass --browser-profile or --container to choose"));
                }
                other => other,
            }
        }
    };
    if let Some(name) = container_name {
        let container = Container {
            name: name.clone(),
            color: args.container_color,
            icon: args.container_icon,
            format: args.container_format.unwrap_or_default(),
        };
        if name.trim().is_empty() {
            return Err(Failure::usage("--container: the container name is empty"));
        }
        let browser = match browser {
            None => Browser::Named(Named::Firefox),
            Some(Browser::Named(Named::Firefox)) => Browser::Named(Named::Firefox),
            Some(Browser::Template(words)) => Browser::Template(words),
            Some(Browser::Named(other)) => {
                return Err(Failure::usage(format!(
                    "--container opens a Firefox container, and the browser is {other}"
                ))
                .hint("use --browser firefox, a --browser command for another Firefox, or --browser-profile for Chromium-family browsers"));
            }
        };
        return Ok(Some(Choice {
            browser: Some(browser),
            profile: None,
            container: Some(container),
        }));
    }
    if let Some(name) = browser_profile {
        let named = match &browser {
            Some(Browser::Named(named)) if named.is_chromium() => *named,
            Some(Browser::Named(other)) => {
                return Err(Failure::usage(format!(
                    "--browser-profile picks a profile of a Chromium-family browser, and the browser is {other}"
                ))
                .hint("use --browser chrome, chromium, brave, edge or vivaldi; for Firefox, --container"));
            }
            Some(Browser::Template(_)) => {
                return Err(Failure::usage(
                    "--browser-profile picks a profile of a named browser, and --browser is a command",
                )
                .hint("put the profile in the command, or use {profile} for the AWS profile's name"));
            }
            None => {
                return Err(Failure::usage(
                    "--browser-profile needs the browser: --browser chrome, chromium, brave, edge or vivaldi",
                )
                .hint("or set FED_BROWSER, or fed_browser in the profile"));
            }
        };
        let name = if name == "auto" {
            keys.profile.clone().ok_or_else(|| {
                Failure::usage("--browser-profile auto names the browser profile after the AWS profile, and no AWS profile is used")
                    .hint("name an AWS profile (fed url PROFILE), or the browser profile itself")
            })?
        } else {
            name
        };
        if name.trim().is_empty() {
            return Err(Failure::usage(
                "--browser-profile: the profile name is empty",
            ));
        }
        return Ok(Some(Choice {
            browser: Some(Browser::Named(named)),
            profile: Some(name),
            container: None,
        }));
    }
    Ok(Some(Choice {
        browser,
        profile: None,
        container: None,
    }))
}

/// Checks that a named browser is installed, before anything is asked of AWS: a browser this
/// platform does not have is a usage error, a missing one a failure that says what was looked
/// for.
pub(crate) fn check_installed(choice: &Choice) -> Result<(), Failure> {
    let Some(Browser::Named(named)) = &choice.browser else {
        return Ok(());
    };
    let page = super::Page {
        target: "",
        profile_directory: None,
        container: None,
        aws_profile: None,
    };
    let platform = super::Platform::current();
    match super::command_line(&Browser::Named(*named), platform, &page, &super::installed) {
        Ok(_) => Ok(()),
        Err(e) if *named == Named::Safari => Err(Failure::usage(format!("--browser: {e}"))
            .hint("on Linux, use chrome, chromium, brave, edge, vivaldi or firefox")),
        Err(e) => Err(Failure::new(e).hint(
            "install it, or give --browser a command with {url}, such as '/opt/browser/run {url}'",
        )),
    }
}
