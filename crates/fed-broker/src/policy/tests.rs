//! Tests of the policies: what the entitlements compile to and what each policy decides, the
//! extra file's conditions (working hours on a fixed clock, `amr`, source networks), its
//! mistakes named by line, and names that cannot change a policy.

use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::*;

const ENTITLEMENTS: &str = r#"
[[role]]
name = "Read-only"
arn = "arn:aws:iam::111122223333:role/ReadOnly"
groups = ["engineering"]
users = ["carol@example.com"]
max_session = "4h"

[[role]]
name = "Admin"
arn = "arn:aws:iam::111122223333:role/Admin"
groups = ["sre"]
access = "request"
approvers = ["sre-leads"]
max_grant = "2h"

[[role]]
name = "Break glass"
arn = "arn:aws:iam::111122223333:role/BreakGlass"
groups = ["sre"]
break_glass = true
"#;

const READ_ONLY: &str = "arn:aws:iam::111122223333:role/ReadOnly";
const ADMIN: &str = "arn:aws:iam::111122223333:role/Admin";
const BREAK_GLASS: &str = "arn:aws:iam::111122223333:role/BreakGlass";

/// Monday 2 March 2026, 09:30 UTC.
fn monday_morning() -> SystemTime {
    at("2026-03-02T09:30:00Z")
}

fn at(rfc3339: &str) -> SystemTime {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .expect("a time")
        .into()
}

fn facts() -> Facts {
    Facts {
        amr: vec!["pwd".to_owned(), "mfa".to_owned()],
        source_ip: [192, 0, 2, 10].into(),
        now: monday_morning(),
        duration: None,
        requester: None,
        grant: false,
    }
}

fn policies(extra: Option<&str>) -> Policies {
    let entitlements = Entitlements::parse(ENTITLEMENTS).expect("entitlements");
    Policies::compile(
        &entitlements,
        extra.map(|text| (Path::new("/etc/fed-broker/extra.cedar"), text)),
    )
    .expect("policies")
}

/// What `policies` answer when `user` in `groups` asks `action` of `role` in `facts`:
/// `allow` or `deny`, then the deciding policies.
#[track_caller]
fn check(
    policies: &Policies,
    (user, groups): (&str, &[&str]),
    action: Action,
    role: &str,
    facts: Facts,
    expected: &str,
) {
    let groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
    let role: RoleArn = role.parse().expect("an ARN");
    let answer = policies.decide(&Question {
        user,
        groups: &groups,
        role: &role,
        action,
        facts,
    });
    let got = format!(
        "{} {}",
        if answer.allowed { "allow" } else { "deny" },
        answer.policies.join(", ")
    );
    assert_eq!(got.trim_end(), expected);
}

fn with_duration(seconds: u64) -> Facts {
    Facts {
        duration: Some(Duration::from_secs(seconds)),
        ..facts()
    }
}

#[test]
fn direct_use_by_group_or_user_within_the_session_length() {
    let p = policies(None);
    let use_ = Action::Use;
    let four_hours = with_duration(4 * 3600);
    check(
        &p,
        ("bob@example.com", &["engineering"]),
        use_,
        READ_ONLY,
        four_hours.clone(),
        "allow role[0] use",
    );
    check(
        &p,
        ("carol@example.com", &[]),
        use_,
        READ_ONLY,
        four_hours.clone(),
        "allow role[0] use",
    );
    check(
        &p,
        ("eve@example.com", &["marketing"]),
        use_,
        READ_ONLY,
        four_hours.clone(),
        "deny",
    );
    // A user named like a group is not in it, nor a group named like the user.
    check(
        &p,
        ("engineering", &[]),
        use_,
        READ_ONLY,
        four_hours.clone(),
        "deny",
    );
    check(
        &p,
        ("eve@example.com", &["carol@example.com"]),
        use_,
        READ_ONLY,
        four_hours,
        "deny",
    );
    // Longer than max_session: refused.
    check(
        &p,
        ("bob@example.com", &["engineering"]),
        use_,
        READ_ONLY,
        with_duration(4 * 3600 + 1),
        "deny",
    );
    // Not an action the role's policy permits; a role nobody lists.
    check(
        &p,
        ("bob@example.com", &["engineering"]),
        Action::Request,
        READ_ONLY,
        facts(),
        "deny",
    );
    check(
        &p,
        ("bob@example.com", &["engineering"]),
        use_,
        "arn:aws:iam::111122223333:role/Other",
        facts(),
        "deny",
    );
    // Break glass: used at once, as a direct role.
    check(
        &p,
        ("sam@example.com", &["sre"]),
        use_,
        BREAK_GLASS,
        with_duration(3600),
        "allow role[2] use",
    );
}

