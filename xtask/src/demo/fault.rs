//! Fault injection, for tests of the teardown guarantee: a failure or a panic right after a step
//! of the scenario, and a pause before the teardown (for signals that arrive during it).

use std::time::Duration;

/// A step of the scenario, after which a failure can be injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Banner,
    CreateRole,
    AttachPolicy,
    Propagation,
    Url,
    Prompt,
}

impl Step {
    /// Every step, in order.
    pub(crate) const ALL: [Step; 6] = [
        Step::Banner,
        Step::CreateRole,
        Step::AttachPolicy,
        Step::Propagation,
        Step::Url,
        Step::Prompt,
    ];

    /// The name used on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Banner => "banner",
            Step::CreateRole => "create-role",
            Step::AttachPolicy => "attach-policy",
            Step::Propagation => "propagation",
            Step::Url => "url",
            Step::Prompt => "prompt",
        }
    }
}

/// An injected failure: after which step, and whether it panics or returns an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fault {
    pub(crate) step: Step,
    pub(crate) panic: bool,
}

/// The faults of one run; none by default.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Faults {
    pub(crate) fail_after: Option<Fault>,
    /// How long to wait before the teardown starts.
    pub(crate) teardown_pause: Option<Duration>,
}

impl Faults {
    /// Fails, or panics, if a fault is injected after `step`.
    pub(crate) fn after(&self, step: Step) -> anyhow::Result<()> {
        match self.fail_after {
            Some(f) if f.step == step && f.panic => {
                panic!("injected panic after step {}", step.name())
            }
            Some(f) if f.step == step => {
                anyhow::bail!("injected failure after step {}", step.name())
            }
            _ => Ok(()),
        }
    }

    /// Waits for the injected pause, if any, before the teardown.
    pub(crate) async fn before_teardown(&self) {
        if let Some(pause) = self.teardown_pause {
            tokio::time::sleep(pause).await;
        }
    }
}

/// Reads `STEP` or `STEP:panic`.
pub(crate) fn parse_fault(s: &str) -> Result<Fault, String> {
    let (name, panic) = match s.strip_suffix(":panic") {
        Some(name) => (name, true),
        None => (s, false),
    };
    let step = Step::ALL
        .into_iter()
        .find(|step| step.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Step::ALL.iter().map(|s| s.name()).collect();
            format!(
                "unknown step {name:?}; expected one of {}",
                names.join(", ")
            )
        })?;
    Ok(Fault { step, panic })
}
