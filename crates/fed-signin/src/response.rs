//! Reading response bodies with a size cap, and making excerpts safe to show.
//!
//! A server that echoes the request must not get a secret into an error. Before an excerpt is
//! kept, the body is searched for each secret, and for the access key id (which shows that the
//! body echoes the request), in the encodings a server may echo it in: as it is,
//! percent-encoded (as a form, as Python's `quote`, with upper- or lower-case hex),
//! JSON-escaped, and base64-encoded (standard or URL-safe, with or without padding, at any
//! alignment, also of the percent-encoded and JSON-escaped forms). The search is repeated with
//! percent escapes, JSON escapes and HTML character references undone, a few times over, so that
//! nested encodings are found too. Every copy made on the way is zeroed when dropped.

use data_encoding::{BASE64_NOPAD, BASE64URL_NOPAD, Encoding};
use zeroize::Zeroizing;

/// The longest body excerpt kept in an error, in characters.
const EXCERPT_CHARS: usize = 160;

/// How many times nested escapes are undone when searching a body.
const UNESCAPE_ROUNDS: usize = 3;

/// The shortest base64 text searched for: a shorter one could occur by chance.
const MIN_BASE64_CHARS: usize = 8;

/// A body read up to a cap.
pub(crate) struct Body {
    pub(crate) bytes: Zeroizing<Vec<u8>>,
    /// Whether the body was longer than the cap.
    pub(crate) truncated: bool,
}

