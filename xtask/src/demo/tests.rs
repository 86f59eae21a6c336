//! The scenario in-process, against fakes of STS, IAM and the federation endpoint, in paused
//! time: what it shows, and that it tears down after every ending (each step failing or
//! panicking, each signal at each wait, a hung IAM). Also its pure parts: fault names, run ids,
//! timestamps and trusted principals.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use fed_aws::fake::{Behaviour, FakeIam, FakeSts, service_error, temporary_credentials};
use fed_core::Partition;

use super::event::{Expose, Recorder};
use super::fault::{Fault, parse_fault};
use super::federation::SignedIn;
use super::tags::parse_rfc3339;
use super::terminal::RULE;
use super::*;

/// The URL the fake federation endpoint hands out.
const URL: &str = "https://signin.aws.amazon.com/federation?Action=login&Issuer=fed&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=fake-signin-token";

struct FakeUrl;

impl Expose for FakeUrl {
    fn expose(&self) -> &str {
        URL
    }
}

/// A federation endpoint that signs everyone in at once.
struct FakeFederation;

impl Federation for FakeFederation {
    fn endpoint(&self, partition: Partition) -> anyhow::Result<Url> {
        Ok(partition.federation_endpoint(None))
    }

    fn sign_in<'a>(
        &'a self,
        _: &'a AssumedRole,
        request: &'a fed_flow::SignIn,
        _: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<SignedIn>> {
        let seconds = request.duration.map(|d| d.seconds());
        Box::pin(async move {
            Ok(SignedIn {
                link: Link::new(FakeUrl),
                session_seconds: seconds,
                notes: Vec::new(),
            })
        })
    }
}

/// One run of the scenario against fakes.
struct Run {
    sts: Arc<FakeSts>,
    iam: Arc<FakeIam>,
    faults: Faults,
    region: Option<&'static str>,
    propagation_timeout: Duration,
}

/// How a run ended.
struct Finished {
    exit: Exit,
    transcript: String,
    iam: Arc<FakeIam>,
    took: Duration,
}

impl Run {
    /// The IAM user `alice` with long-term keys, in an empty account.
    fn new() -> Run {
        Run {
            sts: Arc::new(FakeSts::long_term_user()),
            iam: Arc::new(FakeIam::default()),
            faults: Faults::default(),
            region: Some("eu-west-1"),
            propagation_timeout: Duration::from_secs(120),
        }
    }

    fn fail_after(mut self, step: Step, panic: bool) -> Run {
        self.faults.fail_after = Some(Fault { step, panic });
        self
    }

    /// AssumeRole is denied `times` times before it works, as while IAM propagates.
    fn denied(self, times: usize) -> Run {
        for _ in 0..times {
            self.sts.push_assume_role(Err(service_error(
                "sts:AssumeRole",
                "AccessDenied",
                "not authorized to perform sts:AssumeRole",
            )));
        }
        self
    }

    async fn run(self, enter: Enter, stop: impl Future<Output = Stop>) -> Finished {
        let recorder = Recorder::default();
        let demo = Demo {
            sts: self.sts.clone(),
            iam: self.iam.clone(),
            federation: Arc::new(FakeFederation),
            settings: Settings {
                region: self.region.map(str::to_owned),
                aws_endpoint: None,
                console_page: None,
                policy_arns: Vec::new(),
                propagation_timeout: self.propagation_timeout,
                duration: Duration::from_secs(12 * 3600),
                issuer: Issuer::new("fed").expect("a valid issuer"),
                sweep: SweepCommand::default(),
            },
            tracker: Arc::default(),
            events: recorder.events(),
            faults: self.faults,
        };
        let started = tokio::time::Instant::now();
        let exit = usage_demo(Arc::new(demo), enter, stop).await;
        Finished {
            exit,
            transcript: recorder.transcript(),
            iam: self.iam,
            took: started.elapsed(),
        }
    }

    /// Runs without waiting for Enter and without a signal.
    async fn yes(self) -> Finished {
        self.run(Enter::Skip, std::future::pending()).await
    }
}

