//! Tests of the teardown against fed-aws's fake IAM, in paused time: a tracked role removed
//! with everything attached to it, a role that is not this run's left alone, pending calls
//! waited for, an IAM that does not answer given up on within the budget, and the reports.

use std::sync::Arc;

use fed_aws::fake::{Behaviour, FakeIam, service_error};
use fed_aws::{CreateRole, RemovalFailure, RemovalStep};
use fed_core::{Arn, RoleName};
use tokio::time::Instant;

use super::*;
use crate::demo::event::Recorder;

fn name(s: &str) -> RoleName {
    RoleName::new(s).expect("a valid role name")
}

fn arn(s: &str) -> Arn {
    s.parse().expect("a valid ARN")
}

/// The run id of the demo run under test.
const RUN_ID: &str = "20261122T164500-3fa9c2";

const POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn sweep() -> SweepCommand {
    SweepCommand {
        profile: Some("dev".to_owned()),
        region: Some("eu-west-1".to_owned()),
    }
}

/// A role trusting the account, with the `fed:demo` tag `run_id` if any, a managed policy, an
/// inline policy and an instance profile.
async fn demo_role(iam: &FakeIam, role: &str, run_id: Option<&str>) {
    let mut spec = CreateRole::new(name(role), arn("arn:aws:iam::123456789012:root"));
    spec.tags = run_id
        .map(|id| Tag::new(DEMO_TAG, id))
        .into_iter()
        .collect();
    iam.create_role(&spec).await.expect("created");
    iam.attach_role_policy(&name(role), &arn(POLICY))
        .await
        .expect("attached");
    iam.add_inline_policy(role, "inline");
    iam.add_to_instance_profile(role, "profile");
}

/// Runs the teardown of `role`, armed with this run's id; returns whether it is clean, the
/// transcript, and how long it took.
async fn tear_down(iam: &FakeIam, tracker: &Tracker) -> (bool, String, Duration) {
    let recorder = Recorder::default();
    let started = Instant::now();
    let clean = run(tracker, iam, &sweep(), &recorder.events()).await;
    (clean, recorder.transcript(), started.elapsed())
}

fn armed(role: &str) -> Tracker {
    let tracker = Tracker::default();
    tracker.arm(name(role), RUN_ID);
    tracker
}

/// A tracked role of this run is removed with everything attached, step by step; nothing armed
/// is nothing to do, and a second teardown finds the role gone.
#[tokio::test(start_paused = true)]
async fn a_tracked_role_is_removed_with_everything_attached() {
    let iam = FakeIam::default();
    demo_role(&iam, "fed-demo-y", Some(RUN_ID)).await;
    let (clean, transcript, _) = tear_down(&iam, &Tracker::default()).await;
    assert!(clean && transcript.is_empty(), "{transcript}");
    assert_eq!(iam.role_names(), ["fed-demo-y"]);

    let tracker = armed("fed-demo-y");
    let (clean, transcript, _) = tear_down(&iam, &tracker).await;
    assert!(clean, "{transcript}");
    assert_eq!(
        transcript,
        format!(
            "Tearing down role fed-demo-y…\n\
             Detached {POLICY}.\n\
             Deleted inline policy inline.\n\
             Removed fed-demo-y from instance profile profile.\n\
             Deleted fed-demo-y.\n\
             Confirmed that fed-demo-y is gone.\n"
        )
    );
    assert!(iam.role_names().is_empty());

    let (clean, transcript, _) = tear_down(&iam, &tracker).await;
    assert!(clean);
    assert_eq!(
        transcript,
        "Role fed-demo-y does not exist (it was never created, or is already deleted).\n"
    );
}

/// The tracked role exists, but without this run's tag (another run's, or no demo role at all):
/// the teardown leaves it, with everything attached, and fails.
#[tokio::test(start_paused = true)]
async fn a_role_without_this_runs_tag_is_left_alone() {
    for tag in [None, Some("20250101T000000-000000")] {
        let iam = FakeIam::default();
        demo_role(&iam, "fed-demo-taken", tag).await;
        let before = iam.role("fed-demo-taken").expect("the role");
        let (clean, transcript, _) = tear_down(&iam, &armed("fed-demo-taken")).await;
        assert!(
            !clean,
            "tag {tag:?}: a role that is not ours is a failed teardown"
        );
        assert!(
            transcript.contains("is not ours, left alone"),
            "{transcript}"
        );
        assert_eq!(iam.role("fed-demo-taken"), Some(before), "tag {tag:?}");
    }
}

