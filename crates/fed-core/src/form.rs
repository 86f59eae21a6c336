//! `application/x-www-form-urlencoded` encoding, byte for byte as Python's
//! `urllib.parse.urlencode` (which uses `quote_plus`), the encoding of AWS's
//! own federation samples.
//!
//! Letters, digits and `_.-~` stay as they are, a space becomes `+` and every
//! other byte of the UTF-8 text becomes `%XX` with upper-case hex digits.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `value`, encoded as by `quote_plus`, to `out`.
pub(crate) fn encode_into(value: &str, out: &mut String) {
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
}

/// The encoded length of `value`, so that a buffer can be sized once (a
/// buffer holding secrets must not be reallocated, which would leave copies
/// behind).
pub(crate) fn encoded_len(value: &str) -> usize {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' | b' ' => 1,
            _ => 3,
        })
        .sum()
}

/// Encodes `name=value` pairs joined by `&`, as `urlencode` does.
pub(crate) fn encode_pairs<'a>(pairs: &[(&'a str, &'a str)]) -> String {
    let capacity = pairs
        .iter()
        .map(|(name, value)| encoded_len(name) + encoded_len(value) + 2)
        .sum();
    let mut out = String::with_capacity(capacity);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(name, &mut out);
        out.push('=');
        encode_into(value, &mut out);
    }
    out
}

#[cfg(test)]
mod tests;
