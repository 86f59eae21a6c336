//! The trust policy evaluator, one rule at a time.

use serde_json::json;

use super::*;
use crate::log::CallerKind;

fn user() -> Identity {
    Identity::long_term("arn:aws:iam::123456789012:user/alice".parse().unwrap())
}

fn session() -> Identity {
    Identity {
        arn: "arn:aws:sts::123456789012:assumed-role/ops/alice"
            .parse()
            .unwrap(),
        kind: CallerKind::AssumedRole {
            hops: 1,
            chained: false,
        },
        user_arn: None,
        role_arn: Some("arn:aws:iam::123456789012:role/team/ops".parse().unwrap()),
        mfa: false,
        base_key_id: None,
        expiration: None,
        issued_at: None,
        source_identity: None,
    }
}

fn allow(principal: serde_json::Value) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    ]})
}

#[track_caller]
fn check(policy: serde_json::Value, caller: &Identity, context: &[(&str, &str)], expect: Decision) {
    let context: Context = context
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
        .collect();
    assert_eq!(
        evaluate(&policy, "sts:AssumeRole", caller, &context),
        expect,
        "{policy}"
    );
}

#[test]
fn principals() {
    use Decision::*;
    check(allow(json!({"AWS": "123456789012"})), &user(), &[], Allow);
    check(
        allow(json!({"AWS": "arn:aws:iam::123456789012:root"})),
        &session(),
        &[],
        Allow,
    );
    check(
        allow(json!({"AWS": "arn:aws:iam::210987654321:root"})),
        &user(),
        &[],
        NotAllowed,
    );
    check(
        allow(json!({"AWS": "arn:aws:iam::123456789012:user/alice"})),
        &user(),
        &[],
        Allow,
    );
    check(
        allow(json!({"AWS": "arn:aws:iam::123456789012:user/bob"})),
        &user(),
        &[],
        NotAllowed,
    );
    check(
        allow(
            json!({"AWS": ["arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:user/alice"]}),
        ),
        &user(),
        &[],
        Allow,
    );
    check(
        allow(json!({"AWS": "arn:aws:iam::123456789012:role/team/ops"})),
        &session(),
        &[],
        Allow,
    );
    check(
        allow(json!({"AWS": "arn:aws:iam::123456789012:role/ops"})),
        &session(),
        &[],
        NotAllowed,
    );
    check(
        allow(json!({"AWS": "arn:aws:sts::123456789012:assumed-role/ops/alice"})),
        &session(),
        &[],
        Allow,
    );
    check(
        allow(json!({"AWS": "arn:aws:iam::123456789012:user/alice"})),
        &session(),
        &[],
        NotAllowed,
    );
    check(allow(json!("*")), &user(), &[], Allow);
    check(allow(json!({"AWS": "*"})), &session(), &[], Allow);
    check(
        allow(json!({"Service": "ec2.amazonaws.com"})),
        &user(),
        &[],
        NotAllowed,
    );
}

#[test]
fn actions_and_effects() {
    use Decision::*;
    let with_action = |action: serde_json::Value| json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": action}});
    check(with_action(json!("sts:*")), &user(), &[], Allow);
    check(with_action(json!("STS:assume*")), &user(), &[], Allow);
    check(with_action(json!("*")), &user(), &[], Allow);
    check(
        with_action(json!(["sts:TagSession", "sts:AssumeRoleWithSAML"])),
        &user(),
        &[],
        NotAllowed,
    );
    let deny = json!({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"}, "Action": "sts:*"}
    ]});
    check(deny.clone(), &user(), &[], Deny);
    check(deny, &session(), &[], Allow);
    check(json!({"Statement": []}), &user(), &[], NotAllowed);
}

