//! `--clip`: the URL onto the system clipboard.
//!
//! On macOS the pasteboard keeps it. On Linux (X11, and Wayland through XWayland) a clipboard
//! holds only what a running program serves: fed serves it itself, in the foreground, until
//! another program takes the clipboard (a clipboard manager does at once; copying anything
//! else does) or the URL expires, and then exits. No process is left behind.

use std::time::Duration;

/// How long fed keeps the URL on the clipboard at most: as long as it signs in.
pub(crate) const HOLD: Duration = Duration::from_secs(15 * 60);

/// Puts `url` on the clipboard; on Linux, returns once another program has taken it or after
/// [`HOLD`]. `holding` is called when the URL is on the clipboard and fed waits.
#[cfg(feature = "clipboard")]
pub(crate) fn copy(url: &str, holding: &dyn Fn()) -> Result<(), String> {
    let failed = |e: arboard::Error| format!("cannot use the clipboard: {e}");
    let mut clipboard = arboard::Clipboard::new().map_err(failed)?;
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use arboard::SetExtLinux;
        holding();
        clipboard
            .set()
            .wait_until(std::time::Instant::now() + HOLD)
            .text(url)
            .map_err(failed)
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        let _ = holding;
        clipboard.set_text(url).map_err(failed)
    }
}

/// Without the `clipboard` feature, `--clip` says how to get it.
#[cfg(not(feature = "clipboard"))]
pub(crate) fn copy(_url: &str, _holding: &dyn Fn()) -> Result<(), String> {
    Err("this fed was built without clipboard support (cargo feature `clipboard`); use --osc52 or --qr".to_owned())
}
