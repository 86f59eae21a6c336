//! A role's removal against the `test-util` fake of IAM, in paused time: everything attached is
//! removed, only a role carrying the owner tag is touched, transient failures are retried, and a
//! hung IAM is given up on within the budget.

use std::time::Duration;

use fed_aws::fake::{Behaviour, FakeIam};
use fed_aws::{
    Budget, CreateRole, Error, Iam, Removal, RemovalEvent, RemovalStep, Tag, delete_owned_role,
    remove_role,
};
use fed_core::RoleName;
use tokio::time::Instant;

const POLICY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// The budget of every removal here.
const BUDGET: Duration = Duration::from_secs(120);

fn owner() -> Tag {
    Tag::new("owner", "run-1")
}

fn name(s: &str) -> RoleName {
    RoleName::new(s).expect("a valid role name")
}

/// A role tagged `tags`, with a managed policy, an inline policy and an instance profile.
async fn role_with_everything(iam: &FakeIam, role: &str, tags: Vec<Tag>) {
    let mut spec = CreateRole::new(
        name(role),
        "arn:aws:iam::123456789012:root".parse().expect("an ARN"),
    );
    spec.tags = tags;
    iam.create_role(&spec).await.expect("created");
    iam.attach_role_policy(&name(role), &POLICY.parse().expect("an ARN"))
        .await
        .expect("attached");
    iam.add_inline_policy(role, "inline");
    iam.add_to_instance_profile(role, "profile");
}

/// Deletes `role` if it carries [`owner`]; returns the result and the events, as text.
async fn delete_owned(iam: &FakeIam, role: &str) -> (Result<Removal, Error>, Vec<String>) {
    let mut events = Vec::new();
    let result = delete_owned_role(
        iam,
        &name(role),
        &owner(),
        &Budget::start(BUDGET),
        &mut |event| events.push(shown(event)),
    )
    .await;
    (result, events)
}

fn shown(event: RemovalEvent<'_>) -> String {
    match event {
        RemovalEvent::Done(step) => step.to_string(),
        other => format!("{other:?}"),
    }
}

/// An owned role goes with everything attached, in IAM's order, and the removal says so.
#[tokio::test(start_paused = true)]
async fn an_owned_role_is_removed_with_everything_attached() {
    let iam = FakeIam::default();
    role_with_everything(&iam, "mine", vec![Tag::new("team", "x"), owner()]).await;
    assert_eq!(
        iam.delete_role(&name("mine"))
            .await
            .map_err(|e| e.code().map(str::to_owned)),
        Err(Some("DeleteConflict".to_owned())),
        "IAM refuses to delete a role with attachments"
    );

    let (removal, events) = delete_owned(&iam, "mine").await;
    let removal = removal.expect("owned");
    assert!(
        removal.is_complete() && !removal.already_gone,
        "{removal:?}"
    );
    assert_eq!(
        events,
        [
            "Started".to_owned(),
            format!("detach managed policy {POLICY}"),
            "delete inline policy inline".to_owned(),
            "remove from instance profile profile".to_owned(),
            "delete role".to_owned(),
        ]
    );
    assert_eq!(removal.removed.last(), Some(&RemovalStep::DeleteRole));
    assert!(iam.role_names().is_empty());

    let (again, events) = delete_owned(&iam, "mine").await;
    let again = again.expect("nothing to refuse");
    assert!(again.is_complete() && again.already_gone && again.removed.is_empty());
    assert!(events.is_empty(), "{events:?}");
}

