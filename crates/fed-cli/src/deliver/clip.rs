//! `--clip`: the URL onto the system clipboard.
//!
//! On macOS the pasteboard keeps what is put on it. On Linux (X11, and Wayland through
//! XWayland) a clipboard holds only what a running program serves, so fed starts a short-lived
//! copy of itself (`fed clipboard-hold`, hidden) that serves the URL until another program
//! takes the clipboard (copying anything else; a clipboard manager does at once) or the URL
//! expires after [`HOLD`], and then exits: nothing is left running after that. The URL reaches
//! it through a pipe, never its command line or environment; fed returns as soon as the URL
//! is on the clipboard.

use std::time::Duration;

/// How long the URL stays on the clipboard at most: as long as it signs in.
pub(crate) const HOLD: Duration = Duration::from_secs(15 * 60);

/// What the holder writes on stdout once the URL is on the clipboard.
#[cfg(all(feature = "clipboard", unix, not(target_os = "macos")))]
const READY: &str = "ready";

/// Puts `url` on the clipboard.
#[cfg(all(feature = "clipboard", unix, not(target_os = "macos")))]
pub(crate) fn copy(url: &str) -> Result<(), String> {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    let program = std::env::current_exe()
        .map_err(|e| format!("cannot find fed's own program to hold the clipboard: {e}"))?;
    let mut command = Command::new(program);
    command
        .arg("clipboard-hold")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(|n| n.starts_with("AWS_")) {
            command.env_remove(name);
        }
    }
    // Its own process group: Ctrl-C in the terminal after fed returns does not end it.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut holder = command
        .spawn()
        .map_err(|e| format!("cannot start the clipboard holder: {e}"))?;
    let mut stdin = holder
        .stdin
        .take()
        .ok_or("the clipboard holder has no stdin")?;
    stdin
        .write_all(url.as_bytes())
        .map_err(|e| format!("cannot hand the URL to the clipboard holder: {e}"))?;
    drop(stdin);
    let stdout = holder
        .stdout
        .take()
        .ok_or("the clipboard holder has no stdout")?;
    let mut line = String::new();
    let _ = BufReader::new(stdout).read_line(&mut line);
    let line = line.trim();
    if line == READY {
        return Ok(());
    }
    let _ = holder.wait();
    Err(if line.is_empty() {
        "cannot use the clipboard: the clipboard holder stopped".to_owned()
    } else {
        line.to_owned()
    })
}

/// `fed clipboard-hold`: reads the URL from stdin, puts it on the clipboard, says [`READY`]
/// on stdout, and serves it until another program takes the clipboard or [`HOLD`] passes.
#[cfg(all(feature = "clipboard", unix, not(target_os = "macos")))]
pub(crate) fn hold() -> anyhow::Result<()> {
    use std::io::{Read, Write};

    let mut url = String::new();
    std::io::stdin().read_to_string(&mut url)?;
    let say = |line: &str| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    let mut clipboard = match arboard::Clipboard::new() {
        Ok(clipboard) => clipboard,
        Err(e) => {
            say(&format!("cannot use the clipboard: {e}"));
            return Ok(());
        }
    };
    use arboard::SetExtLinux;
    // Marked as a secret (`x-kde-passwordManagerHint`), so clipboard histories skip it.
    if let Err(e) = clipboard.set().exclude_from_history().text(url.as_str()) {
        say(&format!("cannot use the clipboard: {e}"));
        return Ok(());
    }
    say(READY);
    // Returns once another program owns the clipboard, or at the deadline.
    let _ = clipboard
        .set()
        .exclude_from_history()
        .wait_until(std::time::Instant::now() + HOLD)
        .text(url.as_str());
    Ok(())
}

/// Puts `url` on the clipboard, which keeps it, marked so that clipboard histories (and, on
/// Windows, cloud clipboards) skip it.
#[cfg(all(feature = "clipboard", not(all(unix, not(target_os = "macos")))))]
pub(crate) fn copy(url: &str) -> Result<(), String> {
    #[cfg(target_os = "macos")]
    use arboard::SetExtApple as _;
    #[cfg(windows)]
    use arboard::SetExtWindows as _;
    let mut clipboard =
        arboard::Clipboard::new().map_err(|e| format!("cannot use the clipboard: {e}"))?;
    let set = clipboard.set().exclude_from_history();
    #[cfg(windows)]
    let set = set.exclude_from_cloud();
    set.text(url)
        .map_err(|e| format!("cannot use the clipboard: {e}"))
}

/// Where the clipboard keeps what it is given, there is nothing to hold.
#[cfg(not(all(feature = "clipboard", unix, not(target_os = "macos"))))]
pub(crate) fn hold() -> anyhow::Result<()> {
    Ok(())
}

/// Without the `clipboard` feature, `--clip` says how to get it.
#[cfg(not(feature = "clipboard"))]
pub(crate) fn copy(_url: &str) -> Result<(), String> {
    Err("this fed was built without clipboard support (cargo feature `clipboard`); use --osc52 or --qr".to_owned())
}
