//! The `Action=login` URL and its logout-first form.

use url::Url;
use zeroize::Zeroizing;

use crate::{Issuer, SigninToken, form};

/// A console sign-in URL:
/// `{federation endpoint}?Action=login&Issuer=…&Destination=…&SigninToken=…`.
///
/// It contains the sign-in token, a bearer credential valid for 15 minutes,
/// so its `Debug` is redacted. [`LoginUrl::expose`] gives the URL itself.
#[derive(Clone)]
pub struct LoginUrl(Url);

impl LoginUrl {
    /// Builds the login URL. All values are form-encoded as Python's
    /// `urllib.parse.urlencode` does; any query already on
    /// `federation_endpoint` is replaced.
    pub fn new(
        federation_endpoint: &Url,
        issuer: &Issuer,
        destination: &Url,
        token: &SigninToken,
    ) -> LoginUrl {
        let mut url = federation_endpoint.clone();
        url.set_fragment(None);
        set_form_query(
            &mut url,
            &[
                ("Action", "login"),
                ("Issuer", issuer.as_str()),
                ("Destination", destination.as_str()),
                ("SigninToken", token.expose()),
            ],
        );
        LoginUrl(url)
    }

    /// The URL, including the sign-in token.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// The logout-first form: `{logout_endpoint}?Action=logout&redirect_uri={this URL}`,
    /// which ends any console session in the browser and then signs in.
    ///
    /// The redirect is honoured only when this login URL is on the same
    /// region-prefixed host as the logout endpoint, so build it (and request
    /// its token) with [`crate::Partition::logout_first_federation_endpoint`]
    /// and pass [`crate::Partition::logout_endpoint`] here.
    pub fn with_logout_first(&self, logout_endpoint: &Url) -> Url {
        let mut url = logout_endpoint.clone();
        url.set_fragment(None);
        set_form_query(
            &mut url,
            &[("Action", "logout"), ("redirect_uri", self.0.as_str())],
        );
        url
    }
}

/// Replaces the query of `url` with `pairs`, encoded as by Python's
/// `urlencode`.
///
/// The `url` crate's form encoder differs from `urlencode` only for `~` (which
/// it escapes) and `*` (which it keeps). Without those characters its output
/// is the same, and it appends to the URL without parsing the query again,
/// which is several times faster for a long sign-in token.
fn set_form_query(url: &mut Url, pairs: &[(&str, &str)]) {
    url.set_query(None);
    if pairs.iter().any(|(name, value)| {
        form::differs_from_url_crate(name) || form::differs_from_url_crate(value)
    }) {
        let query = Zeroizing::new(form::encode_pairs(pairs));
        url.set_query(Some(&query));
    } else {
        url.query_pairs_mut().extend_pairs(pairs);
    }
}

impl std::fmt::Debug for LoginUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LoginUrl({}://{}{}?** redacted **)",
            self.0.scheme(),
            self.0.host_str().unwrap_or(""),
            self.0.path()
        )
    }
}

#[cfg(test)]
mod tests;
