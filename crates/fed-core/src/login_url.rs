//! The `Action=login` URL and its logout-first form.

use url::Url;

use crate::{Issuer, SigninToken};

/// A console sign-in URL:
/// `{federation endpoint}?Action=login&Issuer=…&Destination=…&SigninToken=…`.
///
/// It contains the sign-in token, a bearer credential valid for 15 minutes,
/// so its `Debug` is redacted. [`LoginUrl::expose`] gives the URL itself.
#[derive(Clone)]
pub struct LoginUrl(Url);

impl LoginUrl {
    /// Builds the login URL. All values are form-encoded; any query already on
    /// `federation_endpoint` is replaced.
    pub fn new(
        federation_endpoint: &Url,
        issuer: &Issuer,
        destination: &Url,
        token: &SigninToken,
    ) -> LoginUrl {
        let mut url = federation_endpoint.clone();
        url.set_fragment(None);
        url.set_query(None);
        url.query_pairs_mut()
            .append_pair("Action", "login")
            .append_pair("Issuer", issuer.as_str())
            .append_pair("Destination", destination.as_str())
            .append_pair("SigninToken", token.expose());
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
        url.set_query(None);
        url.query_pairs_mut()
            .append_pair("Action", "logout")
            .append_pair("redirect_uri", self.0.as_str());
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
