//! The command line that starts a browser on a page, per browser and platform.
//!
//! | browser | Linux (first on PATH) | macOS |
//! |---|---|---|
//! | chrome | `google-chrome`, `google-chrome-stable` | `/Applications/Google Chrome.app/Contents/MacOS/Google Chrome` |
//! | chromium | `chromium`, `chromium-browser` | `/Applications/Chromium.app/Contents/MacOS/Chromium` |
//! | brave | `brave-browser`, `brave` | `/Applications/Brave Browser.app/Contents/MacOS/Brave Browser` |
//! | edge | `microsoft-edge`, `microsoft-edge-stable` | `/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge` |
//! | vivaldi | `vivaldi`, `vivaldi-stable` | `/Applications/Vivaldi.app/Contents/MacOS/Vivaldi` |
//! | firefox | `firefox` | `/Applications/Firefox.app/Contents/MacOS/firefox` |
//! | safari | (none) | `open -a Safari` |

use std::path::{Path, PathBuf};

use super::{Browser, Container, Named};

/// The platform whose conventions apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    Linux,
    MacOs,
}

impl Platform {
    /// The platform fed runs on; other Unix systems follow Linux's conventions.
    pub(crate) fn current() -> Platform {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else {
            Platform::Linux
        }
    }
}

/// A program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Launch {
    pub(crate) program: String,
    pub(crate) args: Vec<String>,
}

/// The programs that may be `named` on Linux, in order of preference.
fn linux_programs(named: Named) -> &'static [&'static str] {
    match named {
        Named::Chrome => &["google-chrome", "google-chrome-stable"],
        Named::Chromium => &["chromium", "chromium-browser"],
        Named::Brave => &["brave-browser", "brave"],
        Named::Edge => &["microsoft-edge", "microsoft-edge-stable"],
        Named::Vivaldi => &["vivaldi", "vivaldi-stable"],
        Named::Firefox => &["firefox"],
        Named::Safari => &[],
    }
}

/// The executable inside the application bundle on macOS.
fn macos_program(named: Named) -> &'static str {
    match named {
        Named::Chrome => "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        Named::Chromium => "/Applications/Chromium.app/Contents/MacOS/Chromium",
        Named::Brave => "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
        Named::Edge => "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        Named::Vivaldi => "/Applications/Vivaldi.app/Contents/MacOS/Vivaldi",
        Named::Firefox => "/Applications/Firefox.app/Contents/MacOS/firefox",
        Named::Safari => "/usr/bin/open",
    }
}

/// Where a Chromium-family browser keeps its profiles and `Local State`, under `home`.
pub(crate) fn user_data_dir(named: Named, platform: Platform, home: &Path) -> Option<PathBuf> {
    let (base, dir) = match platform {
        Platform::Linux => (
            home.join(".config"),
            match named {
                Named::Chrome => "google-chrome",
                Named::Chromium => "chromium",
                Named::Brave => "BraveSoftware/Brave-Browser",
                Named::Edge => "microsoft-edge",
                Named::Vivaldi => "vivaldi",
                Named::Firefox | Named::Safari => return None,
            },
        ),
        Platform::MacOs => (
            home.join("Library/Application Support"),
            match named {
                Named::Chrome => "Google/Chrome",
                Named::Chromium => "Chromium",
                Named::Brave => "BraveSoftware/Brave-Browser",
                Named::Edge => "Microsoft Edge",
                Named::Vivaldi => "Vivaldi",
                Named::Firefox | Named::Safari => return None,
            },
        ),
    };
    Some(base.join(dir))
}

/// What to open, and how.
pub(crate) struct Page<'a> {
    /// The one-time local link to the sign-in URL.
    pub(crate) target: &'a str,
    /// The Chromium profile directory (`--profile-directory`).
    pub(crate) profile_directory: Option<&'a str>,
    /// The Firefox container.
    pub(crate) container: Option<&'a Container>,
    /// The AWS profile, for a template's `{profile}`.
    pub(crate) aws_profile: Option<&'a str>,
}

/// The command line that opens `page` in `browser` on `platform`; `exists` says whether a
/// program is installed (on PATH, or at a path).
pub(crate) fn command_line(
    browser: &Browser,
    platform: Platform,
    page: &Page<'_>,
    exists: &dyn Fn(&str) -> bool,
) -> Result<Launch, String> {
    let target = match page.container {
        Some(container) => container.url(page.target),
        None => page.target.to_owned(),
    };
    let named = match browser {
        Browser::Template(words) => {
            let fill = |word: &String| {
                word.replace("{url}", &target)
                    .replace("{profile}", page.aws_profile.unwrap_or_default())
            };
            return Ok(Launch {
                program: fill(&words[0]),
                args: words[1..].iter().map(fill).collect(),
            });
        }
        Browser::Named(named) => *named,
    };
    let program = match platform {
        Platform::Linux => linux_programs(named)
            .iter()
            .find(|p| exists(p))
            .map(|p| (*p).to_owned())
            .ok_or_else(|| match linux_programs(named) {
                [] => format!("{named} is not available on this system"),
                programs => format!(
                    "{named} is not installed: none of {} is on PATH",
                    programs.join(", ")
                ),
            })?,
        Platform::MacOs => {
            let program = macos_program(named);
            if !exists(program) {
                return Err(format!(
                    "{named} is not installed: {program} does not exist"
                ));
            }
            program.to_owned()
        }
    };
    let mut args = Vec::new();
    match named {
        Named::Safari => args.extend(["-a".to_owned(), "Safari".to_owned()]),
        Named::Firefox => args.push("--new-tab".to_owned()),
        _ => {
            if let Some(directory) = page.profile_directory {
                args.push(format!("--profile-directory={directory}"));
                args.push("--no-first-run".to_owned());
                args.push("--no-default-browser-check".to_owned());
            }
        }
    }
    args.push(target);
    Ok(Launch { program, args })
}

/// Whether `program` can be run: a path that exists, or a name found on PATH.
pub(crate) fn installed(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
