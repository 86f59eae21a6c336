//! End-to-end tests of the `fed` and `xtask` binaries, plus the repository's
//! tidy checks. One test binary; each module says what it covers.

// Architecture invariants and repository hygiene.
mod tidy;

// `cargo xtask demo`, `sweep` and `local` against the local stack.
mod demo;

// `fed-broker check`: its configuration files.
mod broker;

// Helpers.
mod support;

// `fed url` against the local stack.
mod cli;

// Shell completion of flags and values, in a real bash.
mod completion;

// `fed url` with real AWS config files: profiles, chains, MFA, SSO, precedence.
mod profiles;

// `fed url --portal`: IAM Identity Center shortcut links, with no AWS call.
mod portal;

// Where the console opens: browsers, profiles, containers; clipboard, OSC 52, QR.
mod delivery;

// The profile picker, in a terminal.
mod picker;

// What crosses fed's process boundary: proxies, escape sequences from servers.
mod boundary;

// What the `fed` process does to itself as it starts: no core dumps.
mod hardening;

// The release archive dist builds: fed, its man pages and completion scripts, unpacked and run.
mod dist;