#[test]
fn request_roles_are_requested_used_with_a_grant_and_approved_by_others() {
    let p = policies(None);
    let sam = ("sam@example.com", &["sre"][..]);
    let lead = ("lee@example.com", &["sre-leads"][..]);
    let both = ("bo@example.com", &["sre", "sre-leads"][..]);
    // Requested by the role's groups, for up to max_grant.
    check(
        &p,
        sam,
        Action::Request,
        ADMIN,
        with_duration(2 * 3600),
        "allow role[1] request",
    );
    check(
        &p,
        sam,
        Action::Request,
        ADMIN,
        with_duration(2 * 3600 + 1),
        "deny",
    );
    check(&p, lead, Action::Request, ADMIN, with_duration(600), "deny");
    // Used only with an active grant, for up to max_session.
    check(&p, sam, Action::Use, ADMIN, with_duration(3600), "deny");
    let granted = Facts {
        grant: true,
        ..with_duration(3600)
    };
    check(
        &p,
        sam,
        Action::Use,
        ADMIN,
        granted.clone(),
        "allow role[1] use",
    );
    check(&p, lead, Action::Use, ADMIN, granted, "deny");
    // Approved by approvers only, never their own request.
    let from = |requester: &str| Facts {
        requester: Some(requester.to_owned()),
        ..facts()
    };
    check(
        &p,
        lead,
        Action::Approve,
        ADMIN,
        from("sam@example.com"),
        "allow role[1] approve",
    );
    check(
        &p,
        sam,
        Action::Approve,
        ADMIN,
        from("bo@example.com"),
        "deny",
    );
    check(
        &p,
        both,
        Action::Approve,
        ADMIN,
        from("sam@example.com"),
        "allow role[1] approve",
    );
    check(
        &p,
        both,
        Action::Approve,
        ADMIN,
        from("bo@example.com"),
        "deny no self-approval",
    );
    // A direct role has nothing to approve.
    check(
        &p,
        lead,
        Action::Approve,
        READ_ONLY,
        from("sam@example.com"),
        "deny",
    );
}

