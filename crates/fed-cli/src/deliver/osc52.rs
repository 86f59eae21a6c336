//! `--osc52`: the URL onto the clipboard of the terminal the user sits at, even over SSH, with
//! the OSC 52 escape sequence written to the controlling terminal (`/dev/tty`), not stdout.
//!
//! | where | bytes |
//! |---|---|
//! | a terminal | `ESC ] 52 ; c ; BASE64 BEL` |
//! | inside tmux (`$TMUX` set, or `TERM=tmux…`) | `ESC P tmux; ESC ESC ] 52 ; c ; BASE64 BEL ESC \` |
//!
//! tmux passes the inner sequence on to the outer terminal only with `allow-passthrough on`
//! (tmux 3.3 and later); terminals may have OSC 52 off or cap its length, and none
//! acknowledges it.

use std::io::Write;

use base64::Engine;

/// The sequence that puts `text` on the clipboard, wrapped for tmux when `tmux`.
pub(crate) fn sequence(text: &str, tmux: bool) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let osc = format!("\x1b]52;c;{encoded}\x07");
    if tmux {
        format!("\x1bPtmux;{}\x1b\\", osc.replace('\x1b', "\x1b\x1b")).into_bytes()
    } else {
        osc.into_bytes()
    }
}

/// Whether fed runs inside tmux.
pub(crate) fn inside_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|term| term.starts_with("tmux"))
}

/// Writes the sequence for `url` to the controlling terminal.
pub(crate) fn copy(url: &str) -> Result<(), String> {
    let mut tty = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(|e| format!("--osc52 needs a terminal, and /dev/tty cannot be opened: {e}"))?;
    tty.write_all(&sequence(url, inside_tmux()))
        .and_then(|()| tty.flush())
        .map_err(|e| format!("cannot write to the terminal: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exact_bytes() {
        assert_eq!(sequence("hi?", false), b"\x1b]52;c;aGk/\x07");
        assert_eq!(
            sequence("hi?", true),
            b"\x1bPtmux;\x1b\x1b]52;c;aGk/\x07\x1b\\"
        );
    }
}
