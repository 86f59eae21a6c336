//! `--open`: hands the sign-in URL to a browser without putting it where other local users can
//! read it.
//!
//! A process's command line is readable by every local user (`ps`, `/proc/PID/cmdline`), so
//! the browser is not given the URL. fed writes a page that redirects to it into a new private
//! directory (mode 0700, the file 0600: only the user can read it), opens the browser on that
//! file, and removes it as soon as the browser has read it (its access time changes), or after
//! [`READ_TIMEOUT`]. The browser is started without fed's AWS credential variables.
//!
//! The directory is under `$XDG_RUNTIME_DIR` when set, else the system's temporary directory.
//! Browsers that cannot read there (snap-packaged Firefox cannot read `/tmp`) can be given the
//! URL itself with `--open-direct`, which puts it in the browser's command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// How long fed waits for the browser to read the page before removing it anyway.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How the browser was given the URL.
pub(crate) enum Opened {
    /// It read the private page, which is gone now.
    Read,
    /// It did not read the page within [`READ_TIMEOUT`]; the page is gone.
    NotRead,
    /// It was given the URL itself (`--open-direct`).
    Direct,
}

/// Opens `url` in the browser: through a private page, or with the URL itself when `direct`.
pub(crate) fn open(url: &str, direct: bool) -> Result<Opened, String> {
    if direct {
        launch(url)?;
        return Ok(Opened::Direct);
    }
    let parent = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix("fed-open-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let dir = builder.tempdir_in(&parent).map_err(|e| {
        format!(
            "cannot create a private directory in {}: {e}",
            parent.display()
        )
    })?;
    let page = dir.path().join("signin.html");
    let written = write_page(&page, url)?;
    let file_url = url::Url::from_file_path(&page)
        .map_err(|()| format!("{} is not an absolute path", page.display()))?;
    launch(file_url.as_str())?;
    let read = wait_until_read(&page, written);
    drop(dir);
    Ok(if read { Opened::Read } else { Opened::NotRead })
}

/// Writes the redirecting page, readable by the user only, and dates it a minute back so that
/// the browser's first read is seen in its access time; returns that time.
fn write_page(path: &Path, url: &str) -> Result<SystemTime, String> {
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(failed)?;
    file.write_all(page(url).as_bytes()).map_err(failed)?;
    let then = SystemTime::now() - Duration::from_secs(60);
    file.set_times(
        std::fs::FileTimes::new()
            .set_accessed(then)
            .set_modified(then),
    )
    .map_err(failed)?;
    let accessed = file.metadata().and_then(|m| m.accessed()).map_err(failed)?;
    Ok(accessed)
}

/// An HTML page that sends the browser on to `url` at once, with and without JavaScript, and
/// without a referrer.
fn page(url: &str) -> String {
    let attribute = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let script = serde_json::to_string(url)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta http-equiv=\"refresh\" content=\"0;url={attribute}\">\
         <title>Signing in to the AWS console</title>\
         <script>location.replace({script});</script></head>\
         <body><a href=\"{attribute}\" rel=\"noreferrer\">Sign in to the AWS console</a></body></html>\n"
    )
}

/// Waits until the page's access time moves past `written`, or [`READ_TIMEOUT`].
fn wait_until_read(path: &Path, written: SystemTime) -> bool {
    let deadline = Instant::now() + READ_TIMEOUT;
    while Instant::now() < deadline {
        let accessed = std::fs::metadata(path).and_then(|m| m.accessed());
        match accessed {
            Ok(at) if at > written => return true,
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return false,
        }
    }
    false
}

/// The environment variables that hold credentials, which no browser needs.
fn is_credential_variable(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    name.starts_with("AWS_")
        && ["KEY", "SECRET", "TOKEN", "CREDENTIAL", "AUTHORIZATION"]
            .iter()
            .any(|part| name.contains(part))
}

/// A command for the browser, without fed's credential variables.
fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_credential_variable) {
            command.env_remove(name);
        }
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Opens `target` with `$BROWSER` (a `:`-separated list of commands; `%s` is replaced by the
/// target, else it is the last argument) or the system's opener.
fn launch(target: &str) -> Result<(), String> {
    if let Ok(browsers) = std::env::var("BROWSER") {
        let mut last = String::from("BROWSER is empty");
        for browser in browsers.split(':').filter(|b| !b.trim().is_empty()) {
            match run_browser(browser, target) {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        return Err(last);
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        return webbrowser::open(target).map_err(|e| format!("could not open a browser: {e}"));
    } else {
        "xdg-open"
    };
    let status = command(opener)
        .arg(target)
        .status()
        .map_err(|e| format!("could not run {opener}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{opener} failed with {status}"))
    }
}

fn run_browser(browser: &str, target: &str) -> Result<(), String> {
    let mut words: Vec<String> = browser.split_whitespace().map(str::to_owned).collect();
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", target);
        }
    } else {
        words.push(target.to_owned());
    }
    let (program, args) = words.split_first().ok_or("BROWSER is empty")?;
    let status = command(program)
        .args(args)
        .status()
        .map_err(|e| format!("could not run BROWSER command {program:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("BROWSER command {program:?} failed with {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_the_url() {
        let html = page("https://signin.aws.amazon.com/federation?a=1&b=\"<x>\"");
        assert!(html.contains(
            "url=https://signin.aws.amazon.com/federation?a=1&amp;b=&quot;&lt;x&gt;&quot;"
        ));
        assert!(html.contains(
            r#"location.replace("https://signin.aws.amazon.com/federation?a=1&b=\"\u003cx>\"")"#
        ));
    }

    #[test]
    fn credential_variables() {
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        ] {
            assert!(is_credential_variable(name), "{name}");
        }
        for name in ["AWS_REGION", "AWS_PROFILE", "HOME", "BROWSER"] {
            assert!(!is_credential_variable(name), "{name}");
        }
    }
}
