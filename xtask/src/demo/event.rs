//! What the demo reports as it goes, as values: [`Event`], sent to an [`Events`] sink. The
//! terminal shows them (`terminal.rs`); tests record them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use fed_aws::{Removal, RemovalStep};
use fed_core::{Arn, RoleName};
use url::Url;

use crate::signal::Stop;

/// Something the demo, its teardown or the sweep did or found, in the order it happened.
#[derive(Debug)]
pub(crate) enum Event {
    /// `--local`: the local stack is starting.
    StartingLocalStack,
    /// `--local`: the local stack is stopping.
    StoppingLocalStack,
    /// Who is calling, where, and what the demo will do.
    Banner(Banner),
    /// CreateRole is about to be sent.
    CreatingRole { name: RoleName, trusted: Arn },
    /// CreateRole answered.
    CreatedRole { arn: Arn },
    /// A managed policy is attached to the role.
    AttachedPolicy { arn: Arn },
    /// AssumeRole will be polled until IAM has propagated the role, for up to `deadline`.
    WaitingForPropagation { deadline: Duration },
    /// AssumeRole attempt `number` is about to be made.
    AssumeRoleAttempt { number: u32 },
    /// The role was assumed.
    Assumed {
        role: Arn,
        after: Duration,
        attempts: u32,
    },
    /// The caller signs with temporary credentials: AssumeRole is role chaining.
    RoleChaining { caller: Arn },
    /// The federation endpoint issued a sign-in token.
    GotSigninToken {
        /// The console session length that was sent and accepted, in seconds.
        session_seconds: Option<u32>,
        /// What the user should know about the session length.
        notes: Vec<String>,
    },
    /// The console sign-in URL.
    Url {
        link: Link,
        /// On the local stack, the console emulator's page the URL lands on.
        console_page: Option<Url>,
        /// Who the URL signs in as.
        principal: Arn,
    },
    /// The demo does not wait for Enter: stdin is not a terminal.
    NotWaiting,
    /// The demo waits for Enter.
    Prompt,
    /// Enter was pressed.
    Answered,
    /// The scenario failed; the teardown follows.
    Failed(anyhow::Error),
    /// A signal stopped the scenario; the teardown follows if `armed`.
    Stopped { stop: Stop, armed: bool },
    /// The scenario panicked; the teardown follows if `armed`.
    Panicked { armed: bool },
    /// A signal came while the demo was already finishing.
    StopWhileFinishing { stop: Stop, role: Option<RoleName> },
    /// An IAM call was still in flight when the scenario ended; the teardown waits for it.
    WaitingForPendingCall,
    /// The removal of `role` starts.
    TearingDown { role: RoleName },
    /// One step of the removal is done.
    Removed { role: RoleName, step: RemovalStep },
    /// The role is gone: deleted now, or `already` before the teardown started.
    Gone { role: RoleName, already: bool },
    /// GetRole finds no role, but the CreateRole request got no answer: the role may still
    /// appear.
    MayAppear { role: RoleName, sweep: String },
    /// The role was not touched: it is not this run's (`fed_aws::Error::NotOwned`), or whose it
    /// is cannot be told (GetRole's error).
    LeftAlone {
        role: RoleName,
        error: fed_aws::Error,
        sweep: String,
    },
    /// The removal did not finish: what remains, and the command that removes it.
    Incomplete { report: Removal, sweep: String },
    /// The demo ended well.
    ThanksForWatching,
}

/// What the banner shows.
#[derive(Debug)]
pub(crate) struct Banner {
    pub(crate) account: String,
    pub(crate) principal: Arn,
    pub(crate) region: String,
    /// The endpoint of IAM and STS, when it is not AWS's.
    pub(crate) aws_endpoint: Option<String>,
    pub(crate) signin_endpoint: Url,
    pub(crate) policies: Vec<Arn>,
}

/// A console sign-in URL. It carries the sign-in token, a bearer credential: it has no
/// `Display`, its `Debug` is redacted, and only the terminal calls [`Link::expose`].
pub(crate) struct Link(Box<dyn Expose>);

/// Text that is a secret, shown only on purpose.
pub(crate) trait Expose: Send + Sync {
    fn expose(&self) -> &str;
}

impl Expose for fed_flow::ConsoleUrl {
    fn expose(&self) -> &str {
        fed_flow::ConsoleUrl::expose(self)
    }
}

impl Link {
    pub(crate) fn new(url: impl Expose + 'static) -> Link {
        Link(Box::new(url))
    }

    /// The URL itself.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Link(** redacted **)")
    }
}

/// Where events go: the terminal, or a test's recorder. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Events(Arc<dyn Fn(Event) + Send + Sync>);

impl Events {
    pub(crate) fn new(sink: impl Fn(Event) + Send + Sync + 'static) -> Events {
        Events(Arc::new(sink))
    }

    pub(crate) fn emit(&self, event: Event) {
        (self.0)(event);
    }
}

/// A sink that keeps the events, for tests.
#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct Recorder(Arc<std::sync::Mutex<Vec<Event>>>);

#[cfg(test)]
impl Recorder {
    /// A sink that records into this recorder.
    pub(crate) fn events(&self) -> Events {
        let recorder = self.clone();
        Events::new(move |event| recorder.lock().push(event))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Event>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every event so far as the terminal shows it: stdout and stderr lines, one per line, the
    /// stderr ones marked `! `.
    pub(crate) fn transcript(&self) -> String {
        use super::terminal::{Line, lines};
        let mut text = String::new();
        for line in self.lock().iter().flat_map(lines) {
            match line {
                Line::Out(line) | Line::Prompt(line) => text.push_str(&line),
                Line::Err(line) => {
                    text.push_str("! ");
                    text.push_str(line.trim_start());
                }
            }
            text.push('\n');
        }
        text
    }
}
