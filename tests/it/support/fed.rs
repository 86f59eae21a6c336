//! How every test runs `fed` (and `xtask`, `fed-broker`): the real binary in an environment of
//! its own, so that the host's AWS setup is never used. The environment holds `PATH`, a
//! [`Home`] whose AWS config and credentials files are named by `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE`, `AWS_EC2_METADATA_DISABLED`, and what the test adds: the local
//! stack's endpoints, credentials, flags' variables.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use fed_local::LocalStack;

use super::{Home, binary};

/// A workspace binary and the environment it runs in; each run is a new process.
#[derive(Clone)]
pub(crate) struct Fed {
    program: &'static str,
    home: Home,
    vars: Vec<(String, OsString)>,
}

impl Fed {
    /// `fed` in the isolated environment, with a new, empty HOME.
    pub(crate) fn new() -> Fed {
        Fed::program("fed")
    }

    /// The workspace binary `name` (`xtask`, `fed-broker`) in the isolated environment.
    pub(crate) fn program(name: &'static str) -> Fed {
        let fed = Fed {
            program: name,
            home: Home::new(),
            vars: Vec::new(),
        };
        let home = fed.home.clone();
        fed.env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .in_home(&home)
    }

    /// `fed` pointed at `stack` ([`Fed::stack`]) with its region and the long-term keys of its
    /// IAM user.
    pub(crate) fn on(stack: &LocalStack) -> Fed {
        Fed::new().stack(stack)
    }

    /// With `home` as HOME, its `config` and `credentials` as the AWS files.
    pub(crate) fn in_home(mut self, home: &Home) -> Fed {
        self.home = home.clone();
        self.env("HOME", home.path())
            .env("AWS_CONFIG_FILE", home.config())
            .env("AWS_SHARED_CREDENTIALS_FILE", home.credentials())
    }

    /// With every endpoint of `stack`: the gate for AWS (`AWS_ENDPOINT_URL`), its IAM Identity
    /// Center portal (`AWS_ENDPOINT_URL_SSO`) and its federation emulator
    /// (`FED_SIGNIN_ENDPOINT`, the base URL).
    pub(crate) fn endpoints(self, stack: &LocalStack) -> Fed {
        self.env("AWS_ENDPOINT_URL", stack.endpoint_url())
            .env("AWS_ENDPOINT_URL_SSO", stack.sso_endpoint_url())
            .env("FED_SIGNIN_ENDPOINT", stack.signin_base_url().as_str())
    }

    /// With `stack`'s endpoints, its region and the long-term keys of its IAM user.
    pub(crate) fn stack(self, stack: &LocalStack) -> Fed {
        let keys = stack.credentials();
        self.endpoints(stack)
            .env("AWS_REGION", stack.region())
            .keys(keys.access_key_id(), keys.secret_access_key(), None)
    }

    /// With these credentials in the environment; without a session token, none.
    pub(crate) fn keys(self, id: &str, secret: &str, session_token: Option<&str>) -> Fed {
        let fed = self
            .env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret);
        match session_token {
            Some(token) => fed.env("AWS_SESSION_TOKEN", token),
            None => fed.without("AWS_SESSION_TOKEN"),
        }
    }

    /// With the variable `name` set to `value`, replacing what was set.
    pub(crate) fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Fed {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_owned(), value.as_ref().to_owned()));
        self
    }

    /// With each of `vars` set.
    pub(crate) fn envs(self, vars: &[(&str, &str)]) -> Fed {
        vars.iter()
            .fold(self, |fed, (name, value)| fed.env(name, value))
    }

    /// Without the variable `name`.
    pub(crate) fn without(mut self, name: &str) -> Fed {
        self.vars.retain(|(n, _)| n != name);
        self
    }

    /// The HOME the runs share.
    pub(crate) fn home(&self) -> &Home {
        &self.home
    }

    /// The binary.
    pub(crate) fn path(&self) -> PathBuf {
        binary(self.program)
    }

    /// A command for `program` (bash, `script`, tmux, Python) in this environment, and nothing
    /// else of the test's.
    pub(crate) fn wrapper(&self, program: impl AsRef<OsStr>) -> std::process::Command {
        let mut command = std::process::Command::new(program);
        command
            .env_clear()
            .envs(self.vars.iter().map(|(n, v)| (n, v)))
            .stdin(Stdio::null());
        command
    }

    /// The binary with `args`, stdin closed.
    pub(crate) fn std_command(&self, args: &[&str]) -> std::process::Command {
        let mut command = self.wrapper(self.path());
        command.args(args);
        command
    }

    /// [`Fed::std_command`] for tokio, killed when dropped.
    pub(crate) fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::from(self.std_command(args));
        command.kill_on_drop(true);
        command
    }

    /// Runs the binary with `args` to its end.
    pub(crate) async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.expect("the binary runs")
    }

    /// [`Fed::run`], for tests without a runtime.
    pub(crate) fn run_blocking(&self, args: &[&str]) -> Output {
        self.std_command(args).output().expect("the binary runs")
    }

    /// The binary with `args` on a pseudo-terminal of `script`, which passes what is written to
    /// its stdin as keystrokes and what the terminal shows to its stdout; fed's own stdout goes
    /// to `stdout` when given.
    pub(crate) fn in_terminal(
        &self,
        args: &[&str],
        stdout: Option<&Path>,
    ) -> tokio::process::Command {
        let mut line = self.line(args);
        if let Some(file) = stdout {
            line += &format!(" > {}", quote(&file.to_string_lossy()));
        }
        let mut command = tokio::process::Command::from(self.wrapper("script"));
        command
            .args(["-qfec", &line, "/dev/null"])
            .kill_on_drop(true);
        command
    }

    /// A shell command line that runs the binary with `args` in this environment alone
    /// (`env -i …`), for a terminal that starts it.
    pub(crate) fn shell_line(&self, args: &[&str]) -> String {
        let mut line = String::from("env -i");
        for (name, value) in &self.vars {
            line += &format!(" {name}={}", quote(&value.to_string_lossy()));
        }
        line + " " + &self.line(args)
    }

    /// The binary and `args`, quoted for a shell.
    fn line(&self, args: &[&str]) -> String {
        let mut line = quote(&self.path().to_string_lossy());
        for arg in args {
            line += " ";
            line += &quote(arg);
        }
        line
    }
}

/// `text` in single quotes, for a shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
