//! Tests of the teardown: the printed steps, the leftover report, and a tracked role removed
//! with everything attached to it.

use std::time::Duration;

use fed_aws::fake::FakeIam;
use fed_aws::{CreateRole, Iam, TeardownFailure, TeardownReport, TeardownStep};
use fed_core::{Arn, RoleName};

use super::*;

fn name(s: &str) -> RoleName {
    RoleName::new(s).expect("a valid role name")
}

fn arn(s: &str) -> Arn {
    s.parse().expect("a valid ARN")
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
        iam.create_role(&CreateRole::new(
            role.clone(),
            arn("arn:aws:iam::123456789012:root"),
        ))
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

        tracker.arm(role.clone());
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
