//! Tests of the completion candidates: each list parses back with its flag.

use clap_complete::CompletionCandidate;

use super::*;

fn values(candidates: &[CompletionCandidate]) -> Vec<String> {
    candidates
        .iter()
        .map(|c| c.get_value().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn services_are_the_catalogue_and_its_aliases() {
    let services = values(&services());
    assert_eq!(
        services.len(),
        Service::all().count() + Service::aliases().count()
    );
    for name in ["cloudwatch", "s3", "iam", "cfn"] {
        assert!(services.iter().any(|s| s == name), "{name}");
    }
    for value in &services {
        assert!(crate::services::parse(value).is_ok(), "{value} parses");
    }
}

#[test]
fn policies_are_the_aliases_that_parse() {
    let policies = values(&policies());
    assert!(policies.iter().any(|p| p == "readonly"));
    for value in &policies {
        assert!(crate::policy_alias::parse(value).is_ok(), "{value} parses");
    }
}

#[test]
fn partitions_and_regions_parse() {
    assert_eq!(
        values(&partitions()),
        ["aws", "aws-us-gov", "aws-cn", "aws-eusc"]
    );
    let regions = values(&regions());
    assert!(regions.iter().any(|r| r == "eu-west-1"));
    assert!(regions.iter().any(|r| r == "us-gov-west-1"));
    assert!(regions.iter().any(|r| r == "eusc-de-east-1"));
    for value in &regions {
        assert!(fed_core::Region::new(value.as_str()).is_ok(), "{value}");
    }
}
