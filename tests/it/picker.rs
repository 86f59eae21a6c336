//! The profile picker of `fed url`, used as a person uses it: in a terminal (tmux), with the
//! real config files of [`World`], typing a filter and pressing Enter or Esc.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fed_local::Service;

use crate::support::{Fed, World, assert_failure, landed_as, session};

/// A tmux server of its own, running one command in a 150×40 terminal; killed on drop.
struct Terminal {
    socket: String,
    dir: PathBuf,
}

impl Terminal {
    /// Runs `fed url ARGS` in the terminal in `fed`'s environment (and `TERM`), stdout to a
    /// file, the exit code to another; stdin and stderr are the terminal.
    fn start(dir: &Path, fed: &Fed, args: &[&str]) -> Terminal {
        let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let args: Vec<&str> = ["url"].iter().chain(args).copied().collect();
        let line = format!(
            "exec {}",
            fed.clone().env("TERM", "screen").shell_line(&args)
        );
        let stdout = dir.join("stdout");
        let rc = dir.join("rc");
        let script = dir.join("run.sh");
        std::fs::write(
            &script,
            format!(
                "({line}) > {}\necho $? > {}\nsleep 600\n",
                quote(&stdout.to_string_lossy()),
                quote(&rc.to_string_lossy())
            ),
        )
        .expect("script");
        let terminal = Terminal {
            socket: format!("fed-picker-{}-{}", std::process::id(), rand_suffix()),
            dir: dir.to_owned(),
        };
        terminal.tmux(&[
            "new-session",
            "-d",
            "-x",
            "150",
            "-y",
            "40",
            "sh",
            &script.to_string_lossy(),
        ]);
        terminal
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What the terminal shows.
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Waits until the terminal shows `text`, and returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "the terminal never showed {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Presses a key by its tmux name (`Enter`, `Escape`).
    fn press(&self, key: &str) {
        self.tmux(&["send-keys", key]);
    }

    /// Waits for fed to exit; its status, stdout, and the screen as stderr.
    async fn finished(&self) -> Output {
        let rc = self.dir.join("rc");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !std::fs::read_to_string(&rc).is_ok_and(|s| s.ends_with('\n')) {
            assert!(
                Instant::now() < deadline,
                "fed did not exit:\n{}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let code: i32 = std::fs::read_to_string(&rc)
            .expect("rc")
            .trim()
            .parse()
            .expect("a number");
        Output {
            status: std::process::ExitStatus::from_raw(code << 8),
            stdout: std::fs::read(self.dir.join("stdout")).expect("stdout"),
            stderr: self.screen().into_bytes(),
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// The list shows each profile with its kind, account and role; typing filters it; Enter signs
/// in as the chosen profile (a chain of two roles), with the URL alone on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_filter_and_enter_signs_in_as_that_profile() {
    let world = World::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let terminal = Terminal::start(dir.path(), &world.fed(), &[]);
    // The list is drawn line by line; the last profile by name is `sso`.
    let list = terminal.wait_for("SSO ReadOnlyAccess in 123456789012");
    assert!(list.contains("Profile to sign in with"), "{list}");
    for line in [
        "admin       role admin in 123456789012",
        "sso         SSO ReadOnlyAccess in 123456789012",
        "proc        process",
        "keys        keys",
    ] {
        assert!(list.contains(line), "{line:?} is listed:\n{list}");
    }
    world.stack.log().clear();
    terminal.type_text("secon");
    terminal.wait_for("secon");
    terminal.press("Enter");
    let out = terminal.finished().await;
    assert_eq!(
        landed_as(&out).await,
        session("second", "alice-second"),
        "screen:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 2);
}

/// Shows the list for `fed url ARGS`, presses `key` on it, and checks that fed left: exit 130,
/// nothing on stdout, no AWS call.
async fn cancels_with(key: &str, args: &[&str]) {
    let world = World::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let terminal = Terminal::start(dir.path(), &world.fed(), args);
    terminal.wait_for("Profile to sign in with");
    world.stack.log().clear();
    terminal.press(key);
    let out = terminal.finished().await;
    assert_eq!(
        out.status.code(),
        Some(130),
        "{key}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "{key}: nothing on stdout");
    assert_eq!(world.count(Service::Sts, "AssumeRole"), 0);
    assert_eq!(world.count(Service::Sts, "GetCallerIdentity"), 0);
}

/// Esc leaves the list: exit 130, nothing on stdout, no AWS call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_cancels_with_130_and_nothing_on_stdout() {
    cancels_with("Escape", &["--service", "s3"]).await;
}

/// Ctrl-C leaves the list too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_with_130() {
    cancels_with("C-c", &[]).await;
}

/// A profile named on the command line, or credentials in the environment, mean no list,
/// even on a terminal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_list_when_the_user_already_chose() {
    let world = World::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let terminal = Terminal::start(dir.path(), &world.fed(), &["admin"]);
    let out = terminal.finished().await;
    assert_eq!(landed_as(&out).await, session("admin", "alice-admin"));

    let dir = tempfile::tempdir().expect("temp dir");
    let fed = world.fed().env("AWS_PROFILE", "long");
    let terminal = Terminal::start(dir.path(), &fed, &[]);
    let out = terminal.finished().await;
    assert_eq!(landed_as(&out).await, session("admin", "alice-long"));
}

/// Without a terminal fed never asks: with no default profile and no other credentials, it
/// says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_it_never_asks() {
    let world = World::new().await;
    let out = world.fed().run(&["url"]).await;
    assert_failure(&out, 1, "no AWS credentials found");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Profile to sign in with"), "{stderr}");
}
