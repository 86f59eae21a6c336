//! The `Action=getSigninToken` request.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::{Credentials, Error, SessionDuration, form};

/// The wire shape of the `Session` parameter.
#[derive(Serialize)]
struct SessionWire<'a> {
    #[serde(rename = "sessionId")]
    session_id: &'a str,
    #[serde(rename = "sessionKey")]
    session_key: &'a str,
    #[serde(rename = "sessionToken")]
    session_token: &'a str,
}

/// The parameters of a getSigninToken call: `Action=getSigninToken`,
/// `SessionType=json`, `Session` (JSON with the credentials) and, optionally,
/// `SessionDuration`.
///
/// It holds secrets, so it has no `Debug`; every encoding comes back in a
/// [`Zeroizing`] string.
pub struct SigninTokenRequest {
    session_json: Zeroizing<String>,
    session_duration: Option<SessionDuration>,
}

impl SigninTokenRequest {
    /// A request for these temporary credentials. Credentials without a
    /// session token (or with an empty one) are refused with [`Error::MissingSessionToken`].
    pub fn new(
        credentials: &Credentials,
        session_duration: Option<SessionDuration>,
    ) -> Result<SigninTokenRequest, Error> {
        let token = credentials
            .session_token()
            .filter(|token| !token.is_empty())
            .ok_or(Error::MissingSessionToken)?;
        let wire = SessionWire {
            session_id: credentials.access_key_id(),
            session_key: credentials.secret_access_key(),
            session_token: token,
        };
        let json = serde_json::to_string(&wire).expect("a struct of strings serializes");
        Ok(SigninTokenRequest {
            session_json: Zeroizing::new(json),
            session_duration,
        })
    }

    /// The `SessionDuration` that will be sent, if any.
    pub fn session_duration(&self) -> Option<SessionDuration> {
        self.session_duration
    }

    /// The `Session` JSON.
    pub fn session_json(&self) -> &str {
        &self.session_json
    }

    /// The parameters in order, unencoded.
    pub fn form_pairs(&self) -> Vec<(&'static str, Zeroizing<String>)> {
        let mut pairs = vec![
            ("Action", Zeroizing::new("getSigninToken".to_owned())),
            ("SessionType", Zeroizing::new("json".to_owned())),
            ("Session", self.session_json.clone()),
        ];
        if let Some(d) = self.session_duration {
            pairs.push(("SessionDuration", Zeroizing::new(d.seconds().to_string())));
        }
        pairs
    }

    /// The `application/x-www-form-urlencoded` body of a POST, encoded as
    /// Python's `urllib.parse.urlencode` does (space as `+`, `~` kept).
    pub fn to_form_body(&self) -> Zeroizing<String> {
        let pairs = self.form_pairs();
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        Zeroizing::new(form::encode_pairs(&pairs))
    }

    /// The same parameters as a query string, for a GET.
    pub fn to_query(&self) -> Zeroizing<String> {
        self.to_form_body()
    }
}

#[cfg(test)]
mod tests;
