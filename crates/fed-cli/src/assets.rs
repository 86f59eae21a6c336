//! The man pages and completion scripts the release archives carry, kept in `assets/` and made
//! from the command line's definition: `assets/man/` holds clap_mangen's pages, one for `fed`
//! and one for each of its commands (`fed-url.1`, …), and `assets/completions/` the script of
//! each shell, as `fed completions SHELL` prints it when the shell finds `fed` on PATH.
//! dist-workspace.toml's `include` puts both directories in every archive.
//!
//! A change to the command line changes them: the test writes them anew and fails once, and
//! what it wrote is committed with the change.

use std::collections::BTreeMap;
use std::path::Path;

use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::cli::Cli;

/// Where the completion script of `shell` is, in `assets/`.
fn script_path(shell: Shell) -> String {
    let extension = match shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::Elvish => "elv",
        Shell::PowerShell => "ps1",
        other => panic!("no file name for the completion script of {other}"),
    };
    format!("completions/fed.{extension}")
}

/// The man page of `command` and of each of its commands that `--help` shows, by their path in
/// `assets/`.
fn man_pages(command: &clap::Command, pages: &mut BTreeMap<String, Vec<u8>>) {
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        man_pages(sub, pages);
    }
    let version = command.get_version().unwrap_or_default();
    let page = clap_mangen::Man::new(command.clone()).source(format!("fed {version}"));
    let mut text = Vec::new();
    page.render(&mut text)
        .expect("a man page renders in memory");
    pages.insert(format!("man/{}", page.get_filename()), text);
}

/// What `assets/` should hold, by path.
fn assets() -> BTreeMap<String, Vec<u8>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut assets = BTreeMap::new();
    man_pages(&command, &mut assets);
    for &shell in Shell::value_variants() {
        let script = crate::complete::registration(shell, "fed").expect("every shell has a script");
        assets.insert(script_path(shell), script);
    }
    assets
}

#[test]
fn the_release_assets_are_those_of_the_command_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let expected = assets();
    assert!(expected.contains_key("man/fed.1") && expected.contains_key("man/fed-url.1"));
    let mut rewritten = Vec::new();
    for (path, contents) in &expected {
        let file = root.join(path);
        if std::fs::read(&file).ok().as_ref() != Some(contents) {
            std::fs::create_dir_all(file.parent().expect("a directory")).expect("assets/");
            std::fs::write(&file, contents).expect("an asset is written");
            rewritten.push(path.clone());
        }
    }
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("assets/") {
            let name = entry.expect("assets/").file_name();
            let path = format!("{dir}/{}", name.to_string_lossy());
            if !expected.contains_key(&path) {
                std::fs::remove_file(root.join(&path)).expect("a stale asset is removed");
                rewritten.push(format!("{path} (removed)"));
            }
        }
    }
    assert!(
        rewritten.is_empty(),
        "crates/fed-cli/assets/ did not match the command line and was rewritten; commit: {}",
        rewritten.join(", ")
    );
}
