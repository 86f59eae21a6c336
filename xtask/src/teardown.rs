//! The teardown guarantee: what the demo created is tracked from the moment the CreateRole
//! request is about to be sent, and removed on every way out, within two minutes.
//!
//! The scenario runs as its own task. [`Tracker::arm`] records the role's name before CreateRole
//! is sent, and every IAM call that creates something runs through [`Tracker::call`], as a task
//! of its own that is not cancelled with the scenario. Whatever ends the scenario (success, an
//! error, a panic, a signal), the demo then calls [`run`]: it first waits for those calls to
//! finish (so a role whose CreateRole answer never arrived is still found), then removes the
//! role with [`remove_role`].
//!
//! The role is removed only when it is this run's: before anything is detached or deleted,
//! GetRole must show it carrying the `fed:demo` tag with this run's id. A role of that name
//! without it (another run's, or one the demo never created, say after CreateRole found the name
//! taken) is not ours and is left alone, and so is a role whose tags cannot be read; the teardown
//! then says so and the demo exits non-zero.
//!
//! Every IAM call of the teardown has a time limit, and the whole teardown a budget of
//! [`BUDGET`]: against an IAM that does not answer it gives up in time, says exactly what
//! remains, and gives the `cargo xtask sweep` command that removes it.

mod remove;

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use fed_core::RoleName;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::demo::event::{Event, Events};
use crate::demo::tags::DEMO_TAG;
use crate::iam::{Iam, IamError, Role};
use crate::sweep::SweepCommand;

pub(crate) use self::remove::{Budget, TeardownReport, TeardownStep, leftover_report, remove_role};

/// How long the whole teardown may take, waiting for pending calls included.
pub(crate) const BUDGET: Duration = Duration::from_secs(120);

/// How long a pending IAM call may still take before the teardown goes ahead without it: a
/// little more than the client's own limit on a call.
const PENDING_CALL_GRACE: Duration = Duration::from_secs(25);

/// What the demo has created, or is about to create.
#[derive(Default)]
pub(crate) struct Tracker {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The role, and the run id its `fed:demo` tag carries.
    armed: Option<(RoleName, String)>,
    pending: Vec<JoinHandle<()>>,
}

impl Tracker {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that `role` is about to be created with the `fed:demo` tag `run_id`: from now on
    /// it is torn down on every exit, if it carries that tag.
    pub(crate) fn arm(&self, role: RoleName, run_id: &str) {
        self.lock().armed = Some((role, run_id.to_owned()));
    }

    /// The role to tear down, if CreateRole was (about to be) sent.
    pub(crate) fn role(&self) -> Option<RoleName> {
        self.lock().armed.as_ref().map(|(role, _)| role.clone())
    }

    fn armed(&self) -> Option<(RoleName, String)> {
        self.lock().armed.clone()
    }

    /// Runs an IAM call as a task of its own, so that cancelling the caller does not cut the
    /// request off halfway; the teardown waits for it first.
    pub(crate) async fn call<T: Send + 'static>(
        &self,
        call: impl Future<Output = T> + Send + 'static,
    ) -> T {
        let (tx, rx) = oneshot::channel();
        let handle = tokio::spawn(async move {
            let _ = tx.send(call.await);
        });
        self.lock().pending.push(handle);
        match rx.await {
            Ok(value) => value,
            // The call's task panicked; carry the panic on to the scenario.
            Err(_) => panic!("an IAM call of the demo panicked"),
        }
    }

    fn take_pending(&self) -> Vec<JoinHandle<()>> {
        std::mem::take(&mut self.lock().pending)
    }
}

/// Removes everything the tracker recorded, if anything. Returns whether nothing is left.
pub(crate) async fn run(
    tracker: &Tracker,
    iam: &dyn Iam,
    sweep: &SweepCommand,
    events: &Events,
) -> bool {
    let Some((role, run_id)) = tracker.armed() else {
        return true;
    };
    let budget = Budget::start(BUDGET);
    let mut unanswered = false;
    for mut pending in tracker.take_pending() {
        if pending.is_finished() {
            continue;
        }
        events.emit(Event::WaitingForPendingCall);
        let grace = PENDING_CALL_GRACE.min(budget.remaining());
        if tokio::time::timeout(grace, &mut pending).await.is_err() {
            pending.abort();
            unanswered = true;
        }
    }
    let sweep = sweep.for_role(&role);
    match ownership(iam, &role, &run_id, &budget).await {
        Ownership::Ours => remove_role(iam, &role, &budget, &sweep, events)
            .await
            .is_complete(),
        Ownership::Gone if unanswered => {
            events.emit(Event::MayAppear { role, sweep });
            false
        }
        Ownership::Gone => {
            events.emit(Event::Gone {
                role,
                already: true,
            });
            true
        }
        ownership => {
            events.emit(Event::LeftAlone {
                role,
                run_id,
                ownership,
                sweep,
            });
            false
        }
    }
}

/// Whether the tracked role is this run's, as GetRole shows it.
#[derive(Debug)]
pub(crate) enum Ownership {
    /// It carries the `fed:demo` tag with this run's id.
    Ours,
    /// There is no such role.
    Gone,
    /// It exists without this run's tag; the value of its `fed:demo` tag, if it has one.
    NotOurs(Option<String>),
    /// GetRole failed, so whose it is cannot be told.
    Unknown(IamError),
}

/// Looks the role up and reads its tags.
async fn ownership(iam: &dyn Iam, role: &RoleName, run_id: &str, budget: &Budget) -> Ownership {
    match budget.call("iam:GetRole", iam.get_role(role)).await {
        Ok(None) => Ownership::Gone,
        Ok(Some(found)) => owner_of(&found, run_id),
        Err(error) => Ownership::Unknown(error),
    }
}

/// Whether `role` carries this run's tag.
pub(crate) fn owner_of(role: &Role, run_id: &str) -> Ownership {
    let tag = role.tags.iter().find(|t| t.key == DEMO_TAG);
    match tag {
        Some(tag) if tag.value == run_id => Ownership::Ours,
        _ => Ownership::NotOurs(tag.map(|t| t.value.clone())),
    }
}

/// What the teardown says about a role it did not touch; `sweep` removes it.
pub(crate) fn left_alone(
    role: &RoleName,
    run_id: &str,
    ownership: &Ownership,
    sweep: &str,
) -> String {
    match ownership {
        Ownership::NotOurs(tag) => {
            let why = match tag {
                None => format!("it has no {DEMO_TAG} tag"),
                Some(other) => format!("its {DEMO_TAG} tag is {other}"),
            };
            format!(
                "error: role {role} is not ours, left alone: it does not carry this run's tag {DEMO_TAG}={run_id} ({why}); nothing was detached or deleted"
            )
        }
        Ownership::Unknown(error) => format!(
            "error: role {role} was left alone: its tags cannot be read ({error}), so it may not be ours; nothing was detached or deleted; `{sweep}` removes it if it is a demo role"
        ),
        Ownership::Ours | Ownership::Gone => String::new(),
    }
}

#[cfg(test)]
mod tests;
