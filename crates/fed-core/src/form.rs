//! `application/x-www-form-urlencoded` encoding, byte for byte as Python's
//! `urllib.parse.urlencode` (which uses `quote_plus`), the encoding of AWS's
//! own federation samples.
//!
//! Letters, digits and `_.-~` stay as they are, a space becomes `+` and every
//! other byte of the UTF-8 text becomes `%XX` with upper-case hex digits.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether a byte is written as it is.
const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~')
}

/// Appends `value`, encoded as by `quote_plus`, to `out`.
pub(crate) fn encode_into(value: &str, out: &mut String) {
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
    value
        .bytes()
        .map(|b| if is_unreserved(b) || b == b' ' { 1 } else { 3 })
        .sum()
}

/// Whether the `url` crate's form encoder would encode `value` differently:
/// it escapes `~` and keeps `*`, the opposite of `quote_plus`.
pub(crate) fn differs_from_url_crate(value: &str) -> bool {
    // `contains` on bytes is a fast memchr scan.
    let bytes = value.as_bytes();
    bytes.contains(&b'~') || bytes.contains(&b'*')
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
