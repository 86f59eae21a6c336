//! The `Action=login` URL and its logout-first form.

use url::{Position, Url};
use zeroize::Zeroizing;

use crate::{Issuer, SigninToken, form};

/// A console sign-in URL:
/// `{federation endpoint}?Action=login&Issuer=…&Destination=…&SigninToken=…`,
/// or its logout-first form (see [`LoginUrl::with_logout_first`]).
///
/// It contains the sign-in token, a bearer credential valid for 15 minutes,
/// so its `Debug` is redacted and its text is zeroed when dropped.
/// [`LoginUrl::expose`] gives the URL itself.
#[derive(Clone)]
pub struct LoginUrl {
    /// The whole URL, sign-in token included.
    url: Zeroizing<String>,
    /// Where the endpoint's scheme, host and path are in `url`, for `Debug`.
    outline: Outline,
}

impl LoginUrl {
    /// Builds the login URL. All values are form-encoded as Python's
    /// `urllib.parse.urlencode` does; any query or fragment on
    /// `federation_endpoint` is replaced.
    pub fn new(
        federation_endpoint: &Url,
        issuer: &Issuer,
        destination: &Url,
        token: &SigninToken,
    ) -> LoginUrl {
        LoginUrl::build(
            federation_endpoint,
            &[
                ("Action", "login"),
                ("Issuer", issuer.as_str()),
                ("Destination", destination.as_str()),
                ("SigninToken", token.expose()),
            ],
        )
    }

    /// `{endpoint without query and fragment}?{pairs}`, written into one
    /// buffer. The endpoint's serialization is copied as it is, so the result
    /// is exactly what setting the query on a `Url` gives.
    fn build(endpoint: &Url, pairs: &[(&str, &str)]) -> LoginUrl {
        LoginUrl {
            url: form::with_query(&endpoint[..Position::AfterPath], pairs),
            outline: Outline::of(endpoint),
        }
    }

    /// The URL, including the sign-in token. Copies of it are not zeroed;
    /// keep them short-lived.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The URL as a [`Url`], for callers that need one (an HTTP client, for
    /// example). Like [`LoginUrl::expose`] it includes the sign-in token, and
    /// the `Url`'s copy of it is not zeroed when dropped.
    pub fn to_url(&self) -> Url {
        Url::parse(&self.url).expect("a login URL is a valid URL")
    }

    /// The logout-first form: `{logout_endpoint}?Action=logout&redirect_uri={this URL}`,
    /// which ends any console session in the browser and then signs in. It
    /// holds the sign-in token too, so it is a `LoginUrl` as well (its `Debug`
    /// shows the logout endpoint).
    ///
    /// The redirect is honoured only when this login URL is on the same
    /// region-prefixed host as the logout endpoint, so build it (and request
    /// its token) with [`crate::Partition::logout_first_federation_endpoint`]
    /// and pass [`crate::Partition::logout_endpoint`] here.
    pub fn with_logout_first(&self, logout_endpoint: &Url) -> LoginUrl {
        LoginUrl::build(
            logout_endpoint,
            &[("Action", "logout"), ("redirect_uri", self.expose())],
        )
    }
}

/// Where an endpoint's scheme, host and path are in its serialization, which
/// starts the login URL. `Debug` shows these parts only: not the query, which
/// holds the token, nor any user info or port of the endpoint.
#[derive(Debug, Clone, Copy)]
struct Outline {
    scheme_end: usize,
    host_start: usize,
    host_end: usize,
    path_start: usize,
    path_end: usize,
}

impl Outline {
    fn of(endpoint: &Url) -> Outline {
        let offset = |position: Position| endpoint[..position].len();
        Outline {
            scheme_end: offset(Position::AfterScheme),
            host_start: offset(Position::BeforeHost),
            host_end: offset(Position::AfterHost),
            path_start: offset(Position::BeforePath),
            path_end: offset(Position::AfterPath),
        }
    }
}

impl std::fmt::Debug for LoginUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Outline {
            scheme_end,
            host_start,
            host_end,
            path_start,
            path_end,
        } = self.outline;
        write!(
            f,
            "LoginUrl({}://{}{}?** redacted **)",
            &self.url[..scheme_end],
            &self.url[host_start..host_end],
            &self.url[path_start..path_end]
        )
    }
}

#[cfg(test)]
mod tests;
