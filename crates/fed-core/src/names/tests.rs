//! Tests of the validated names: every length and character boundary, sanitizing, messages.

use proptest::prelude::*;

use super::*;

/// A validated value's text, or `error: {message}`.
fn render<T: fmt::Display>(result: Result<T, Error>) -> String {
    match result {
        Ok(value) => value.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

/// Checks that `value` is accepted (and kept as it is) or rejected.
#[track_caller]
fn check<T: fmt::Display>(new: impl Fn(String) -> Result<T, Error>, value: &str, expect_ok: bool) {
    let got = render(new(value.to_owned()));
    if expect_ok {
        assert_eq!(got, value, "should be accepted");
    } else {
        assert!(got.starts_with("error: "), "{value:?} should be rejected");
        assert!(!got.contains('\n'), "one-line message: {got}");
    }
}

/// Checks the length boundaries: `min - 1` and `max + 1` characters fail,
/// `min` and `max` pass.
#[track_caller]
fn check_lengths<T: fmt::Display>(
    new: impl Fn(String) -> Result<T, Error>,
    fill: char,
    min: usize,
    max: usize,
) {
    let of_len = |n: usize| fill.to_string().repeat(n);
    if min > 0 {
        check(&new, &of_len(min - 1), false);
    }
    check(&new, &of_len(min), true);
    check(&new, &of_len(max), true);
    check(&new, &of_len(max + 1), false);
}

#[test]
fn length_boundaries() {
    check_lengths(RoleSessionName::new, 'a', 2, 64);
    check_lengths(FederationName::new, 'a', 2, 32);
    check_lengths(RoleName::new, 'a', 1, 64);
    check_lengths(ExternalId::new, 'a', 2, 1224);
    check_lengths(MfaSerial::new, 'a', 9, 256);
    check_lengths(SourceIdentity::new, 'a', 2, 64);
    check_lengths(Issuer::new, 'a', 1, 2048);
    // Lengths count characters, not bytes.
    check_lengths(Issuer::new, 'é', 1, 2048);
    check(RoleName::new, "", false);
    check(Issuer::new, "", false);
}

/// A constructor of a name type, giving back the validated text.
type NewName = fn(String) -> Result<String, Error>;

#[test]
fn name_characters() {
    let news: [(&str, NewName); 4] = [
        ("role session name", |v| {
            RoleSessionName::new(v).map(|n| n.to_string())
        }),
        ("federation token name", |v| {
            FederationName::new(v).map(|n| n.to_string())
        }),
        ("role name", |v| RoleName::new(v).map(|n| n.to_string())),
        ("source identity", |v| {
            SourceIdentity::new(v).map(|n| n.to_string())
        }),
    ];
    for (input, new) in news {
        for ok in [
            "ab", "a_b", "a+b", "a=b", "a,b", "a.b", "a@b", "a-b", "A9", "__",
        ] {
            assert_eq!(render(new(ok.to_owned())), ok, "{input} {ok:?}");
        }
        for bad in [
            "a b", "a/b", "a:b", "aéb", "a\nb", "a*b", "a~b", "a#b", "a\0b",
        ] {
            let got = render(new(bad.to_owned()));
            assert!(
                got.starts_with(&format!("error: invalid {input} ")),
                "{got}"
            );
            assert!(!got.contains('\n'), "{got}");
        }
    }
    // ExternalId and MfaSerial also allow `:` and `/`.
    check(ExternalId::new, "urn:example/partner-42", true);
    check(ExternalId::new, "a b", false);
    check(MfaSerial::new, "arn:aws:iam::123456789012:mfa/alice", true);
    check(MfaSerial::new, "GAHT12345678", true);
    check(
        MfaSerial::new,
        "arn:aws:iam::123456789012:mfa/al ice",
        false,
    );
    // Issuer allows anything but control characters.
    check(Issuer::new, "https://sso.example.com/fed?a=1&b=2#x", true);
    check(Issuer::new, "aws-vault", true);
    check(Issuer::new, "ünïcödé issuer 😀", true);
    check(Issuer::new, "a\tb", false);
    check(Issuer::new, "a\nb", false);
    check(Issuer::new, "a\u{7f}b", false);
}

#[test]
fn source_identity_may_not_start_with_aws() {
    check(SourceIdentity::new, "aws:alice", false);
    check(SourceIdentity::new, "AWS:alice", false);
    check(SourceIdentity::new, "awsalice", true);
}

#[test]
fn mfa_codes() {
    check(MfaCode::new, "12345", false);
    check(MfaCode::new, "123456", true);
    check(MfaCode::new, "000000", true);
    check(MfaCode::new, "1234567", false);
    check(MfaCode::new, "", false);
    check(MfaCode::new, "12345a", false);
    check(MfaCode::new, "12 456", false);
    check(MfaCode::new, " 123456", false);
    check(MfaCode::new, "-12345", false);
    // Full-width and Arabic-Indic digits are not ASCII digits.
    check(MfaCode::new, "１２３４５６", false);
    check(MfaCode::new, "١٢٣٤٥٦", false);
}

#[track_caller]
fn check_message(result: Result<impl fmt::Display, Error>, expect: &str) {
    assert_eq!(render(result), format!("error: {expect}"));
}

#[test]
fn error_messages() {
    check_message(
        RoleSessionName::new("a"),
        r#"invalid role session name "a": 1 character, fewer than 2; allowed: 2 to 64 characters: letters, digits and _+=,.@-"#,
    );
    check_message(
        RoleSessionName::new("a".repeat(65)),
        &format!(
            r#"invalid role session name "{}": 65 characters, more than 64; allowed: 2 to 64 characters: letters, digits and _+=,.@-"#,
            "a".repeat(65)
        ),
    );
    check_message(
        FederationName::new("alice smith"),
        r#"invalid federation token name "alice smith": contains ' '; allowed: 2 to 32 characters: letters, digits and _+=,.@-"#,
    );
    check_message(
        RoleName::new(""),
        r#"invalid role name "": 0 characters, fewer than 1; allowed: 1 to 64 characters: letters, digits and _+=,.@-"#,
    );
    check_message(
        MfaCode::new("12345"),
        r#"invalid MFA code "12345": not 6 digits; allowed: exactly 6 digits"#,
    );
    // A control character in the value is escaped, so the message stays on one line.
    check_message(
        Issuer::new("a\nb"),
        r#"invalid issuer "a\nb": contains '\n'; allowed: 1 to 2048 characters without control characters, e.g. a URL of your sign-in page"#,
    );
}

#[test]
fn allowed_texts_match_messages() {
    let e = RoleSessionName::new("").unwrap_err();
    assert!(e.to_string().ends_with(RoleSessionName::ALLOWED));
    let e = FederationName::new("").unwrap_err();
    assert!(e.to_string().ends_with(FederationName::ALLOWED));
    let e = MfaCode::new("").unwrap_err();
    assert!(e.to_string().ends_with(MfaCode::ALLOWED));
}

proptest! {
    #[test]
    fn sanitized_names_validate(raw in any::<String>()) {
        let session = RoleSessionName::sanitized(&raw);
        prop_assert_eq!(RoleSessionName::new(session.as_str()), Ok(session.clone()));
        let federation = FederationName::sanitized(&raw);
        prop_assert_eq!(FederationName::new(federation.as_str()), Ok(federation.clone()));
        // The sanitized name keeps the allowed characters in place.
        for (kept, original) in session.as_str().chars().zip(raw.chars()) {
            if is_name_char(original) {
                prop_assert_eq!(kept, original);
            } else {
                prop_assert_eq!(kept, '-');
            }
        }
    }

    #[test]
    fn sanitizing_a_valid_name_keeps_it(name in "[A-Za-z0-9_+=,.@-]{2,32}") {
        prop_assert_eq!(RoleSessionName::sanitized(&name).to_string(), name.clone());
        prop_assert_eq!(FederationName::sanitized(&name).to_string(), name);
    }
}

#[test]
fn sanitized_examples() {
    assert_eq!(RoleSessionName::sanitized("").as_str(), "--");
    assert_eq!(RoleSessionName::sanitized("a").as_str(), "a-");
    assert_eq!(
        RoleSessionName::sanitized("Jürgen Müller").as_str(),
        "J-rgen-M-ller"
    );
    assert_eq!(
        RoleSessionName::sanitized(&"x".repeat(100)).as_str(),
        "x".repeat(64)
    );
    assert_eq!(
        FederationName::sanitized(&"x".repeat(100)).as_str(),
        "x".repeat(32)
    );
}

#[track_caller]
fn check_for_caller(caller: &str, session: &str, federation: &str) {
    let arn: crate::Arn = caller.parse().expect("valid ARN");
    assert_eq!(
        RoleSessionName::for_caller(&arn).as_str(),
        session,
        "{caller}"
    );
    assert_eq!(
        FederationName::for_caller(&arn).as_str(),
        federation,
        "{caller}"
    );
}

#[test]
fn default_names_follow_the_caller() {
    check_for_caller("arn:aws:iam::123456789012:user/ops/alice", "alice", "alice");
    check_for_caller(
        "arn:aws:sts::123456789012:assumed-role/Admin/bob@example.org",
        "bob@example.org",
        "bob@example.org",
    );
    check_for_caller(
        "arn:aws:sts::123456789012:federated-user/carol",
        "carol",
        "carol",
    );
    check_for_caller("arn:aws:iam::123456789012:root", "root", "root");
    check_for_caller("arn:aws:s3:::bucket", "fed", "fed");
    let long = format!("arn:aws:iam::123456789012:user/{}", "d".repeat(40));
    check_for_caller(&long, &"d".repeat(40), &"d".repeat(32));
    check_for_caller("arn:aws:iam::123456789012:user/x", "x-", "x-");
}
