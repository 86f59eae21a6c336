//! The workspace's own programs, for tests that run them as processes against the stack: a
//! crate's `examples/` ([`example`]) and the binaries, built with the cargo profile of the
//! running test ([`Profile`]), so that `cargo test --release` runs release programs.
//!
//! ```no_run
//! # fn main() -> Result<(), fed_local::Error> {
//! let example = fed_local::programs::example("fed-signin", "console_url")?;
//! let output = std::process::Command::new(example)
//!     .env_clear()
//!     .env("FED_SIGNIN_ENDPOINT", "http://127.0.0.1:9/federation")
//!     .output();
//! # Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

use crate::Error;

/// The cargo profile the running test was built with, read from where its executable is:
/// `<target>/<profile dir>/deps/<test>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    dir: PathBuf,
    name: String,
}

impl Profile {
    /// The profile of the running test executable.
    pub fn of_running_test() -> Result<Profile, Error> {
        let exe = std::env::current_exe().map_err(|err| Error::Build {
            what: "the running test".to_owned(),
            reason: format!("its executable is unknown: {err}"),
        })?;
        Profile::of_test_executable(&exe)
    }

    /// The profile of the test executable `exe`, `<target>/<profile dir>/deps/<test>`.
    pub fn of_test_executable(exe: &Path) -> Result<Profile, Error> {
        let dir = exe
            .parent()
            .filter(|deps| deps.file_name().is_some_and(|name| name == "deps"))
            .and_then(Path::parent)
            .ok_or_else(|| Error::Build {
                what: exe.display().to_string(),
                reason: "it is not in a cargo profile's deps directory".to_owned(),
            })?;
        let dir_name = dir
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        // `dev` and `test` build into `debug`; every other profile into a directory of its name.
        let name = match dir_name {
            "debug" => "dev",
            other => other,
        };
        Ok(Profile {
            dir: dir.to_path_buf(),
            name: name.to_owned(),
        })
    }

    /// The profile's name, as `cargo build --profile` takes it: `dev`, `release`, …
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The profile's output directory, `<target>/debug` for `dev`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the binary `name` of this profile is.
    pub fn binary(&self, name: &str) -> PathBuf {
        self.dir
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }

    /// Where the example `name` of this profile is.
    pub fn example(&self, name: &str) -> PathBuf {
        self.dir
            .join("examples")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }

    /// Runs `cargo build --quiet --profile NAME --target-dir TARGET ARGS` (with the cargo that
    /// runs the test, `CARGO`, else `cargo` on PATH), so that what it builds lands next to the
    /// running test.
    pub fn build(&self, args: &[&str]) -> Result<(), Error> {
        let what = format!("`cargo build {}`", args.join(" "));
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let target = self.dir.parent().unwrap_or(&self.dir);
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--profile", &self.name, "--target-dir"])
            .arg(target)
            .args(args)
            .status()
            .map_err(|err| Error::Build {
                what: what.clone(),
                reason: format!("cargo cannot be run: {err}"),
            })?;
        if !status.success() {
            return Err(Error::Build {
                what,
                reason: format!("cargo exited with {status}"),
            });
        }
        Ok(())
    }
}

/// The example `name` of the workspace package `package`, built with the running test's
/// profile on its first use in this process (`cargo test` builds examples only when no test
/// target is named); its path.
pub fn example(package: &str, name: &str) -> Result<PathBuf, Error> {
    static BUILT: Mutex<BTreeSet<(String, String)>> = Mutex::new(BTreeSet::new());
    let profile = Profile::of_running_test()?;
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if !built.contains(&(package.to_owned(), name.to_owned())) {
        profile.build(&["-p", package, "--example", name])?;
        built.insert((package.to_owned(), name.to_owned()));
    }
    let path = profile.example(name);
    match path.is_file() {
        true => Ok(path),
        false => Err(Error::Build {
            what: format!("the example {name} of {package}"),
            reason: format!("{} is missing after the build", path.display()),
        }),
    }
}

#[cfg(test)]
mod tests;
