//! Tests of ARN parsing: principal kinds, partitions, errors and display round-trips.

use proptest::prelude::*;

use super::*;

/// Renders a parsed ARN as `partition account principal`, or the error.
fn render(input: &str) -> String {
    match input.parse::<Arn>() {
        Ok(arn) => format!(
            "{} {} {:?}",
            arn.partition(),
            arn.account_id(),
            arn.principal()
        ),
        Err(e) => format!("error: {e}"),
    }
}

#[track_caller]
fn check(input: &str, expect: &str) {
    assert_eq!(render(input), expect, "ARN {input:?}");
}

#[test]
fn principal_kinds() {
    check(
        "arn:aws:iam::123456789012:role/S3Access",
        r#"aws 123456789012 Role { path: "/", name: "S3Access" }"#,
    );
    check(
        "arn:aws:iam::123456789012:role/service-role/team/Deployer",
        r#"aws 123456789012 Role { path: "/service-role/team/", name: "Deployer" }"#,
    );
    check(
        "arn:aws:sts::123456789012:assumed-role/Deployer/alice@example.com",
        r#"aws 123456789012 AssumedRole { role_name: "Deployer", session_name: "alice@example.com" }"#,
    );
    check(
        "arn:aws-us-gov:sts::123456789012:federated-user/bob",
        r#"aws-us-gov 123456789012 FederatedUser { name: "bob" }"#,
    );
    check(
        "arn:aws-cn:iam::123456789012:user/alice",
        r#"aws-cn 123456789012 User { path: "/", name: "alice" }"#,
    );
    check(
        "arn:aws-eusc:sts::123456789012:assumed-role/Admin/alice",
        r#"aws-eusc 123456789012 AssumedRole { role_name: "Admin", session_name: "alice" }"#,
    );
    check(
        "arn:aws-eusc:iam::123456789012:role/Admin",
        r#"aws-eusc 123456789012 Role { path: "/", name: "Admin" }"#,
    );
    check(
        "arn:aws:iam::123456789012:user/division/team/alice",
        r#"aws 123456789012 User { path: "/division/team/", name: "alice" }"#,
    );
    check("arn:aws:iam::123456789012:root", "aws 123456789012 Root");
    // AWS managed policies have `aws` in the account field.
    check("arn:aws:iam::aws:policy/ReadOnlyAccess", "aws aws Other");
    // Everything else is `Other`, including malformed principal resources.
    for other in [
        "arn:aws:s3:::my-bucket",
        "arn:aws:iam::123456789012:policy/ReadOnly",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/path/",
        "arn:aws:iam::123456789012:user/",
        "arn:aws:sts::123456789012:assumed-role/Deployer",
        "arn:aws:sts::123456789012:assumed-role//session",
        "arn:aws:sts::123456789012:federated-user/",
        "arn:aws:sts::123456789012:root",
        "arn:aws:iam::123456789012:rooted",
        "arn:aws:lambda:eu-west-1:123456789012:function:my:alias",
    ] {
        let account = other.split(':').nth(4).unwrap_or_default();
        let partition = other.split(':').nth(1).unwrap_or_default();
        check(other, &format!("{partition} {account} Other"));
    }
}

#[test]
fn fields() {
    let arn: Arn = "arn:aws:lambda:eu-west-1:123456789012:function:my:alias"
        .parse()
        .unwrap();
    assert_eq!(arn.partition(), Partition::Aws);
    assert_eq!(arn.service(), "lambda");
    assert_eq!(arn.region(), "eu-west-1");
    assert_eq!(arn.account_id(), "123456789012");
    // At most six fields: the resource keeps its `:`.
    assert_eq!(arn.resource(), "function:my:alias");
}

