//! Tests of the entitlements file: who gets which role, and each mistake named by its key.

use super::*;

const FILE: &str = r#"
[[role]]
name = "Production, read-only"
arn = "arn:aws:iam::111122223333:role/ReadOnly"
account = "production"
groups = ["engineering", "support"]
max_session = "4h"
services = ["cloudwatch", "s3"]
regions = ["eu-west-1", "eu-central-1"]

[[role]]
name = "Production, admin"
arn = "arn:aws:iam::111122223333:role/Admin"
users = ["alice@example.com"]

[[role]]
name = "Sandbox"
arn = "arn:aws:iam::444455556666:role/team/Sandbox"
groups = ["engineering"]
session_tags = false
"#;

fn names<'a>(roles: impl Iterator<Item = &'a Entitlement>) -> Vec<&'a str> {
    roles.map(|r| r.name.as_str()).collect()
}

#[test]
fn each_user_gets_the_roles_of_their_groups_and_name() {
    let entitlements = Entitlements::parse(FILE).expect("valid");
    assert_eq!(entitlements.len(), 3);
    let engineering = vec!["engineering".to_owned()];
    let support = vec!["support".to_owned()];
    assert_eq!(
        names(entitlements.for_user("bob@example.com", &engineering)),
        ["Production, read-only", "Sandbox"]
    );
    assert_eq!(
        names(entitlements.for_user("alice@example.com", &support)),
        ["Production, read-only", "Production, admin"]
    );
    assert!(names(entitlements.for_user("eve@example.com", &[])).is_empty());
    let role = entitlements
        .find(
            "arn:aws:iam::111122223333:role/ReadOnly",
            "bob@example.com",
            &engineering,
        )
        .expect("entitled");
    assert_eq!(role.account, "production");
    assert_eq!(role.max_session, Duration::from_secs(4 * 3600));
    assert_eq!(role.services.len(), 2);
    assert_eq!(role.regions.len(), 2);
    assert!(
        entitlements
            .find(
                "arn:aws:iam::111122223333:role/Admin",
                "bob@example.com",
                &engineering
            )
            .is_none(),
        "not entitled"
    );
    let sandbox = entitlements
        .find(
            "arn:aws:iam::444455556666:role/team/Sandbox",
            "x",
            &engineering,
        )
        .expect("entitled");
    assert_eq!(sandbox.account, "444455556666");
    assert_eq!(sandbox.max_session, Duration::from_secs(3600));
    assert!(
        !sandbox.session_tags,
        "tags left out where the trust does not allow them"
    );
    assert!(
        entitlements.roles.iter().take(2).all(|r| r.session_tags),
        "sessions are tagged unless told otherwise"
    );
}

#[test]
fn each_mistake_names_its_key() {
    let cases = [
        (
            r#"arn = "arn:aws:iam::111122223333:role/Admin""#,
            r#"arn = "arn:aws:iam::111122223333:user/alice""#,
            r#"role[1].arn: "arn:aws:iam::111122223333:user/alice" is not allowed; expected a role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME"#,
        ),
        (
            r#"max_session = "4h""#,
            r#"max_session = "13h""#,
            r#"role[0].max_session: "13h" is not allowed; expected a duration from 15m to 12h"#,
        ),
        (
            r#"services = ["cloudwatch", "s3"]"#,
            r#"services = ["cloudwatch", "s4"]"#,
            r#"role[0].services: "s4" is not allowed; expected console services as `fed services` lists them, such as s3"#,
        ),
        (
            r#"regions = ["eu-west-1", "eu-central-1"]"#,
            r#"regions = ["eu-west-1", "cn-north-1"]"#,
            r#"role[0].regions: "cn-north-1" is not allowed; expected regions of the role's partition, aws"#,
        ),
        (
            r#"users = ["alice@example.com"]"#,
            r#"users = []"#,
            r#"role[1].groups: "[]" is not allowed; expected at least one group or user (in groups or users) who may use the role"#,
        ),
        (
            r#"arn = "arn:aws:iam::444455556666:role/team/Sandbox""#,
            r#"arn = "arn:aws:iam::111122223333:role/ReadOnly""#,
            r#"role[2].arn: "arn:aws:iam::111122223333:role/ReadOnly" is not allowed; expected a role not listed before (it is, as "Production, read-only")"#,
        ),
    ];
    for (from, to, expected) in cases {
        assert!(FILE.contains(from), "{from}");
        let err = Entitlements::parse(&FILE.replace(from, to)).expect_err("invalid");
        assert_eq!(err.to_string(), expected);
    }
    let unknown = Entitlements::parse("[[role]]\nname = \"x\"\nrole_arn = \"y\"\n")
        .expect_err("invalid")
        .to_string();
    assert!(
        unknown.contains("unknown field `role_arn`") && unknown.contains("line 3"),
        "{unknown}"
    );
}

const MODES: &str = r#"
[[role]]
name = "Read-only"
arn = "arn:aws:iam::111122223333:role/ReadOnly"
groups = ["engineering"]

