//! The harness every end-to-end module of `tests/it` shares: the real binaries built with this
//! test binary's profile, one way to run them in an environment of their own, one assertion for
//! how a failure looks, and the fixtures the modules have in common.
//!
//! - `binaries.rs`: the workspace's binaries and the repository root.
//! - `home.rs`: [`Home`], a temporary HOME with AWS config files.
//! - `fed.rs`: [`Fed`], how `fed` (and `xtask`, `fed-broker`) run: the isolated environment,
//!   the local stack's variables, a terminal.
//! - `output.rs`: reading what a run printed: its text, the one URL, a QR code.
//! - `failure.rs`: [`assert_failure`], the failure contract.
//! - `stack.rs`: the local stack, and a role its IAM user may assume.
//! - `console.rs`: following a sign-in URL to the console page and who it shows.
//! - `world.rs`: [`World`], a HOME with real AWS config files and a stack with what they name.
//! - `browsers.rs`: stub browsers, executable scripts and the real Chromium.
//! - `journey`: fed-broker's `tests/support/journey.rs`, the browser journey through the broker,
//!   shared with fed-broker's tests.

mod binaries;
mod browsers;
mod console;
mod failure;
mod fed;
mod home;
#[path = "../../../crates/fed-broker/tests/support/journey.rs"]
pub(crate) mod journey;
mod output;
mod stack;
mod world;

pub(crate) use binaries::{binary, can_act_as_nobody, on_path, project_root};
pub(crate) use browsers::{
    HEADLESS, chromium, executable, finished, path_with, read, recording_browser, stub_browser,
};
pub(crate) use console::{follow, landed_as};
pub(crate) use failure::assert_failure;
pub(crate) use fed::Fed;
pub(crate) use home::Home;
pub(crate) use output::{assert_success, decode_qr, query, stderr, stdout, the_url};
pub(crate) use stack::{create_role, start_stack};
pub(crate) use world::{ACCOUNT, World, arn, session};
