//! The seed's `try: … finally: teardown(role)`, made to hold for panics and signals too: the
//! scenario runs as a task of its own until it ends or `stop` resolves, and the teardown runs
//! after it however it ended.

use std::future::Future;

use super::event::{Event, Events};
use crate::Exit;
use crate::signal::Stop;
use crate::teardown::Tracker;

/// How the scenario ended.
enum Ended {
    Done,
    Failed,
    Stopped(Stop),
    Panicked,
}

/// Runs `scenario` until it ends or `stop` resolves, then `teardown`. `stop` is dropped before
/// the teardown starts (signals then only warn, see `Signals::first`), and a signal wins over a
/// scenario that ends at the same moment.
pub(crate) async fn run_then_tear_down(
    scenario: impl Future<Output = anyhow::Result<()>> + Send + 'static,
    stop: impl Future<Output = Stop>,
    teardown: impl Future<Output = bool>,
    tracker: &Tracker,
    events: &Events,
) -> Exit {
    let mut task = tokio::spawn(scenario);
    let result = {
        tokio::pin!(stop);
        tokio::select! {
            biased;
            stop = &mut stop => {
                task.abort();
                let _ = task.await;
                Err(stop)
            }
            joined = &mut task => Ok(joined),
        }
    };
    let armed = tracker.role().is_some();
    let ended = match result {
        Ok(Ok(Ok(()))) => Ended::Done,
        Ok(Ok(Err(error))) => {
            events.emit(Event::Failed(error));
            Ended::Failed
        }
        Ok(Err(join)) if join.is_panic() => {
            events.emit(Event::Panicked { armed });
            Ended::Panicked
        }
        Ok(Err(_)) => {
            events.emit(Event::Failed(anyhow::anyhow!("the demo was cancelled")));
            Ended::Failed
        }
        Err(stop) => {
            events.emit(Event::Stopped { stop, armed });
            Ended::Stopped(stop)
        }
    };
    let clean = teardown.await;
    match ended {
        Ended::Done if clean => {
            events.emit(Event::ThanksForWatching);
            Exit::Success
        }
        Ended::Done | Ended::Failed => Exit::Failure,
        Ended::Stopped(stop) => stop.exit(),
        Ended::Panicked => Exit::Panicked,
    }
}