/// Reads at most `cap` bytes of the body. A longer body is cut off and the
/// rest is not read.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
) -> Result<Body, reqwest::Error> {
    // Sized once: a buffer that grows leaves unzeroed copies of what it held (a sign-in token)
    // behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(cap));
    while let Some(chunk) = response.chunk().await? {
        let room = cap - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Body {
                bytes,
                truncated: true,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Body {
        bytes,
        truncated: false,
    })
}

/// What an excerpt says instead when the body echoes a secret.
const WITHHELD: &str = "[withheld: the response echoes the credentials]";

/// A short, one-line, printable excerpt of a body, with HTML tags removed
/// and whitespace collapsed. A body that contains one of `withhold` (the
/// secrets, and the access key id) in any common encoding is withheld entirely.
pub(crate) fn excerpt(body: &[u8], withhold: &[&str]) -> String {
    let needles = needles(withhold);
    if !needles.is_empty() {
        let text = text_in_place(Zeroizing::new(body.to_vec()));
        if found(&text, &needles) {
            return WITHHELD.to_owned();
        }
        // Tags or whitespace may have split a secret; look again without them.
        if found(&without_whitespace(&strip_tags(&text)), &needles) {
            return WITHHELD.to_owned();
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = strip_tags(&text);
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    if collapsed.chars().count() > EXCERPT_CHARS {
        let mut cut: String = collapsed.chars().take(EXCERPT_CHARS).collect();
        cut.push('…');
        cut
    } else {
        collapsed
    }
}

/// Every form of `values` searched for, lower-cased (the search ignores ASCII case).
fn needles(values: &[&str]) -> Vec<Zeroizing<String>> {
    let mut needles = Vec::new();
    for value in values.iter().filter(|v| !v.is_empty()) {
        let json = json_escaped(value);
        let texts = [
            Zeroizing::new((*value).to_owned()),
            form_encoded(value),
            // Python's `quote()`, with its default safe="/".
            percent_encoded(value, |b| is_unreserved(b) || b == b'/', "%20"),
            // Python's `quote_plus()`, as fed-core writes the request.
            percent_encoded(value, is_unreserved, "+"),
            // Every byte but letters and digits.
            percent_encoded(value, |b| b.is_ascii_alphanumeric(), "%20"),
            slash_escaped(&json),
            json,
        ];
        for text in texts {
            for encoding in [&BASE64_NOPAD, &BASE64URL_NOPAD] {
                for skip in 0..3 {
                    needles.extend(base64_middle(text.as_bytes(), skip, encoding));
                }
            }
            needles.push(text);
        }
    }
    for needle in &mut needles {
        needle.make_ascii_lowercase();
    }
    needles.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    needles.dedup_by(|a, b| a.as_str() == b.as_str());
    needles
}

/// Whether `text` contains one of `needles`, ignoring ASCII case, as it is or with its escapes
/// undone up to [`UNESCAPE_ROUNDS`] times.
fn found(text: &str, needles: &[Zeroizing<String>]) -> bool {
    let mut view = Zeroizing::new(text.to_owned());
    for round in 0..=UNESCAPE_ROUNDS {
        view.make_ascii_lowercase();
        if needles.iter().any(|needle| view.contains(needle.as_str())) {
            return true;
        }
        if round == UNESCAPE_ROUNDS {
            break;
        }
        match unescape(&view) {
            Some(next) => view = next,
            None => break,
        }
    }
    false
}

/// Letters, digits and `_.-~`, which percent-encoding leaves as they are.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~')
}

/// `value` as `url::form_urlencoded::byte_serialize` writes it.
fn form_encoded(value: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(3 * value.len()));
    for piece in url::form_urlencoded::byte_serialize(value.as_bytes()) {
        out.push_str(piece);
    }
    out
}

/// `value` with the bytes that `keep` rejects written `%XX`, and spaces as `space`.
fn percent_encoded(value: &str, keep: impl Fn(u8) -> bool, space: &str) -> Zeroizing<String> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Zeroizing::new(String::with_capacity(3 * value.len()));
    for &b in value.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push_str(space);
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// `value` as serde_json writes it inside a string, without the quotes.
fn json_escaped(value: &str) -> Zeroizing<String> {
    // No byte takes more than six (`\u00XX`).
    let mut out = Zeroizing::new(Vec::with_capacity(6 * value.len() + 2));
    serde_json::to_writer(&mut *out, value).expect("a string serializes");
    out.pop();
    out.remove(0);
    text_in_place(out)
}

/// `value` with `/` escaped as `\/`, as some JSON encoders write it.
fn slash_escaped(value: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(2 * value.len()));
    for c in value.chars() {
        if c == '/' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The base64 text that encodes `text` wherever it sits in a longer input whose offset is
/// `skip` short of a multiple of three: the encoding of the whole 3-byte groups from `skip` on,
/// which does not depend on what comes before or after. `None` when that is too short to search.
fn base64_middle(text: &[u8], skip: usize, encoding: &Encoding) -> Option<Zeroizing<String>> {
    let groups = text.len().checked_sub(skip)? / 3;
    let input = &text[skip..skip + 3 * groups];
    let mut out = Zeroizing::new(vec![0; encoding.encode_len(input.len())]);
    if out.len() < MIN_BASE64_CHARS {
        return None;
    }
    encoding.encode_mut(input, &mut out);
    Some(text_in_place(out))
}

/// `bytes` as text, each invalid UTF-8 byte replaced with `?` in place: nothing is copied.
fn text_in_place(mut bytes: Zeroizing<Vec<u8>>) -> Zeroizing<String> {
    let mut from = 0;
    while let Err(error) = std::str::from_utf8(&bytes[from..]) {
        let bad = from + error.valid_up_to();
        let len = error.error_len().unwrap_or(bytes.len() - bad);
        bytes[bad..bad + len].fill(b'?');
        from = bad + len;
    }
    let text = String::from_utf8(std::mem::take(&mut *bytes)).expect("checked to be UTF-8");
    Zeroizing::new(text)
}

/// `text` without whitespace and control characters.
fn without_whitespace(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    out.extend(
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control()),
    );
    out
}

/// What one escape stands for.
enum Unescaped {
    Byte(u8),
    Char(char),
}

/// `text` with its percent escapes, JSON escapes and HTML character references undone, or `None`
/// when it has none. The result is never longer than `text`, so its buffer is sized once.
fn unescape(text: &str) -> Option<Zeroizing<String>> {
    let bytes = text.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut changed = false;
    let mut i = 0;
    while i < bytes.len() {
        match unescape_at(&bytes[i..]) {
            Some((unescaped, used)) => {
                match unescaped {
                    Unescaped::Byte(b) => out.push(b),
                    Unescaped::Char(c) => {
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes())
                    }
                }
                changed = true;
                i += used;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    changed.then(|| text_in_place(out))
}

/// The escape at the start of `rest`, if there is one, and how many bytes it takes.
fn unescape_at(rest: &[u8]) -> Option<(Unescaped, usize)> {
    match rest[0] {
        b'%' => Some((
            Unescaped::Byte(u8::try_from(hex(rest.get(1..3)?)?).ok()?),
            3,
        )),
        b'\\' => {
            let byte = match *rest.get(1)? {
                b'u' => return json_unicode(rest),
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'b' => 0x08,
                b'f' => 0x0c,
                _ => return None,
            };
            Some((Unescaped::Byte(byte), 2))
        }
        b'&' => html_reference(rest),
        _ => None,
    }
}

/// A JSON `\uXXXX` escape, or a surrogate pair of two.
fn json_unicode(rest: &[u8]) -> Option<(Unescaped, usize)> {
    let high = hex(rest.get(2..6)?)?;
    if !(0xD800..0xDC00).contains(&high) {
        return Some((Unescaped::Char(char::from_u32(high)?), 6));
    }
    if rest.get(6..8)? != b"\\u" {
        return None;
    }
    let low = hex(rest.get(8..12)?)?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
    Some((Unescaped::Char(c), 12))
}

/// An HTML character reference: `&#47;`, `&#x2f;`, or one of the few named ones a secret's
/// characters may be written as.
fn html_reference(rest: &[u8]) -> Option<(Unescaped, usize)> {
    let end = rest.iter().take(12).position(|&b| b == b';')?;
    let name = &rest[1..end];
    let c = match name {
        [b'#', b'x' | b'X', digits @ ..] => char::from_u32(hex(digits)?)?,
        [b'#', digits @ ..] if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            char::from_u32(std::str::from_utf8(digits).ok()?.parse().ok()?)?
        }
        b"amp" => '&',
        b"quot" => '"',
        b"apos" => '\'',
        b"lt" => '<',
        b"gt" => '>',
        b"sol" => '/',
        b"plus" => '+',
        b"equals" => '=',
        _ => return None,
    };
    Some((Unescaped::Char(c), end + 1))
}

/// The value of 1 to 8 hex digits.
fn hex(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &d| {
        let digit = char::from(d).to_digit(16)?;
        Some((n << 4) | digit)
    })
}

/// Removes `<…>` tags and the contents of `<script>` and `<style>` elements.
fn strip_tags(text: &str) -> Zeroizing<String> {
    // Never longer than `text`: each tag becomes one space.
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let after = &rest[start..];
        let skip_to = if starts_with_ci(after, "<script") {
            find_ci(after, "</script>")
        } else if starts_with_ci(after, "<style") {
            find_ci(after, "</style>")
        } else {
            None
        };
        let from = skip_to.unwrap_or(0);
        match after[from..].find('>') {
            Some(end) => rest = &after[from + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn starts_with_ci(haystack: &str, prefix: &str) -> bool {
    haystack
        .as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Where `needle` (lower-case ASCII) starts in `haystack`, ignoring ASCII case; no copy is made.
fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests;
