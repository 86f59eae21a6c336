//! Tests of the redacted rendering: its format, and that no token survives it.

use url::Url;

use super::*;
use crate::{Destination, Issuer, LoginUrl, Partition, Region, SigninToken};

/// A token with every character class a real one may have, and some no real one has.
const TOKEN: &str = "tok+en/with=odd&chars~and spaces-_.%41";

fn login(partition: Partition, endpoint: &Url, region: Option<&str>) -> LoginUrl {
    let region = region.map(|r| Region::new(r).unwrap());
    LoginUrl::new(
        endpoint,
        &Issuer::new("https://issuer.example/path?a=b&c=d").unwrap(),
        &Destination::service("s3")
            .unwrap()
            .to_url(partition, region.as_ref()),
        &SigninToken::new(TOKEN),
    )
}

#[test]
fn a_login_url_shows_every_parameter_decoded() {
    let url = login(
        Partition::Aws,
        &Partition::Aws.federation_endpoint(None),
        Some("eu-west-1"),
    );
    insta::assert_snapshot!(url.redacted(), @r"
    https://signin.aws.amazon.com/federation
      Action=login
      Issuer=https://issuer.example/path?a=b&c=d
      Destination=https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1
      SigninToken=[redacted]
    ");
}

#[test]
fn a_logout_first_url_shows_the_login_url_inside() {
    let partition = Partition::AwsUsGov;
    let url = login(
        partition,
        &partition.logout_first_federation_endpoint(),
        None,
    )
    .with_logout_first(&partition.logout_endpoint())
    .unwrap();
    insta::assert_snapshot!(url.redacted(), @r"
    https://us-gov-west-1.signin.amazonaws-us-gov.com/oauth
      Action=logout
      redirect_uri=https://us-gov-west-1.signin.amazonaws-us-gov.com/federation
        Action=login
        Issuer=https://issuer.example/path?a=b&c=d
        Destination=https://console.amazonaws-us-gov.com/s3/home
        SigninToken=[redacted]
    ");
}

#[test]
fn an_emulator_url_keeps_its_port_and_drops_user_info_and_fragment() {
    let rendered = RedactedUrl::parse(
        "http://user:pw@127.0.0.1:8080/federation?Action=login&SigninToken=abc#top",
    )
    .unwrap();
    assert_eq!(
        rendered.as_str(),
        "http://127.0.0.1:8080/federation\n  Action=login\n  SigninToken=[redacted]\n"
    );
}

#[test]
fn the_token_never_survives_in_any_encoding() {
    let partition = Partition::Aws;
    let plain = login(
        partition,
        &partition.logout_first_federation_endpoint(),
        None,
    );
    let logout = plain
        .with_logout_first(&partition.logout_endpoint())
        .unwrap();
    for url in [&plain, &logout] {
        let text = url.redacted().to_string();
        for needle in [
            "tok+en",
            "tok%2Ben",
            "tok%252Ben",
            "odd&chars",
            "odd%26chars",
        ] {
            assert!(!text.contains(needle), "{needle} in {text}");
        }
        assert_eq!(text.matches("[redacted]").count(), 1, "{text}");
    }
}

#[test]
fn text_that_is_not_a_url_is_refused_without_echoing_it() {
    let err = RedactedUrl::parse("SigninToken=secret").unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
    assert!(err.to_string().contains("URL"), "{err}");
}

#[test]
fn surrounding_whitespace_is_ignored() {
    let url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=x";
    assert_eq!(
        RedactedUrl::parse(&format!("{url}\n")).unwrap(),
        RedactedUrl::parse(url).unwrap()
    );
}