[[role]]
name = "Admin"
arn = "arn:aws:iam::111122223333:role/Admin"
groups = ["sre"]
access = "request"
approvers = ["sre-leads", "security"]
max_grant = "2h"
justification = true

[[role]]
name = "Break glass"
arn = "arn:aws:iam::111122223333:role/BreakGlass"
groups = ["sre"]
break_glass = true

[[role]]
name = "Billing"
arn = "arn:aws:iam::111122223333:role/Billing"
users = ["carol@example.com"]
access = "request"
approvers = ["finance"]
"#;

#[test]
fn roles_are_used_directly_or_on_request() {
    let entitlements = Entitlements::parse(MODES).expect("valid");
    let roles: Vec<_> = entitlements.iter().collect();
    assert_eq!(roles[0].access, Access::Direct, "direct unless told");
    assert!(!roles[0].break_glass);
    assert_eq!(
        roles[1].access,
        Access::Request {
            approvers: vec!["sre-leads".to_owned(), "security".to_owned()],
            max_grant: Duration::from_secs(2 * 3600),
            justification: true,
        }
    );
    assert_eq!(
        (&roles[2].access, roles[2].break_glass),
        (&Access::Direct, true)
    );
    assert_eq!(
        roles[3].access,
        Access::Request {
            approvers: vec!["finance".to_owned()],
            max_grant: DEFAULT_MAX_GRANT,
            justification: false,
        },
        "8h and no justification unless told"
    );
    // Approvers' groups are kept in sessions, as they decide approvals.
    assert!(entitlements.names_group("security"));
    assert!(entitlements.names_group("finance"));
    assert!(!entitlements.names_group("marketing"));
    assert_eq!(
        entitlements
            .role("arn:aws:iam::111122223333:role/Billing")
            .map(|r| r.name.as_str()),
        Some("Billing")
    );
    assert!(
        entitlements
            .role("arn:aws:iam::111122223333:role/Nope")
            .is_none()
    );
}

#[test]
fn each_access_mistake_names_its_key() {
    let cases = [
        (
            r#"approvers = ["finance"]"#,
            r#"approvers = []"#,
            r#"role[3].approvers: "[]" is not allowed; expected at least one group whose members approve requests for the role"#,
        ),
        (
            "approvers = [\"finance\"]\n",
            "",
            r#"role[3].approvers: "[]" is not allowed; expected at least one group whose members approve requests for the role"#,
        ),
        (
            r#"approvers = ["finance"]"#,
            r#"approvers = [" "]"#,
            r#"role[3].approvers: " " is not allowed; expected names that are not empty"#,
        ),
        (
            r#"max_grant = "2h""#,
            r#"max_grant = "169h""#,
            r#"role[1].max_grant: "169h" is not allowed; expected a duration from 1s to 168h (a week), such as 8h"#,
        ),
        (
            r#"max_grant = "2h""#,
            r#"max_grant = "0s""#,
            r#"role[1].max_grant: "0s" is not allowed; expected a duration from 1s to 168h (a week), such as 8h"#,
        ),
        (
            r#"max_grant = "2h""#,
            r#"max_grant = "2 days""#,
            r#"role[1].max_grant: "2 days" is not allowed; expected a duration from 1s to 168h (a week), such as 8h"#,
        ),
        (
            r#"access = "request"
approvers = ["sre-leads", "security"]"#,
            r#"access = "requested"
approvers = ["sre-leads", "security"]"#,
            r#"role[1].access: "requested" is not allowed; expected "direct" (used at once) or "request" (used after an approved request)"#,
        ),
        (
            r#"access = "request"
approvers = ["sre-leads", "security"]"#,
            r#"approvers = ["sre-leads", "security"]"#,
            r#"role[1].approvers: "[\"sre-leads\", \"security\"]" is not allowed; expected approvers only on roles of access "request""#,
        ),
        (
            r#"groups = ["engineering"]"#,
            r#"groups = ["engineering"]
max_grant = "1h""#,
            r#"role[0].max_grant: "1h" is not allowed; expected max_grant only on roles of access "request""#,
        ),
        (
            r#"groups = ["engineering"]"#,
            r#"groups = ["engineering"]
justification = false"#,
            r#"role[0].justification: "false" is not allowed; expected justification only on roles of access "request""#,
        ),
        (
            r#"users = ["carol@example.com"]"#,
            r#"users = ["carol@example.com"]
break_glass = true"#,
            r#"role[3].break_glass: "true" is not allowed; expected break_glass only on roles of access "direct": a break-glass role is used without approval"#,
        ),
    ];
    for (from, to, expected) in cases {
        assert!(MODES.contains(from), "{from}");
        let err = Entitlements::parse(&MODES.replacen(from, to, 1)).expect_err(to);
        assert_eq!(err.to_string(), expected);
    }
    let typed = Entitlements::parse(&MODES.replace("break_glass = true", "break_glass = \"yes\""))
        .expect_err("a string")
        .to_string();
    assert!(typed.contains("line 20"), "{typed}");
}
