//! Tests of the login URL: snapshots per partition and destination, logout-first, and round-trips of arbitrary values.

use std::fmt::Write as _;

use proptest::prelude::*;

use crate::{Destination, Partition, Region};

use super::*;

const FAKE_TOKEN: &str = "FAKE-signin-token/with+chars=~*";

fn issuer() -> Issuer {
    Issuer::new("https://sso.example.com/fed").unwrap()
}

/// The query of `url` as decoded pairs.
fn pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

/// Builds the login URL, and with `logout_first` its logout-first form (whose
/// login URL is on the region-prefixed sign-in host).
fn build(
    partition: Partition,
    destination: &Url,
    token: &SigninToken,
    issuer: &Issuer,
    logout_first: bool,
) -> LoginUrl {
    if logout_first {
        LoginUrl::new(
            &partition.logout_first_federation_endpoint(),
            issuer,
            destination,
            token,
        )
        .with_logout_first(&partition.logout_endpoint())
        .unwrap()
    } else {
        LoginUrl::new(
            &partition.federation_endpoint(None),
            issuer,
            destination,
            token,
        )
    }
}

/// A region of the partition other than its default one (the default one in aws-eusc, which
/// has only one).
fn other_region(partition: Partition) -> &'static str {
    match partition {
        Partition::Aws => "eu-west-1",
        Partition::AwsUsGov => "us-gov-east-1",
        Partition::AwsCn => "cn-northwest-1",
        Partition::AwsEusc => "eusc-de-east-1",
    }
}

/// Login URLs of every partition for console home, a region, a service, a
/// global service and a full URL, with logout-first off and on. The sign-in
/// token is filtered out: its encoding is covered by the property tests.
#[test]
fn login_urls() {
    let token = SigninToken::new(FAKE_TOKEN);
    for partition in Partition::ALL {
        let region = other_region(partition);
        let full = format!(
            "https://{}/ec2/home?region={region}#Instances:instanceState=running",
            partition.console_host(Some(&Region::new(region).unwrap()))
        );
        let cases: [(&str, Destination, Option<&str>); 5] = [
            ("console home", Destination::ConsoleHome, None),
            ("region", Destination::ConsoleHome, Some(region)),
            (
                "service s3",
                Destination::service("s3").unwrap(),
                Some(region),
            ),
            (
                "global service iam",
                Destination::service("iam").unwrap(),
                Some(region),
            ),
            (
                "full URL",
                Destination::parse(&full, partition, false).unwrap(),
                None,
            ),
        ];
        let mut out = String::new();
        for (label, destination, region) in cases {
            let region = region.map(|r| Region::new(r).unwrap());
            let destination = destination.to_url(partition, region.as_ref());
            writeln!(out, "{label}: {destination}").unwrap();
            for logout_first in [false, true] {
                let url = build(partition, &destination, &token, &issuer(), logout_first);
                let mode = if logout_first {
                    "logout-first"
                } else {
                    "login"
                };
                writeln!(out, "  {mode}: {}", url.expose()).unwrap();
            }
        }
        insta::with_settings!({
            filters => vec![(r"(SigninToken(?:=|%3D))\S+", "$1[token]")],
            description => format!("login URLs of partition {partition}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("login_urls_{partition}"), out);
        });
    }
}

#[test]
fn login_url_parameters() {
    let token = SigninToken::new(FAKE_TOKEN);
    let destination = Url::parse("https://console.aws.amazon.com/").unwrap();
    let endpoint = Url::parse("https://signin.aws.amazon.com/federation?old=1#frag").unwrap();
    let url = LoginUrl::new(&endpoint, &issuer(), &destination, &token);
    // Any query or fragment on the endpoint is replaced.
    assert_eq!(
        url.expose(),
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Fsso.example.com%2Ffed&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=FAKE-signin-token%2Fwith%2Bchars%3D~%2A"
    );
    assert_eq!(url.to_url().as_str(), url.expose());
}

#[test]
fn logout_first_wraps_the_encoded_login_url() {
    let token = SigninToken::new("FAKE");
    let destination = Url::parse("https://console.aws.amazon.com/").unwrap();
    let url = build(Partition::Aws, &destination, &token, &issuer(), true);
    // The expected value was produced with Python's `urlencode`.
    assert_eq!(
        url.expose(),
        "https://us-east-1.signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Fus-east-1.signin.aws.amazon.com%2Ffederation%3FAction%3Dlogin%26Issuer%3Dhttps%253A%252F%252Fsso.example.com%252Ffed%26Destination%3Dhttps%253A%252F%252Fconsole.aws.amazon.com%252F%26SigninToken%3DFAKE"
    );
}

#[test]
fn debug_is_redacted() {
    let token = SigninToken::new(FAKE_TOKEN);
    let destination = Url::parse("https://console.aws.amazon.com/").unwrap();
    for partition in Partition::ALL {
        let url = LoginUrl::new(
            &partition.federation_endpoint(None),
            &issuer(),
            &destination,
            &token,
        );
        let debug = format!("{url:?}");
        assert_eq!(
            debug,
            format!(
                "LoginUrl(https://{}/federation?** redacted **)",
                partition.signin_host(None)
            )
        );
        assert!(!format!("{url:#?}").contains("FAKE"));

        // The global host's URL is not one the logout endpoint redirects to; in a partition
        // without a global host, the default endpoint is the logout endpoint's host.
        let wrapped = url.with_logout_first(&partition.logout_endpoint());
        if partition.has_global_signin_host() {
            let refused = wrapped.unwrap_err();
            assert!(
                refused
                    .to_string()
                    .contains("redirects only to its own host"),
                "{refused}"
            );
        } else {
            assert!(wrapped.is_ok(), "{partition}");
        }
        let url = LoginUrl::new(
            &partition.logout_first_federation_endpoint(),
            &issuer(),
            &destination,
            &token,
        );
        let logout_first = url.with_logout_first(&partition.logout_endpoint()).unwrap();
        assert_eq!(
            format!("{logout_first:?}"),
            format!(
                "LoginUrl(https://{}/oauth?** redacted **)",
                partition.logout_signin_host()
            )
        );
    }
}

/// `Debug` leaves out an endpoint's user info and port, as well as the query.
#[test]
fn debug_shows_scheme_host_and_path_only() {
    let token = SigninToken::new(FAKE_TOKEN);
    let destination = Url::parse("https://console.aws.amazon.com/").unwrap();
    let endpoint = Url::parse("http://user:FAKE-password@[::1]:8080/a/federation?q#f").unwrap();
    let url = LoginUrl::new(&endpoint, &issuer(), &destination, &token);
    assert_eq!(
        format!("{url:?}"),
        "LoginUrl(http://[::1]/a/federation?** redacted **)"
    );
}

/// Strings with reserved, unicode and control characters.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z &=+%#?/:;~*'\"<>\\\\é😀\u{0}\u{7f}]{0,24}",
    ]
}

