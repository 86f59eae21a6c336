//! Tests of duration parsing and the validated duration ranges.

use proptest::prelude::*;

use super::*;

/// Renders a parsed duration as whole seconds, or `error: {message}`.
fn render(result: Result<Duration, Error>) -> String {
    match result {
        Ok(d) => d.as_secs().to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[track_caller]
fn check(input: &str, expect: &str) {
    assert_eq!(render(parse_duration(input)), expect, "input {input:?}");
}

#[test]
fn parse_durations() {
    check("3600", "3600");
    check("0", "0");
    check("45s", "45");
    check("90m", "5400");
    check("12h", "43200");
    check("1h30m", "5400");
    check("1h30m15s", "5415");
    check("30m1h", "5400");
    check(" 15m ", "900");
    check("18446744073709551615", "18446744073709551615");
    let bad = |input: &str, problem: &str| {
        format!(
            "error: invalid duration {input:?}: {problem}; allowed: seconds (3600) or a number with a unit s, m or h (90m, 12h, 1h30m)"
        )
    };
    check("", &bad("", "empty"));
    check("   ", &bad("   ", "empty"));
    check("1d", &bad("1d", "unknown unit 'd'"));
    check("1H", &bad("1H", "unknown unit 'H'"));
    check("1.5h", &bad("1.5h", "unknown unit '.'"));
    check("-5m", &bad("-5m", "unknown unit '-'"));
    check("1h 30m", &bad("1h 30m", "unknown unit ' '"));
    check("h", &bad("h", "unit 'h' without a number"));
    check("1hm", &bad("1hm", "unit 'm' without a number"));
    check(
        "1h30",
        &bad("1h30", "number without a unit after another unit"),
    );
    check(
        "18446744073709551616",
        &bad("18446744073709551616", "too large"),
    );
    check("5124095576030432h", &bad("5124095576030432h", "too large"));
    check(
        "18446744073709551615s1s",
        &bad("18446744073709551615s1s", "too large"),
    );
}

/// Renders a validated duration as its seconds, or `error: {message}`.
fn render_secs<T: fmt::Display>(result: Result<T, Error>) -> String {
    match result {
        Ok(v) => v.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[track_caller]
fn check_bounds<T: fmt::Display>(
    from_secs: impl Fn(u64) -> Result<T, Error>,
    min: u64,
    max: u64,
    input: &str,
    allowed: &str,
) {
    for ok in [min, min + 1, max - 1, max] {
        assert_eq!(render_secs(from_secs(ok)), ok.to_string());
    }
    for bad in [0, min - 1, max + 1, u64::MAX] {
        assert_eq!(
            render_secs(from_secs(bad)),
            format!("error: invalid {input} \"{bad}\": out of range; allowed: {allowed}")
        );
    }
}

#[test]
fn duration_boundaries() {
    check_bounds(
        SessionDuration::from_secs,
        900,
        43_200,
        "session duration",
        "900 to 43200 seconds (15m to 12h)",
    );
    check_bounds(
        AssumeRoleDuration::from_secs,
        900,
        43_200,
        "assume-role duration",
        "900 to 43200 seconds (15m to 12h); at most 3600 when role chaining",
    );
    check_bounds(
        FederationTokenDuration::from_secs,
        900,
        129_600,
        "federation token duration",
        "900 to 129600 seconds (15m to 36h)",
    );
    assert_eq!(SessionDuration::MIN, 900);
    assert_eq!(SessionDuration::MAX, 43_200);
    assert_eq!(FederationTokenDuration::MAX, 129_600);
}

#[test]
fn sub_seconds_are_dropped() {
    let d = |secs: u64, nanos: u32| Duration::new(secs, nanos);
    assert!(SessionDuration::new(d(899, 999_999_999)).is_err());
    assert_eq!(SessionDuration::new(d(900, 1)).unwrap().seconds(), 900);
    assert_eq!(
        SessionDuration::new(d(43_200, 999_999_999))
            .unwrap()
            .seconds(),
        43_200
    );
    assert_eq!(
        SessionDuration::from_secs(3600).unwrap().as_duration(),
        d(3600, 0)
    );
}

#[track_caller]
fn check_chained(secs: u64, expect: (u32, bool)) {
    let (capped, lowered) = AssumeRoleDuration::from_secs(secs)
        .unwrap()
        .capped_for_chaining();
    assert_eq!((capped.seconds(), lowered), expect, "{secs} s");
}

#[test]
fn chained_cap() {
    check_chained(900, (900, false));
    check_chained(3599, (3599, false));
    check_chained(3600, (3600, false));
    check_chained(3601, (3600, true));
    check_chained(43_200, (3600, true));
    assert_eq!(AssumeRoleDuration::CHAINED_MAX, 3600);
}

proptest! {
    #[test]
    fn parse_duration_round_trips(secs in 0u64..=400_000) {
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        for text in [
            format!("{secs}"),
            format!("{secs}s"),
            format!("{h}h{m}m{s}s"),
            format!("{}m{s}s", secs / 60),
            format!("{s}s{h}h{m}m"),
            format!(" {h}h{m}m{s}s\t"),
        ] {
            prop_assert_eq!(parse_duration(&text), Ok(Duration::from_secs(secs)), "{}", text);
        }
        if s == 0 {
            prop_assert_eq!(parse_duration(&format!("{h}h{m}m")), Ok(Duration::from_secs(secs)));
        }
    }

    #[test]
    fn validated_durations_round_trip(secs in 900u64..=43_200) {
        let d = SessionDuration::from_secs(secs).unwrap();
        prop_assert_eq!(u64::from(d.seconds()), secs);
        prop_assert_eq!(SessionDuration::new(d.as_duration()), Ok(d));
        prop_assert_eq!(parse_duration(&d.to_string()), Ok(d.as_duration()));
    }
}
