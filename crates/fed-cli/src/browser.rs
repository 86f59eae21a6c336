//! Which browser opens the console, and how: a named browser (`--browser chrome`), a command
//! template with `{url}`, a Chromium-family profile (`--browser-profile`) or a Firefox
//! container (`--container`).
//!
//! The browser is never given the sign-in URL: it gets a one-time local link that leads to it
//! (see [`crate::open`]), so the token is in no process's command line.

mod choice;
mod container;
mod launch;
mod local_state;
mod name;

pub(crate) use choice::{Choice, ProfileKeys, check_installed, choose};
pub(crate) use container::{Color, Container, ContainerFormat, Icon};
pub(crate) use launch::{Launch, Page, Platform, command_line, installed, user_data_dir};
pub(crate) use local_state::profile_directory;
pub(crate) use name::{Browser, Named};

#[cfg(test)]
mod tests;
