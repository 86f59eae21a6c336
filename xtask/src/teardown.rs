//! The teardown guarantee: what the demo created is tracked from the moment the CreateRole
//! request is about to be sent, and removed on every way out.
//!
//! The scenario runs as its own task. [`Tracker::arm`] records the role's name before CreateRole
//! is sent, and every IAM call that creates something runs through [`Tracker::call`], as a task
//! of its own that is not cancelled with the scenario. Whatever ends the scenario (success, an
//! error, a panic, Ctrl-C or SIGTERM), the driver then calls [`remove_role`]: it first waits for
//! those calls to finish (so a role whose CreateRole answer never arrived is still found), then
//! tears the role down. Further signals during the teardown only print a warning.
//!
//! The role is torn down only when it is this run's: before anything is detached or deleted,
//! GetRole must show it carrying the `fed:demo` tag with this run's id. A role of that name
//! without it (another run's, or one the demo never created, say after CreateRole found the name
//! taken) is not ours and is left alone, and so is a role whose tags cannot be read; the teardown
//! then says so and the demo exits non-zero.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use fed_aws::{Iam, Role, TeardownReport, TeardownStep};
use fed_core::RoleName;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::demo::DEMO_TAG;
use crate::signal::Signals;

/// How long a pending IAM call may still take before the teardown goes ahead without it. The SDK
/// gives up on an operation after 60 seconds, retries included.
const PENDING_CALL_GRACE: Duration = Duration::from_secs(75);

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