/// A role whose tags cannot be read may not be ours: nothing is detached or deleted, and the
/// report gives the sweep command.
#[tokio::test(start_paused = true)]
async fn a_role_whose_tags_cannot_be_read_is_left_alone() {
    let iam = FakeIam::default();
    demo_role(&iam, "fed-demo-unreadable", Some(RUN_ID)).await;
    iam.on(
        "iam:GetRole",
        Behaviour::fail("AccessDenied", "not allowed"),
    );
    let (clean, transcript, _) = tear_down(&iam, &armed("fed-demo-unreadable")).await;
    assert!(!clean);
    assert_eq!(
        transcript,
        "! error: role fed-demo-unreadable was left alone: its tags cannot be read (iam:GetRole failed: AccessDenied: not allowed), so it may not be ours; nothing was detached or deleted; `cargo xtask sweep --role fed-demo-unreadable --yes --profile dev --region eu-west-1` removes it if it is a demo role\n"
    );
    assert_eq!(iam.calls("iam:DetachRolePolicy"), 0);
    assert_eq!(iam.calls("iam:DeleteRole"), 0);
}

/// An IAM that never answers: the teardown gives up within its two minutes, touches nothing,
/// and says how to finish the job.
#[tokio::test(start_paused = true)]
async fn a_hung_iam_is_given_up_on_within_the_budget() {
    let iam = FakeIam::default();
    demo_role(&iam, "fed-demo-hung", Some(RUN_ID)).await;
    iam.on("iam:GetRole", Behaviour::Hang);
    let (clean, transcript, took) = tear_down(&iam, &armed("fed-demo-hung")).await;
    assert!(!clean);
    assert!(took <= BUDGET, "took {took:?}");
    assert!(
        transcript.contains("iam:GetRole got no answer within 25s")
            && transcript.contains(
                "`cargo xtask sweep --role fed-demo-hung --yes --profile dev --region eu-west-1`"
            ),
        "{transcript}"
    );
}

/// IAM answers everything but the detaching of the policy: the teardown retries until its two
/// minutes are over, then lists exactly what remains, with the commands that remove it.
#[tokio::test(start_paused = true)]
async fn a_removal_that_hangs_reports_what_remains_within_the_budget() {
    let iam = FakeIam::default();
    demo_role(&iam, "fed-demo-stuck", Some(RUN_ID)).await;
    iam.on("iam:DetachRolePolicy", Behaviour::Hang);
    let (clean, transcript, took) = tear_down(&iam, &armed("fed-demo-stuck")).await;
    assert!(!clean);
    assert!(took <= BUDGET, "took {took:?}");
    assert!(
        took >= BUDGET - Budget::CALL_LIMIT,
        "gave up early, after {took:?}"
    );
    let report = transcript
        .split_once("! error: the teardown of role fed-demo-stuck is incomplete (IAM did not answer in time); these resources remain:\n")
        .map(|(_, report)| report)
        .unwrap_or_else(|| panic!("no report:\n{transcript}"));
    assert!(
        report.starts_with(&format!(
            "  - managed policy {POLICY}, still attached to fed-demo-stuck (iam:DetachRolePolicy "
        )),
        "{report}"
    );
    for line in [
        "  - role fed-demo-stuck itself\n",
        "remove them with:\n  cargo xtask sweep --role fed-demo-stuck --yes --profile dev --region eu-west-1\n",
        &format!("  aws iam detach-role-policy --role-name fed-demo-stuck --policy-arn {POLICY}\n"),
        "  aws iam delete-role --role-name fed-demo-stuck\n",
    ] {
        assert!(report.contains(line), "{line:?} missing from:\n{report}");
    }
    let left = iam.role("fed-demo-stuck").expect("the role remains");
    assert_eq!(left.managed_policies, [POLICY]);
}

/// A transient failure is retried, and the teardown then completes.
#[tokio::test(start_paused = true)]
async fn a_transient_failure_is_retried() {
    let iam = FakeIam::default();
    demo_role(&iam, "fed-demo-busy", Some(RUN_ID)).await;
    iam.on(
        "iam:DeleteRole",
        Behaviour::fail_once("ConcurrentModification", "busy"),
    );
    let (clean, transcript, _) = tear_down(&iam, &armed("fed-demo-busy")).await;
    assert!(clean, "{transcript}");
    assert_eq!(iam.calls("iam:DeleteRole"), 2);
    assert!(iam.role_names().is_empty());
}

