use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};

use super::limits::Limits;
use super::proxied_ip;

fn headers(values: &[&'static str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append("x-forwarded-for", HeaderValue::from_static(value));
    }
    headers
}

#[test]
fn the_proxied_address_is_the_one_the_proxy_appended() {
    let cases: &[(&[&'static str], Option<&str>)] = &[
        (&["203.0.113.7"], Some("203.0.113.7")),
        (&["192.0.2.1, 203.0.113.7"], Some("203.0.113.7")),
        (&["192.0.2.1,203.0.113.7"], Some("203.0.113.7")),
        (&["192.0.2.1", "203.0.113.7"], Some("203.0.113.7")),
        (&["2001:db8::1"], Some("2001:db8::1")),
        (&["203.0.113.7, not-an-address"], None),
        (&[""], None),
        (&[], None),
    ];
    for (values, expected) in cases {
        let got = proxied_ip(&headers(values), "X-Forwarded-For").map(|ip| ip.to_string());
        assert_eq!(got.as_deref(), *expected, "{values:?}");
    }
}

fn limits(per_minute: u32) -> Limits {
    Limits::new(&crate::config::Limits {
        per_user_per_minute: per_minute,
        per_ip_per_minute: per_minute,
        trusted_proxy_header: None,
    })
}

#[test]
fn idle_clients_are_forgotten_and_limited_ones_kept() {
    // 60,000 a minute: one request's share comes back after a millisecond.
    let quick = limits(60_000);
    for n in 0..100u8 {
        assert!(quick.ip_allows([10, 0, 0, n].into()));
        assert!(quick.user_allows(&format!("user{n}")));
    }
    assert_eq!(quick.len(), 200);
    std::thread::sleep(Duration::from_millis(20));
    quick.forget_idle();
    assert_eq!(quick.len(), 0, "whole allowances are forgotten");

    // One a minute: the client that used it is still limited, so it is kept.
    let slow = limits(1);
    assert!(slow.ip_allows([10, 0, 0, 1].into()));
    assert!(slow.user_allows("alice"));
    slow.forget_idle();
    assert_eq!(slow.len(), 2);
    assert!(!slow.ip_allows([10, 0, 0, 1].into()), "still limited");
    assert!(!slow.user_allows("alice"), "still limited");
}
