//! Tests of the service catalogue: its shape, its aliases, and a destination for every entry.

use super::*;
use crate::{Destination, Partition, Region};

#[test]
fn the_catalogue_has_about_eighty_sorted_unique_shortcuts() {
    let names: Vec<&str> = Service::all().map(Service::name).collect();
    assert!(names.len() >= 80, "{} shortcuts", names.len());
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "sorted, without duplicates");
    for name in names {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{name}"
        );
    }
}

#[test]
fn paths_are_plain_console_paths() {
    for service in Service::all() {
        let path = service.path();
        assert!(
            path.starts_with('/') && !path.starts_with("//") && !path.contains(['?', '#', ' ']),
            "{}: {path}",
            service.name()
        );
    }
}

#[test]
fn aliases_are_sorted_unique_and_resolve() {
    let aliases: Vec<&str> = Service::aliases().map(|(alias, _)| alias).collect();
    let mut sorted = aliases.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(aliases, sorted);
    for (alias, service) in Service::aliases() {
        assert!(
            Service::all().all(|s| s.name() != alias),
            "{alias} is also a shortcut"
        );
        assert_eq!(Service::from_name(alias).unwrap(), service);
        assert_eq!(
            Service::from_name(&alias.to_ascii_uppercase()).unwrap(),
            service
        );
    }
}

/// Every entry builds a destination on a console host of every partition, with `region=`
/// exactly when the service is regional.
#[test]
fn every_entry_builds_a_valid_destination() {
    for service in Service::all() {
        for (partition, region) in [
            (Partition::Aws, "eu-west-1"),
            (Partition::AwsUsGov, "us-gov-east-1"),
            (Partition::AwsCn, "cn-northwest-1"),
            (Partition::AwsEusc, "eusc-de-east-1"),
        ] {
            let region = Region::new(region).unwrap();
            let url = Destination::Service(service).to_url(partition, Some(&region));
            assert_eq!(url.scheme(), "https");
            assert!(partition.is_console_host(url.host_str().unwrap()), "{url}");
            assert_eq!(url.path(), service.path(), "{url}");
            let regions: Vec<String> = url
                .query_pairs()
                .filter(|(k, _)| k == "region")
                .map(|(_, v)| v.into_owned())
                .collect();
            let expect: Vec<String> = if service.is_global() {
                vec![]
            } else {
                vec![region.to_string()]
            };
            assert_eq!(regions, expect, "{url}");
        }
    }
}

#[test]
fn an_unknown_name_says_what_is_allowed() {
    let err = Service::from_name("teleporter").unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid service \"teleporter\": unknown service; allowed: a console service shortcut such as s3, ec2, iam or lambda, or an alias such as cfn or ddb (Service::all lists them)"
    );
}
