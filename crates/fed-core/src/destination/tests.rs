//! Tests of destinations: services, regions, paths and full URLs per partition.

use super::*;

fn region_of(name: &str) -> Region {
    Region::new(name).unwrap()
}

/// Renders `destination.to_url(partition, region)`, or the parse error.
fn render(
    destination: Result<Destination, Error>,
    partition: Partition,
    region: Option<&str>,
) -> String {
    match destination {
        Ok(d) => d
            .to_url(partition, region.map(region_of).as_ref())
            .to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[track_caller]
fn check(
    destination: Result<Destination, Error>,
    partition: Partition,
    region: Option<&str>,
    expect: &str,
) {
    assert_eq!(render(destination, partition, region), expect);
}

fn parse(input: &str, partition: Partition) -> Result<Destination, Error> {
    Destination::parse(input, partition, false)
}

#[test]
fn console_home() {
    let home = || Ok(Destination::ConsoleHome);
    check(
        home(),
        Partition::Aws,
        None,
        "https://console.aws.amazon.com/",
    );
    check(
        home(),
        Partition::Aws,
        Some("eu-west-1"),
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1",
    );
    check(
        home(),
        Partition::AwsUsGov,
        None,
        "https://console.amazonaws-us-gov.com/",
    );
    check(
        home(),
        Partition::AwsCn,
        None,
        "https://console.amazonaws.cn/",
    );
    check(
        home(),
        Partition::AwsCn,
        Some("cn-northwest-1"),
        "https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1",
    );
}

#[test]
fn services() {
    check(
        Destination::service("s3"),
        Partition::Aws,
        Some("eu-west-1"),
        "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1",
    );
    check(
        Destination::service("S3"),
        Partition::Aws,
        None,
        "https://console.aws.amazon.com/s3/home",
    );
    check(
        Destination::service("lambda"),
        Partition::AwsUsGov,
        Some("us-gov-east-1"),
        "https://us-gov-east-1.console.amazonaws-us-gov.com/lambda/home?region=us-gov-east-1",
    );
    // Global services get neither a regional host nor `region=`.
    check(
        Destination::service("iam"),
        Partition::Aws,
        Some("eu-west-1"),
        "https://console.aws.amazon.com/iam/home",
    );
    check(
        Destination::service("route53"),
        Partition::AwsCn,
        Some("cn-north-1"),
        "https://console.amazonaws.cn/route53/v2/home",
    );
    check(
        Destination::service("nope"),
        Partition::Aws,
        None,
        "error: invalid service \"nope\": unknown service; allowed: a console service shortcut such as s3, ec2, iam or lambda, or an alias such as cfn or ddb (Service::all lists them)",
    );
}

#[test]
fn global_and_regional_services() {
    for global in [
        "iam",
        "route53",
        "cloudfront",
        "billing",
        "organizations",
        "support",
    ] {
        assert!(Service::from_name(global).unwrap().is_global(), "{global}");
    }
    for regional in [
        "s3",
        "ec2",
        "lambda",
        "cloudformation",
        "dynamodb",
        "sns",
        "sqs",
        "vpc",
    ] {
        assert!(
            !Service::from_name(regional).unwrap().is_global(),
            "{regional}"
        );
    }
    // Every shortcut resolves under every partition and region to a console
    // host of that partition, with `region=` exactly when it is not global.
    for service in Service::all() {
        for (partition, region) in [
            (Partition::Aws, "ap-southeast-2"),
            (Partition::AwsUsGov, "us-gov-west-1"),
            (Partition::AwsCn, "cn-north-1"),
            (Partition::AwsEusc, "eusc-de-east-1"),
        ] {
            let url = Destination::Service(service).to_url(partition, Some(&region_of(region)));
            assert!(partition.is_console_host(url.host_str().unwrap()), "{url}");
            let regions: Vec<String> = url
                .query_pairs()
                .filter(|(k, _)| k == "region")
                .map(|(_, v)| v.into_owned())
                .collect();
            let expect: &[&str] = if service.is_global() { &[] } else { &[region] };
            assert_eq!(regions, expect, "{url}");
        }
    }
}

#[test]
fn paths() {
    check(
        parse("/s3/buckets?tab=objects#top", Partition::Aws),
        Partition::Aws,
        Some("eu-west-1"),
        "https://eu-west-1.console.aws.amazon.com/s3/buckets?tab=objects&region=eu-west-1#top",
    );
    // An existing `region=` is replaced, the other parameters and the
    // fragment are kept.
    check(
        parse(
            "/ec2/home?region=us-east-1&x=1#Instances:instanceState=running",
            Partition::Aws,
        ),
        Partition::Aws,
        Some("eu-central-1"),
        "https://eu-central-1.console.aws.amazon.com/ec2/home?x=1&region=eu-central-1#Instances:instanceState=running",
    );
    check(
        parse("/s3/buckets?tab=objects#top", Partition::Aws),
        Partition::Aws,
        None,
        "https://console.aws.amazon.com/s3/buckets?tab=objects#top",
    );
    let leaves = |input: &str| {
        format!(
            "error: invalid destination {input:?}: the path leaves the console host; allowed: a path starting with / or an https URL on the partition's console host"
        )
    };
    check(
        parse("/\\evil.example.com/", Partition::Aws),
        Partition::Aws,
        None,
        &leaves("/\\evil.example.com/"),
    );
    check(
        parse("/\\\\evil.example.com", Partition::Aws),
        Partition::Aws,
        None,
        &leaves("/\\\\evil.example.com"),
    );
    assert!(parse("//evil.example.com/", Partition::Aws).is_err());
}

#[test]
fn full_urls() {
    let deep = "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:";
    check(parse(deep, Partition::Aws), Partition::Aws, None, deep);
    // A region is merged into the query; the URL keeps its host.
    check(
        parse(deep, Partition::Aws),
        Partition::Aws,
        Some("eu-west-1"),
        "https://us-east-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:",
    );
    check(
        parse(
            "https://123456789012-abcdefgh.us-east-1.console.aws.amazon.com/s3/",
            Partition::Aws,
        ),
        Partition::Aws,
        None,
        "https://123456789012-abcdefgh.us-east-1.console.aws.amazon.com/s3/",
    );
    check(
        parse("https://console.amazonaws.cn/ec2/", Partition::AwsCn),
        Partition::AwsCn,
        None,
        "https://console.amazonaws.cn/ec2/",
    );
    let not_console = |input: &str, host: &str, partition: &str| {
        format!(
            "error: invalid destination {input:?}: {host} is not a console host of partition {partition}; allowed: a path starting with / or an https URL on the partition's console host"
        )
    };
    for (input, host) in [
        ("https://evil.example.com/", "evil.example.com"),
        (
            "https://console.aws.amazon.com.evil.example.com/",
            "console.aws.amazon.com.evil.example.com",
        ),
        (
            "https://evilconsole.aws.amazon.com/",
            "evilconsole.aws.amazon.com",
        ),
        ("https://signin.aws.amazon.com/", "signin.aws.amazon.com"),
        ("https://console.amazonaws.cn/", "console.amazonaws.cn"),
        ("https://s3.amazonaws.com/bucket", "s3.amazonaws.com"),
    ] {
        check(
            parse(input, Partition::Aws),
            Partition::Aws,
            None,
            &not_console(input, host, "aws"),
        );
    }
    check(
        parse("https://console.aws.amazon.com/", Partition::AwsUsGov),
        Partition::AwsUsGov,
        None,
        &not_console(
            "https://console.aws.amazon.com/",
            "console.aws.amazon.com",
            "aws-us-gov",
        ),
    );
    check(
        parse("http://console.aws.amazon.com/", Partition::Aws),
        Partition::Aws,
        None,
        "error: invalid destination \"http://console.aws.amazon.com/\": not https; allowed: a path starting with / or an https URL on the partition's console host",
    );
    check(
        parse("s3", Partition::Aws),
        Partition::Aws,
        None,
        "error: invalid destination \"s3\": relative URL without a base; allowed: a path starting with / or an https URL on the partition's console host",
    );
}

#[test]
fn any_host_is_an_explicit_opt_in() {
    let any = |input: &str| Destination::parse(input, Partition::Aws, true);
    check(
        any("http://localhost:4566/console/"),
        Partition::Aws,
        None,
        "http://localhost:4566/console/",
    );
    check(
        any("https://evil.example.com/x"),
        Partition::Aws,
        None,
        "https://evil.example.com/x",
    );
    check(
        any("ftp://localhost/"),
        Partition::Aws,
        None,
        "error: invalid destination \"ftp://localhost/\": not http or https; allowed: an http or https URL",
    );
    check(
        any("javascript:alert(1)"),
        Partition::Aws,
        None,
        "error: invalid destination \"javascript:alert(1)\": not http or https; allowed: an http or https URL",
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn region_of(name: &str) -> Region {
        Region::new(name).unwrap()
    }

    fn region() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"])
    }

    proptest! {
        /// A region is merged into any path's query: exactly one `region=`
        /// with that value, the other parameters in order, the fragment kept.
        #[test]
        fn region_is_merged_into_the_query(
            path in "(/[a-z0-9]{1,6}){1,3}/?",
            pairs in prop::collection::vec(("[a-z]{1,6}", "[a-z0-9 &=+%/~*é]{0,8}"), 0..4),
            fragment in prop::option::of("[A-Za-z0-9:=]{0,12}"),
            region in region(),
        ) {
            let mut input = path.clone();
            if !pairs.is_empty() {
                let query: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&pairs)
                    .finish();
                input = format!("{input}?{query}");
            }
            if let Some(fragment) = &fragment {
                input = format!("{input}#{fragment}");
            }
            let destination = Destination::parse(&input, Partition::Aws, false).unwrap();
            let url = destination.to_url(Partition::Aws, Some(&region_of(region)));
            let host = format!("{region}.console.aws.amazon.com");
            prop_assert_eq!(url.host_str(), Some(host.as_str()));
            prop_assert_eq!(url.fragment(), fragment.as_deref());
            let got: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let mut expect: Vec<(String, String)> =
                pairs.into_iter().filter(|(k, _)| k != "region").collect();
            expect.push(("region".to_owned(), region.to_owned()));
            prop_assert_eq!(got, expect);
        }
    }
}
