//! Tests of sealed cookies: round trips, rotation, tampering, expiry and the cookie's
//! attributes.

use base64::Engine;
use cookie::{Cookie, CookieJar};
use serde::{Deserialize, Serialize};

use super::*;

fn key(byte: u8) -> String {
    base64::engine::general_purpose::STANDARD.encode([byte; KEY_BYTES])
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Signed {
    user: String,
    groups: Vec<String>,
}

fn alice() -> Signed {
    Signed {
        user: "alice@example.com".to_owned(),
        groups: vec!["engineering".to_owned()],
    }
}

fn jar(cookie: Cookie<'static>) -> CookieJar {
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar
}

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn a_sealed_cookie_opens_and_hides_what_it_holds() {
    let ring = KeyRing::parse("KEYS", &key(1), true).expect("keys");
    let cookie = ring.seal("fed_session", &alice(), HOUR);
    assert!(
        !cookie.value().contains("alice"),
        "encrypted: {}",
        cookie.value()
    );
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.same_site(), Some(cookie::SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(
        cookie.max_age(),
        Some(cookie::time::Duration::seconds(3600))
    );
    assert_eq!(
        ring.open::<Signed>(&jar(cookie), "fed_session"),
        Ok(alice())
    );
}

#[test]
fn keys_rotate_the_newest_sealing_and_all_opening() {
    let old = KeyRing::parse("KEYS", &key(1), true).expect("keys");
    let rotated = KeyRing::parse("KEYS", &format!("{}, {}", key(2), key(1)), true).expect("keys");
    let retired = KeyRing::parse("KEYS", &key(2), true).expect("keys");
    let by_old = old.seal("s", &alice(), HOUR);
    assert_eq!(
        rotated.open::<Signed>(&jar(by_old.clone()), "s"),
        Ok(alice())
    );
    assert_eq!(
        retired.open::<Signed>(&jar(by_old), "s"),
        Err(Reason::TamperedCookie)
    );
    let by_new = rotated.seal("s", &alice(), HOUR);
    assert_eq!(
        retired.open::<Signed>(&jar(by_new.clone()), "s"),
        Ok(alice())
    );
    assert_eq!(
        old.open::<Signed>(&jar(by_new), "s"),
        Err(Reason::TamperedCookie)
    );
}

#[test]
fn tampered_missing_and_expired_cookies_are_refused() {
    let ring = KeyRing::parse("KEYS", &key(1), false).expect("keys");
    let cookie = ring.seal("s", &alice(), HOUR);
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(cookie.value())
        .expect("base64");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let changed = Cookie::new("s", base64::engine::general_purpose::STANDARD.encode(bytes));
    assert_eq!(
        ring.open::<Signed>(&jar(changed), "s"),
        Err(Reason::TamperedCookie)
    );
    // A cookie sealed under another name does not open under this one.
    let renamed = Cookie::new("t", cookie.value().to_owned());
    assert_eq!(
        ring.open::<Signed>(&jar(renamed), "t"),
        Err(Reason::TamperedCookie)
    );
    assert_eq!(
        ring.open::<Signed>(&CookieJar::new(), "s"),
        Err(Reason::MissingCookie)
    );
    let expired = ring.seal("s", &alice(), Duration::ZERO);
    assert_eq!(
        ring.open::<Signed>(&jar(expired), "s"),
        Err(Reason::ExpiredCookie)
    );
    assert_eq!(cookie.secure(), Some(false), "plain http for local use");
}

#[test]
fn bad_keys_name_the_variable() {
    for value in [
        "",
        " , ",
        "not base64!",
        &base64::engine::general_purpose::STANDARD.encode([0u8; 32]),
    ] {
        let err = KeyRing::parse("FED_BROKER_COOKIE_KEYS", value, true)
            .expect_err("invalid")
            .to_string();
        assert!(err.starts_with("FED_BROKER_COOKIE_KEYS: "), "{err}");
        if value.len() > 8 {
            assert!(!err.contains(value), "the value is never echoed: {err}");
        }
    }
    let ring = KeyRing::parse("K", &key(7), true).expect("keys");
    assert_eq!(format!("{ring:?}"), "KeyRing(1 keys, redacted)");
}

#[test]
fn secure_cookies_are_host_cookies() {
    let ring = KeyRing::parse("K", &key(3), true).expect("keys");
    let cookie = ring.seal("fed_session", &alice(), HOUR);
    assert_eq!(cookie.name(), "__Host-fed_session");
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.domain(), None);
    assert_eq!(
        ring.open::<Signed>(&jar(cookie), "fed_session"),
        Ok(alice())
    );
    // The same value under the name without the prefix is not this ring's cookie.
    let plain = Cookie::new(
        "fed_session",
        ring.seal("fed_session", &alice(), HOUR).value().to_owned(),
    );
    assert_eq!(
        ring.open::<Signed>(&jar(plain), "fed_session"),
        Err(Reason::MissingCookie)
    );
    assert_eq!(ring.removal("fed_session").name(), "__Host-fed_session");
    // Plain http for local use: no prefix, which browsers would refuse there.
    let local = KeyRing::parse("K", &key(3), false).expect("keys");
    assert_eq!(
        local.seal("fed_session", &alice(), HOUR).name(),
        "fed_session"
    );
}
