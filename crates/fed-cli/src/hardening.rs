//! Hardening of the `fed` process, done first thing in `main`: no core dumps.
//!
//! fed holds the caller's credentials, the role's it gets from STS and a sign-in token in
//! memory. A core dump (after SIGQUIT, SIGABRT, SIGSEGV, …) would write all of them to a file,
//! or hand them to the system's crash collector.

/// Sets the core file size limit to 0, soft and hard, so that no signal makes the process dump
/// core, and nothing it runs can raise the limit again: child processes (a `credential_process`,
/// the browser opener) inherit it. A failure is reported on stderr, and fed goes on.
#[cfg(unix)]
pub(crate) fn no_core_dumps() {
    if let Err(error) = rlimit::setrlimit(rlimit::Resource::CORE, 0, 0) {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "warning: cannot disable core dumps: {error}"
        );
    }
}

/// Core dumps are a Unix matter; elsewhere there is nothing to do.
#[cfg(not(unix))]
pub(crate) fn no_core_dumps() {}
