//! Authentication against the table: own session token, expiry, long-term keys.

use std::time::{Duration, SystemTime};

use super::*;

fn session(expiration: SystemTime) -> (Credentials, Identity) {
    let credentials = Credentials::new(
        "ASIAONE",
        "secret",
        Some("token".to_owned()),
        Some(expiration),
    );
    let identity = Identity {
        arn: "arn:aws:sts::123456789012:assumed-role/r/s"
            .parse()
            .unwrap(),
        kind: CallerKind::AssumedRole {
            hops: 1,
            chained: false,
        },
        user_arn: None,
        role_arn: Some("arn:aws:iam::123456789012:role/r".parse().unwrap()),
        mfa: false,
        base_key_id: None,
        expiration: Some(expiration),
        issued_at: None,
        source_identity: None,
    };
    (credentials, identity)
}

#[test]
fn temporary_credentials_need_their_token_and_time() {
    let now = SystemTime::now();
    let identities = Identities::new();
    let (credentials, identity) = session(now + Duration::from_secs(900));
    identities.issued(&credentials, identity.clone());
    assert_eq!(
        identities.authenticate("ASIAONE", Some("token"), now),
        Ok(Some(identity))
    );
    assert_eq!(
        identities.authenticate("ASIAONE", Some("other"), now),
        Err(Refusal::Invalid)
    );
    assert_eq!(
        identities.authenticate("ASIAONE", None, now),
        Err(Refusal::Invalid)
    );
    assert_eq!(
        identities.authenticate("ASIAONE", Some("token"), now + Duration::from_secs(900)),
        Err(Refusal::Expired)
    );
    assert_eq!(identities.authenticate("ASIAOTHER", None, now), Ok(None));
}

#[test]
fn long_term_keys_carry_no_session_token() {
    let identities = Identities::new();
    let user: Arn = "arn:aws:iam::123456789012:user/alice".parse().unwrap();
    identities.long_term("AKIAALICE", user.clone());
    let now = SystemTime::now();
    assert_eq!(
        identities.authenticate("AKIAALICE", None, now),
        Ok(Some(Identity::long_term(user)))
    );
    assert_eq!(
        identities.authenticate("AKIAALICE", Some("token"), now),
        Err(Refusal::Invalid)
    );
}

#[tokio::test]
async fn the_resolver_checks_the_secret() {
    let identities = Identities::new();
    let (credentials, identity) = session(SystemTime::now() + Duration::from_secs(900));
    identities.issued(&credentials, identity);
    let resolved = identities.resolve(&credentials).await.expect("resolves");
    assert_eq!(
        resolved.origin,
        CredentialOrigin::AssumedRole { chained: false }
    );
    assert_eq!(resolved.hops, Some(1));
    let forged = Credentials::new("ASIAONE", "guess", Some("token".to_owned()), None);
    assert!(identities.resolve(&forged).await.is_err());
}
