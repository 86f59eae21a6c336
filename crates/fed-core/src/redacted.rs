//! A login URL rendered without its sign-in token, for logs and snapshots.

use std::fmt;

use url::{Position, Url};
use zeroize::Zeroizing;

use crate::Error;

/// What replaces the sign-in token.
const REDACTED: &str = "[redacted]";

/// A console sign-in URL (or any URL) with every query parameter decoded, one
/// per line, and the sign-in token replaced by `[redacted]`.
///
/// The format is stable, so it can be snapshot-tested (with
/// [insta](https://docs.rs/insta), `insta::assert_snapshot!(url.redacted().to_string())`):
///
/// - the first line is the endpoint, `scheme://host[:port]/path`, without
///   user information or query;
/// - then one line per query parameter, in the URL's order, indented by two
///   spaces: `Name=value`, with the value fully decoded;
/// - the value of every `SigninToken` parameter is `[redacted]`;
/// - the value of a `redirect_uri` parameter (the logout-first form) is
///   itself rendered the same way, one level deeper: its endpoint on the
///   parameter's line, its parameters indented by two more spaces;
/// - every line ends with a newline.
///
/// ```
/// use fed_core::RedactedUrl;
///
/// let printed = "https://us-east-1.signin.aws.amazon.com/oauth?Action=logout&redirect_uri=\
///     https%3A%2F%2Fus-east-1.signin.aws.amazon.com%2Ffederation%3FAction%3Dlogin%26Issuer%3Dfed\
///     %26Destination%3Dhttps%253A%252F%252Fconsole.aws.amazon.com%252F%26SigninToken%3DeyJ0";
/// assert_eq!(
///     RedactedUrl::parse(printed)?.to_string(),
///     "https://us-east-1.signin.aws.amazon.com/oauth
///   Action=logout
///   redirect_uri=https://us-east-1.signin.aws.amazon.com/federation
///     Action=login
///     Issuer=fed
///     Destination=https://console.aws.amazon.com/
///     SigninToken=[redacted]
/// "
/// );
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    /// Renders `url`, such as the text `fed url` printed. Anything that is
    /// not an absolute URL is [`Error::InvalidInput`] (naming neither the
    /// input nor its value, which may hold a token).
    pub fn parse(url: &str) -> Result<RedactedUrl, Error> {
        let mut out = String::new();
        render(url.trim(), 0, &mut out)?;
        Ok(RedactedUrl(out))
    }

    /// The rendering.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Appends the rendering of `url` to `out`: its endpoint, then its
/// parameters indented by `depth + 1` levels.
fn render(url: &str, depth: usize, out: &mut String) -> Result<(), Error> {
    let (endpoint, query) = match url.split_once('?') {
        Some((endpoint, query)) => (endpoint, query.split_once('#').map_or(query, |(q, _)| q)),
        None => (url.split_once('#').map_or(url, |(e, _)| e), ""),
    };
    let endpoint = Url::parse(endpoint).map_err(|e| {
        Error::invalid(
            "URL",
            "(not shown)",
            e.to_string(),
            "an absolute URL such as a console sign-in URL",
        )
    })?;
    out.push_str(&endpoint[Position::BeforeScheme..Position::AfterScheme]);
    out.push_str("://");
    out.push_str(&endpoint[Position::BeforeHost..Position::AfterPort]);
    out.push_str(&endpoint[Position::BeforePath..Position::AfterPath]);
    out.push('\n');
    let indent = "  ".repeat(depth + 1);
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        // A decoded copy of a value may hold the token: it is zeroed when dropped.
        let value = Zeroizing::new(value.into_owned());
        out.push_str(&indent);
        out.push_str(&name);
        out.push('=');
        if name.eq_ignore_ascii_case("SigninToken") {
            out.push_str(REDACTED);
            out.push('\n');
        } else if name == "redirect_uri"
            && (value.starts_with("https://") || value.starts_with("http://"))
        {
            render(&value, depth + 1, out)?;
        } else {
            out.push_str(&value);
            out.push('\n');
        }
    }
    Ok(())
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
