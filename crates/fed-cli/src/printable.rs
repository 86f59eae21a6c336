//! Text for the terminal: what came from a server, a process or a file can hold escape
//! sequences (clear the screen, set the window title), so every line fed prints on stderr goes
//! through [`printable`] first.

use std::borrow::Cow;

/// `text` without control characters: C0 (ESC, BEL, …), DEL and C1 are dropped; tabs and line
/// breaks become spaces, so one message stays one line.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn escapes_are_dropped() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(
            printable("a\u{1b}]0;title\u{7}b\u{1b}[2Jc\u{9b}d\u{7f}"),
            "a]0;titleb[2Jcd"
        );
        assert_eq!(printable("one\ntwo\tthree"), "one two three");
    }
}
