//! Tests of the teardown: the printed steps, the leftover report, a tracked role removed with
//! everything attached to it, and a role of the tracked name that is not this run's left alone.

use std::time::Duration;

use fed_aws::fake::FakeIam;
use fed_aws::{
    BoxFuture, CreateRole, Iam, Role, Tag, TeardownFailure, TeardownReport, TeardownStep,
};
use fed_core::{Arn, RoleName};

use super::*;

fn name(s: &str) -> RoleName {
    RoleName::new(s).expect("a valid role name")
}

fn arn(s: &str) -> Arn {
    s.parse().expect("a valid ARN")
}

/// The run id of the demo run under test.
const RUN_ID: &str = "20261122T164500-3fa9c2";

/// CreateRole for a role trusting the account, with the `fed:demo` tag `run_id` if any.
fn demo_role(role: &RoleName, run_id: Option<&str>) -> CreateRole {
    let mut spec = CreateRole::new(role.clone(), arn("arn:aws:iam::123456789012:root"));
    if let Some(run_id) = run_id {
        spec.tags.push(Tag::new(DEMO_TAG, run_id));
    }
    spec
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

#[test]
fn leftovers_are_listed_with_the_commands_that_remove_them() {
    let report = TeardownReport {
        role: name("fed-demo-x"),
        already_gone: false,
        removed: vec![TeardownStep::DetachPolicy {
            policy_arn: "arn:aws:iam::aws:policy/A".to_owned(),
        }],
        failures: vec![
            TeardownFailure {
                step: TeardownStep::DetachPolicy {
                    policy_arn: "arn:aws:iam::aws:policy/B".to_owned(),
                },
                error: fed_aws::fake::service_error(
                    "iam:DetachRolePolicy",
                    "AccessDenied",
                    "not allowed",
                ),
            },
            TeardownFailure {
                step: TeardownStep::DeleteRole,
                error: fed_aws::fake::service_error("iam:DeleteRole", "DeleteConflict", "busy"),
            },
        ],
    };
    assert_eq!(
        step_lines(&report),
        vec!["Detached arn:aws:iam::aws:policy/A.".to_owned()]
    );
    let text = leftover_report(&report);
    assert!(
        text.starts_with("error: the teardown of role fed-demo-x is incomplete"),
        "{text}"
    );
    for expected in [
        "managed policy arn:aws:iam::aws:policy/B, still attached to fed-demo-x",
        "delete role failed (iam:DeleteRole failed: DeleteConflict: busy)",
        "cargo xtask sweep --role fed-demo-x --yes",
        "aws iam detach-role-policy --role-name fed-demo-x --policy-arn arn:aws:iam::aws:policy/B",
        "aws iam delete-role --role-name fed-demo-x",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn a_tracked_role_is_removed_with_its_policies() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let iam = FakeIam::new();
        let role = name("fed-demo-y");
        iam.create_role(&demo_role(&role, Some(RUN_ID)))
            .await
            .expect("created");
        for policy in ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"] {
            iam.attach_role_policy(&role, &arn(policy))
                .await
                .expect("attached");
        }
        assert!(iam.add_inline_policy("fed-demo-y", "inline"));
        let tracker = Tracker::default();
        let mut signals = Signals::install().expect("signal handlers");
        assert!(
            run(&tracker, &iam, &mut signals, Duration::ZERO).await,
            "nothing armed, nothing to do"
        );
        assert_eq!(iam.role_names(), vec!["fed-demo-y".to_owned()]);

        tracker.arm(role.clone(), RUN_ID);
        assert!(run(&tracker, &iam, &mut signals, Duration::ZERO).await);
        assert!(iam.role_names().is_empty());
        // Idempotent: a second teardown finds nothing and succeeds.
        assert!(run(&tracker, &iam, &mut signals, Duration::ZERO).await);
    });
}

#[test]
fn a_role_that_never_existed_is_reported_as_such() {
    let report = TeardownReport {
        role: name("fed-demo-z"),
        already_gone: true,
        removed: Vec::new(),
        failures: Vec::new(),
    };
    assert_eq!(
        step_lines(&report),
        vec![
            "Role fed-demo-z does not exist (it was never created, or is already deleted)."
                .to_owned()
        ]
    );
}

/// The tracked role exists, but without this run's tag (another run's, or no demo role at all):
/// the teardown leaves it, with its policies, and reports failure.
#[test]
fn a_role_without_this_runs_tag_is_left_alone() {
    runtime().block_on(async {
        let mut signals = Signals::install().expect("signal handlers");
        for tag in [None, Some("20250101T000000-000000")] {
            let iam = FakeIam::new();
            let role = name("fed-demo-taken");
            iam.create_role(&demo_role(&role, tag))
                .await
                .expect("created");
            let policy = "arn:aws:iam::aws:policy/AdministratorAccess";
            iam.attach_role_policy(&role, &arn(policy))
                .await
                .expect("attached");
            assert!(iam.add_inline_policy("fed-demo-taken", "inline"));
            let before = iam.role("fed-demo-taken").expect("the role");

            let tracker = Tracker::default();
            tracker.arm(role.clone(), RUN_ID);
            assert!(
                !run(&tracker, &iam, &mut signals, Duration::ZERO).await,
                "tag {tag:?}: a role that is not ours is a failed teardown"
            );
            let after = iam.role("fed-demo-taken").expect("the role is still there");
            assert_eq!(
                after, before,
                "tag {tag:?}: nothing was detached or deleted"
            );
            assert_eq!(after.managed_policies, vec![policy.to_owned()]);
            assert_eq!(after.inline_policies, vec!["inline".to_owned()]);
        }
    });
}