fn issuer_text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}"
}

/// A destination URL with arbitrary characters in its path, query and fragment.
fn destination() -> impl Strategy<Value = Url> {
    (text(), text(), text()).prop_map(|(path, query, fragment)| {
        let mut url = Url::parse("https://console.aws.amazon.com/").unwrap();
        url.set_path(&path);
        url.set_query(Some(&query));
        url.set_fragment(Some(&fragment));
        url
    })
}

fn partition() -> impl Strategy<Value = Partition> {
    prop::sample::select(Partition::ALL.to_vec())
}

/// Endpoints with a port, user info, an IP host, a query or a fragment.
fn endpoint() -> impl Strategy<Value = Url> {
    prop::sample::select(vec![
        "https://signin.aws.amazon.com/federation",
        "http://127.0.0.1:8080/federation",
        "http://[::1]:1/fed/eration/",
        "https://user:pass@example.com/federation?old=1&x=%20#frag",
        "https://example.com",
        "https://example.com/?",
        "https://example.com/a%20b/federation#",
    ])
    .prop_map(|s| Url::parse(s).unwrap())
}

proptest! {
    #[test]
    fn query_round_trips(
        partition in partition(),
        issuer in issuer_text(),
        destination in destination(),
        token in text(),
    ) {
        let issuer = Issuer::new(issuer).unwrap();
        let token = SigninToken::new(token);
        let expect = vec![
            ("Action".to_owned(), "login".to_owned()),
            ("Issuer".to_owned(), issuer.as_str().to_owned()),
            ("Destination".to_owned(), destination.as_str().to_owned()),
            ("SigninToken".to_owned(), token.expose().to_owned()),
        ];

        let built = build(partition, &destination, &token, &issuer, false);
        let login = built.to_url();
        let host = partition.signin_host(None);
        prop_assert_eq!(login.host_str(), Some(host.as_str()));
        prop_assert_eq!(login.path(), "/federation");
        prop_assert_eq!(pairs(&login), expect.clone());
        // The query is form-encoded as by Python's `urlencode`.
        prop_assert!(login
            .query()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-~+%&=".contains(&b)));
        // The text is already in the `url` crate's normal form.
        prop_assert_eq!(login.as_str(), built.expose());

        let logout = build(partition, &destination, &token, &issuer, true).to_url();
        let logout_endpoint = partition.logout_endpoint();
        prop_assert_eq!(logout.as_str().split('?').next().unwrap(), logout_endpoint.as_str());
        let outer = pairs(&logout);
        prop_assert_eq!(outer.len(), 2);
        prop_assert_eq!(&outer[0], &("Action".to_owned(), "logout".to_owned()));
        prop_assert_eq!(outer[1].0.as_str(), "redirect_uri");
        let inner = Url::parse(&outer[1].1).unwrap();
        let inner_endpoint = partition.logout_first_federation_endpoint();
        prop_assert_eq!(inner.as_str().split('?').next().unwrap(), inner_endpoint.as_str());
        prop_assert_eq!(pairs(&inner), expect);
    }
}

proptest! {
    /// Without `~` and `*` (where the `url` crate's form encoder differs from
    /// `urlencode`), the URL is the one the `url` crate builds.
    #[test]
    fn same_as_url_crate(
        endpoint in endpoint(),
        issuer in "[^\\p{Cc}~*]{1,40}",
        destination in destination()
            .prop_filter("no ~ or *", |d| !d.as_str().contains(['~', '*'])),
        token in "[^~*]{0,64}",
    ) {
        let issuer = Issuer::new(issuer).unwrap();
        let token = SigninToken::new(token);
        let login = LoginUrl::new(&endpoint, &issuer, &destination, &token);

        let mut expect = endpoint.clone();
        expect.set_fragment(None);
        expect.set_query(None);
        expect.query_pairs_mut().extend_pairs([
            ("Action", "login"),
            ("Issuer", issuer.as_str()),
            ("Destination", destination.as_str()),
            ("SigninToken", token.expose()),
        ]);
        prop_assert_eq!(login.expose(), expect.as_str());
        prop_assert_eq!(&login.to_url(), &expect);

        let logout = login.with_logout_first(&endpoint).unwrap();
        let mut expect_logout = endpoint.clone();
        expect_logout.set_fragment(None);
        expect_logout.set_query(None);
        expect_logout
            .query_pairs_mut()
            .extend_pairs([("Action", "logout"), ("redirect_uri", expect.as_str())]);
        prop_assert_eq!(logout.expose(), expect_logout.as_str());
    }
}
