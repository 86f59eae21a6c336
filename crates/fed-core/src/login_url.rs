//! The `Action=login` URL and its logout-first form.

use url::{Position, Url};
use zeroize::Zeroizing;

use crate::{Error, Issuer, RedactedUrl, SigninToken, form};

/// A console sign-in URL:
/// `{federation endpoint}?Action=login&Issuer=…&Destination=…&SigninToken=…`,
/// or its logout-first form (see [`LoginUrl::with_logout_first`]).
///
/// It contains the sign-in token, a bearer credential valid for 15 minutes,
/// so its `Debug` is redacted and its text is zeroed when dropped.
/// [`LoginUrl::expose`] gives the URL itself, and [`LoginUrl::redacted`] a
/// rendering without the token, for logs and snapshot tests.
///
/// ```
/// use fed_core::{Destination, Issuer, LoginUrl, Partition, Region, SigninToken};
///
/// let partition = Partition::Aws;
/// let region = Region::new("eu-west-1")?;
/// let destination = Destination::service("s3")?.to_url(partition, Some(&region));
/// let token = SigninToken::new("the token getSigninToken returned");
/// let url = LoginUrl::new(
///     &partition.federation_endpoint(None),
///     &Issuer::new("https://example.com/")?,
///     &destination,
///     &token,
/// );
/// assert!(url.expose().starts_with("https://signin.aws.amazon.com/federation?Action=login&"));
/// assert_eq!(
///     url.redacted().to_string(),
///     "https://signin.aws.amazon.com/federation
///   Action=login
///   Issuer=https://example.com/
///   Destination=https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1
///   SigninToken=[redacted]
/// "
/// );
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Clone)]
pub struct LoginUrl {
    /// The whole URL, sign-in token included.
    url: Zeroizing<String>,
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

    /// The URL with every parameter decoded and the sign-in token replaced,
    /// in the stable format of [`RedactedUrl`]: safe to log, print and
    /// snapshot.
    pub fn redacted(&self) -> RedactedUrl {
        RedactedUrl::parse(&self.url).expect("a login URL is a valid URL")
    }

    /// The logout-first form: `{logout_endpoint}?Action=logout&redirect_uri={this URL}`,
    /// which ends any console session in the browser and then signs in. It
    /// holds the sign-in token too, so it is a `LoginUrl` as well.
    ///
    /// The redirect is honoured only when this login URL is on the same
    /// region-prefixed host as the logout endpoint, so build it (and request
    /// its token) with [`crate::Partition::logout_first_federation_endpoint`]
    /// and pass [`crate::Partition::logout_endpoint`] here. Any other pair of
    /// hosts (the global sign-in host, another region's) is refused with
    /// [`Error::InvalidInput`], since the link would sign out and stop there.
    ///
    /// ```
    /// use fed_core::{Issuer, LoginUrl, Partition, SigninToken};
    ///
    /// let partition = Partition::Aws;
    /// let issuer = Issuer::new("fed")?;
    /// let home = url::Url::parse("https://console.aws.amazon.com/").unwrap();
    /// let token = SigninToken::new("token");
    /// let on = |endpoint| LoginUrl::new(&endpoint, &issuer, &home, &token);
    ///
    /// let login = on(partition.logout_first_federation_endpoint());
    /// assert!(login.with_logout_first(&partition.logout_endpoint()).is_ok());
    /// // The global host's login URL would never be reached after the logout.
    /// let global = on(partition.federation_endpoint(None));
    /// assert!(global.with_logout_first(&partition.logout_endpoint()).is_err());
    /// # Ok::<(), fed_core::Error>(())
    /// ```
    pub fn with_logout_first(&self, logout_endpoint: &Url) -> Result<LoginUrl, Error> {
        LoginUrl::check_logout_first(&self.endpoint(), logout_endpoint)?;
        Ok(LoginUrl::build(
            logout_endpoint,
            &[("Action", "logout"), ("redirect_uri", self.expose())],
        ))
    }

    /// Checks, before any token is asked for, that a login URL on
    /// `federation_endpoint` can be wrapped in a logout-first link through
    /// `logout_endpoint` (see [`LoginUrl::with_logout_first`]).
    pub fn check_logout_first(
        federation_endpoint: &Url,
        logout_endpoint: &Url,
    ) -> Result<(), Error> {
        let login = federation_endpoint;
        let same_origin = login.scheme() == logout_endpoint.scheme()
            && login.host_str() == logout_endpoint.host_str()
            && login.port_or_known_default() == logout_endpoint.port_or_known_default();
        if !same_origin {
            return Err(Error::invalid(
                "logout endpoint",
                logout_endpoint.as_str(),
                format!(
                    "the login URL is on {}, and the logout endpoint redirects only to its own host",
                    login.host_str().unwrap_or_default()
                ),
                "the logout endpoint on the login URL's host (Partition::logout_endpoint with Partition::logout_first_federation_endpoint)",
            ));
        }
        Ok(())
    }
}

impl LoginUrl {
    /// The endpoint the URL is on, without the query (which holds the token,
    /// and would be copied by parsing it).
    fn endpoint(&self) -> Url {
        let (endpoint, _) = self.url.split_once('?').expect("a login URL has a query");
        Url::parse(endpoint).expect("a login URL's endpoint is a valid URL")
    }
}

impl std::fmt::Debug for LoginUrl {
    /// `LoginUrl({scheme}://{host}{path}?** redacted **)`: not the query,
    /// which holds the token, nor the endpoint's port.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.endpoint();
        let part = |from: Position, to: Position| &url[from..to];
        write!(
            f,
            "LoginUrl({}://{}{}?** redacted **)",
            part(Position::BeforeScheme, Position::AfterScheme),
            part(Position::BeforeHost, Position::AfterHost),
            part(Position::BeforePath, Position::AfterPath),
        )
    }
}

#[cfg(test)]
mod tests;
