//! The teardown guarantee: what the demo created is tracked from the moment the CreateRole
//! request is about to be sent, and removed on every way out, within two minutes.
//!
//! The scenario runs as its own task. [`Tracker::arm`] records the role's name before CreateRole
//! is sent, and every IAM call that creates something runs through [`Tracker::call`], as a task
//! of its own that is not cancelled with the scenario. Whatever ends the scenario (success, an
//! error, a panic, a signal), the demo then calls [`run`]: it first waits for those calls to
//! finish (so a role whose CreateRole answer never arrived is still found), then removes the
//! role with [`remove_if_ours`], which the sweep uses too.
//!
//! The removal itself is fed-aws's `delete_owned_role`: the role is removed only when GetRole
//! shows it carrying the `fed:demo` tag with this run's id. A role of that name without it
//! (another run's, or one the demo never created, say after CreateRole found the name taken) is
//! not ours and is left alone, and so is a role whose tags cannot be read; the teardown then says
//! so and the demo exits non-zero.
//!
//! Every IAM call of the teardown has a time limit, and the whole teardown a budget of
//! [`BUDGET`] (fed-aws's `Budget`): against an IAM that does not answer it gives up in time, says
//! exactly what remains (`report.rs`), and gives the `cargo xtask sweep` command that removes it.

mod report;

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use fed_aws::{Budget, Iam, Removal, RemovalEvent, Tag, delete_owned_role};
use fed_core::RoleName;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::demo::event::{Event, Events};
use crate::demo::tags::DEMO_TAG;
use crate::sweep::SweepCommand;

pub(crate) use self::report::{left_alone, leftover_report};

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
    let demo_role = DemoRole {
        name: &role,
        run_id: &run_id,
        create_unanswered: unanswered,
    };
    remove_if_ours(iam, &demo_role, &budget, &sweep.for_role(&role), events).await
}

/// A demo role to remove.
pub(crate) struct DemoRole<'a> {
    pub(crate) name: &'a RoleName,
    /// The value of the `fed:demo` tag that makes the role ours.
    pub(crate) run_id: &'a str,
    /// Its CreateRole request got no answer: a role that does not exist may still appear.
    pub(crate) create_unanswered: bool,
}

/// Removes `target` if it carries the `fed:demo` tag with its run id, showing each step; `sweep`
/// is the command that removes what remains. Returns whether nothing is left.
pub(crate) async fn remove_if_ours(
    iam: &dyn Iam,
    target: &DemoRole<'_>,
    budget: &Budget,
    sweep: &str,
    events: &Events,
) -> bool {
    let role = target.name;
    let owner = Tag::new(DEMO_TAG, target.run_id);
    let mut started = false;
    let mut on_event = |event: RemovalEvent<'_>| match event {
        RemovalEvent::Started => {
            started = true;
            events.emit(Event::TearingDown { role: role.clone() });
        }
        RemovalEvent::Done(step) => events.emit(Event::Removed {
            role: role.clone(),
            step: step.clone(),
        }),
        _ => {}
    };
    let result = delete_owned_role(iam, role, &owner, budget, &mut on_event).await;
    let (role, sweep) = (role.clone(), sweep.to_owned());
    match result {
        Ok(removal) if started => finished(removal, sweep, events),
        // GetRole found no role, so nothing was started.
        Ok(_) if target.create_unanswered => {
            events.emit(Event::MayAppear { role, sweep });
            false
        }
        Ok(_) => {
            events.emit(Event::Gone {
                role,
                already: true,
            });
            true
        }
        Err(error) => {
            events.emit(Event::LeftAlone { role, error, sweep });
            false
        }
    }
}

/// Reports the end of a removal: the role is gone, or what remains and `sweep`, the command that
/// removes it. Returns whether nothing is left.
fn finished(removal: Removal, sweep: String, events: &Events) -> bool {
    let complete = removal.is_complete();
    events.emit(if complete {
        Event::Gone {
            role: removal.role.clone(),
            already: removal.already_gone,
        }
    } else {
        Event::Incomplete {
            report: removal,
            sweep,
        }
    });
    complete
}

#[cfg(test)]
mod tests;
