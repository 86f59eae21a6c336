//! Reading response bodies with a size cap, and making excerpts safe to show.

use zeroize::Zeroizing;

/// The longest body excerpt kept in an error, in characters.
const EXCERPT_CHARS: usize = 160;

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
    let mut bytes = Zeroizing::new(Vec::new());
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
/// and whitespace collapsed. A body that contains a secret in any common
/// encoding is withheld entirely.
pub(crate) fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    if contains_secret(&text, secrets) {
        return WITHHELD.to_owned();
    }
    let text = strip_tags(&text);
    let mut collapsed = String::new();
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    // Tags or whitespace may have split a secret; look again without them.
    if contains_secret(&collapsed.replace(' ', ""), secrets) {
        return WITHHELD.to_owned();
    }
    if collapsed.chars().count() > EXCERPT_CHARS {
        let mut cut: String = collapsed.chars().take(EXCERPT_CHARS).collect();
        cut.push('…');
        cut
    } else {
        collapsed
    }
}

/// Whether `text` contains one of `secrets` raw, form-encoded or with `/`
/// JSON-escaped, ignoring ASCII case.
fn contains_secret(text: &str, secrets: &[&str]) -> bool {
    let text = text.to_ascii_lowercase();
    secrets.iter().filter(|s| !s.is_empty()).any(|secret| {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        [secret.to_string(), encoded, secret.replace('/', "\\/")]
            .iter()
            .any(|form| text.contains(&form.to_ascii_lowercase()))
    })
}

/// Removes `<…>` tags and the contents of `<script>` and `<style>` elements.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let after = &rest[start..];
        let lower = after.get(..8).unwrap_or(after).to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            find_ci(after, "</script>")
        } else if lower.starts_with("<style") {
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

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

#[cfg(test)]
mod tests;
