//! `cargo xtask demo`, `sweep` and `local` end to end: the real xtask binary, against a local
//! stack started here (so what is left in moto afterwards can be checked), or its own `--local`
//! one. The demo's every ending is tested in-process (xtask's `demo/tests.rs`); here are the
//! parts only a real process has: its wiring to AWS, signals, stdin, and `sweep` after a
//! SIGKILL.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use fed_aws::{AssumeRoleRequest, Sts, StsClient};
use fed_core::RoleSessionName;
use fed_local::LocalStack;
use fed_local::fixtures::trusting;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use crate::support::{Fed, assert_failure, follow, start_stack};

/// How long any one xtask run may take before the test gives up on it.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// How the xtask is run: the real binary, with an environment that points only at `stack` (or
/// at nothing at all), never at the host's AWS configuration.
struct Xtask {
    fed: Fed,
}

impl Xtask {
    fn new(stack: Option<&LocalStack>) -> Xtask {
        let mut fed = Fed::program("xtask");
        // How moto is provisioned, when the machine needs it.
        for key in ["FED_MOTO_SERVER", "FED_MOTO_DIR", "FED_PYTHON"] {
            if let Some(value) = std::env::var_os(key) {
                fed = fed.env(key, value);
            }
        }
        if let Some(stack) = stack {
            fed = fed
                .stack(stack)
                .env("FED_SIGNIN_ENDPOINT", stack.federation_url().as_str());
        }
        Xtask { fed }
    }

