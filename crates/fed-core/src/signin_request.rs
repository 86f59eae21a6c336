//! The `Action=getSigninToken` request.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::{Credentials, Error, SessionDuration, form};

/// The `Session` JSON with empty strings: the keys and punctuation around the values.
const SESSION_JSON_FRAME: &str = r#"{"sessionId":"","sessionKey":"","sessionToken":""}"#;

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
        Ok(SigninTokenRequest {
            session_json: session_json(&wire),
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
        form::encode_pairs(&pairs)
    }

    /// The same parameters as a query string, for a GET.
    pub fn to_query(&self) -> Zeroizing<String> {
        self.to_form_body()
    }
}

/// The most bytes the `Session` JSON of `wire` can take: the frame, and every byte of a value
/// escaped as `\u00XX`.
fn session_json_capacity(wire: &SessionWire<'_>) -> usize {
    let values = wire.session_id.len() + wire.session_key.len() + wire.session_token.len();
    SESSION_JSON_FRAME.len() + 6 * values
}

/// Serializes `wire` into one buffer sized up front: a buffer that grows is copied, and the
/// copies it leaves behind are not zeroed.
fn session_json(wire: &SessionWire<'_>) -> Zeroizing<String> {
    let capacity = session_json_capacity(wire);
    let mut json = Zeroizing::new(Vec::with_capacity(capacity));
    serde_json::to_writer(&mut *json, wire).expect("a struct of strings serializes");
    debug_assert_eq!(json.capacity(), capacity, "the buffer never grew");
    // Moves the allocation: no copy is made.
    let json = String::from_utf8(std::mem::take(&mut *json)).expect("serde_json writes UTF-8");
    Zeroizing::new(json)
}

#[cfg(test)]
mod tests;
