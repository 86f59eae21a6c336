//! Starting programs for the browser: `$BROWSER` or the system's opener, and a named browser
//! detached from fed's terminal; never with fed's AWS credential variables.

use std::process::{Child, Command, Stdio};

use crate::browser::Launch;

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

/// Starts `launch` in a process group of its own, so that Ctrl-C in fed's terminal does not
/// reach the browser, and returns without waiting for it.
pub(crate) fn start_detached(launch: &Launch) -> Result<Child, String> {
    let mut command = command(&launch.program);
    command.args(&launch.args);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command
        .spawn()
        .map_err(|e| format!("could not run {}: {e}", launch.program))
}

/// Opens `target` with `$BROWSER` (a `:`-separated list of commands; `%s` is replaced by the
/// target, else it is the last argument) or the system's opener.
pub(crate) fn launch(target: &str) -> Result<(), String> {
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