    fn env(self, key: &str, value: impl Into<String>) -> Xtask {
        Xtask {
            fed: self.fed.env(key, value.into()),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        self.fed.command(args)
    }

    /// Runs to the end with stdin closed.
    async fn run(&self, args: &[&str]) -> Finished {
        self.spawn(args, Stdio::null()).finish().await
    }

    /// Starts it; the output is collected as it comes.
    fn spawn(&self, args: &[&str], stdin: Stdio) -> Running {
        let mut child = self
            .command(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("xtask starts");
        let out = Arc::new(Mutex::new(String::new()));
        let err = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            tokio::spawn(collect(
                child.stdout.take().expect("piped"),
                Arc::clone(&out),
            )),
            tokio::spawn(collect(
                child.stderr.take().expect("piped"),
                Arc::clone(&err),
            )),
        ];
        Running {
            child,
            out,
            err,
            readers,
        }
    }
}

async fn collect(mut pipe: impl AsyncRead + Unpin, into: Arc<Mutex<String>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf).await {
        if n == 0 {
            break;
        }
        into.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

struct Running {
    child: Child,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    fn stdout(&self) -> String {
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn stderr(&self) -> String {
        self.err
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until stdout contains `needle`.
    async fn wait_for(&mut self, needle: &str) {
        let start = Instant::now();
        while !self.stdout().contains(needle) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "xtask exited ({status}) before printing {needle:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            assert!(
                start.elapsed() < RUN_TIMEOUT,
                "xtask did not print {needle:?} in time\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until stderr contains `needle` `count` times.
    async fn wait_for_stderr(&mut self, needle: &str, count: usize) {
        let start = Instant::now();
        while self.stderr().matches(needle).count() < count {
            assert!(
                start.elapsed() < RUN_TIMEOUT,
                "xtask did not print {needle:?} {count} times in time\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends a signal by name (`INT`, `TERM`, `KILL`) with kill(1).
    async fn signal(&self, name: &str) {
        let pid = self.child.id().expect("the child is running");
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string())
            .status()
            .await
            .expect("kill runs");
        assert!(status.success(), "kill -{name} {pid} failed");
    }

    async fn finish(mut self) -> Finished {
        // Waiting would close stdin, which ends a wait at the prompt by itself; keep it open.
        let _stdin = self.child.stdin.take();
        let status = match tokio::time::timeout(RUN_TIMEOUT, self.child.wait()).await {
            Ok(status) => status.expect("xtask is waited for"),
            Err(_) => {
                let _ = self.child.kill().await;
                panic!(
                    "xtask did not finish in time\nstdout:\n{}\nstderr:\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
        };
        for reader in self.readers.drain(..) {
            let _ = reader.await;
        }
        Finished {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    /// What the run printed, as a process's output.
    fn output(&self) -> std::process::Output {
        std::process::Output {
            status: self.status,
            stdout: self.stdout.clone().into_bytes(),
            stderr: self.stderr.clone().into_bytes(),
        }
    }

    #[track_caller]
    fn assert_code(&self, code: i32) {
        assert_eq!(
            self.status.code(),
            Some(code),
            "unexpected exit ({})\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
    }

    /// The role name the demo chose, from its "Creating role …" line.
    #[track_caller]
    fn role_name(&self) -> String {
        role_name_in(&self.stdout)
    }

    /// The line between the two last rules of dashes: the sign-in URL.
    #[track_caller]
    fn url(&self) -> url::Url {
        url_in(&self.stdout)
    }
}

#[track_caller]
fn role_name_in(stdout: &str) -> String {
    let rest = stdout
        .split("Creating role ")
        .nth(1)
        .unwrap_or_else(|| panic!("no role was created:\n{stdout}"));
    rest.split(',').next().expect("a name").to_owned()
}

#[track_caller]
fn url_in(stdout: &str) -> url::Url {
    let lines: Vec<&str> = stdout.lines().collect();
    let rule = "-".repeat(88);
    let at = lines
        .iter()
        .position(|l| l.starts_with("Constructed a federated URL"))
        .unwrap_or_else(|| panic!("no URL was printed:\n{stdout}"));
    assert_eq!(lines[at + 1], rule, "{stdout}");
    assert_eq!(lines[at + 3], rule, "{stdout}");
    url::Url::parse(lines[at + 2]).expect("a URL between the rules")
}

async fn iam(stack: &LocalStack) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&stack.sdk_config().await)
}

/// The names of every role in moto.
async fn role_names(stack: &LocalStack) -> Vec<String> {
    let out = iam(stack)
        .await
        .list_roles()
        .send()
        .await
        .expect("ListRoles works");
    out.roles()
        .iter()
        .map(|r| r.role_name().to_owned())
        .collect()
}

/// The ARNs of every policy attached to anything in moto.
async fn attached_policies(stack: &LocalStack) -> Vec<String> {
    let out = iam(stack)
        .await
        .list_policies()
        .only_attached(true)
        .max_items(1000)
        .send()
        .await
        .expect("ListPolicies works");
    out.policies()
        .iter()
        .filter_map(|p| p.arn().map(str::to_owned))
        .collect()
}

#[track_caller]
fn assert_no_demo_role(roles: &[String], context: &str) {
    let left: Vec<&String> = roles
        .iter()
        .filter(|r| r.starts_with("fed-demo-"))
        .collect();
    assert!(left.is_empty(), "{context}: roles left behind: {left:?}");
}

/// The full demo with `--yes` succeeds, prints a URL that signs in to the console page as the new
/// role, and leaves neither the role nor any attached policy behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_with_yes_signs_in_as_the_new_role_and_leaves_nothing() {
    let stack = start_stack().await;
    let done = Xtask::new(Some(&stack)).run(&["demo", "--yes"]).await;
    done.assert_code(0);
    let role = done.role_name();
    for line in [
        "Welcome to the AWS Security Token Service federated URL demo.",
        "Account:    123456789012",
        &format!("IAM, STS:   {}", stack.endpoint_url()),
        &format!("Sign-in:    {}", stack.federation_url()),
        "Attached arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess.",
        &format!("Deleted {role}."),
        &format!("Confirmed that {role} is gone."),
        "Thanks for watching!",
    ] {
        assert!(
            done.stdout.contains(line),
            "{line:?} missing:\n{}",
            done.stdout
        );
    }
    let page = follow(&done.url()).await;
    assert!(
        page.contains(&format!(
            "<dd id=\"principal\">arn:aws:sts::123456789012:assumed-role/{role}/"
        )),
        "not signed in as {role}:\n{page}"
    );
    assert_no_demo_role(&role_names(&stack).await, "after the demo");
    assert_eq!(attached_policies(&stack).await, Vec::<String>::new());
    // Only the URL carries a secret; nothing else from the session shows.
    assert!(!done.stdout.contains("sessionKey") && !done.stderr.contains("SigninToken"));
    stack.shutdown().await;
}

/// A caller that is itself an assumed role: the role it creates trusts the caller's role (path
/// included, found with GetRole), and signing in is role chaining, so SessionDuration is left out
/// and the demo says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assumed_role_caller_makes_it_role_chaining() {
    let stack = start_stack().await;
    let caller_role = iam(&stack)
        .await
        .create_role()
        .role_name("caller")
        .path("/team/")
        .assume_role_policy_document(trusting("arn:aws:iam::123456789012:root").to_string())
        .send()
        .await
        .expect("CreateRole works");
    let caller_arn = caller_role.role().expect("a role").arn();
    let sts = StsClient::new(&stack.sdk_config().await);
    let session = sts
        .assume_role(&AssumeRoleRequest::new(
            caller_arn.parse().expect("a role ARN"),
            RoleSessionName::new("alice").expect("a session name"),
        ))
        .await
        .expect("AssumeRole works")
        .credentials;

    let done = Xtask::new(Some(&stack))
        .env("AWS_ACCESS_KEY_ID", session.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", session.secret_access_key())
        .env(
            "AWS_SESSION_TOKEN",
            session.session_token().expect("a session token"),
        )
        .run(&["demo", "--yes"])
        .await;
    done.assert_code(0);
    for line in [
        "Principal:  arn:aws:sts::123456789012:assumed-role/caller/alice",
        "which arn:aws:iam::123456789012:role/team/caller may assume",
        "Role chaining: the caller (arn:aws:sts::123456789012:assumed-role/caller/alice) signs with temporary credentials",
        "SessionDuration is left out of getSigninToken",
    ] {
        assert!(
            done.stdout.contains(line),
            "{line:?} missing:\n{}",
            done.stdout
        );
    }
    let signin: Vec<_> = stack
        .emulator()
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("getSigninToken"))
        .collect();
    assert_eq!(signin.len(), 1, "{signin:?}");
    assert_eq!(signin[0].status, 200, "{signin:?}");
    assert!(
        !signin[0].params.iter().any(|p| p == "SessionDuration"),
        "{signin:?}"
    );
    let page = follow(&done.url()).await;
    assert!(
        page.contains(&format!("assumed-role/{}/alice", done.role_name())),
        "{page}"
    );
    assert_eq!(role_names(&stack).await, vec!["caller".to_owned()]);
    stack.shutdown().await;
}

/// `--local` starts its own stack, and the URL it prints works while the demo waits for Enter;
/// Enter then tears down and the stack stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_local_runs_on_its_own_stack() {
    let xtask = Xtask::new(None).env("FED_DEMO_WAIT_WITHOUT_TTY", "1");
    let mut running = xtask.spawn(&["demo", "--local"], Stdio::piped());
    running.wait_for("press Enter").await;
    let stdout = running.stdout();
    let role = role_name_in(&stdout);
    assert!(
        stdout.contains("lands on the console emulator"),
        "no console page shown:\n{stdout}"
    );
    let page = follow(&url_in(&stdout)).await;
    assert!(page.contains(&format!("assumed-role/{role}/")), "{page}");
    let mut stdin = running.child.stdin.take().expect("piped stdin");
    stdin.write_all(b"\n").await.expect("Enter is sent");
    drop(stdin);
    let done = running.finish().await;
    done.assert_code(0);
    assert!(
        done.stdout.contains(&format!("Deleted {role}.")),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("Thanks for watching!"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("Stopping the local stack."),
        "{}",
        done.stdout
    );
}

/// The hidden fault switches reach the demo: a failure injected by flag exits 1, a panic
/// injected through the environment exits 101, and both leave no role behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_faults_leave_no_role() {
    let stack = start_stack().await;
    let failed = Xtask::new(Some(&stack))
        .run(&["demo", "--yes", "--fail-after", "url"])
        .await;
    failed.assert_code(1);
    assert!(
        failed
            .stderr
            .contains("error: injected failure after step url"),
        "{}",
        failed.stderr
    );
    let role = failed.role_name();
    assert!(
        failed.stdout.contains(&format!("Deleted {role}.")),
        "{}",
        failed.stdout
    );
    let panicked = Xtask::new(Some(&stack))
        .env("FED_DEMO_FAIL_AFTER", "propagation:panic")
        .run(&["demo", "--yes"])
        .await;
    panicked.assert_code(101);
    assert!(
        panicked.stderr.contains("the demo panicked: tearing down"),
        "{}",
        panicked.stderr
    );
    assert_no_demo_role(&role_names(&stack).await, "after the faults");
    assert_eq!(attached_policies(&stack).await, Vec::<String>::new());
    stack.shutdown().await;
}

/// Each stop signal (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT) while the demo waits for Enter tears the
/// role down, and the demo exits as a shell expects after that signal: 128 + its number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stop_signal_at_the_prompt_tears_down() {
    let stack = start_stack().await;
    for (signal, name, code) in [
        ("INT", "Ctrl-C (SIGINT)", 130),
        ("TERM", "SIGTERM", 143),
        ("HUP", "SIGHUP", 129),
        ("QUIT", "SIGQUIT", 131),
    ] {
        let xtask = Xtask::new(Some(&stack)).env("FED_DEMO_WAIT_WITHOUT_TTY", "1");
        let mut running = xtask.spawn(&["demo"], Stdio::piped());
        running.wait_for("press Enter").await;
        let role = role_name_in(&running.stdout());
        assert!(
            role_names(&stack).await.contains(&role),
            "{role} should exist while waiting"
        );
        running.signal(signal).await;
        let done = running.finish().await;
        done.assert_code(code);
        assert!(
            done.stderr
                .contains(&format!("{name} received: tearing down")),
            "{signal}: {}",
            done.stderr
        );
        assert!(
            done.stdout.contains(&format!("Deleted {role}.")),
            "{signal}: {}",
            done.stdout
        );
        assert_no_demo_role(&role_names(&stack).await, signal);
    }
    assert_eq!(attached_policies(&stack).await, Vec::<String>::new());
    stack.shutdown().await;
}

/// Ctrl-C during the teardown does not abandon it: each one warns, and the teardown completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_during_the_teardown_only_warns() {
    let stack = start_stack().await;
    let xtask = Xtask::new(Some(&stack))
        .env("FED_DEMO_WAIT_WITHOUT_TTY", "1")
        .env("FED_DEMO_TEARDOWN_PAUSE", "3s");
    let mut running = xtask.spawn(&["demo"], Stdio::piped());
    running.wait_for("press Enter").await;
    let role = role_name_in(&running.stdout());
    running.signal("INT").await;
    running
        .wait_for_stderr("tearing down before exiting", 1)
        .await;
    let warning = "warning: Ctrl-C (SIGINT) received during teardown; still removing role";
    // One at a time, so that the two signals cannot be delivered as one.
    for count in 1..=2 {
        running.signal("INT").await;
        running.wait_for_stderr(warning, count).await;
    }
    let done = running.finish().await;
    done.assert_code(130);
    assert_eq!(done.stderr.matches(warning).count(), 2, "{}", done.stderr);
    assert!(
        done.stdout.contains(&format!("Deleted {role}.")),
        "{}",
        done.stdout
    );
    assert_no_demo_role(&role_names(&stack).await, "after three SIGINTs");
    stack.shutdown().await;
}

/// Without credentials, or without a region, the demo stops before creating anything (nothing
/// on stdout) and says what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_nothing_is_created() {
    let done = Xtask::new(None)
        .env("AWS_REGION", "us-east-1")
        .run(&["demo", "--yes"])
        .await;
    assert_failure(&done.output(), 1, "no AWS credentials found")
        .error_says("cargo xtask demo --local");

    let done = Xtask::new(None)
        .env("AWS_ACCESS_KEY_ID", "AKIAFEDDEMOTESTKEY01")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
        .run(&["demo", "--yes"])
        .await;
    assert_failure(&done.output(), 1, "no AWS region is configured");
}

/// A federation endpoint that cannot be used (plain http to a remote host) stops the demo before
/// it creates anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_signin_endpoint_stops_before_anything_is_created() {
    let stack = start_stack().await;
    let done = Xtask::new(Some(&stack))
        .env("FED_SIGNIN_ENDPOINT", "http://example.com/federation")
        .run(&["demo", "--yes"])
        .await;
    // A usage error: the endpoint is checked while the flags are parsed.
    done.assert_code(2);
    assert!(
        done.stderr.contains("--signin-endpoint") && done.stderr.contains("loopback"),
        "{}",
        done.stderr
    );
    assert!(!done.stdout.contains("Creating role"), "{}", done.stdout);
    assert_no_demo_role(&role_names(&stack).await, "after a bad endpoint");
    stack.shutdown().await;
}

/// The teardown removes a role's inline policy and every managed policy, not just the one the
/// demo attached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teardown_removes_inline_and_managed_policies() {
    let stack = start_stack().await;
    let iam = iam(&stack).await;
    let name = "fed-demo-20260101T000000-abcdef";
    create_role(&iam, name, Some("20260101T000000-abcdef")).await;
    let policies = [
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ];
    for policy in policies {
        iam.attach_role_policy()
            .role_name(name)
            .policy_arn(policy)
            .send()
            .await
            .expect("attached");
    }
    iam.put_role_policy()
        .role_name(name)
        .policy_name("inline-extra")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#,
        )
        .send()
        .await
        .expect("PutRolePolicy works");
    assert_eq!(attached_policies(&stack).await.len(), 2);

    let done = Xtask::new(Some(&stack))
        .run(&["sweep", "--yes", "--role", name])
        .await;
    done.assert_code(0);
    for line in [
        format!("Detached {}.", policies[0]),
        format!("Detached {}.", policies[1]),
        "Deleted inline policy inline-extra.".to_owned(),
        format!("Deleted {name}."),
    ] {
        assert!(
            done.stdout.contains(&line),
            "{line:?} missing:\n{}",
            done.stdout
        );
    }
    assert_no_demo_role(&role_names(&stack).await, "after the sweep");
    assert_eq!(attached_policies(&stack).await, Vec::<String>::new());
    stack.shutdown().await;
}

/// Creates a role trusting the account, tagged as a demo role when `run_id` is set.
async fn create_role(iam: &aws_sdk_iam::Client, name: &str, run_id: Option<&str>) {
    let tags = run_id.map(|run_id| {
        aws_sdk_iam::types::Tag::builder()
            .key("fed:demo")
            .value(run_id)
            .build()
            .expect("a tag")
    });
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(trusting("arn:aws:iam::123456789012:root").to_string())
        .set_tags(tags.map(|tag| vec![tag]))
        .send()
        .await
        .expect("CreateRole works");
}

/// `sweep` finds what a SIGKILLed demo left behind and removes only that: young roles survive
/// `--older-than`, untagged roles survive everything, and nothing is deleted without `--yes`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_removes_the_leftovers_of_a_killed_demo_and_nothing_else() {
    let stack = start_stack().await;
    let iam = iam(&stack).await;
    create_role(&iam, "not-a-demo-role", None).await;

