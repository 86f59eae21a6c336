//! `--open`, `--browser`, `--browser-profile` and `--container`: hand the sign-in URL to a
//! browser without putting it where other local users can read it.
//!
//! A process's command line is readable by every local user (`ps`, `/proc/PID/cmdline`), so
//! the browser is never given the URL. It gets a one-time local link that leads to it:
//!
//! - a private page ([`page`]): a file that redirects to the URL, in a new directory only the
//!   user can read, removed as soon as the browser has read it, or after [`READ_TIMEOUT`]. For
//!   the system's browser, and named browsers on macOS.
//! - a one-time link on 127.0.0.1 ([`loopback`]), answered once with a redirect, to the user's
//!   own processes only (on Linux). For named browsers on Linux (snap and flatpak browsers
//!   cannot read the private directory), Firefox containers (extensions may not open files)
//!   and command templates.
//!
//! The browser is started without fed's AWS credential variables. `--open-direct` gives the
//! system's browser the URL itself, for browsers that can read neither (snap-packaged Firefox
//! cannot read `/tmp`).

mod loopback;
mod page;
mod system;

use std::process::Child;
use std::time::Duration;

use crate::browser::{self, Browser, Container};

/// How long fed waits for the browser to follow the link before removing it anyway.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How the browser was given the URL.
pub(crate) enum Opened {
    /// It followed the one-time link, which is gone now.
    Read,
    /// It did not follow the link within [`READ_TIMEOUT`]; the link is gone.
    NotRead,
    /// It was given the URL itself (`--open-direct`).
    Direct,
}

/// The notice when the browser did not follow the link in time.
pub(crate) fn not_read_notice() -> String {
    format!(
        "the browser did not follow the one-time link within {}s, so it was removed; run fed again, or use --open-direct for browsers that cannot read {}",
        READ_TIMEOUT.as_secs(),
        std::env::temp_dir().display()
    )
}

/// Which browser, and how.
pub(crate) enum Opener<'a> {
    /// `$BROWSER`, else the system's browser; with the URL itself when `direct`.
    System { direct: bool },
    /// A browser named by `--browser` (or implied by `--container`).
    Browser {
        browser: &'a Browser,
        /// The display name of a Chromium-family profile.
        profile: Option<&'a str>,
        container: Option<&'a Container>,
        /// The AWS profile, for a template's `{profile}`.
        aws_profile: Option<&'a str>,
    },
}

/// Opens `url` as `opener` says.
pub(crate) fn open(url: &str, opener: &Opener<'_>) -> Result<Opened, String> {
    match opener {
        Opener::System { direct: true } => {
            system::launch(url)?;
            Ok(Opened::Direct)
        }
        Opener::System { direct: false } => {
            let page = page::PrivatePage::write(url)?;
            system::launch(&page.url()?)?;
            let read = page.wait_until_read(READ_TIMEOUT, &mut || false);
            page.remove();
            Ok(if read { Opened::Read } else { Opened::NotRead })
        }
        Opener::Browser {
            browser,
            profile,
            container,
            aws_profile,
        } => {
            let platform = browser::Platform::current();
            let profile_directory = match (profile, browser) {
                (None, _) => None,
                (Some(name), Browser::Named(named)) => {
                    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
                    let user_data = home.and_then(|h| browser::user_data_dir(*named, platform, &h));
                    Some(match user_data {
                        Some(dir) => browser::profile_directory(&dir, name),
                        None => name.replace('/', "-"),
                    })
                }
                (Some(_), Browser::Template(_)) => None,
            };
            // On Linux, snap- and flatpak-packaged browsers cannot read fed's private
            // directory, and the link's owner check keeps other users out; on macOS, where that
            // check is not available, the private page is used where it can be.
            let through_loopback = platform == browser::Platform::Linux
                || container.is_some()
                || matches!(browser, Browser::Template(_));
            if through_loopback {
                let link = loopback::Link::new()?;
                let target = link.url()?;
                let mut child = start(
                    browser,
                    platform,
                    &target,
                    profile_directory.as_deref(),
                    *container,
                    *aws_profile,
                )?;
                let mut failed = None;
                let read = link.serve_once(url, READ_TIMEOUT, &mut || {
                    exited_badly(&mut child, &mut failed)
                });
                finish(read, failed)
            } else {
                let page = page::PrivatePage::write(url)?;
                let target = page.url()?;
                let mut child = start(
                    browser,
                    platform,
                    &target,
                    profile_directory.as_deref(),
                    None,
                    *aws_profile,
                )?;
                let mut failed = None;
                let read = page
                    .wait_until_read(READ_TIMEOUT, &mut || exited_badly(&mut child, &mut failed));
                page.remove();
                finish(read, failed)
            }
        }
    }
}

fn start(
    browser: &Browser,
    platform: browser::Platform,
    target: &str,
    profile_directory: Option<&str>,
    container: Option<&Container>,
    aws_profile: Option<&str>,
) -> Result<Child, String> {
    let page = browser::Page {
        target,
        profile_directory,
        container,
        aws_profile,
    };
    let launch = browser::command_line(browser, platform, &page, &browser::installed)?;
    tracing::debug!(program = %launch.program, "starting the browser");
    system::start_detached(&launch)
}

/// Whether the browser has exited with a failure; its status goes to `failed`.
fn exited_badly(child: &mut Child, failed: &mut Option<String>) -> bool {
    match child.try_wait() {
        Ok(Some(status)) if !status.success() => {
            *failed = Some(format!(
                "the browser exited with {status} before opening the page"
            ));
            true
        }
        _ => false,
    }
}

fn finish(read: bool, failed: Option<String>) -> Result<Opened, String> {
    match (read, failed) {
        (true, _) => Ok(Opened::Read),
        (false, Some(failed)) => Err(failed),
        (false, None) => Ok(Opened::NotRead),
    }
}
