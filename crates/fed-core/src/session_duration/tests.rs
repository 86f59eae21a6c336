//! Tests of the SessionDuration policy for every credential origin.

use super::*;

/// Renders a decision as `send N`, `send N or retry without`, `omit`, `omit: {why:?}` or
/// `error: {message}`.
fn render(result: Result<SessionDurationDecision, Error>) -> String {
    match result {
        Ok(SessionDurationDecision {
            value: Some(v),
            omitted: None,
            retry_without,
        }) if retry_without => format!("send {} or retry without", v.seconds()),
        Ok(SessionDurationDecision {
            value: Some(v),
            omitted: None,
            ..
        }) => format!("send {}", v.seconds()),
        Ok(SessionDurationDecision {
            value: Some(v),
            omitted: Some(why),
            ..
        }) => format!("send {}: {why:?}", v.seconds()),
        Ok(SessionDurationDecision {
            value: None,
            omitted: None,
            ..
        }) => "omit".to_owned(),
        Ok(SessionDurationDecision {
            value: None,
            omitted: Some(why),
            ..
        }) => format!("omit: {why:?}"),
        Err(e) => format!("error: {e}"),
    }
}

#[track_caller]
fn check(origin: CredentialOrigin, requested: Option<u64>, expect: &str) {
    let got = render(decide_session_duration(
        origin,
        requested.map(Duration::from_secs),
    ));
    assert_eq!(got, expect, "{origin:?} requested {requested:?}");
}

const ALL: [CredentialOrigin; 8] = [
    CredentialOrigin::AssumedRole { chained: false },
    CredentialOrigin::AssumedRole { chained: true },
    CredentialOrigin::FederationToken,
    CredentialOrigin::IdentityCenter,
    CredentialOrigin::LongTermUser,
    CredentialOrigin::SessionToken,
    CredentialOrigin::Unknown,
    CredentialOrigin::LoginSession,
];

#[test]
fn nothing_requested_sends_nothing() {
    for origin in ALL {
        check(origin, None, "omit");
    }
}

#[test]
fn out_of_range_is_an_error_where_it_would_be_sent() {
    for origin in [
        CredentialOrigin::AssumedRole { chained: false },
        CredentialOrigin::Unknown,
    ] {
        for secs in [0, 899, 43_201, 129_600] {
            check(
                origin,
                Some(secs),
                &format!(
                    "error: invalid session duration \"{secs}\": out of range; allowed: 900 to 43200 seconds (15m to 12h)"
                ),
            );
        }
    }
}

#[test]
fn in_range_is_sent_only_for_unchained_assume_role() {
    let unchained = CredentialOrigin::AssumedRole { chained: false };
    for secs in [900, 3600, 43_200] {
        check(unchained, Some(secs), &format!("send {secs}"));
    }
    let omitted = |_secs: u64, why: Omitted| format!("omit: {why:?}");
    for secs in [900, 3599, 43_200] {
        check(
            CredentialOrigin::AssumedRole { chained: true },
            Some(secs),
            &omitted(secs, Omitted::RoleChaining),
        );
        check(
            CredentialOrigin::FederationToken,
            Some(secs),
            &omitted(secs, Omitted::FederationToken),
        );
        check(
            CredentialOrigin::IdentityCenter,
            Some(secs),
            &omitted(secs, Omitted::IdentityCenter),
        );
        // Only the endpoint can tell for credentials of unknown history.
        check(
            CredentialOrigin::Unknown,
            Some(secs),
            &format!("send {secs} or retry without"),
        );
        // An `aws login` session is of unknown history too, and never gets it.
        check(
            CredentialOrigin::LoginSession,
            Some(secs),
            &omitted(secs, Omitted::LoginSession),
        );
        for origin in [
            CredentialOrigin::LongTermUser,
            CredentialOrigin::SessionToken,
        ] {
            check(origin, Some(secs), &omitted(secs, Omitted::NotSignable));
        }
    }
}

#[test]
fn never_outside_the_range() {
    for origin in ALL {
        for secs in (0..=50_000).step_by(97) {
            if let Ok(decision) = decide_session_duration(origin, Some(Duration::from_secs(secs)))
                && let Some(value) = decision.value
            {
                assert!((900..=43_200).contains(&value.seconds()));
                assert_eq!(u64::from(value.seconds()), secs);
            }
        }
    }
}
