//! Tests of partitions: from regions and names, and their hosts.

use super::*;

/// Renders a partition lookup as the partition's name or `error: {message}`.
fn render(result: Result<Partition, Error>) -> String {
    match result {
        Ok(partition) => partition.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[track_caller]
fn check_region(region: &str, expect: &str) {
    assert_eq!(
        render(Partition::from_region(region)),
        expect,
        "region {region:?}"
    );
}

#[track_caller]
fn check_name(name: &str, expect: &str) {
    assert_eq!(render(name.parse()), expect, "partition {name:?}");
}

/// The error for a partition fed does not support.
fn unsupported(name: &str) -> String {
    format!(
        "error: unsupported partition \"{name}\": AWS publishes no federation endpoint or console host for it; console federation is available in aws, aws-us-gov, aws-cn and aws-eusc"
    )
}

#[test]
fn partition_from_region() {
    check_region("us-east-1", "aws");
    check_region("eu-west-1", "aws");
    check_region("ap-southeast-7", "aws");
    check_region("il-central-1", "aws");
    check_region("us-gov-west-1", "aws-us-gov");
    check_region("us-gov-east-1", "aws-us-gov");
    check_region("cn-north-1", "aws-cn");
    check_region("cn-northwest-1", "aws-cn");
    check_region("eusc-de-east-1", "aws-eusc");
    check_region("eusc-de-west-2", "aws-eusc");
    // `eu-` regions are commercial ones; only `eusc-` is the sovereign cloud.
    check_region("eu-south-2", "aws");
    let unsupported = |name: &str| unsupported(name);
    check_region("us-iso-east-1", &unsupported("aws-iso"));
    check_region("us-isob-east-1", &unsupported("aws-iso-b"));
    check_region("us-isof-south-1", &unsupported("aws-iso-f"));
    check_region("eu-isoe-west-1", &unsupported("aws-iso-e"));
    let not_a_region = |value: &str| {
        format!(
            "error: invalid region {value:?}: not a region name; allowed: a region such as us-east-1, eu-west-1, us-gov-west-1, cn-north-1 or eusc-de-east-1"
        )
    };
    for bad in [
        "",
        "-",
        "--",
        "useast1",
        "us-east",
        "us-east-",
        "-us-east-1",
        "us--east-1",
        "US-EAST-1",
        "us-east-1a",
        "us-east-1.",
        "us_east_1",
        "us-east-1/",
        "evil.com/x",
        "us-east-1 ",
    ] {
        check_region(bad, &not_a_region(bad));
    }
}

#[test]
fn partition_from_name() {
    check_name("aws", "aws");
    check_name("aws-us-gov", "aws-us-gov");
    check_name("aws-cn", "aws-cn");
    check_name("aws-eusc", "aws-eusc");
    for name in ["aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"] {
        check_name(name, &unsupported(name));
    }
    for name in ["", "AWS", "aws-gov", "amazon", "aws-eu", "eusc"] {
        check_name(
            name,
            &format!(
                "error: invalid partition {name:?}: unknown partition; allowed: aws, aws-us-gov, aws-cn or aws-eusc"
            ),
        );
    }
}

#[test]
fn display_round_trips() {
    for partition in Partition::ALL {
        assert_eq!(partition.to_string().parse::<Partition>(), Ok(partition));
        assert_eq!(partition.as_str(), partition.to_string());
        assert_eq!(
            Partition::from_region(partition.default_region()),
            Ok(partition)
        );
    }
}

/// The hosts of one partition, one per line, for a table comparison.
fn hosts(partition: Partition, other_region: &str) -> String {
    let default = partition.default_region();
    let default_region = Region::new(default).unwrap();
    let other = Region::new(other_region).unwrap();
    [
        format!("signin_host(None) = {}", partition.signin_host(None)),
        format!(
            "signin_host({default}) = {}",
            partition.signin_host(Some(&default_region))
        ),
        format!(
            "signin_host({other_region}) = {}",
            partition.signin_host(Some(&other))
        ),
        format!(
            "federation_endpoint(None) = {}",
            partition.federation_endpoint(None)
        ),
        format!(
            "federation_endpoint({other_region}) = {}",
            partition.federation_endpoint(Some(&other))
        ),
        format!("console_host(None) = {}", partition.console_host(None)),
        format!(
            "console_host({other_region}) = {}",
            partition.console_host(Some(&other))
        ),
        format!("logout_endpoint = {}", partition.logout_endpoint()),
        format!(
            "logout_first_federation_endpoint = {}",
            partition.logout_first_federation_endpoint()
        ),
    ]
    .join("\n")
}

#[track_caller]
fn check_hosts(partition: Partition, other_region: &str, expect: &str) {
    assert_eq!(hosts(partition, other_region), expect.trim());
}

#[test]
fn hosts_per_partition() {
    check_hosts(
        Partition::Aws,
        "eu-west-1",
        "
signin_host(None) = signin.aws.amazon.com
signin_host(us-east-1) = signin.aws.amazon.com
signin_host(eu-west-1) = eu-west-1.signin.aws.amazon.com
federation_endpoint(None) = https://signin.aws.amazon.com/federation
federation_endpoint(eu-west-1) = https://eu-west-1.signin.aws.amazon.com/federation
console_host(None) = console.aws.amazon.com
console_host(eu-west-1) = eu-west-1.console.aws.amazon.com
logout_endpoint = https://us-east-1.signin.aws.amazon.com/oauth
logout_first_federation_endpoint = https://us-east-1.signin.aws.amazon.com/federation
",
    );
    check_hosts(
        Partition::AwsUsGov,
        "us-gov-east-1",
        "
signin_host(None) = signin.amazonaws-us-gov.com
signin_host(us-gov-west-1) = signin.amazonaws-us-gov.com
signin_host(us-gov-east-1) = us-gov-east-1.signin.amazonaws-us-gov.com
federation_endpoint(None) = https://signin.amazonaws-us-gov.com/federation
federation_endpoint(us-gov-east-1) = https://us-gov-east-1.signin.amazonaws-us-gov.com/federation
console_host(None) = console.amazonaws-us-gov.com
console_host(us-gov-east-1) = us-gov-east-1.console.amazonaws-us-gov.com
logout_endpoint = https://us-gov-west-1.signin.amazonaws-us-gov.com/oauth
logout_first_federation_endpoint = https://us-gov-west-1.signin.amazonaws-us-gov.com/federation
",
    );
    check_hosts(
        Partition::AwsCn,
        "cn-northwest-1",
        "
signin_host(None) = signin.amazonaws.cn
signin_host(cn-north-1) = signin.amazonaws.cn
signin_host(cn-northwest-1) = cn-northwest-1.signin.amazonaws.cn
federation_endpoint(None) = https://signin.amazonaws.cn/federation
federation_endpoint(cn-northwest-1) = https://cn-northwest-1.signin.amazonaws.cn/federation
console_host(None) = console.amazonaws.cn
console_host(cn-northwest-1) = cn-northwest-1.console.amazonaws.cn
logout_endpoint = https://cn-north-1.signin.amazonaws.cn/oauth
logout_first_federation_endpoint = https://cn-north-1.signin.amazonaws.cn/federation
",
    );
}

/// The European Sovereign Cloud has no global sign-in host: every sign-in host is regional,
/// the default region's when none is given, and the logout-first link uses the same host.
#[test]
fn eusc_hosts() {
    insta::with_settings!({
        description => "hosts of partition aws-eusc",
        omit_expression => true,
    }, {
        insta::assert_snapshot!(hosts(Partition::AwsEusc, "eusc-de-east-1"));
    });
    let eusc = Partition::AwsEusc;
    assert_eq!(
        eusc.federation_endpoint(None),
        eusc.logout_first_federation_endpoint()
    );
    assert!(eusc.is_signin_host("eusc-de-east-1.signin.amazonaws-eusc.eu"));
    assert!(!eusc.is_signin_host("eu-west-1.signin.amazonaws-eusc.eu"));
    assert!(!eusc.is_signin_host("eusc-de-east-1.signin.aws.amazon.com"));
    assert!(!Partition::Aws.is_signin_host("eusc-de-east-1.signin.aws.amazon.com"));
}

#[track_caller]
fn check_console_host(partition: Partition, host: &str, expect: bool) {
    assert_eq!(
        partition.is_console_host(host),
        expect,
        "{partition} console host {host:?}"
    );
}

#[test]
fn console_hosts() {
    check_console_host(Partition::Aws, "console.aws.amazon.com", true);
    check_console_host(Partition::Aws, "eu-west-1.console.aws.amazon.com", true);
    check_console_host(
        Partition::Aws,
        "123456789012-abcdefgh.us-east-1.console.aws.amazon.com",
        true,
    );
    check_console_host(Partition::Aws, "CONSOLE.AWS.AMAZON.COM", true);
    check_console_host(Partition::Aws, "signin.aws.amazon.com", false);
    check_console_host(Partition::Aws, "evilconsole.aws.amazon.com", false);
    check_console_host(Partition::Aws, "console.aws.amazon.com.evil.com", false);
    check_console_host(Partition::Aws, ".console.aws.amazon.com", false);
    check_console_host(Partition::Aws, "a..console.aws.amazon.com", false);
    check_console_host(Partition::Aws, "console.amazonaws.cn", false);
    check_console_host(Partition::Aws, "", false);
    check_console_host(Partition::AwsUsGov, "console.amazonaws-us-gov.com", true);
    check_console_host(
        Partition::AwsUsGov,
        "us-gov-west-1.console.amazonaws-us-gov.com",
        true,
    );
    check_console_host(Partition::AwsUsGov, "console.aws.amazon.com", false);
    check_console_host(Partition::AwsCn, "console.amazonaws.cn", true);
    check_console_host(Partition::AwsCn, "cn-north-1.console.amazonaws.cn", true);
    check_console_host(Partition::AwsCn, "console.amazonaws.com.cn", false);
    check_console_host(Partition::AwsEusc, "console.amazonaws-eusc.eu", true);
    check_console_host(
        Partition::AwsEusc,
        "eusc-de-east-1.console.amazonaws-eusc.eu",
        true,
    );
    check_console_host(Partition::AwsEusc, "console.amazonaws.eu", false);
    check_console_host(Partition::Aws, "console.amazonaws-eusc.eu", false);
}

#[track_caller]
fn check_region_of(partition: Partition, region: &str, expect: &str) {
    let got = match Region::new(region).and_then(|r| partition.check_region(&r)) {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(got, expect, "{partition} region {region:?}");
}

#[test]
fn check_region_matches_partition() {
    check_region_of(Partition::Aws, "eu-west-1", "ok");
    check_region_of(Partition::AwsUsGov, "us-gov-east-1", "ok");
    check_region_of(Partition::AwsCn, "cn-north-1", "ok");
    check_region_of(Partition::AwsEusc, "eusc-de-east-1", "ok");
    check_region_of(
        Partition::AwsEusc,
        "eu-central-1",
        "error: invalid region \"eu-central-1\": a region of partition aws, not of aws-eusc; allowed: a region of the credentials' partition",
    );
    check_region_of(
        Partition::AwsCn,
        "us-east-1",
        "error: invalid region \"us-east-1\": a region of partition aws, not of aws-cn; allowed: a region of the credentials' partition",
    );
    check_region_of(
        Partition::Aws,
        "us-gov-west-1",
        "error: invalid region \"us-gov-west-1\": a region of partition aws-us-gov, not of aws; allowed: a region of the credentials' partition",
    );
    check_region_of(Partition::Aws, "us-iso-east-1", &unsupported("aws-iso"));
}

#[test]
fn signin_hosts() {
    assert!(Partition::Aws.is_signin_host("signin.aws.amazon.com"));
    assert!(Partition::Aws.is_signin_host("eu-west-1.signin.aws.amazon.com"));
    assert!(Partition::Aws.is_signin_host("US-EAST-1.SIGNIN.AWS.AMAZON.COM"));
    assert!(!Partition::Aws.is_signin_host("evil.example.com"));
    assert!(!Partition::Aws.is_signin_host("signin.aws.amazon.com.evil.example"));
    assert!(!Partition::Aws.is_signin_host("cn-north-1.signin.aws.amazon.com"));
    assert!(!Partition::Aws.is_signin_host("a.b.signin.aws.amazon.com"));
    assert!(Partition::AwsCn.is_signin_host("cn-north-1.signin.amazonaws.cn"));
    assert!(Partition::AwsUsGov.is_signin_host("signin.amazonaws-us-gov.com"));
}

#[test]
fn every_listed_region_is_a_region_of_its_partition() {
    for partition in Partition::ALL {
        assert!(!partition.regions().is_empty(), "{partition}");
        assert!(partition.regions().contains(&partition.default_region()));
        for name in partition.regions() {
            let region = Region::new(*name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(region.partition(), partition, "{name}");
        }
    }
}

/// The partition of ARNs and regions of the European Sovereign Cloud, next to the others they
/// could be mistaken for.
#[test]
fn eusc_partition_of_arns_and_regions() {
    let mut out = String::new();
    for arn in [
        "arn:aws-eusc:sts::123456789012:assumed-role/Admin/alice",
        "arn:aws-eusc:iam::123456789012:role/Admin",
        "arn:aws-eusc:sts::123456789012:federated-user/bob",
        "arn:aws:sts::123456789012:assumed-role/Admin/alice",
        "arn:aws-eu:iam::123456789012:role/Admin",
    ] {
        let got = match arn.parse::<crate::Arn>() {
            Ok(arn) => arn.partition().to_string(),
            Err(e) => format!("error: {e}"),
        };
        out.push_str(&format!("{arn} -> {got}\n"));
    }
    for region in ["eusc-de-east-1", "eu-central-1", "eu-isoe-west-1"] {
        out.push_str(&format!(
            "{region} -> {}\n",
            render(Partition::from_region(region))
        ));
    }
    insta::with_settings!({
        description => "partitions of aws-eusc ARNs and regions",
        omit_expression => true,
    }, {
        insta::assert_snapshot!(out);
    });
}
