//! The pure parts of the IAM adapter: whose a role is by its tags, the trust policy, and the
//! messages of IAM's errors.

use std::time::Duration;

use fed_core::RoleName;

use super::*;
use crate::Tag;

fn role(tags: Vec<Tag>) -> Role {
    Role::new(
        RoleName::new("fed-demo-x").expect("a valid role name"),
        "arn:aws:iam::123456789012:role/fed-demo-x"
            .parse()
            .expect("a role ARN"),
        tags,
    )
}

#[track_caller]
fn check_owned(tags: Vec<Tag>, expect: bool) {
    let owner = Tag::new("fed:demo", "run-1");
    assert_eq!(role(tags.clone()).carries(&owner), expect, "{tags:?}");
}

/// Only the owner tag's key with its value makes a role the caller's.
#[test]
fn only_the_owner_tag_with_its_value_makes_a_role_owned() {
    check_owned(
        vec![Tag::new("team", "x"), Tag::new("fed:demo", "run-1")],
        true,
    );
    check_owned(vec![], false);
    check_owned(vec![Tag::new("fed:demo", "run-2")], false);
    // Another tag with the owner's value is not the owner tag.
    check_owned(vec![Tag::new("fed:run", "run-1")], false);
    assert_eq!(
        role(vec![Tag::new("fed:demo", "run-2")]).tag("fed:demo"),
        Some("run-2")
    );
}

#[test]
fn the_trust_policy_names_the_principal() {
    let policy: serde_json::Value = serde_json::from_str(&trust_policy_for(
        &"arn:aws:iam::123456789012:user/alice"
            .parse()
            .expect("an ARN"),
    ))
    .expect("JSON");
    assert_eq!(
        policy,
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "AWS": "arn:aws:iam::123456789012:user/alice" },
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
            }],
        })
    );
}

#[track_caller]
fn check_message(error: Error, expect: &str, transient: bool) {
    assert_eq!(error.to_string(), expect);
    assert_eq!(error.is_transient(), transient, "{expect}");
}

#[test]
fn messages_of_iam_errors() {
    let name = RoleName::new("fed-demo-x").expect("a valid role name");
    check_message(
        Error::TimedOut {
            operation: "iam:GetRole",
            after: Duration::from_secs(25),
        },
        "iam:GetRole got no answer within 25s",
        true,
    );
    check_message(
        Error::NotTried {
            operation: "iam:DeleteRole",
        },
        "iam:DeleteRole was not tried: the time budget ran out",
        false,
    );
    check_message(
        Error::StillExists { role: name.clone() },
        "role fed-demo-x still exists after it was deleted",
        false,
    );
    check_message(
        Error::NotOwned {
            role: name.clone(),
            owner: Tag::new("fed:demo", "run-1"),
            found: Some("run-2".to_owned()),
        },
        "role fed-demo-x was left alone: it does not carry the owner tag fed:demo=run-1 (its fed:demo tag is run-2)",
        false,
    );
    check_message(
        Error::NotOwned {
            role: name,
            owner: Tag::new("fed:demo", "run-1"),
            found: None,
        },
        "role fed-demo-x was left alone: it does not carry the owner tag fed:demo=run-1 (it has no fed:demo tag)",
        false,
    );
}
