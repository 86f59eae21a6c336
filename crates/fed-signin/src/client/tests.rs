//! Tests of the retry backoff and endpoint checks.

use std::time::Duration;

use super::{Client, check_endpoint, parse_endpoint};
use crate::Config;

fn client() -> Client {
    let mut config = Config::new(
        "https://signin.aws.amazon.com/federation"
            .parse()
            .expect("URL"),
    );
    config.backoff = Duration::from_millis(100);
    config.max_backoff = Duration::from_millis(300);
    Client::new(config).expect("client")
}

#[test]
fn backoff_is_jittered_below_an_exponential_ceiling() {
    let client = client();
    for (tries, ceiling) in [(1, 100), (2, 200), (3, 300), (4, 300), (40, 300)] {
        let waits: Vec<Duration> = (0..200).map(|_| client.backoff(tries, None)).collect();
        assert!(
            waits.iter().all(|w| *w <= Duration::from_millis(ceiling)),
            "tries {tries}"
        );
        assert!(
            waits.iter().any(|w| *w != waits[0]),
            "no jitter at tries {tries}"
        );
    }
}

#[test]
fn retry_after_is_a_capped_floor() {
    let client = client();
    assert_eq!(
        client.backoff(1, Some(Duration::from_secs(3600))),
        Duration::from_millis(300)
    );
    assert!(client.backoff(1, Some(Duration::from_millis(250))) >= Duration::from_millis(250));
}

#[track_caller]
fn check(endpoint: &str, ok: bool) {
    let url = endpoint.parse().expect("URL");
    assert_eq!(check_endpoint(&url).is_ok(), ok, "{endpoint}");
}

#[test]
fn plain_http_only_for_loopback() {
    check("https://signin.aws.amazon.com/federation", true);
    check("http://127.0.0.1:8080/federation", true);
    check("http://127.8.9.10/federation", true);
    check("http://[::1]:8080/federation", true);
    check("http://LOCALHOST/federation", true);
    check("http://signin.aws.amazon.com/federation", false);
    check("http://10.0.0.1/federation", false);
    check("file:///etc/passwd", false);
}

#[test]
fn a_bare_base_url_gets_the_federation_path() {
    let config = Config::new("http://127.0.0.1:9/".parse().expect("URL"));
    assert_eq!(config.endpoint.as_str(), "http://127.0.0.1:9/federation");
    let config = Config::new(
        "https://example.org/custom/federation?x=1#y"
            .parse()
            .expect("URL"),
    );
    assert_eq!(
        config.endpoint.as_str(),
        "https://example.org/custom/federation"
    );
}

#[test]
fn parse_endpoint_accepts_https_and_loopback_http_only() {
    for ok in [
        "https://signin.aws.amazon.com/federation",
        "http://127.0.0.1:8080/",
        "http://localhost:1/federation",
        "http://[::1]:9/",
    ] {
        assert!(parse_endpoint(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://example.com/federation",
        "ftp://127.0.0.1/",
        "not a url",
        "",
    ] {
        let err = parse_endpoint(bad).expect_err(bad).to_string();
        assert!(
            err.starts_with("invalid federation endpoint: "),
            "{bad}: {err}"
        );
    }
}