impl Finished {
    /// The role the demo created, from its "Creating role" line.
    #[track_caller]
    fn role(&self) -> &str {
        let rest = self
            .transcript
            .split("Creating role ")
            .nth(1)
            .unwrap_or_else(|| panic!("no role was created:\n{}", self.transcript));
        rest.split(',').next().expect("a name")
    }

    /// The transcript with the role's random name replaced by `fed-demo-RUN`.
    fn normalized(&self) -> String {
        self.transcript.replace(self.role(), "fed-demo-RUN")
    }

    #[track_caller]
    fn assert_torn_down(&self, context: &str) {
        assert_eq!(self.iam.role_names(), Vec::<String>::new(), "{context}");
        let deleted = format!("Deleted {}.", self.role());
        assert!(
            self.transcript.contains(&deleted),
            "{context}: no {deleted:?} in\n{}",
            self.transcript
        );
    }
}

/// A signal after `after`.
async fn signal(stop: Stop, after: Duration) -> Stop {
    tokio::time::sleep(after).await;
    stop
}

/// The whole scenario, as the terminal shows it: the seed's lines, in the seed's order.
#[tokio::test(start_paused = true)]
async fn the_scenario_shows_what_the_seed_shows() {
    let done = Run::new().yes().await;
    assert_eq!(done.exit, Exit::Success, "{}", done.transcript);
    let arn = "arn:aws:iam::123456789012:role/fed-demo-RUN";
    assert_eq!(
        done.normalized(),
        format!(
            "{RULE}
Welcome to the AWS Security Token Service federated URL demo.
{RULE}
This demo will:
  1. create an IAM role that you may assume, with AmazonS3ReadOnlyAccess attached;
  2. wait until IAM has propagated it, by polling AssumeRole;
  3. assume it and exchange its temporary credentials for a console sign-in URL;
  4. delete the role and everything attached to it.
Account:    123456789012
Principal:  arn:aws:iam::123456789012:user/alice
IAM, STS:   AWS, region eu-west-1
Sign-in:    https://signin.aws.amazon.com/federation
Creating role fed-demo-RUN, which arn:aws:iam::123456789012:user/alice may assume…
Created role {arn}.
Attached arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess.
Waiting for IAM to propagate the new role (polling AssumeRole, for up to 120s)…
Assumed role {arn} after 0.0s (1 AssumeRole attempt).
Got a sign-in token from the federation endpoint (console session: 43200s).
Constructed a federated URL that can be used to connect to the AWS Management Console with role-defined permissions:
{RULE}
{URL}
{RULE}
Tearing down role fed-demo-RUN…
Detached arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess.
Deleted fed-demo-RUN.
Confirmed that fed-demo-RUN is gone.
Thanks for watching!
"
        )
    );
    assert!(done.iam.role_names().is_empty());
}

/// The role is this run's: tagged with the run id and its creation time, trusting the caller,
/// allowing the session length asked for; it is assumed for 12 hours, in a session named after
/// the caller.
#[tokio::test(start_paused = true)]
async fn the_role_is_tagged_trusts_the_caller_and_is_assumed_for_the_session_length() {
    let run = Run::new();
    let (sts, iam) = (Arc::clone(&run.sts), Arc::clone(&run.iam));
    // The role is looked at while the demo waits for Enter.
    let (enter, entered) = tokio::sync::oneshot::channel::<()>();
    let demo = tokio::spawn(run.run(
        Enter::Wait(Box::pin(async move {
            let _ = entered.await;
            Ok(())
        })),
        std::future::pending(),
    ));
    while iam.role_names().is_empty() || sts.assume_role_requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let name = iam.role_names().remove(0);
    let role = iam.role(&name).expect("the role");
    let run_id = name.strip_prefix(ROLE_PREFIX).expect("a demo name");
    assert_eq!(role.role.tags[0], Tag::new(DEMO_TAG, run_id));
    assert_eq!(role.role.tags[1].key, CREATED_AT_TAG);
    assert!(parse_rfc3339(&role.role.tags[1].value).is_some());
    assert_eq!(
        role.trusted_principal.to_string(),
        "arn:aws:iam::123456789012:user/alice"
    );
    let request = sts.assume_role_requests().remove(0);
    assert_eq!(request.role_arn, role.role.arn);
    assert_eq!(request.session_name.as_str(), "alice");
    assert_eq!(request.duration.map(|d| d.seconds()), Some(43200));
    enter.send(()).expect("the demo waits");
    let done = demo.await.expect("the demo ends");
    assert_eq!(done.exit, Exit::Success, "{}", done.transcript);
    assert!(
        done.transcript
            .contains("press Enter to clean up and complete this demo.\n\n"),
        "{}",
        done.transcript
    );
}

