//! Tests of the secret types: exact, redacted `Debug` output and the credential origins.

use std::time::{Duration, UNIX_EPOCH};

use super::*;

const FAKE_KEY_ID: &str = "ASIAFAKEFAKEFAKEFAKE";
const FAKE_SECRET: &str = "FAKE/secret+key=NOT-REAL";
const FAKE_TOKEN: &str = "FAKE-session-token-NOT-REAL";

#[track_caller]
fn check(value: &impl fmt::Debug, expect: &str) {
    let compact = format!("{value:?}");
    assert_eq!(compact, expect);
    for text in [compact, format!("{value:#?}")] {
        for secret in [FAKE_SECRET, FAKE_TOKEN, "FAKE-signin-token"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

#[test]
fn credentials_debug_is_redacted() {
    check(
        &Credentials::new(FAKE_KEY_ID, FAKE_SECRET, Some(FAKE_TOKEN.to_owned()), None),
        r#"Credentials { access_key_id: "ASIAFAKEFAKEFAKEFAKE", secret_access_key: "** redacted **", session_token: Some("** redacted **"), expiration: None }"#,
    );
    check(
        &Credentials::new("AKIAFAKEFAKEFAKEFAKE", FAKE_SECRET, None, None),
        r#"Credentials { access_key_id: "AKIAFAKEFAKEFAKEFAKE", secret_access_key: "** redacted **", session_token: None, expiration: None }"#,
    );
    check(
        &Credentials::new(
            FAKE_KEY_ID,
            FAKE_SECRET,
            Some(FAKE_TOKEN.to_owned()),
            Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        ),
        r#"Credentials { access_key_id: "ASIAFAKEFAKEFAKEFAKE", secret_access_key: "** redacted **", session_token: Some("** redacted **"), expiration: Some(SystemTime { tv_sec: 1700000000, tv_nsec: 0 }) }"#,
    );
}

#[test]
fn signin_token_debug_is_redacted() {
    check(
        &SigninToken::new("FAKE-signin-token"),
        "SigninToken(** redacted **)",
    );
    assert_eq!(
        SigninToken::new("FAKE-signin-token").expose(),
        "FAKE-signin-token"
    );
    assert_eq!(SigninToken::LIFETIME, Duration::from_secs(900));
}

#[test]
fn credentials_getters() {
    let expiration = UNIX_EPOCH + Duration::from_secs(1);
    let c = Credentials::new(
        FAKE_KEY_ID,
        FAKE_SECRET,
        Some(FAKE_TOKEN.to_owned()),
        Some(expiration),
    );
    assert_eq!(c.access_key_id(), FAKE_KEY_ID);
    assert_eq!(c.secret_access_key(), FAKE_SECRET);
    assert_eq!(c.session_token(), Some(FAKE_TOKEN));
    assert_eq!(c.expiration(), Some(expiration));
}

#[track_caller]
fn check_origin(origin: CredentialOrigin, can_sign_in: bool, describe: &str) {
    assert_eq!(
        (origin.can_sign_in(), origin.describe()),
        (can_sign_in, describe)
    );
}

#[test]
fn origins() {
    use CredentialOrigin::*;
    check_origin(
        AssumedRole { chained: false },
        true,
        "assumed-role credentials",
    );
    check_origin(
        AssumedRole { chained: true },
        true,
        "role-chained credentials",
    );
    check_origin(FederationToken, true, "GetFederationToken credentials");
    check_origin(IdentityCenter, true, "IAM Identity Center credentials");
    check_origin(LongTermUser, false, "long-term IAM user keys");
    check_origin(SessionToken, false, "GetSessionToken credentials");
    check_origin(Unknown, true, "temporary credentials of unknown origin");
}
