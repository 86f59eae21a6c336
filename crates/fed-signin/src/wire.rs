//! The request as it goes out: the form body of a POST and the URL of a GET, each built from
//! fed-core's [`SigninTokenRequest`] into one buffer that is zeroed when dropped.

use std::fmt;

use fed_core::SigninTokenRequest;
use url::{Position, Url};
use zeroize::Zeroizing;

/// Text of the request that carries the credentials: the form body of a POST, or the URL of a
/// GET with the parameters in its query. Zeroed when dropped; `Debug` is redacted.
pub(crate) struct SecretText(Zeroizing<String>);

impl SecretText {
    /// The text, to hand to the HTTP client.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The text as a request body. reqwest (and hyper, while it writes the request) hold
    /// references to this very buffer, which is zeroed when the last of them is dropped. Copies
    /// that hyper makes into its own write buffer are hyper's, not fed's.
    pub(crate) fn into_body(self) -> reqwest::Body {
        reqwest::Body::from(bytes::Bytes::from_owner(self.0))
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(** redacted **)")
    }
}

/// The `application/x-www-form-urlencoded` body of a POST.
pub(crate) fn post_body(wire: &SigninTokenRequest) -> SecretText {
    SecretText(wire.to_form_body())
}

/// The endpoint (without any query or fragment of its own) with the parameters as its query,
/// for a GET, written into one buffer sized up front.
pub(crate) fn get_url(endpoint: &Url, wire: &SigninTokenRequest) -> SecretText {
    let base = &endpoint[..Position::AfterPath];
    let query = wire.to_query();
    let mut url = Zeroizing::new(String::with_capacity(base.len() + 1 + query.len()));
    url.push_str(base);
    url.push('?');
    url.push_str(&query);
    SecretText(url)
}

#[cfg(test)]
mod tests;
