//! The federation endpoint of a sign-in and its logout partner, worked out in one place.

use fed_core::Partition;
use url::Url;

use crate::error::{Error, Input};
use crate::request::SignIn;

/// Parses a federation endpoint as a sign-in will accept it: `https`, or plain `http` only for a
/// loopback host (an emulator). For tools that read an endpoint from a flag or the environment.
///
/// ```
/// assert!(fed_flow::parse_signin_endpoint("https://signin.aws.amazon.com/federation").is_ok());
/// assert!(fed_flow::parse_signin_endpoint("http://example.com/federation").is_err());
/// ```
pub fn parse_signin_endpoint(input: &str) -> Result<Url, Error> {
    fed_signin::parse_endpoint(input).map_err(|e| Error::invalid(Input::SigninEndpoint, e))
}

/// Where the sign-in token is asked for, and where a logout-first link signs out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigninEndpoints {
    /// The federation endpoint: the one asked for, the partition's logout-first one, or the
    /// partition's (regional) one.
    pub federation: Url,
    /// The logout endpoint, when the URL signs out first: on the federation endpoint's host,
    /// where the logout endpoint redirects.
    pub logout: Option<Url>,
}

impl SigninEndpoints {
    /// The endpoints of `request` for credentials of `partition`.
    pub(crate) fn of(request: &SignIn, partition: Partition) -> SigninEndpoints {
        match (&request.signin_endpoint, request.logout_first) {
            (Some(url), logout_first) => SigninEndpoints {
                federation: url.clone(),
                logout: logout_first.then(|| url.join("/oauth").expect("a path joins")),
            },
            (None, true) => SigninEndpoints {
                federation: partition.logout_first_federation_endpoint(),
                logout: Some(partition.logout_endpoint()),
            },
            (None, false) => SigninEndpoints {
                federation: partition.federation_endpoint(request.signin_region.as_ref()),
                logout: None,
            },
        }
    }

    /// The sign-in client's configuration for these endpoints.
    pub(crate) fn client_config(
        &self,
        request: &SignIn,
        partition: Partition,
    ) -> fed_signin::Config {
        fed_signin::Config::new(self.federation.clone())
            .with_partition(partition)
            .with_method(request.method.adapter())
    }
}