/// A failure injected after any step, as an error or as a panic, exits non-zero and leaves no
/// role behind.
#[tokio::test(start_paused = true)]
async fn a_failure_after_any_step_leaves_no_role() {
    for step in Step::ALL {
        for panic in [false, true] {
            let context = format!("{}{}", step.name(), if panic { ":panic" } else { "" });
            let done = Run::new().fail_after(step, panic).yes().await;
            let created = step != Step::Banner;
            let (exit, said) = match (panic, created) {
                (false, _) => (
                    Exit::Failure,
                    format!("! error: injected failure after step {}", step.name()),
                ),
                (true, true) => (
                    Exit::Panicked,
                    "! the demo panicked: tearing down before exiting".to_owned(),
                ),
                (true, false) => (
                    Exit::Panicked,
                    "! the demo panicked; nothing was created".to_owned(),
                ),
            };
            assert_eq!(done.exit, exit, "{context}: {}", done.transcript);
            assert!(
                done.transcript.contains(&said),
                "{context}: {}",
                done.transcript
            );
            if created {
                done.assert_torn_down(&context);
            } else {
                assert_eq!(done.iam.calls("iam:CreateRole"), 0, "{context}");
            }
            assert!(
                !done.transcript.contains("Thanks for watching!"),
                "{context}"
            );
        }
    }
}

/// Every signal, during the propagation wait, tears the role down and exits as a shell expects
/// after that signal; no URL is made.
#[tokio::test(start_paused = true)]
async fn a_signal_during_the_propagation_wait_tears_down() {
    for (stop, code) in [
        (Stop::Interrupt, 130),
        (Stop::Terminate, 143),
        (Stop::Hangup, 129),
        (Stop::Quit, 131),
    ] {
        let done = Run::new()
            .denied(1000)
            .run(Enter::Skip, signal(stop, Duration::from_secs(30)))
            .await;
        assert_eq!(
            std::process::ExitCode::from(done.exit),
            std::process::ExitCode::from(code)
        );
        assert_eq!(done.exit, stop.exit());
        assert!(
            done.transcript.contains(&format!(
                "! {} received: tearing down before exiting",
                stop.name()
            )),
            "{}",
            done.transcript
        );
        done.assert_torn_down(stop.name());
        assert!(!done.transcript.contains("Constructed a federated URL"));
    }
}

/// A signal while the demo waits for Enter tears down; Enter never comes.
#[tokio::test(start_paused = true)]
async fn a_signal_at_the_prompt_tears_down() {
    let done = Run::new()
        .run(
            Enter::Wait(Box::pin(std::future::pending())),
            signal(Stop::Interrupt, Duration::from_secs(600)),
        )
        .await;
    assert_eq!(done.exit, Exit::Interrupted);
    assert!(
        done.transcript.contains("press Enter"),
        "{}",
        done.transcript
    );
    done.assert_torn_down("at the prompt");
}

/// A signal while CreateRole is on its way: the teardown waits for its answer, then removes the
/// role it made.
#[tokio::test(start_paused = true)]
async fn a_signal_during_create_role_waits_for_it_and_tears_down() {
    let run = Run::new();
    run.iam
        .on("iam:CreateRole", Behaviour::Delay(Duration::from_secs(10)));
    let done = run
        .run(Enter::Skip, signal(Stop::Terminate, Duration::from_secs(1)))
        .await;
    assert_eq!(done.exit, Exit::Terminated);
    assert!(
        done.transcript
            .contains("Waiting for a pending IAM request to finish before tearing down…"),
        "{}",
        done.transcript
    );
    assert!(
        !done.transcript.contains("Created role"),
        "{}",
        done.transcript
    );
    done.assert_torn_down("during CreateRole");
}