/// Removes everything the tracker recorded, if anything, after waiting `pause` (zero except in
/// tests of signals during the teardown). Returns whether nothing is left.
pub(crate) async fn run(
    tracker: &Tracker,
    iam: &dyn Iam,
    signals: &mut Signals,
    pause: Duration,
) -> bool {
    let Some((role, run_id)) = tracker.armed() else {
        return true;
    };
    if !pause.is_zero() {
        let pause = tokio::time::sleep(pause);
        tokio::pin!(pause);
        loop {
            tokio::select! {
                _ = &mut pause => break,
                stop = signals.recv() => warn_still_tearing_down(stop.name(), &role),
            }
        }
    }
    for mut pending in tracker.take_pending() {
        if pending.is_finished() {
            continue;
        }
        say!("Waiting for a pending IAM request to finish before tearing down…");
        let deadline = tokio::time::sleep(PENDING_CALL_GRACE);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut pending => break,
                _ = &mut deadline => {
                    pending.abort();
                    break;
                }
                stop = signals.recv() => warn_still_tearing_down(stop.name(), &role),
            }
        }
    }
    match ownership(iam, &role, &run_id, signals).await {
        Ownership::Ours => remove_role(iam, &role, signals).await,
        Ownership::Gone => {
            say!("Role {role} does not exist (it was never created, or is already deleted).");
            true
        }
        other => {
            tell!("{}", left_alone(&role, &run_id, &other));
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
    Unknown(fed_aws::Error),
}

/// Looks the role up and reads its tags; signals meanwhile only print a warning.
async fn ownership(
    iam: &dyn Iam,
    role: &RoleName,
    run_id: &str,
    signals: &mut Signals,
) -> Ownership {
    let lookup = iam.get_role(role);
    tokio::pin!(lookup);
    let found = loop {
        tokio::select! {
            found = &mut lookup => break found,
            stop = signals.recv() => warn_still_tearing_down(stop.name(), role),
        }
    };
    match found {
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

/// What the teardown says about a role it did not touch.
pub(crate) fn left_alone(role: &RoleName, run_id: &str, ownership: &Ownership) -> String {
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
            "error: role {role} was left alone: its tags cannot be read ({error}), so it may not be ours; nothing was detached or deleted; `cargo xtask sweep --role {role} --yes` removes it if it is a demo role"
        ),
        Ownership::Ours | Ownership::Gone => String::new(),
    }
}

/// Tears `role` down, printing each step; on failure prints what is left and how to remove it.
/// Returns whether the role is confirmed gone.
pub(crate) async fn remove_role(iam: &dyn Iam, role: &RoleName, signals: &mut Signals) -> bool {
    say!("Tearing down role {role}…");
    let teardown = iam.teardown_role(role);
    tokio::pin!(teardown);
    let report = loop {
        tokio::select! {
            report = &mut teardown => break report,
            stop = signals.recv() => warn_still_tearing_down(stop.name(), role),
        }
    };
    for line in step_lines(&report) {
        say!("{line}");
    }
    if report.is_complete() {
        return true;
    }
    tell!("{}", leftover_report(&report).trim_end());
    false
}

fn warn_still_tearing_down(signal: &str, role: &RoleName) {
    tell!(
        "warning: {signal} received during teardown; still removing role {role} so that nothing is left behind (wait a moment; if the process is killed, `cargo xtask sweep` finds the role)"
    );
}

/// One line per step the teardown took, as the seed prints them.
pub(crate) fn step_lines(report: &TeardownReport) -> Vec<String> {
    let role = &report.role;
    let mut lines = Vec::new();
    if report.already_gone && report.is_complete() {
        lines.push(format!(
            "Role {role} does not exist (it was never created, or is already deleted)."
        ));
        return lines;
    }
    for step in &report.removed {
        lines.push(match step {
            TeardownStep::DetachPolicy { policy_arn } => format!("Detached {policy_arn}."),
            TeardownStep::DeleteInlinePolicy { policy_name } => {
                format!("Deleted inline policy {policy_name}.")
            }
            TeardownStep::RemoveFromInstanceProfile { instance_profile } => {
                format!("Removed {role} from instance profile {instance_profile}.")
            }
            TeardownStep::DeleteRole => format!("Deleted {role}."),
            other => format!("Done: {other}."),
        });
    }
    if report.is_complete() {
        lines.push(format!("Confirmed that {role} is gone."));
    }
    lines
}

/// What is left after an incomplete teardown, and the commands that remove it.
pub(crate) fn leftover_report(report: &TeardownReport) -> String {
    let role = &report.role;
    let mut out =
        format!("error: the teardown of role {role} is incomplete; these resources remain:\n");
    let mut policies = Vec::new();
    let mut inline = Vec::new();
    let mut profiles = Vec::new();
    for failure in &report.failures {
        match &failure.step {
            TeardownStep::DetachPolicy { policy_arn } => {
                out.push_str(&format!(
                    "  - managed policy {policy_arn}, still attached to {role} ({})\n",
                    failure.error
                ));
                policies.push(policy_arn.clone());
            }
            TeardownStep::DeleteInlinePolicy { policy_name } => {
                out.push_str(&format!(
                    "  - inline policy {policy_name} of {role} ({})\n",
                    failure.error
                ));
                inline.push(policy_name.clone());
            }
            TeardownStep::RemoveFromInstanceProfile { instance_profile } => {
                out.push_str(&format!(
                    "  - {role} is still in instance profile {instance_profile} ({})\n",
                    failure.error
                ));
                profiles.push(instance_profile.clone());
            }
            step => out.push_str(&format!("  - {step} failed ({})\n", failure.error)),
        }
    }
    out.push_str(&format!("  - role {role} itself\n"));
    out.push_str(&format!(
        "remove them with:\n  cargo xtask sweep --role {role} --yes\nor with the AWS CLI:\n"
    ));
    if policies.is_empty() && inline.is_empty() && profiles.is_empty() {
        out.push_str(&format!(
            "  aws iam list-attached-role-policies --role-name {role}   # detach each with aws iam detach-role-policy\n  aws iam list-role-policies --role-name {role}            # delete each with aws iam delete-role-policy\n"
        ));
    }
    for arn in &policies {
        out.push_str(&format!(
            "  aws iam detach-role-policy --role-name {role} --policy-arn {arn}\n"
        ));
    }
    for name in &inline {
        out.push_str(&format!(
            "  aws iam delete-role-policy --role-name {role} --policy-name {name}\n"
        ));
    }
    for profile in &profiles {
        out.push_str(&format!(
            "  aws iam remove-role-from-instance-profile --role-name {role} --instance-profile-name {profile}\n"
        ));
    }
    out.push_str(&format!("  aws iam delete-role --role-name {role}\n"));
    out
}

#[cfg(test)]
mod tests;
