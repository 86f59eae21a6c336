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
        let query = Zeroizing::new(form::encode_pairs(&[
            ("Action", "login"),
            ("Issuer", issuer.as_str()),
            ("Destination", destination.as_str()),
            ("SigninToken", token.expose()),
        ]));
        url.set_query(Some(&query));
        LoginUrl(url)
    }

    /// The URL, including the sign-in token.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// The logout-first form: `{logout_endpoint}?Action=logout&redirect_uri={this URL}`,
    /// which ends any console session in the browser and then signs in.
    pub fn with_logout_first(&self, logout_endpoint: &Url) -> Url {
        let mut url = logout_endpoint.clone();
        url.set_fragment(None);
        let query = Zeroizing::new(form::encode_pairs(&[
            ("Action", "logout"),
            ("redirect_uri", self.0.as_str()),
        ]));
        url.set_query(Some(&query));
        url
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
