//! Tests of portal shortcut links: a snapshot table of portals, accounts, permission sets and
//! destinations; `encodeURIComponent`'s encoding; and the inputs that are refused.

use std::fmt::Write as _;

use proptest::prelude::*;

use crate::{Destination, Partition, Region};

use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// The console URL of `destination` in `partition`, in `region` when given.
fn console(partition: Partition, destination: Destination, region: Option<&str>) -> Url {
    let region = region.map(|r| Region::new(r).unwrap());
    destination.to_url(partition, region.as_ref())
}

/// Links for the portal hosts of every partition and IAM Identity Center set-up, permission
/// sets with characters that need escaping, and destinations with a query, a fragment, a
/// region and none.
#[test]
fn portal_links() {
    let portals = [
        "https://d-1234567890.awsapps.com/start",
        "https://my-company.awsapps.com/start/",
        "https://my-company.awsapps.com/start/#/",
        "https://d-90670a1b2c.awsapps.cn/start#",
        "https://ssoins-7223e8e2d3d1f4b5.eu-west-2.portal.amazonaws.com",
        "https://d-99672a1b2c.eusc-de-east-1.portal.amazonaws.eu/start",
    ];
    let s3_eu = console(
        Partition::Aws,
        Destination::service("s3").unwrap(),
        Some("eu-west-1"),
    );
    let ec2_fragment = url(
        "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SnapshotDetails:snapshotId=snap-0123456789abcdef0",
    );
    let iam = console(Partition::Aws, Destination::service("iam").unwrap(), None);
    let cn_home = console(
        Partition::AwsCn,
        Destination::ConsoleHome,
        Some("cn-northwest-1"),
    );
    let eusc_ssm = console(
        Partition::AwsEusc,
        Destination::service("ssm").unwrap(),
        Some("eusc-de-east-1"),
    );
    let eusc_home = console(Partition::AwsEusc, Destination::ConsoleHome, None);
    let path_with_query = console(
        Partition::Aws,
        Destination::parse(
            "/s3/buckets/my bucket?tab=objects&prefix=a/b+c#top",
            Partition::Aws,
            false,
        )
        .unwrap(),
        Some("eu-central-1"),
    );
    let cases: [(usize, &str, Option<&str>, Option<&Url>); 11] = [
        (0, "123456789012", Some("ReadOnlyAccess"), None),
        (0, "123456789012", None, None),
        (
            0,
            "123456789012",
            Some("Admin+Ops=1,a@b.c_d-e"),
            Some(&s3_eu),
        ),
        (1, "000000000001", Some("PowerUser"), Some(&ec2_fragment)),
        (2, "210987654321", Some("Billing"), Some(&iam)),
        (2, "210987654321", Some("Dev"), Some(&path_with_query)),
        (3, "123456789012", Some("ReadOnly"), Some(&cn_home)),
        (4, "123456789012", Some("AdministratorAccess"), Some(&s3_eu)),
        (5, "123456789012", Some("Operator"), Some(&eusc_ssm)),
        (5, "123456789012", Some("Operator"), Some(&eusc_home)),
        (5, "123456789012", None, Some(&eusc_home)),
    ];
    let mut out = String::new();
    for (portal, account, permission_set, destination) in cases {
        let start = url(portals[portal]);
        let link = PortalLink::new(&start, account, permission_set, destination).unwrap();
        writeln!(
            out,
            "{} | {account} | {} | {}",
            portals[portal],
            permission_set.unwrap_or("-"),
            destination.map_or("-", Url::as_str)
        )
        .unwrap();
        writeln!(out, "  {link}").unwrap();
        assert_eq!(link.to_url().as_str(), link.as_str(), "already normalized");
        // What the portal's page reads back is exactly what went in.
        let fragment = link.to_url().fragment().unwrap().to_owned();
        let query = fragment.strip_prefix("/console?").unwrap();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let mut expect = vec![("account_id".to_owned(), account.to_owned())];
        if let Some(name) = permission_set {
            expect.push(("role_name".to_owned(), name.to_owned()));
        }
        if let Some(destination) = destination {
            expect.push(("destination".to_owned(), destination.to_string()));
        }
        assert_eq!(pairs, expect, "{link}");
    }
    insta::with_settings!({
        description => "portal | account | permission set | destination, then the link",
        omit_expression => true,
    }, {
        insta::assert_snapshot!(out);
    });
}

#[track_caller]
fn check_encoding(input: &str, expect: &str) {
    assert_eq!(encode_uri_component(input), expect, "{input:?}");
}