/// A CreateRole whose answer comes after the scenario was cancelled is waited for, and the role
/// it made is removed.
#[tokio::test(start_paused = true)]
async fn a_pending_create_role_is_waited_for() {
    let iam = Arc::new(FakeIam::default());
    iam.on("iam:CreateRole", Behaviour::Delay(Duration::from_secs(10)));
    let tracker = Arc::new(armed("fed-demo-late"));
    let scenario = {
        let (iam, tracker) = (Arc::clone(&iam), Arc::clone(&tracker));
        tokio::spawn(async move {
            let mut spec =
                CreateRole::new(name("fed-demo-late"), arn("arn:aws:iam::123456789012:root"));
            spec.tags = vec![Tag::new(DEMO_TAG, RUN_ID)];
            tracker
                .call(async move { iam.create_role(&spec).await })
                .await
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    scenario.abort();
    assert!(
        iam.role_names().is_empty(),
        "CreateRole has not answered yet"
    );

    let (clean, transcript, _) = tear_down(&iam, &tracker).await;
    assert!(clean, "{transcript}");
    assert!(
        transcript
            .starts_with("Waiting for a pending IAM request to finish before tearing down…\n"),
        "{transcript}"
    );
    assert!(
        transcript.contains("Deleted fed-demo-late."),
        "{transcript}"
    );
    assert!(iam.role_names().is_empty());
}

/// A CreateRole that never answers: GetRole finds no role, but it may still appear, so the
/// teardown fails and gives the sweep command.
#[tokio::test(start_paused = true)]
async fn a_create_role_without_an_answer_may_still_appear() {
    let iam = Arc::new(FakeIam::default());
    iam.on("iam:CreateRole", Behaviour::Hang);
    let tracker = Arc::new(armed("fed-demo-silent"));
    let scenario = {
        let (iam, tracker) = (Arc::clone(&iam), Arc::clone(&tracker));
        tokio::spawn(async move {
            let spec = CreateRole::new(
                name("fed-demo-silent"),
                arn("arn:aws:iam::123456789012:root"),
            );
            tracker
                .call(async move { iam.create_role(&spec).await })
                .await
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    scenario.abort();
    let (clean, transcript, took) = tear_down(&iam, &tracker).await;
    assert!(!clean);
    assert!(took <= BUDGET, "took {took:?}");
    assert!(
        transcript.contains("error: role fed-demo-silent does not exist, but its CreateRole request got no answer, so it may still appear; `cargo xtask sweep --role fed-demo-silent --yes --profile dev --region eu-west-1` removes it if it does"),
        "{transcript}"
    );
}

#[test]
fn the_report_names_a_role_left_alone() {
    let role = name("fed-demo-x");
    let sweep = "cargo xtask sweep --role fed-demo-x --yes";
    let not_ours = |found: Option<&str>| fed_aws::Error::NotOwned {
        role: role.clone(),
        owner: Tag::new(DEMO_TAG, RUN_ID),
        found: found.map(str::to_owned),
    };
    let text = left_alone(&role, &not_ours(Some("other")), sweep);
    assert_eq!(
        text,
        "error: role fed-demo-x is not ours, left alone: it does not carry this run's tag fed:demo=20261122T164500-3fa9c2 (its fed:demo tag is other); nothing was detached or deleted"
    );
    let text = left_alone(&role, &not_ours(None), sweep);
    assert!(
        text.contains("not ours, left alone") && text.contains("it has no fed:demo tag"),
        "{text}"
    );
}

#[test]
fn leftovers_are_listed_with_the_commands_that_remove_them() {
    let mut report = Removal::new(name("fed-demo-x"));
    report.removed = vec![RemovalStep::DetachPolicy {
        policy_arn: "arn:aws:iam::aws:policy/A".to_owned(),
    }];
    report.failures = vec![
        RemovalFailure::new(
            RemovalStep::DetachPolicy {
                policy_arn: "arn:aws:iam::aws:policy/B".to_owned(),
            },
            service_error("iam:DetachRolePolicy", "AccessDenied", "not allowed"),
        ),
        RemovalFailure::new(
            RemovalStep::ListInlinePolicies,
            fed_aws::Error::NotTried {
                operation: "iam:ListRolePolicies",
            },
        ),
        RemovalFailure::new(
            RemovalStep::DeleteRole,
            service_error("iam:DeleteRole", "DeleteConflict", "busy"),
        ),
    ];
    let text = leftover_report(&report, "cargo xtask sweep --role fed-demo-x --yes");
    assert_eq!(
        text,
        "error: the teardown of role fed-demo-x is incomplete (IAM did not answer in time); these resources remain:
  - managed policy arn:aws:iam::aws:policy/B, still attached to fed-demo-x (iam:DetachRolePolicy failed: AccessDenied: not allowed)
  - any inline policies of fed-demo-x: they could not be listed (iam:ListRolePolicies was not tried: the time budget ran out)
  - delete role failed (iam:DeleteRole failed: DeleteConflict: busy)
  - role fed-demo-x itself
remove them with:
  cargo xtask sweep --role fed-demo-x --yes
or with the AWS CLI:
  aws iam detach-role-policy --role-name fed-demo-x --policy-arn arn:aws:iam::aws:policy/B
  aws iam delete-role --role-name fed-demo-x
"
    );
}