/// A signal before anything was created stops the demo without a teardown.
#[tokio::test(start_paused = true)]
async fn a_signal_before_anything_is_created_just_stops() {
    let done = Run::new().run(Enter::Skip, async { Stop::Hangup }).await;
    assert_eq!(done.exit, Exit::HungUp);
    assert_eq!(done.transcript, "! SIGHUP received; nothing was created\n");
    assert_eq!(done.iam.calls("iam:CreateRole"), 0);
}

/// The demo waits for IAM: denied AssumeRole calls are retried with backoff until one works.
#[tokio::test(start_paused = true)]
async fn the_demo_waits_for_iam_to_propagate() {
    let done = Run::new().denied(3).yes().await;
    assert_eq!(done.exit, Exit::Success, "{}", done.transcript);
    let assumed = done
        .transcript
        .lines()
        .find(|l| l.starts_with("Assumed role"))
        .expect("an Assumed line");
    assert!(assumed.ends_with("(4 AssumeRole attempts)."), "{assumed}");
    assert!(
        !assumed.contains("after 0.0s"),
        "the waits took time: {assumed}"
    );
}

/// When IAM does not propagate in time, the demo says so, names the role, and tears down.
#[tokio::test(start_paused = true)]
async fn a_propagation_timeout_is_a_clear_error() {
    let mut run = Run::new().denied(1000);
    run.propagation_timeout = Duration::from_secs(2);
    let done = run.yes().await;
    assert_eq!(done.exit, Exit::Failure);
    let expected = format!(
        "! error: assuming role arn:aws:iam::123456789012:role/{} was still denied after",
        done.role()
    );
    assert!(done.transcript.contains(&expected), "{}", done.transcript);
    done.assert_torn_down("after the timeout");
}

/// Without a region nothing is created, and the demo says what to do.
#[tokio::test(start_paused = true)]
async fn without_a_region_nothing_is_created() {
    let mut run = Run::new();
    run.region = None;
    let done = run.yes().await;
    assert_eq!(done.exit, Exit::Failure);
    assert!(
        done.transcript
            .starts_with("! error: no AWS region is configured: pass --region"),
        "{}",
        done.transcript
    );
    assert_eq!(done.iam.calls("iam:CreateRole"), 0);
}

/// A caller that is itself an assumed role: the new role trusts the caller's role (with its
/// path, found with GetRole), and signing in is role chaining, which the demo explains.
#[tokio::test(start_paused = true)]
async fn an_assumed_role_caller_makes_it_role_chaining() {
    let mut run = Run::new();
    run.sts = Arc::new(FakeSts::new(
        temporary_credentials(),
        "arn:aws:sts::123456789012:assumed-role/caller/alice"
            .parse()
            .expect("an ARN"),
    ));
    let mut caller = CreateRole::new(
        RoleName::new("caller").expect("a name"),
        "arn:aws:iam::123456789012:root".parse().expect("an ARN"),
    );
    caller.path = Some("/team/".to_owned());
    run.iam.create_role(&caller).await.expect("created");
    let done = run.yes().await;
    assert_eq!(done.exit, Exit::Success, "{}", done.transcript);
    for line in [
        "Principal:  arn:aws:sts::123456789012:assumed-role/caller/alice",
        "which arn:aws:iam::123456789012:role/team/caller may assume",
        "Role chaining: the caller (arn:aws:sts::123456789012:assumed-role/caller/alice) signs with temporary credentials",
    ] {
        assert!(
            done.transcript.contains(line),
            "{line:?} missing:\n{}",
            done.transcript
        );
    }
    assert_eq!(done.iam.role_names(), ["caller"]);
}