/// The expected values are what `encodeURIComponent` returns in a browser.
#[test]
fn encodes_as_encode_uri_component() {
    check_encoding("ABCXYZabcxyz0189-_.!~*'()", "ABCXYZabcxyz0189-_.!~*'()");
    check_encoding(
        "https://a.example/p?q=1&r=2#f",
        "https%3A%2F%2Fa.example%2Fp%3Fq%3D1%26r%3D2%23f",
    );
    check_encoding(
        " +=,@;$/:?#[]%\"<>\\^`{|}",
        "%20%2B%3D%2C%40%3B%24%2F%3A%3F%23%5B%5D%25%22%3C%3E%5C%5E%60%7B%7C%7D",
    );
    check_encoding("é€😀", "%C3%A9%E2%82%AC%F0%9F%98%80");
    check_encoding("\u{0}\n\u{7f}", "%00%0A%7F");
}

#[track_caller]
fn check_refused(start: &str, account: &str, permission_set: Option<&str>, expect: &str) {
    let err = PortalLink::new(&url(start), account, permission_set, None).unwrap_err();
    assert_eq!(err.to_string(), expect);
}

#[test]
fn bad_inputs_are_refused() {
    const PORTAL: &str = "https://d-1234567890.awsapps.com/start";
    const START_ALLOWED: &str = "allowed: an https URL of the AWS access portal, such as https://d-1234567890.awsapps.com/start";
    check_refused(
        "http://d-1234567890.awsapps.com/start",
        "123456789012",
        None,
        &format!(
            "invalid start URL \"http://d-1234567890.awsapps.com/start\": not https; {START_ALLOWED}"
        ),
    );
    check_refused(
        "https://user:pw@d-1234567890.awsapps.com/start",
        "123456789012",
        None,
        &format!(
            "invalid start URL \"https://user:pw@d-1234567890.awsapps.com/start\": it has user info; {START_ALLOWED}"
        ),
    );
    check_refused(
        "https://d-1234567890.awsapps.com/start?x=1",
        "123456789012",
        None,
        &format!(
            "invalid start URL \"https://d-1234567890.awsapps.com/start?x=1\": it has a query; {START_ALLOWED}"
        ),
    );
    for account in [
        "12345678901",
        "1234567890123",
        "12345678901x",
        "",
        "１２３４５６７８９０１２",
    ] {
        check_refused(
            PORTAL,
            account,
            None,
            &format!(
                "invalid account id {account:?}: not 12 digits; allowed: an AWS account id of 12 digits, such as 123456789012"
            ),
        );
    }
    const NAME_ALLOWED: &str = "allowed: 1 to 32 letters, digits and _+=,.@- (the name of an IAM Identity Center permission set)";
    let too_long = "a".repeat(33);
    for (name, problem) in [
        ("", "empty"),
        (too_long.as_str(), "longer than 32 characters"),
        ("Read Only", "a character that is not allowed"),
        ("Read/Only", "a character that is not allowed"),
        ("Réad", "a character that is not allowed"),
        ("a&b", "a character that is not allowed"),
    ] {
        check_refused(
            PORTAL,
            "123456789012",
            Some(name),
            &format!("invalid permission set name {name:?}: {problem}; {NAME_ALLOWED}"),
        );
    }
    assert!(PortalLink::new(&url(PORTAL), "123456789012", Some(&"a".repeat(32)), None).is_ok());
}

proptest! {
    /// Any text is encoded into the characters `encodeURIComponent` produces, and decodes back.
    #[test]
    fn encoding_round_trips(text in any::<String>()) {
        let encoded = encode_uri_component(&text);
        prop_assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()%".contains(&b)));
        let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().unwrap();
        prop_assert_eq!(decoded, text.as_str());
    }

    /// Any console URL comes back out of the link unchanged.
    #[test]
    fn destinations_round_trip(path in "[a-z /?&=#%+:@é]{0,30}", account in "[0-9]{12}") {
        let mut destination = url("https://console.aws.amazon.com/");
        destination.set_path(&path);
        let start = url("https://d-1234567890.awsapps.com/start");
        let link = PortalLink::new(&start, &account, Some("Ops"), Some(&destination)).unwrap();
        let fragment = link.to_url().fragment().unwrap().to_owned();
        let query = fragment.strip_prefix("/console?").unwrap();
        let got: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        prop_assert_eq!(&got[0], &("account_id".to_owned(), account));
        prop_assert_eq!(&got[2], &("destination".to_owned(), destination.to_string()));
    }
}
