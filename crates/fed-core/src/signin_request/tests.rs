//! Tests of the getSigninToken request: the Session JSON and the GET and POST encodings.

use std::fmt::Write as _;

use crate::Partition;

use super::*;

const FAKE_KEY_ID: &str = "ASIAFAKEFAKEFAKEFAKE";
/// Obviously fake, with the characters that need encoding in real keys and
/// tokens (`/`, `+`, `=`) and the ones where form encoders differ (`~`, `*`).
const FAKE_SECRET: &str = "FAKE/secret+key=~*NOT REAL";
const FAKE_TOKEN: &str = "FAKE-token/with+special=chars~*&%";

fn fake_credentials() -> Credentials {
    Credentials::new(FAKE_KEY_ID, FAKE_SECRET, Some(FAKE_TOKEN.to_owned()), None)
}

fn request(duration: Option<u64>) -> SigninTokenRequest {
    let duration = duration.map(|secs| SessionDuration::from_secs(secs).unwrap());
    SigninTokenRequest::new(&fake_credentials(), duration).unwrap()
}

#[test]
fn session_json() {
    let request = request(None);
    // The exact wire text: keys in this order, no spaces.
    assert_eq!(
        request.session_json(),
        r#"{"sessionId":"ASIAFAKEFAKEFAKEFAKE","sessionKey":"FAKE/secret+key=~*NOT REAL","sessionToken":"FAKE-token/with+special=chars~*&%"}"#
    );
    let value: serde_json::Value = serde_json::from_str(request.session_json()).unwrap();
    insta::assert_json_snapshot!("session_json", value, {
        ".sessionKey" => "[redacted]",
        ".sessionToken" => "[redacted]",
    });
}

#[test]
fn session_json_escapes_strings() {
    let credentials = Credentials::new(
        "ASIA\"FAKE\\",
        "FAKE \u{1}\n",
        Some("FAKE-é-😀".to_owned()),
        None,
    );
    let request = SigninTokenRequest::new(&credentials, None).unwrap();
    let value: serde_json::Value = serde_json::from_str(request.session_json()).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "sessionId": "ASIA\"FAKE\\",
            "sessionKey": "FAKE \u{1}\n",
            "sessionToken": "FAKE-é-😀",
        })
    );
}

/// The expected encodings were produced by Python 3's
/// `urllib.parse.urlencode` (as in AWS's own federation sample) from the same
/// parameters.
#[test]
fn form_body_matches_python_urlencode() {
    const SESSION: &str = "Session=%7B%22sessionId%22%3A%22ASIAFAKEFAKEFAKEFAKE%22%2C%22sessionKey%22%3A%22FAKE%2Fsecret%2Bkey%3D~%2ANOT+REAL%22%2C%22sessionToken%22%3A%22FAKE-token%2Fwith%2Bspecial%3Dchars~%2A%26%25%22%7D";
    let without = format!("Action=getSigninToken&SessionType=json&{SESSION}");
    let with = format!("{without}&SessionDuration=43200");
    assert_eq!(request(None).to_form_body().as_str(), without);
    assert_eq!(request(None).to_query().as_str(), without);
    assert_eq!(request(Some(43_200)).to_form_body().as_str(), with);
    assert_eq!(request(Some(43_200)).to_query().as_str(), with);
}

#[test]
fn parameters() {
    let names = |r: &SigninTokenRequest| -> Vec<(&'static str, String)> {
        r.form_pairs()
            .into_iter()
            .map(|(name, value)| (name, value.to_string()))
            .collect()
    };
    let json = request(None).session_json().to_owned();
    assert_eq!(
        names(&request(None)),
        [
            ("Action", "getSigninToken".to_owned()),
            ("SessionType", "json".to_owned()),
            ("Session", json.clone()),
        ]
    );
    assert_eq!(
        names(&request(Some(900))),
        [
            ("Action", "getSigninToken".to_owned()),
            ("SessionType", "json".to_owned()),
            ("Session", json),
            ("SessionDuration", "900".to_owned()),
        ]
    );
    assert_eq!(
        request(Some(900)).session_duration(),
        Some(SessionDuration::from_secs(900).unwrap())
    );
    assert_eq!(request(None).session_duration(), None);
}

#[test]
fn long_term_keys_are_refused() {
    for token in [None, Some(String::new())] {
        let credentials = Credentials::new("AKIAFAKEFAKEFAKEFAKE", FAKE_SECRET, token, None);
        let err = SigninTokenRequest::new(&credentials, None)
            .err()
            .expect("refused");
        assert_eq!(err, Error::MissingSessionToken);
        assert_eq!(
            err.to_string(),
            "credentials have no session token: long-term access keys cannot sign in to the console; use temporary credentials from AssumeRole or GetFederationToken"
        );
    }
}

/// The GET and POST requests of every partition, with and without
/// `SessionDuration`, in one snapshot. The credentials are fake constants.
#[test]
fn requests_per_partition() {
    let mut out = String::new();
    for partition in Partition::ALL {
        for duration in [None, Some(43_200)] {
            let request = request(duration);
            let endpoint = partition.federation_endpoint(None);
            let label = match duration {
                None => "no SessionDuration".to_owned(),
                Some(secs) => format!("SessionDuration {secs}"),
            };
            writeln!(out, "{partition}, {label}:").unwrap();
            writeln!(out, "  GET {endpoint}?{}", request.to_query().as_str()).unwrap();
            writeln!(out, "  POST {endpoint}").unwrap();
            writeln!(out, "    {}", request.to_form_body().as_str()).unwrap();
        }
    }
    insta::assert_snapshot!("requests_per_partition", out);
}

/// The `Session` JSON holds the secret key and session token, so it is written once into a
/// buffer sized up front and zeroed when dropped: a buffer that grew would have left unzeroed
/// copies of its first part (the secret key among it) behind.
#[test]
fn session_json_is_written_into_one_zeroized_buffer() {
    let long_token = format!("FAKE{}", "t/+=".repeat(300));
    for credentials in [
        fake_credentials(),
        Credentials::new(FAKE_KEY_ID, FAKE_SECRET, Some(long_token), None),
        Credentials::new("ASIA\u{1}", "\u{2}\"\\", Some("\n".repeat(50)), None),
    ] {
        let request = SigninTokenRequest::new(&credentials, None).unwrap();
        let json: &Zeroizing<String> = &request.session_json;
        let wire = SessionWire {
            session_id: credentials.access_key_id(),
            session_key: credentials.secret_access_key(),
            session_token: credentials.session_token().unwrap(),
        };
        assert_eq!(json.capacity(), session_json_capacity(&wire));
        assert!(json.len() <= json.capacity());
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["sessionKey"], credentials.secret_access_key());
    }
    let body: Zeroizing<String> = request(Some(900)).to_form_body();
    let query: Zeroizing<String> = request(None).to_query();
    assert!(body.contains("Session=") && query.contains("Session="));
}