/// An [`Iam`] whose GetRole fails and that must not be asked to tear anything down.
struct UnreadableIam;

impl Iam for UnreadableIam {
    fn create_role<'a>(&'a self, _: &'a CreateRole) -> BoxFuture<'a, Result<Role, fed_aws::Error>> {
        unreachable!("the teardown creates nothing")
    }

    fn attach_role_policy<'a>(
        &'a self,
        _: &'a RoleName,
        _: &'a Arn,
    ) -> BoxFuture<'a, Result<(), fed_aws::Error>> {
        unreachable!("the teardown attaches nothing")
    }

    fn get_role<'a>(
        &'a self,
        _: &'a RoleName,
    ) -> BoxFuture<'a, Result<Option<Role>, fed_aws::Error>> {
        let denied = fed_aws::fake::service_error("iam:GetRole", "AccessDenied", "not allowed");
        Box::pin(async move { Err(denied) })
    }

    fn list_roles_by_tag<'a>(
        &'a self,
        _: &'a str,
        _: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Role>, fed_aws::Error>> {
        unreachable!("the teardown lists nothing")
    }

    fn teardown_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, TeardownReport> {
        panic!("{role} was torn down although its tags could not be read")
    }
}

/// A role whose tags cannot be read may not be ours: it is left alone, and the teardown fails.
#[test]
fn a_role_whose_tags_cannot_be_read_is_left_alone() {
    runtime().block_on(async {
        let mut signals = Signals::install().expect("signal handlers");
        let tracker = Tracker::default();
        tracker.arm(name("fed-demo-unreadable"), RUN_ID);
        assert!(!run(&tracker, &UnreadableIam, &mut signals, Duration::ZERO).await);
    });
}

/// A tracked role that does not exist needs no teardown.
#[test]
fn a_tracked_role_that_does_not_exist_is_done() {
    runtime().block_on(async {
        let mut signals = Signals::install().expect("signal handlers");
        let tracker = Tracker::default();
        tracker.arm(name("fed-demo-never"), RUN_ID);
        assert!(run(&tracker, &FakeIam::new(), &mut signals, Duration::ZERO).await);
    });
}

#[test]
fn only_this_runs_tag_makes_a_role_ours() {
    let role = |tags: Vec<Tag>| Role {
        name: name("fed-demo-x"),
        arn: arn("arn:aws:iam::123456789012:role/fed-demo-x"),
        path: "/".to_owned(),
        role_id: "AROAFAKE".to_owned(),
        tags,
        max_session_duration: None,
    };
    assert!(matches!(
        owner_of(
            &role(vec![Tag::new("team", "x"), Tag::new(DEMO_TAG, RUN_ID)]),
            RUN_ID
        ),
        Ownership::Ours
    ));
    assert!(matches!(
        owner_of(&role(vec![]), RUN_ID),
        Ownership::NotOurs(None)
    ));
    assert!(matches!(
        owner_of(&role(vec![Tag::new(DEMO_TAG, "other")]), RUN_ID),
        Ownership::NotOurs(Some(ref other)) if other == "other"
    ));
    // Another tag with the run id as its value is not the demo tag.
    assert!(matches!(
        owner_of(&role(vec![Tag::new("fed:run", RUN_ID)]), RUN_ID),
        Ownership::NotOurs(None)
    ));
}

#[test]
fn the_report_names_a_role_left_alone() {
    let role = name("fed-demo-x");
    let text = left_alone(&role, RUN_ID, &Ownership::NotOurs(Some("other".to_owned())));
    assert_eq!(
        text,
        "error: role fed-demo-x is not ours, left alone: it does not carry this run's tag fed:demo=20261122T164500-3fa9c2 (its fed:demo tag is other); nothing was detached or deleted"
    );
    let text = left_alone(&role, RUN_ID, &Ownership::NotOurs(None));
    assert!(
        text.contains("not ours, left alone") && text.contains("it has no fed:demo tag"),
        "{text}"
    );
    let error = fed_aws::fake::service_error("iam:GetRole", "AccessDenied", "not allowed");
    let text = left_alone(&role, RUN_ID, &Ownership::Unknown(error));
    assert!(
        text.contains("left alone") && text.contains("AccessDenied"),
        "{text}"
    );
    assert!(
        text.contains("cargo xtask sweep --role fed-demo-x --yes"),
        "{text}"
    );
}