#[test]
fn conditions() {
    use Decision::*;
    let external = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "123456789012"},
        "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "7f3c2a"}}}});
    check(
        external.clone(),
        &user(),
        &[("sts:ExternalId", "7f3c2a")],
        Allow,
    );
    check(
        external.clone(),
        &user(),
        &[("sts:ExternalId", "other")],
        NotAllowed,
    );
    check(external, &user(), &[], NotAllowed);

    let mfa = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "123456789012"},
        "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}});
    check(
        mfa.clone(),
        &user(),
        &[("aws:MultiFactorAuthPresent", "true")],
        Allow,
    );
    check(
        mfa.clone(),
        &user(),
        &[("aws:MultiFactorAuthPresent", "false")],
        NotAllowed,
    );
    check(mfa, &user(), &[], NotAllowed);

    let deny_without_mfa = json!({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    ]});
    check(deny_without_mfa.clone(), &user(), &[], Deny);
    check(
        deny_without_mfa.clone(),
        &user(),
        &[("aws:MultiFactorAuthPresent", "false")],
        Deny,
    );
    check(
        deny_without_mfa,
        &user(),
        &[("aws:MultiFactorAuthPresent", "true")],
        Allow,
    );

    let like = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:user/a*"]}}}});
    check(
        like.clone(),
        &user(),
        &[("aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice")],
        Allow,
    );
    check(
        like,
        &user(),
        &[("aws:PrincipalArn", "arn:aws:iam::123456789012:user/bob")],
        NotAllowed,
    );

    let unknown = |effect: &str| {
        json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
            {"Effect": effect, "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
        ]})
    };
    // An operator the evaluator does not know never widens access.
    check(unknown("Deny"), &user(), &[], Deny);
    check(unknown("Allow"), &user(), &[], Allow);
}

#[test]
fn wildcards() {
    assert!(wildcard("a*c", "abbbc"));
    assert!(wildcard("a?c", "abc"));
    assert!(!wildcard("a?c", "abbc"));
    assert!(wildcard("*", ""));
    assert!(!wildcard("abc", "abcd"));
}

#[test]
fn a_revocation_denies_older_sessions_of_its_source_identity_only() {
    let revocation = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceIdentity": "bob"},
            "DateLessThan": {"aws:TokenIssueTime": "2026-12-07T12:00:00Z"}
        }
    }]});
    let denies = |context: &[(&str, &str)]| {
        let context: Context = context
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
            .collect();
        identity_policy_denies(&revocation, "ec2:DescribeRegions", &context)
    };
    let issued = "aws:TokenIssueTime";
    let source = "aws:SourceIdentity";
    assert!(denies(&[(source, "bob"), (issued, "2026-12-07T11:59:59Z")]));
    assert!(denies(&[(source, "bob"), (issued, "1796644799")]));
    assert!(!denies(&[
        (source, "bob"),
        (issued, "2026-12-07T12:00:00Z")
    ]));
    assert!(!denies(&[
        (source, "alice"),
        (issued, "2026-12-07T11:00:00Z")
    ]));
    // A session without a source identity is not bob's.
    assert!(!denies(&[(issued, "2026-12-07T11:00:00Z")]));
    // A date that cannot be read is judged against the caller, as an unknown operator.
    assert!(denies(&[(source, "bob"), (issued, "yesterday")]));

    let narrow = |action: &str, resource: &str| json!({"Statement": {"Effect": "Deny", "Action": action, "Resource": resource}});
    let none = Context::new();
    assert!(identity_policy_denies(
        &narrow("ec2:*", "*"),
        "ec2:DescribeRegions",
        &none
    ));
    assert!(!identity_policy_denies(
        &narrow("s3:*", "*"),
        "ec2:DescribeRegions",
        &none
    ));
    assert!(!identity_policy_denies(
        &narrow("*", "arn:aws:s3:::bucket"),
        "ec2:DescribeRegions",
        &none
    ));
    let allow = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    assert!(!identity_policy_denies(
        &allow,
        "ec2:DescribeRegions",
        &none
    ));
}

#[test]
fn dates_compare_with_the_time_of_the_request() {
    use Decision::*;
    let mut context = Context::new();
    set_time(&mut context);
    let until = |when: &str| {
        json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"DateLessThan": {"aws:CurrentTime": when}}}})
    };
    let decide = |policy: serde_json::Value| evaluate(&policy, "sts:AssumeRole", &user(), &context);
    assert_eq!(decide(until("2999-01-01T00:00:00Z")), Allow);
    assert_eq!(decide(until("2000-01-01T00:00:00Z")), NotAllowed);
    // A deny after a date applies once it has passed.
    let after = json!({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}
    ]});
    assert_eq!(decide(after), Deny);
}
