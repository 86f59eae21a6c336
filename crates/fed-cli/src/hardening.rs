//! Hardening of the `fed` process, done first thing in `main`: no core dumps, and on Linux not
//! dumpable at all.
//!
//! fed holds the caller's credentials, the role's it gets from STS and a sign-in token in
//! memory. A core dump (after SIGQUIT, SIGABRT, SIGSEGV, …) would write all of them to a file,
//! or hand them to the system's crash collector. `RLIMIT_CORE` = 0 does not stop a crash
//! collector that `core_pattern` pipes to; a process that is not dumpable
//! (`PR_SET_DUMPABLE` 0) gets no core dump either way, and its `/proc/PID/environ`,
//! `/proc/PID/mem` and ptrace belong to root alone. Programs fed starts are dumpable again
//! (the kernel resets the flag when they are executed).

/// Sets the core file size limit to 0, soft and hard, so that no signal makes the process dump
/// core, and nothing it runs can raise the limit again: child processes (a `credential_process`,
/// the browser opener) inherit it. A failure is reported on stderr, and fed goes on.
#[cfg(unix)]
pub(crate) fn no_core_dumps() {
    use std::io::Write as _;
    if let Err(error) = rlimit::setrlimit(rlimit::Resource::CORE, 0, 0) {
        let _ = writeln!(
            std::io::stderr(),
            "warning: cannot disable core dumps: {error}"
        );
    }
    #[cfg(target_os = "linux")]
    if let Err(error) =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
    {
        let _ = writeln!(
            std::io::stderr(),
            "warning: cannot mark the process not dumpable: {error}"
        );
    }
}

/// Core dumps are a Unix matter; elsewhere there is nothing to do.
#[cfg(not(unix))]
pub(crate) fn no_core_dumps() {}
