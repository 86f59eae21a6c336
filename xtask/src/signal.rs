//! Ctrl-C, SIGTERM, SIGHUP and SIGQUIT as values: once installed, they no longer end the
//! process, so the demo can tear down what it created before it exits.

use std::future::Future;

use tokio::sync::oneshot;

use crate::Exit;

/// A signal that asks the process to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// SIGINT, usually Ctrl-C.
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// SIGHUP: the terminal went away.
    Hangup,
    /// SIGQUIT, usually Ctrl-\.
    Quit,
}

impl Stop {
    /// The signal's name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Stop::Interrupt => "Ctrl-C (SIGINT)",
            Stop::Terminate => "SIGTERM",
            Stop::Hangup => "SIGHUP",
            Stop::Quit => "SIGQUIT",
        }
    }

    /// The exit code a shell expects after this signal.
    pub(crate) fn exit(self) -> Exit {
        match self {
            Stop::Interrupt => Exit::Interrupted,
            Stop::Terminate => Exit::Terminated,
            Stop::Hangup => Exit::HungUp,
            Stop::Quit => Exit::Quit,
        }
    }
}

/// The installed handlers.
pub(crate) struct Signals {
    #[cfg(unix)]
    handlers: [(Stop, tokio::signal::unix::Signal); 4],
}

impl Signals {
    /// Installs the handlers. From now on these signals are only seen through [`Signals::recv`].
    pub(crate) fn install() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                handlers: [
                    (Stop::Interrupt, signal(SignalKind::interrupt())?),
                    (Stop::Terminate, signal(SignalKind::terminate())?),
                    (Stop::Hangup, signal(SignalKind::hangup())?),
                    (Stop::Quit, signal(SignalKind::quit())?),
                ],
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// Waits for the next signal.
    pub(crate) async fn recv(&mut self) -> Stop {
        #[cfg(unix)]
        {
            let [(a, int), (b, term), (c, hup), (d, quit)] = &mut self.handlers;
            tokio::select! {
                _ = int.recv() => *a,
                _ = term.recv() => *b,
                _ = hup.recv() => *c,
                _ = quit.recv() => *d,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Stop::Interrupt
        }
    }

    /// The first signal, as a future. Every other signal (and the first one too, once the
    /// future is dropped) goes to `later`, which can only say that the process is busy: the
    /// demo drops the future when its teardown starts, so that no signal cuts it short.
    pub(crate) fn first(
        mut self,
        later: impl Fn(Stop) + Send + 'static,
    ) -> impl Future<Output = Stop> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        tokio::spawn(async move {
            let mut first = Some(tx);
            loop {
                let stop = self.recv().await;
                let unseen = match first.take() {
                    Some(tx) => tx.send(stop).err(),
                    None => Some(stop),
                };
                if let Some(stop) = unseen {
                    later(stop);
                }
            }
        });
        async move {
            match rx.await {
                Ok(stop) => stop,
                // The listener ended, which it does only with the runtime: no signal will come.
                Err(_) => std::future::pending().await,
            }
        }
    }
}