    let xtask = Xtask::new(Some(&stack)).env("FED_DEMO_WAIT_WITHOUT_TTY", "1");
    let mut running = xtask.spawn(&["demo"], Stdio::piped());
    running.wait_for("press Enter").await;
    let role = role_name_in(&running.stdout());
    running.signal("KILL").await;
    let killed = running.finish().await;
    assert_eq!(killed.status.code(), None, "killed by a signal");
    assert!(
        role_names(&stack).await.contains(&role),
        "SIGKILL leaves {role}"
    );

    let listed = Xtask::new(Some(&stack)).run(&["sweep"]).await;
    listed.assert_code(0);
    assert!(listed.stdout.contains(&role), "{}", listed.stdout);
    assert!(
        !listed.stdout.contains("not-a-demo-role"),
        "{}",
        listed.stdout
    );
    assert!(
        listed.stdout.contains("Run again with --yes"),
        "{}",
        listed.stdout
    );
    assert!(
        role_names(&stack).await.contains(&role),
        "listing deletes nothing"
    );

    let young = Xtask::new(Some(&stack))
        .run(&["sweep", "--older-than", "1d", "--yes"])
        .await;
    young.assert_code(0);
    assert!(
        young.stdout.contains("No demo roles found"),
        "{}",
        young.stdout
    );
    assert!(
        role_names(&stack).await.contains(&role),
        "{role} is younger than a day"
    );