#[test]
fn the_compiled_policies_read_as_cedar() {
    let p = policies(None);
    assert_eq!(p.len(), 6, "1 + 3 + 1 roles' and the broker-wide one");
    assert_eq!(p.extra_len(), 0);
    let text = p.text();
    let expected_read_only = r#"// role[0]: "Read-only"
@id("role[0] use")
permit (
    principal,
    action == Action::"use",
    resource == Role::"arn:aws:iam::111122223333:role/ReadOnly"
)
when {
    (principal in [Group::"engineering"] || principal in [User::"carol@example.com"]) &&
    context.duration <= 14400
};
"#;
    assert!(text.contains(expected_read_only), "{text}");
    for part in [
        "@id(\"role[1] request\")",
        "context.duration <= 7200",
        "context.grant &&",
        "@id(\"role[1] approve\")",
        "principal in [Group::\"sre-leads\"]",
        "@break_glass(\"true\")\npermit (",
        "@id(\"no self-approval\")\nforbid (",
        "when { context.requester == principal.name };",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    // What is printed parses back to as many policies.
    let parsed: cedar_policy::PolicySet = text.parse().expect("Cedar");
    assert_eq!(parsed.policies().count(), 6);
}

#[test]
fn names_cannot_change_a_policy() {
    let sly = r#"x"] || true || principal in [Group::"y"#;
    let entitlements = Entitlements::parse(&format!(
        "[[role]]\nname = \"R\"\narn = \"{READ_ONLY}\"\ngroups = [{}]\nusers = [{}]\n",
        toml_string(sly),
        toml_string("a\\\"b\n}; permit (principal, action, resource);//"),
    ))
    .expect("entitlements");
    let p = Policies::compile(&entitlements, None).expect("policies");
    assert_eq!(p.len(), 2, "{}", p.text());
    // Nobody else gets in: not members of y, nor anyone at all.
    check(
        &p,
        ("eve@example.com", &["y"]),
        Action::Use,
        READ_ONLY,
        facts(),
        "deny",
    );
    check(
        &p,
        ("eve@example.com", &[]),
        Action::Use,
        READ_ONLY,
        facts(),
        "deny",
    );
    check(
        &p,
        ("eve@example.com", &[]),
        Action::Approve,
        READ_ONLY,
        facts(),
        "deny",
    );
    // The group and the user so named do.
    check(
        &p,
        ("eve@example.com", &[sly]),
        Action::Use,
        READ_ONLY,
        facts(),
        "allow role[0] use",
    );
    let user = "a\\\"b\n}; permit (principal, action, resource);//";
    check(
        &p,
        (user, &[]),
        Action::Use,
        READ_ONLY,
        facts(),
        "allow role[0] use",
    );
    // Names from the id_token are entities, never text: a user or group named like a policy
    // fragment is just a name.
    check(
        &p,
        ("\" || true || \"", &["\"] || true || [\""]),
        Action::Use,
        READ_ONLY,
        facts(),
        "deny",
    );
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

const WORKING_HOURS: &str = r#"
// Consoles only on weekdays, 08:00 to 18:00 UTC.
@id("working hours")
forbid (principal, action == Action::"use", resource)
unless { context.weekday <= 5 && context.hour >= 8 && context.hour < 18 };
"#;

#[test]
fn a_working_hours_forbid_on_a_fixed_clock() {
    let p = policies(Some(WORKING_HOURS));
    let bob = ("bob@example.com", &["engineering"][..]);
    let when = |time: &str| Facts {
        now: at(time),
        ..facts()
    };
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-02T09:30:00Z"),
        "allow role[0] use",
    );
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-02T17:59:59Z"),
        "allow role[0] use",
    );
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-02T18:00:00Z"),
        "deny working hours",
    );
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-02T07:59:00Z"),
        "deny working hours",
    );
    // Saturday and Sunday, at 10:00.
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-07T10:00:00Z"),
        "deny working hours",
    );
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-08T10:00:00Z"),
        "deny working hours",
    );
    // Friday.
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        when("2026-03-06T10:00:00Z"),
        "allow role[0] use",
    );
    // Requests are not limited by it.
    let sam = ("sam@example.com", &["sre"][..]);
    check(
        &p,
        sam,
        Action::Request,
        ADMIN,
        when("2026-03-07T10:00:00Z"),
        "allow role[1] request",
    );
}

const MFA: &str = r#"
@id("mfa")
forbid (principal, action, resource)
unless { context.amr.contains("mfa") };
"#;

#[test]
fn an_amr_without_mfa_is_refused() {
    let p = policies(Some(MFA));
    let bob = ("bob@example.com", &["engineering"][..]);
    let amr = |values: &[&str]| Facts {
        amr: values.iter().map(|v| (*v).to_owned()).collect(),
        ..facts()
    };
    check(&p, bob, Action::Use, READ_ONLY, amr(&["pwd"]), "deny mfa");
    check(&p, bob, Action::Use, READ_ONLY, amr(&[]), "deny mfa");
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        amr(&["pwd", "mfa"]),
        "allow role[0] use",
    );
}

const OFFICE: &str = r#"
forbid (principal, action == Action::"use", resource == Role::"arn:aws:iam::111122223333:role/ReadOnly")
unless {
    context.source_ip.isInRange(ip("192.0.2.0/24")) ||
    context.source_ip.isInRange(ip("2001:db8::/32"))
};
"#;

