//! Tests of the `--policy` aliases.

use fed_core::Partition;

use super::*;

#[track_caller]
fn check(value: &str, partition: Partition, expect: Result<&str, &str>) {
    let resolved = parse(value).and_then(|policy| policy.resolve(partition));
    match (resolved, expect) {
        (Ok(got), Ok(want)) => assert_eq!(got.to_string(), want),
        (Err(got), Err(fragment)) => assert!(got.contains(fragment), "{got}"),
        (got, want) => panic!("{value}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn aliases_resolve_per_partition() {
    check(
        "readonly",
        Partition::Aws,
        Ok("arn:aws:iam::aws:policy/ReadOnlyAccess"),
    );
    check(
        "ReadOnly",
        Partition::AwsUsGov,
        Ok("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"),
    );
    check(
        "s3-readonly",
        Partition::AwsCn,
        Ok("arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess"),
    );
    check(
        "billing",
        Partition::Aws,
        Ok("arn:aws:iam::aws:policy/job-function/Billing"),
    );
}

#[test]
fn arns_are_checked() {
    check(
        "arn:aws:iam::123456789012:policy/Mine",
        Partition::Aws,
        Ok("arn:aws:iam::123456789012:policy/Mine"),
    );
    check(
        "arn:aws:iam::123456789012:role/Mine",
        Partition::Aws,
        Err("not a managed policy ARN"),
    );
    check(
        "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
        Partition::Aws,
        Err("but the credentials are in aws"),
    );
    check(
        "everything",
        Partition::Aws,
        Err("not an ARN or a known alias"),
    );
}