/// IAM stops answering after the URL is shown: the teardown gives up within two minutes, says
/// what remains and how to remove it, and the demo exits non-zero.
#[tokio::test(start_paused = true)]
async fn a_teardown_against_a_hung_iam_is_bounded() {
    let run = Run::new();
    run.iam.on("iam:DetachRolePolicy", Behaviour::Hang);
    let done = run.yes().await;
    assert_eq!(done.exit, Exit::Failure, "{}", done.transcript);
    assert!(done.took <= crate::teardown::BUDGET, "took {:?}", done.took);
    let role = done.role().to_owned();
    for line in [
        format!("! error: the teardown of role {role} is incomplete (IAM did not answer in time)"),
        format!(
            "  - managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, still attached to {role}"
        ),
        format!("  - role {role} itself"),
        format!("  cargo xtask sweep --role {role} --yes"),
    ] {
        assert!(
            done.transcript.contains(&line),
            "{line:?} missing:\n{}",
            done.transcript
        );
    }
    assert!(!done.transcript.contains("Thanks for watching!"));
}

#[track_caller]
fn check_fault(input: &str, expect: Option<(Step, bool)>) {
    let got = parse_fault(input).ok().map(|f| (f.step, f.panic));
    assert_eq!(got, expect, "{input}");
}

#[test]
fn faults() {
    for step in Step::ALL {
        check_fault(step.name(), Some((step, false)));
        check_fault(&format!("{}:panic", step.name()), Some((step, true)));
    }
    check_fault("teardown", None);
    check_fault("", None);
}

#[track_caller]
fn check_time(secs: u64, expect: &str) {
    let at = UNIX_EPOCH + Duration::from_secs(secs);
    assert_eq!(rfc3339(at), expect);
    assert_eq!(parse_rfc3339(expect), Some(at), "{expect}");
}

#[test]
fn timestamps() {
    check_time(0, "1970-01-01T00:00:00Z");
    check_time(951_782_400, "2000-02-29T00:00:00Z");
    check_time(1_795_365_935, "2026-11-22T16:45:35Z");
    check_time(4_102_444_799, "2099-12-31T23:59:59Z");
    assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
    assert_eq!(parse_rfc3339("2026-11-22 16:45:35Z"), None);
    assert_eq!(parse_rfc3339("yesterday"), None);
}

#[test]
fn run_ids_are_valid_role_names_and_differ() {
    let at = UNIX_EPOCH + Duration::from_secs(1_795_365_935);
    let a = run_id(at);
    let b = run_id(at);
    assert!(a.starts_with("20261122T164535-"), "{a}");
    assert_ne!(a, b);
    RoleName::new(format!("{ROLE_PREFIX}{a}")).expect("a valid role name");
}

#[track_caller]
fn check_trusted(caller: &str, expect: &str) {
    let caller: Arn = caller.parse().expect("a valid ARN");
    let iam = FakeIam::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    match runtime.block_on(trusted_principal(&caller, &iam)) {
        Ok(arn) => assert_eq!(arn.to_string(), expect),
        Err(err) => assert_eq!(format!("error: {err}"), expect),
    }
}

#[test]
fn trusted_principals() {
    check_trusted(
        "arn:aws:iam::123456789012:user/ops/alice",
        "arn:aws:iam::123456789012:user/ops/alice",
    );
    // AWS never names a user in `sts` (the local stack corrects moto's answer): not guessed at.
    check_trusted(
        "arn:aws:sts::123456789012:user/moto",
        "error: cannot tell which principal to trust from the caller arn:aws:sts::123456789012:user/moto; nothing was created",
    );
    check_trusted(
        "arn:aws:sts::123456789012:federated-user/bob",
        "error: a federated user (arn:aws:sts::123456789012:federated-user/bob) cannot create IAM roles; use IAM user or role credentials, or --local; nothing was created",
    );
    check_trusted(
        "arn:aws:sts::123456789012:assumed-role/Gone/alice",
        "error: the caller's role Gone was not found with GetRole; nothing was created",
    );
}