/// A role without the owner tag, or with another value of it, is refused and left as it was.
#[tokio::test(start_paused = true)]
async fn a_role_without_the_owner_tag_is_refused_and_left_alone() {
    for (tags, found) in [
        (vec![], None),
        (vec![Tag::new("owner", "run-2")], Some("run-2")),
    ] {
        let iam = FakeIam::default();
        role_with_everything(&iam, "theirs", tags).await;
        let before = iam.role("theirs").expect("the role");
        let (result, events) = delete_owned(&iam, "theirs").await;
        match result {
            Err(Error::NotOwned {
                role, found: got, ..
            }) => {
                assert_eq!(role.as_str(), "theirs");
                assert_eq!(got.as_deref(), found);
            }
            other => panic!("not refused: {other:?}"),
        }
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(iam.role("theirs"), Some(before));
        assert_eq!(iam.calls("iam:GetRole"), 1);
        assert_eq!(iam.calls("iam:ListAttachedRolePolicies"), 0);
    }
}

/// Whose a role is cannot be told when GetRole fails: its error, and nothing touched.
#[tokio::test(start_paused = true)]
async fn a_role_whose_tags_cannot_be_read_is_left_alone() {
    let iam = FakeIam::default();
    role_with_everything(&iam, "unreadable", vec![owner()]).await;
    iam.on(
        "iam:GetRole",
        Behaviour::fail("AccessDenied", "not allowed"),
    );
    let (result, _) = delete_owned(&iam, "unreadable").await;
    let error = result.expect_err("refused");
    assert_eq!(
        error.to_string(),
        "iam:GetRole failed: AccessDenied: not allowed"
    );
    assert_eq!(iam.calls("iam:DeleteRole"), 0);
}

/// A transient failure is retried with a new pass; a permanent one is not, and is reported.
#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_and_permanent_ones_reported() {
    let iam = FakeIam::default();
    role_with_everything(&iam, "busy", vec![owner()]).await;
    iam.on(
        "iam:DeleteRole",
        Behaviour::fail_once("ConcurrentModification", "busy"),
    );
    let (removal, _) = delete_owned(&iam, "busy").await;
    assert!(removal.expect("owned").is_complete());
    assert_eq!(iam.calls("iam:DeleteRole"), 2);

    let iam = FakeIam::default();
    role_with_everything(&iam, "stuck", vec![owner()]).await;
    iam.on(
        "iam:DetachRolePolicy",
        Behaviour::fail("UnmodifiableEntity", "no"),
    );
    let (removal, _) = delete_owned(&iam, "stuck").await;
    let removal = removal.expect("owned");
    let failed: Vec<String> = removal
        .failures
        .iter()
        .map(|f| format!("{}: {}", f.step, f.error))
        .collect();
    assert_eq!(
        failed,
        [
            format!(
                "detach managed policy {POLICY}: iam:DetachRolePolicy failed: UnmodifiableEntity: no"
            ),
            "delete role: iam:DeleteRole failed: DeleteConflict: Cannot delete entity, must detach all policies first.".to_owned(),
        ]
    );
    assert_eq!(iam.calls("iam:DetachRolePolicy"), 1, "not retried");
    assert!(!removal.ran_out_of_time());
}

/// A call that never answers is cut at the call limit, retried while the budget lasts, and the
/// removal ends within its budget saying that the time ran out.
#[tokio::test(start_paused = true)]
async fn a_hung_iam_is_given_up_on_within_the_budget() {
    let iam = FakeIam::default();
    role_with_everything(&iam, "hung", vec![owner()]).await;
    iam.on("iam:DetachRolePolicy", Behaviour::Hang);
    let started = Instant::now();
    let removal = remove_role(&iam, &name("hung"), &Budget::start(BUDGET), &mut |_| {}).await;
    let took = started.elapsed();
    assert!(took <= BUDGET, "took {took:?}");
    assert!(
        took >= BUDGET - Budget::CALL_LIMIT,
        "gave up early, after {took:?}"
    );
    assert!(!removal.is_complete() && removal.ran_out_of_time());
    assert_eq!(
        removal.failures[0].error.to_string(),
        "iam:DetachRolePolicy got no answer within 25s"
    );
    assert_eq!(
        iam.role("hung").expect("the role remains").managed_policies,
        [POLICY]
    );
}
