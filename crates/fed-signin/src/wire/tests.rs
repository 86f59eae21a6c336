//! Tests of the request's wire text: zeroized buffers with a redacted `Debug`.

use fed_core::{Credentials, SigninTokenRequest};
use zeroize::Zeroizing;

use super::{SecretText, get_url, post_body};

const SECRET: &str = "fake/Secret+Key=ForTheWireTests0000001";
const TOKEN: &str = "FakeSessionToken/For+Wire==Tests00001";

fn wire() -> SigninTokenRequest {
    let credentials =
        Credentials::new("ASIAFAKEWIRE00000001", SECRET, Some(TOKEN.to_owned()), None);
    SigninTokenRequest::new(&credentials, None).expect("temporary credentials")
}

/// The buffer behind a [`SecretText`]: a `Zeroizing<String>`, by its type.
fn buffer(text: &SecretText) -> &Zeroizing<String> {
    &text.0
}

/// Every encoding of a secret that the request text carries.
fn encoded(secret: &str) -> [String; 2] {
    [
        secret.to_owned(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
    ]
}

#[test]
fn the_post_body_is_a_zeroized_buffer_with_a_redacted_debug() {
    let wire = wire();
    let body = post_body(&wire);
    assert_eq!(buffer(&body).as_str(), wire.to_form_body().as_str());
    assert_eq!(body.expose(), wire.to_form_body().as_str());
    let debug = format!("{body:?} {body:#?}");
    assert_eq!(format!("{body:?}"), "SecretText(** redacted **)");
    for secret in [SECRET, TOKEN] {
        let [raw, form] = encoded(secret);
        assert!(body.expose().contains(&form), "the body carries {secret}");
        assert!(!debug.contains(&raw) && !debug.contains(&form), "{debug}");
    }
}

#[test]
fn the_get_url_is_one_zeroized_buffer_with_a_redacted_debug() {
    let wire = wire();
    let endpoint: url::Url = "http://127.0.0.1:9/federation?old=1#fragment"
        .parse()
        .expect("URL");
    let url = get_url(&endpoint, &wire);
    let expected = format!("http://127.0.0.1:9/federation?{}", wire.to_query().as_str());
    assert_eq!(buffer(&url).as_str(), expected);
    assert_eq!(buffer(&url).capacity(), expected.len(), "sized up front");
    // What reqwest will be handed parses back to the same text.
    assert_eq!(
        url::Url::parse(url.expose()).expect("a URL").as_str(),
        expected
    );
    let debug = format!("{url:?} {url:#?}");
    assert!(!debug.contains("Session"), "{debug}");
    for secret in [SECRET, TOKEN] {
        for form in encoded(secret) {
            assert!(!debug.contains(&form), "{debug}");
        }
    }
}
