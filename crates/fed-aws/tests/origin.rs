//! Credential origin classification: every kind of caller ARN with and without a session token.

use fed_aws::classify_origin;
use fed_core::CredentialOrigin::{self, *};

#[track_caller]
fn check(key: &str, has_token: bool, arn: &str, expected: CredentialOrigin) {
    let parsed = arn.parse().expect("valid ARN");
    assert_eq!(
        classify_origin(key, has_token, &parsed),
        expected,
        "key {key}, session token {has_token}, {arn}"
    );
}

const LONG: &str = "AKIAFAKEFAKEFAKE0001";
const TEMP: &str = "ASIAFAKEFAKEFAKE0001";

/// The ARN kinds GetCallerIdentity reports, each with a session token (temporary `ASIA` keys)
/// and without one (long-term `AKIA` keys).
#[test]
fn every_arn_kind_with_and_without_session_token() {
    let table = [
        // (ARN, origin with a session token, origin without one)
        (
            "arn:aws:iam::123456789012:user/alice",
            SessionToken,
            LongTermUser,
        ),
        (
            "arn:aws:iam::123456789012:user/ops/alice",
            SessionToken,
            LongTermUser,
        ),
        ("arn:aws:iam::123456789012:root", SessionToken, LongTermUser),
        (
            "arn:aws:sts::123456789012:assumed-role/Admin/alice",
            Unknown,
            Unknown,
        ),
        (
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.org",
            IdentityCenter,
            Unknown,
        ),
        (
            "arn:aws:sts::123456789012:federated-user/alice",
            FederationToken,
            Unknown,
        ),
        ("arn:aws:iam::123456789012:role/Admin", Unknown, Unknown),
        ("arn:aws:s3:::some-bucket", Unknown, Unknown),
        (
            "arn:aws-us-gov:sts::123456789012:assumed-role/Admin/alice",
            Unknown,
            Unknown,
        ),
        (
            "arn:aws-cn:sts::123456789012:federated-user/alice",
            FederationToken,
            Unknown,
        ),
    ];
    for (arn, with_token, without_token) in table {
        check(TEMP, true, arn, with_token);
        check(LONG, false, arn, without_token);
    }
}

/// Key prefixes that contradict the session token make the origin unknown: real temporary keys
/// start with `ASIA` and long-term ones with `AKIA` (moto hands out `AKIA` keys with a token).
#[test]
fn contradicting_key_prefix_is_unknown() {
    check(
        LONG,
        true,
        "arn:aws:sts::123456789012:federated-user/alice",
        Unknown,
    );
    check(LONG, true, "arn:aws:iam::123456789012:user/moto", Unknown);
    check(TEMP, false, "arn:aws:iam::123456789012:user/alice", Unknown);
}

/// Keys of other shapes (e.g. test doubles) are judged by the token and the ARN alone.
#[test]
fn other_key_prefixes_follow_the_arn() {
    check(
        "testing",
        false,
        "arn:aws:iam::123456789012:user/moto",
        LongTermUser,
    );
    check(
        "testing",
        true,
        "arn:aws:sts::123456789012:assumed-role/R/s",
        Unknown,
    );
}

/// An STS `user/…` ARN (which AWS never reports; the local stack corrects moto's) is not taken
/// for long-term keys.
#[test]
fn sts_user_arn_is_not_taken_for_long_term_keys() {
    check(
        "testing",
        false,
        "arn:aws:sts::123456789012:user/moto",
        Unknown,
    );
    check(
        "testing",
        true,
        "arn:aws:sts::123456789012:user/moto",
        Unknown,
    );
}
