//! `application/x-www-form-urlencoded` encoding, byte for byte as Python's
//! `urllib.parse.urlencode` (which uses `quote_plus`), the encoding of AWS's
//! own federation samples.
//!
//! Letters, digits and `_.-~` stay as they are, a space becomes `+` and every
//! other byte of the UTF-8 text becomes `%XX` with upper-case hex digits.
//! The escaping is `percent-encoding`'s; the text is written into buffers
//! sized once for the worst case (three bytes per byte), since a buffer that
//! holds secrets must not be reallocated, which would leave copies behind.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

/// Every byte but letters, digits and `_.-~` is escaped (a space is split off
/// before, to become `+`).
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// Appends `value`, encoded as by `quote_plus`, to `out`.
pub(crate) fn encode_into(value: &str, out: &mut String) {
    for (i, words) in value.split(' ').enumerate() {
        if i > 0 {
            out.push('+');
        }
        out.extend(utf8_percent_encode(words, ESCAPED));
    }
}

/// The most bytes `pairs` can take once encoded: every byte escaped, plus the
/// separators.
fn capacity(pairs: &[(&str, &str)]) -> usize {
    pairs
        .iter()
        .map(|(name, value)| 3 * (name.len() + value.len()) + 2)
        .sum()
}

/// Appends `name=value` pairs joined by `&` to `out`, as `urlencode` does.
fn encode_pairs_into(pairs: &[(&str, &str)], out: &mut String) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(name, out);
        out.push('=');
        encode_into(value, out);
    }
}

/// Encodes `name=value` pairs joined by `&`, as `urlencode` does, into a
/// buffer that is zeroed when dropped.
pub(crate) fn encode_pairs(pairs: &[(&str, &str)]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(capacity(pairs)));
    encode_pairs_into(pairs, &mut out);
    out
}

/// `{prefix}?{pairs}`, with the pairs encoded as by `urlencode`, in a buffer
/// that is zeroed when dropped.
pub(crate) fn with_query(prefix: &str, pairs: &[(&str, &str)]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(prefix.len() + 1 + capacity(pairs)));
    out.push_str(prefix);
    out.push('?');
    encode_pairs_into(pairs, &mut out);
    out
}

#[cfg(test)]
mod tests;