    let swept = Xtask::new(Some(&stack)).run(&["sweep", "--yes"]).await;
    swept.assert_code(0);
    assert!(
        swept.stdout.contains(&format!("Deleted {role}.")),
        "{}",
        swept.stdout
    );
    let roles = role_names(&stack).await;
    assert_no_demo_role(&roles, "after the sweep");
    assert!(roles.contains(&"not-a-demo-role".to_owned()), "{roles:?}");
    assert_eq!(attached_policies(&stack).await, Vec::<String>::new());
    stack.shutdown().await;
}

/// The `export` lines `cargo xtask local` printed, in order.
fn exports_of(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// `cargo xtask local` prints the environment of a working stack and stops on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_prints_the_environment_of_a_running_stack() {
    let xtask = Xtask::new(None);
    let mut running = xtask.spawn(&["local"], Stdio::null());
    running.wait_for("Press Ctrl-C").await;
    let exports = exports_of(&running.stdout());
    let keys: Vec<&str> = exports.iter().map(|(k, _)| k.as_str()).collect();
    const KEYS: [&str; 7] = [
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL_SSO",
        "FED_SIGNIN_ENDPOINT",
    ];
    assert_eq!(keys, KEYS);
    let mut demo = Xtask::new(None);
    for (key, (_, value)) in KEYS.into_iter().zip(&exports) {
        demo = demo.env(key, value.clone());
    }
    let done = demo.run(&["demo", "--yes"]).await;
    done.assert_code(0);
    follow(&done.url()).await;
    running.signal("TERM").await;
    running.finish().await.assert_code(0);
}