#[test]
fn errors() {
    let invalid = |value: &str, problem: &str| {
        format!(
            "error: invalid ARN {value:?}: {problem}; expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
        )
    };
    for (input, problem) in [
        ("", "does not start with \"arn:\""),
        (
            "arm:aws:iam::123456789012:root",
            "does not start with \"arn:\"",
        ),
        (
            "ARN:aws:iam::123456789012:root",
            "does not start with \"arn:\"",
        ),
        (
            "arn:aws:iam::123456789012",
            "fewer than six ':'-separated fields",
        ),
        ("arn:aws", "fewer than six ':'-separated fields"),
        ("arn:amazon:iam::123456789012:root", "unknown partition"),
        ("arn:aws:::123456789012:root", "empty service"),
        (
            "arn:aws:iam::12345678901:root",
            "account id is not 12 digits",
        ),
        (
            "arn:aws:iam::1234567890123:root",
            "account id is not 12 digits",
        ),
        (
            "arn:aws:iam::12345678901x:root",
            "account id is not 12 digits",
        ),
        ("arn:aws:iam::123456789012:", "empty resource"),
    ] {
        check(input, &invalid(input, problem));
    }
    for partition in ["aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"] {
        check(
            &format!("arn:{partition}:iam::123456789012:role/R"),
            &format!(
                "error: unsupported partition \"{partition}\": AWS publishes no federation endpoint or console host for it; console federation is available in aws, aws-us-gov, aws-cn and aws-eusc"
            ),
        );
    }
}

fn partition() -> impl Strategy<Value = Partition> {
    prop::sample::select(Partition::ALL.to_vec())
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_+=,.@-]{1,64}"
}

proptest! {
    #[test]
    fn parse_display_round_trips(
        partition in partition(),
        service in "[a-z0-9-]{1,12}",
        region in "[a-z0-9-]{0,16}",
        account in prop_oneof![Just(String::new()), "[0-9]{12}"],
        resource in "\\PC{1,40}",
    ) {
        let input = format!("arn:{partition}:{service}:{region}:{account}:{resource}");
        let arn: Arn = input.parse().unwrap();
        prop_assert_eq!(arn.to_string(), input.as_str());
        prop_assert_eq!(arn.partition(), partition);
        prop_assert_eq!(arn.service(), service.as_str());
        prop_assert_eq!(arn.region(), region.as_str());
        prop_assert_eq!(arn.account_id(), account.as_str());
        prop_assert_eq!(arn.resource(), resource.as_str());
        prop_assert_eq!(arn.to_string().parse::<Arn>().unwrap(), arn);
    }

    #[test]
    fn role_and_user_paths(
        partition in partition(),
        path in prop::collection::vec("[A-Za-z0-9_+=,.@-]{1,10}", 0..4),
        name in name(),
        user in any::<bool>(),
    ) {
        let kind = if user { "user" } else { "role" };
        let prefix: String = path.iter().map(|p| format!("{p}/")).collect();
        let input = format!("arn:{partition}:iam::123456789012:{kind}/{prefix}{name}");
        let arn: Arn = input.parse().unwrap();
        let path = format!("/{prefix}");
        let expect = if user {
            Principal::User { path, name }
        } else {
            Principal::Role { path, name }
        };
        prop_assert_eq!(arn.principal(), &expect);
        prop_assert_eq!(arn.to_string(), input);
    }

    #[test]
    fn assumed_role_and_federated_user(
        partition in partition(),
        role in name(),
        session in "[A-Za-z0-9_+=,.@-]{2,64}",
    ) {
        let assumed: Arn = format!("arn:{partition}:sts::123456789012:assumed-role/{role}/{session}")
            .parse()
            .unwrap();
        prop_assert_eq!(
            assumed.principal(),
            &Principal::AssumedRole { role_name: role, session_name: session.clone() }
        );
        let federated: Arn = format!("arn:{partition}:sts::123456789012:federated-user/{session}")
            .parse()
            .unwrap();
        prop_assert_eq!(federated.principal(), &Principal::FederatedUser { name: session });
    }
}

#[test]
fn role_arns_are_roles_only() {
    for ok in [
        "arn:aws:iam::123456789012:role/ReadOnly",
        "arn:aws-cn:iam::123456789012:role/a/b/Deploy",
    ] {
        let role: RoleArn = ok.parse().unwrap();
        assert_eq!(role.to_string(), ok);
    }
    for refused in [
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:sts::123456789012:assumed-role/ReadOnly/alice",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::123456789012:root",
    ] {
        let err = refused.parse::<RoleArn>().unwrap_err().to_string();
        assert!(
            err.contains("not an IAM role") && err.contains(refused),
            "{err}"
        );
    }
}
