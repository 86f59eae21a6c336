//! `application/x-www-form-urlencoded` encoding, byte for byte as Python's
//! `urllib.parse.urlencode` (which uses `quote_plus`), the encoding of AWS's
//! own federation samples.
//!
//! Letters, digits and `_.-~` stay as they are, a space becomes `+` and every
//! other byte of the UTF-8 text becomes `%XX` with upper-case hex digits.

use zeroize::Zeroizing;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether a byte is written as it is.
///
/// Written without branches (`|` rather than `||`), so that scans over whole
/// values compile to vector instructions.
const fn is_unreserved(b: u8) -> bool {
    // Setting bit 5 maps `A..=Z` onto `a..=z` and no other byte into it.
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit | (b == b'_') | (b == b'.') | (b == b'-') | (b == b'~')
}

/// How many bytes of `value` satisfy `pred`.
///
/// They are counted in chunks into a `u8`, which compiles to vector
/// instructions (16 bytes at a time) where counting into a `usize` does not.
/// Sign-in tokens are long, so this matters.
fn count(value: &str, pred: impl Fn(u8) -> bool) -> usize {
    // At most 255 bytes, so that the count fits; a multiple of the vector
    // width, so that only the last chunk has a remainder.
    const CHUNK: usize = 128;
    value
        .as_bytes()
        .chunks(CHUNK)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(pred(b)))))
        .sum()
}

/// Appends `value`, encoded as by `quote_plus`, to `out`.
pub(crate) fn encode_into(value: &str, out: &mut String) {
    if count(value, |b| !is_unreserved(b)) == 0 {
        out.push_str(value);
        return;
    }
    // Runs of unreserved bytes are copied in one go. A run is ASCII, so it
    // starts and ends on character boundaries.
    let mut run_start = 0;
    for (i, &b) in value.as_bytes().iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        if run_start < i {
            out.push_str(&value[run_start..i]);
        }
        run_start = i + 1;
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    if run_start < value.len() {
        out.push_str(&value[run_start..]);
    }
}

/// The encoded length of `value`, so that a buffer can be sized once (a
/// buffer holding secrets must not be reallocated, which would leave copies
/// behind).
pub(crate) fn encoded_len(value: &str) -> usize {
    // Every byte takes one character, and each escaped one two more.
    let escaped = count(value, |b| !(is_unreserved(b) | (b == b' ')));
    value.len() + 2 * escaped
}

/// The length of `pairs` encoded by [`encode_pairs_into`].
pub(crate) fn encoded_pairs_len(pairs: &[(&str, &str)]) -> usize {
    let separators = (2 * pairs.len()).saturating_sub(1);
    pairs
        .iter()
        .map(|(name, value)| encoded_len(name) + encoded_len(value))
        .sum::<usize>()
        + separators
}

/// Appends `name=value` pairs joined by `&` to `out`, as `urlencode` does.
pub(crate) fn encode_pairs_into(pairs: &[(&str, &str)], out: &mut String) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(name, out);
        out.push('=');
        encode_into(value, out);
    }
}

/// Encodes `name=value` pairs joined by `&`, as `urlencode` does.
pub(crate) fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(encoded_pairs_len(pairs));
    encode_pairs_into(pairs, &mut out);
    out
}

/// `{prefix}?{pairs}`, with the pairs encoded as by `urlencode`, written into
/// one buffer of the exact size and zeroed when dropped.
pub(crate) fn with_query(prefix: &str, pairs: &[(&str, &str)]) -> Zeroizing<String> {
    let len = prefix.len() + 1 + encoded_pairs_len(pairs);
    let mut out = Zeroizing::new(String::with_capacity(len));
    out.push_str(prefix);
    out.push('?');
    encode_pairs_into(pairs, &mut out);
    debug_assert_eq!(out.len(), len, "the buffer was sized exactly");
    out
}

#[cfg(test)]
mod tests;