/// `cargo xtask local --tls --sso-login --request-log FILE` serves https with its own
/// authority (the demo trusts it through SSL_CERT_FILE), signs in to the portal by writing the
/// token cache, and logs every request to FILE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_over_tls_with_sso_login_and_a_request_log() {
    let xtask = Xtask::new(None);
    let log = xtask.fed.home().path().join("requests.jsonl");
    let mut running = xtask.spawn(
        &[
            "local",
            "--tls",
            "--sso-login",
            "--latency-ms",
            "5",
            "--request-log",
            log.to_str().expect("a UTF-8 path"),
        ],
        Stdio::null(),
    );
    running.wait_for("Press Ctrl-C").await;
    let stdout = running.stdout();
    let exports = exports_of(&stdout);
    let value = |key: &str| {
        exports
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{key} is exported:\n{stdout}"))
    };
    assert!(value("AWS_ENDPOINT_URL").starts_with("https://127.0.0.1:"));
    assert!(value("FED_SIGNIN_ENDPOINT").starts_with("https://127.0.0.1:"));
    assert!(value("AWS_ENDPOINT_URL_SSO").starts_with("https://127.0.0.1:"));
    assert_eq!(value("AWS_CA_BUNDLE"), value("SSL_CERT_FILE"));
    let pem = std::fs::read_to_string(value("AWS_CA_BUNDLE")).expect("the CA bundle exists");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let cache = xtask.fed.home().path().join(".aws/sso/cache");
    let cached: Vec<_> = std::fs::read_dir(&cache)
        .expect("the SSO token cache exists")
        .collect();
    assert_eq!(cached.len(), 1, "one token in {}", cache.display());
    assert!(stdout.contains("[sso-session fed-local]"), "{stdout}");

    // The demo needs only these; SSL_CERT_FILE makes it trust the stack's authority.
    let mut demo = Xtask::new(None);
    for key in [
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "FED_SIGNIN_ENDPOINT",
        "SSL_CERT_FILE",
    ] {
        demo = demo.env(key, value(key));
    }
    let done = demo.run(&["demo", "--yes"]).await;
    done.assert_code(0);
    running.signal("TERM").await;
    running.finish().await.assert_code(0);
    let lines = std::fs::read_to_string(&log).expect("the request log");
    let assume_roles = lines
        .lines()
        .filter(|l| l.contains("\"service\":\"sts\"") && l.contains("\"action\":\"AssumeRole\""))
        .count();
    assert!(
        assume_roles >= 1,
        "the demo's AssumeRole is logged:\n{lines}"
    );
    assert!(
        !lines.contains(&value("AWS_SECRET_ACCESS_KEY")),
        "the log holds no secret"
    );
}