#[test]
fn a_source_network_rule() {
    let p = policies(Some(OFFICE));
    let bob = ("bob@example.com", &["engineering"][..]);
    let from = |ip: &str| Facts {
        source_ip: ip.parse::<IpAddr>().expect("an address"),
        ..facts()
    };
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        from("192.0.2.10"),
        "allow role[0] use",
    );
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        from("2001:db8::7"),
        "allow role[0] use",
    );
    // An IPv4 client on a dual-stack socket is the IPv4 address.
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        from("::ffff:192.0.2.10"),
        "allow role[0] use",
    );
    // Without an @id, the policy is named by the file and its line.
    check(
        &p,
        bob,
        Action::Use,
        READ_ONLY,
        from("198.51.100.1"),
        "deny extra.cedar:2",
    );
    // Other roles are not limited by it.
    let sam = ("sam@example.com", &["sre"][..]);
    check(
        &p,
        sam,
        Action::Use,
        BREAK_GLASS,
        from("198.51.100.1"),
        "allow role[2] use",
    );
}

#[test]
fn extra_policies_are_printed_after_the_compiled_ones_and_their_groups_kept() {
    let extra = format!(
        "{MFA}\n@id(\"auditors\")\npermit (principal in Group::\"auditors\", action == Action::\"use\", resource);\n"
    );
    let p = policies(Some(&extra));
    assert_eq!((p.len(), p.extra_len()), (8, 2));
    let text = p.text();
    let compiled = text
        .find("@id(\"no self-approval\")")
        .expect("the broker-wide one");
    let mfa = text
        .find("// extra.cedar, line 2: \"mfa\"\n@id(\"mfa\")\nforbid (principal, action, resource)\nunless { context.amr.contains(\"mfa\") };\n")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(compiled < mfa, "{text}");
    assert!(
        text.contains("// From /etc/fed-broker/extra.cedar.\n"),
        "{text}"
    );
    assert!(
        p.names_group("auditors"),
        "sessions keep the groups extra policies name"
    );
    assert!(
        !p.names_group("engineering"),
        "roles' groups are the entitlements' to name"
    );
    let auditor = ("ann@example.com", &["auditors"][..]);
    check(
        &p,
        auditor,
        Action::Use,
        READ_ONLY,
        facts(),
        "allow auditors",
    );
}

#[test]
fn each_mistake_in_the_extra_file_names_its_line() {
    let entitlements = Entitlements::parse(ENTITLEMENTS).expect("entitlements");
    let error = |text: &str| {
        Policies::compile(
            &entitlements,
            Some((Path::new("/etc/fed-broker/extra.cedar"), text)),
        )
        .expect_err(text)
        .to_string()
    };
    let cases = [
        // Syntax.
        (
            "\n\nforbid (principal, action, resource)\nunless { context.amr.contains(\"mfa\") ;\n",
            "/etc/fed-broker/extra.cedar, line 4: ",
        ),
        // A misspelt attribute: the schema knows the context.
        (
            "permit (principal, action, resource);\n\nforbid (principal, action, resource)\nunless {\n  context.hour_of_day < 18\n};\n",
            "/etc/fed-broker/extra.cedar, line 5: ",
        ),
        // A type the schema does not have.
        (
            "forbid (principal in Team::\"x\", action, resource);\n",
            "/etc/fed-broker/extra.cedar, line 1: ",
        ),
        // An id taken by a compiled policy, or twice in the file.
        (
            "@id(\"role[0] use\")\nforbid (principal, action, resource);\n",
            "/etc/fed-broker/extra.cedar, line 1: the id \"role[0] use\" is taken; give each policy an @id of its own",
        ),
        (
            "@id(\"a\")\nforbid (principal, action, resource);\n@id(\"a\")\npermit (principal, action, resource);\n",
            "/etc/fed-broker/extra.cedar, line 3: the id \"a\" is taken; give each policy an @id of its own",
        ),
        (
            "permit (principal == ?principal, action, resource);\n",
            "/etc/fed-broker/extra.cedar, line 1: a template (with ?principal or ?resource): the broker links none; write the entity instead",
        ),
    ];
    for (text, expected) in cases {
        let got = error(text);
        assert!(got.starts_with(expected), "{got:?} for {text:?}");
        assert!(!got.contains('\n'), "one line: {got:?}");
    }
    let big = "// x\n".repeat(MAX_EXTRA_BYTES / 5 + 1);
    assert_eq!(
        error(&big),
        "/etc/fed-broker/extra.cedar: the file is over 1024 KiB"
    );
}

#[test]
fn policies_are_shared_by_every_request() {
    fn shared<T: Send + Sync>() {}
    shared::<Policies>();
}
