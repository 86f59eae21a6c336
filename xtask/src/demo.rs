//! `cargo xtask demo`: the seed's `usage_demo()`, step by step, on the library crates.
//!
//! 1. A banner: what will happen, the account and principal (GetCallerIdentity) and the
//!    endpoints.
//! 2. A role that the current caller may assume, with a unique name chosen before CreateRole, the
//!    `fed:demo` and `fed:created-at` tags, and a managed policy attached.
//! 3. A wait for IAM to propagate: AssumeRole polled with backoff, behind a spinner.
//! 4. The console sign-in URL, built with the same calls as `fed url --role-arn`.
//! 5. The URL between rules of dashes, and a wait for Enter.
//! 6. The teardown, which [`crate::teardown`] guarantees on every way out.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use clap::Args;
use fed_aws::{
    AssumeRoleRequest, AssumedRole, Attempt, CallerIdentity, ConfigOptions, CreateRole, Iam,
    IamClient, PropagationRetry, Sts, StsClient, Tag, assume_role_when_propagated, detect_origin,
};
use fed_core::{Arn, AssumeRoleDuration, Issuer, Partition, Principal, RoleName, RoleSessionName};
use fed_local::LocalStack;
use indicatif::{ProgressBar, ProgressStyle};
use time::format_description::BorrowedFormatItem;
use time::{OffsetDateTime, PrimitiveDateTime};
use url::Url;

use crate::Exit;
use crate::signal::{Signals, Stop};
use crate::teardown::{self, Tracker};

/// The tag that marks demo roles; its value is the run id.
pub(crate) const DEMO_TAG: &str = "fed:demo";

/// The tag that records when a demo role was created (RFC 3339, UTC).
pub(crate) const CREATED_AT_TAG: &str = "fed:created-at";

/// Every demo role's name starts with this.
const ROLE_PREFIX: &str = "fed-demo-";

/// The policy attached by default, in the caller's partition.
const DEFAULT_POLICY: &str = "AmazonS3ReadOnlyAccess";

/// The seed's rule of dashes.
const RULE: &str =
    "----------------------------------------------------------------------------------------";

/// Options of `cargo xtask demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Run against the local stack (moto behind the STS rules gate, and the federation emulator) instead of AWS.
    #[arg(long)]
    pub(crate) local: bool,

    /// Named profile from the AWS config files.
    #[arg(long, conflicts_with = "local")]
    pub(crate) profile: Option<String>,

    /// Region of the STS and IAM calls and of the console.
    #[arg(long, conflicts_with = "local")]
    pub(crate) region: Option<String>,

    /// Managed policy to attach to the role (repeatable)
    /// [default: arn:<partition>:iam::aws:policy/AmazonS3ReadOnlyAccess].
    #[arg(long, value_name = "ARN", value_parser = parse_arn)]
    pub(crate) policy_arn: Vec<Arn>,

    /// How long to wait for IAM to propagate the new role: 90s, 2m, 5m.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub(crate) propagation_timeout: Duration,

    /// Length of the console session, when the credentials allow one to be set (not with role
    /// chaining): 1h, 12h.
    #[arg(long, value_name = "DURATION", default_value = "12h", value_parser = parse_session_length)]
    pub(crate) duration: Duration,

    /// Issuer shown by the console; where users go when the session ends.
    #[arg(long, value_name = "ISSUER", default_value = "fed", value_parser = parse_issuer)]
    pub(crate) issuer: Issuer,

    /// Do not wait for Enter before tearing down.
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,

    /// Base URL of the federation endpoint, e.g. an emulator's [default: the partition's].
    #[arg(long, value_name = "URL", env = "FED_SIGNIN_ENDPOINT", value_parser = fed_signin::parse_endpoint)]
    pub(crate) signin_endpoint: Option<Url>,

    /// Fail right after a step (banner, create-role, attach-policy, propagation, url, prompt);
    /// `STEP:panic` panics instead. For tests of the teardown guarantee.
    #[arg(long, hide = true, value_name = "STEP", env = "FED_DEMO_FAIL_AFTER", value_parser = parse_fault)]
    pub(crate) fail_after: Option<Fault>,

    /// Wait at the Enter prompt even when stdin is not a terminal. For tests of signals.
    #[arg(long, hide = true, env = "FED_DEMO_WAIT_WITHOUT_TTY", value_parser = clap::builder::FalseyValueParser::new())]
    pub(crate) wait_without_tty: bool,

    /// Wait this long before the teardown starts. For tests of signals during the teardown.
    #[arg(long, hide = true, value_name = "DURATION", env = "FED_DEMO_TEARDOWN_PAUSE", value_parser = parse_duration)]
    pub(crate) teardown_pause: Option<Duration>,
}

/// A step of the scenario, after which a failure can be injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Banner,
    CreateRole,
    AttachPolicy,
    Propagation,
    Url,
    Prompt,
}

impl Step {
    /// Every step, in order.
    pub(crate) const ALL: [Step; 6] = [
        Step::Banner,
        Step::CreateRole,
        Step::AttachPolicy,
        Step::Propagation,
        Step::Url,
        Step::Prompt,
    ];

    /// The name used on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Banner => "banner",
            Step::CreateRole => "create-role",
            Step::AttachPolicy => "attach-policy",
            Step::Propagation => "propagation",
            Step::Url => "url",
            Step::Prompt => "prompt",
        }
    }
}

/// An injected failure: after which step, and whether it panics or returns an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fault {
    step: Step,
    panic: bool,
}

impl Fault {
    fn check(fault: Option<Fault>, step: Step) -> anyhow::Result<()> {
        match fault {
            Some(f) if f.step == step && f.panic => {
                panic!("injected panic after step {}", step.name())
            }
            Some(f) if f.step == step => {
                anyhow::bail!("injected failure after step {}", step.name())
            }
            _ => Ok(()),
        }
    }
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    let (name, panic) = match s.strip_suffix(":panic") {
        Some(name) => (name, true),
        None => (s, false),
    };
    let step = Step::ALL
        .into_iter()
        .find(|step| step.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Step::ALL.iter().map(|s| s.name()).collect();
            format!(
                "unknown step {name:?}; expected one of {}",
                names.join(", ")
            )
        })?;
    Ok(Fault { step, panic })
}

fn parse_arn(s: &str) -> Result<Arn, String> {
    s.parse().map_err(|e: fed_core::Error| e.to_string())
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    fed_core::parse_duration(s).map_err(|e| e.to_string())
}

fn parse_session_length(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    AssumeRoleDuration::new(d).map_err(|e| e.to_string())?;
    Ok(d)
}

fn parse_issuer(s: &str) -> Result<Issuer, String> {
    Issuer::new(s).map_err(|e| e.to_string())
}

/// Where the demo runs: the SDK configuration, the federation endpoint, and the local stack if
/// it started one.
struct Target {
    sdk: SdkConfig,
    signin_endpoint: Option<Url>,
    console_page: Option<Url>,
    stack: Option<LocalStack>,
}

impl Target {
    async fn prepare(args: &DemoArgs) -> anyhow::Result<Target> {
        if args.local {
            say!(
                "Starting the local stack (moto behind the STS rules gate, and the federation emulator)…"
            );
            let stack = crate::local::start().await?;
            return Ok(Target {
                sdk: stack.sdk_config().await,
                signin_endpoint: Some(stack.federation_url()),
                console_page: Some(stack.emulator().console_url()),
                stack: Some(stack),
            });
        }
        let sdk = fed_aws::load_sdk_config(&ConfigOptions {
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: None,
        })
        .await;
        Ok(Target {
            sdk,
            signin_endpoint: args.signin_endpoint.clone(),
            console_page: None,
            stack: None,
        })
    }
}

/// How the scenario ended.
enum Outcome {
    Done,
    Failed(anyhow::Error),
    Stopped(Stop),
    Panicked,
}

/// Runs `cargo xtask demo`.
pub(crate) async fn run(args: DemoArgs) -> anyhow::Result<Exit> {
    // Installed first: from here on, Ctrl-C and SIGTERM can no longer end the process before the
    // teardown has run.
    let mut signals = Signals::install()?;
    let target = tokio::select! {
        target = Target::prepare(&args) => target?,
        stop = signals.recv() => {
            tell!("{} received; nothing was created", stop.name());
            return Ok(stop.exit());
        }
    };
    let exit = drive(args, &target, &mut signals).await;
    if let Some(stack) = target.stack {
        say!("Stopping the local stack.");
        stack.shutdown().await;
    }
    Ok(exit)
}

/// Runs the scenario as a task, then tears down whatever it created, however it ended.
async fn drive(args: DemoArgs, target: &Target, signals: &mut Signals) -> Exit {
    let pause = args.teardown_pause.unwrap_or_default();
    let iam: Arc<dyn Iam> = Arc::new(IamClient::new(&target.sdk));
    let tracker = Arc::new(Tracker::default());
    let scenario = Scenario {
        args,
        sts: Arc::new(StsClient::new(&target.sdk)),
        iam: Arc::clone(&iam),
        tracker: Arc::clone(&tracker),
        region: target.sdk.region().map(|r| r.as_ref().to_owned()),
        aws_endpoint: target.sdk.endpoint_url().map(str::to_owned),
        signin_endpoint: target.signin_endpoint.clone(),
        console_page: target.console_page.clone(),
    };
    let mut task = tokio::spawn(scenario.run());
    let outcome = tokio::select! {
        // A signal wins over a scenario that ends at the same moment.
        biased;
        stop = signals.recv() => {
            task.abort();
            let _ = task.await;
            Outcome::Stopped(stop)
        }
        joined = &mut task => match joined {
            Ok(Ok(())) => Outcome::Done,
            Ok(Err(err)) => Outcome::Failed(err),
            Err(join) if join.is_panic() => Outcome::Panicked,
            Err(_) => Outcome::Failed(anyhow::anyhow!("the demo was cancelled")),
        },
    };
    let armed = tracker.role().is_some();
    match &outcome {
        Outcome::Done => {}
        Outcome::Failed(err) => tell!("error: {err:#}"),
        Outcome::Stopped(stop) if armed => {
            tell!("\n{} received: tearing down before exiting", stop.name())
        }
        Outcome::Stopped(stop) => tell!("\n{} received; nothing was created", stop.name()),
        Outcome::Panicked if armed => tell!("the demo panicked: tearing down before exiting"),
        Outcome::Panicked => tell!("the demo panicked; nothing was created"),
    }
    let clean = teardown::run(&tracker, iam.as_ref(), signals, pause).await;
    match outcome {
        Outcome::Done if clean => {
            say!("Thanks for watching!");
            Exit::Success
        }
        Outcome::Done | Outcome::Failed(_) => Exit::Failure,
        Outcome::Stopped(stop) => stop.exit(),
        Outcome::Panicked => Exit::Panicked,
    }
}

/// Everything the scenario task needs; it owns it all, so it can be spawned and aborted.
struct Scenario {
    args: DemoArgs,
    sts: Arc<StsClient>,
    iam: Arc<dyn Iam>,
    tracker: Arc<Tracker>,
    region: Option<String>,
    aws_endpoint: Option<String>,
    signin_endpoint: Option<Url>,
    console_page: Option<Url>,
}

impl Scenario {
    async fn run(self) -> anyhow::Result<()> {
        let fault = self.args.fail_after;

        // 1. Who is calling, and where.
        let (caller, region) = self.caller().await?;
        let partition = caller.arn.partition();
        let signin_endpoint = self
            .signin_endpoint
            .clone()
            .unwrap_or_else(|| partition.federation_endpoint(None));
        let policies = if self.args.policy_arn.is_empty() {
            vec![
                parse_arn(&format!("arn:{partition}:iam::aws:policy/{DEFAULT_POLICY}"))
                    .map_err(anyhow::Error::msg)?,
            ]
        } else {
            self.args.policy_arn.clone()
        };
        // Set up before anything is created, so a bad endpoint stops the demo first.
        let signin = signin_client(signin_endpoint.clone(), partition)
            .map_err(|e| anyhow::anyhow!("--signin-endpoint: {e:#}; nothing was created"))?;
        self.banner(&caller, &region, &signin_endpoint, &policies);
        Fault::check(fault, Step::Banner)?;

        // 2. The role, trusted by the caller.
        let trusted = trusted_principal(&caller.arn, self.iam.as_ref()).await?;
        let run_id = run_id(SystemTime::now());
        let name = RoleName::new(format!("{ROLE_PREFIX}{run_id}"))?;
        let mut spec = CreateRole::new(name.clone(), trusted.clone());
        spec.tags = vec![
            Tag::new(DEMO_TAG, &run_id),
            Tag::new(CREATED_AT_TAG, rfc3339(SystemTime::now())),
        ];
        spec.description = Some(
            "Created by cargo xtask demo and deleted when it ends; cargo xtask sweep removes leftovers"
                .to_owned(),
        );
        spec.max_session_duration = Some(
            u32::try_from(self.args.duration.as_secs())
                .unwrap_or(u32::MAX)
                .clamp(3600, 43200),
        );
        say!("Creating role {name}, which {trusted} may assume…");
        self.tracker.arm(name.clone(), &run_id);
        let iam = Arc::clone(&self.iam);
        let role = self
            .tracker
            .call(async move { iam.create_role(&spec).await })
            .await?;
        say!("Created role {}.", role.arn);
        Fault::check(fault, Step::CreateRole)?;

        for policy in policies {
            let iam = Arc::clone(&self.iam);
            let (role_name, arn) = (name.clone(), policy.clone());
            self.tracker
                .call(async move { iam.attach_role_policy(&role_name, &arn).await })
                .await?;
            say!("Attached {policy}.");
        }
        Fault::check(fault, Step::AttachPolicy)?;

        // 3. IAM propagation, then 4. the URL, as `fed url --role-arn` builds it.
        let session_name = RoleSessionName::for_caller(match caller.arn.principal() {
            // An emulator's `sts` user ARN: name the session after the IAM user.
            Principal::Other => &trusted,
            _ => &caller.arn,
        });
        let mut request =
            AssumeRoleRequest::new(fed_core::RoleArn::new(role.arn.clone())?, session_name);
        request.duration = Some(AssumeRoleDuration::new(self.args.duration)?);
        let assumed = self.wait_for_propagation(&request).await?;
        Fault::check(fault, Step::Propagation)?;

        let url = self
            .sign_in_url(&signin, &assumed, &caller.arn, &region)
            .await?;
        Fault::check(fault, Step::Url)?;

        // 5. The URL, and the wait.
        say!(
            "Constructed a federated URL that can be used to connect to the AWS Management Console with role-defined permissions:"
        );
        say!("{RULE}");
        say!("{}", url.expose());
        say!("{RULE}");
        if let Some(page) = &self.console_page {
            say!(
                "On the local stack the URL lands on the console emulator ({page}), signed in as {}.",
                assumed.arn
            );
        }
        self.wait_for_enter().await?;
        Fault::check(fault, Step::Prompt)?;
        Ok(())
    }

    /// GetCallerIdentity and the region, after checking that credentials are there at all.
    async fn caller(&self) -> anyhow::Result<(CallerIdentity, String)> {
        if let Err(err) = self.sts.credentials().await {
            anyhow::bail!(
                "no AWS credentials found ({err}): configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or run `cargo xtask demo --local` to use the local stack; nothing was created"
            );
        }
        let Some(region) = self.region.clone() else {
            anyhow::bail!(
                "no AWS region is configured: pass --region, set AWS_REGION, or set a region in the profile; nothing was created"
            );
        };
        let detected = detect_origin(self.sts.as_ref())
            .await
            .map_err(|err| anyhow::anyhow!("{err}; nothing was created"))?;
        Ok((detected.identity, region))
    }

    fn banner(&self, caller: &CallerIdentity, region: &str, signin: &Url, policies: &[Arn]) {
        say!("{RULE}");
        say!("Welcome to the AWS Security Token Service federated URL demo.");
        say!("{RULE}");
        say!("This demo will:");
        let names: Vec<String> = policies.iter().map(policy_name).collect();
        say!(
            "  1. create an IAM role that you may assume, with {} attached;",
            names.join(" and ")
        );
        say!("  2. wait until IAM has propagated it, by polling AssumeRole;");
        say!("  3. assume it and exchange its temporary credentials for a console sign-in URL;");
        say!("  4. delete the role and everything attached to it.");
        say!("Account:    {}", caller.account);
        say!("Principal:  {}", caller.arn);
        match &self.aws_endpoint {
            Some(endpoint) => say!("IAM, STS:   {endpoint} (region {region})"),
            None => say!("IAM, STS:   AWS, region {region}"),
        }
        say!("Sign-in:    {signin}");
    }

    async fn wait_for_propagation(
        &self,
        request: &AssumeRoleRequest,
    ) -> anyhow::Result<AssumedRole> {
        let retry = PropagationRetry {
            deadline: self.args.propagation_timeout,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
        };
        say!(
            "Waiting for IAM to propagate the new role (polling AssumeRole, for up to {}s)…",
            retry.deadline.as_secs()
        );
        let spinner = ProgressBar::new_spinner();
        spinner.set_style(
            ProgressStyle::with_template("{spinner} waiting for IAM {elapsed} ({msg})")
                .expect("the template is valid"),
        );
        spinner.enable_steady_tick(Duration::from_millis(100));
        let started = Instant::now();
        let mut attempts = 0;
        let mut on_attempt = |attempt: &Attempt| {
            attempts = attempt.number;
            spinner.set_message(format!("AssumeRole attempt {}", attempt.number));
        };
        let result =
            assume_role_when_propagated(self.sts.as_ref(), request, &retry, &mut on_attempt).await;
        spinner.finish_and_clear();
        let assumed = result?;
        say!(
            "Assumed role {} after {:.1}s ({attempts} AssumeRole attempt{}).",
            request.role_arn,
            started.elapsed().as_secs_f64(),
            if attempts == 1 { "" } else { "s" }
        );
        Ok(assumed)
    }

    /// The calls of `fed url --role-arn` after its AssumeRole: the SessionDuration decision,
    /// getSigninToken by POST with one retry without SessionDuration, and the login URL.
    async fn sign_in_url(
        &self,
        client: &fed_signin::Client,
        assumed: &AssumedRole,
        caller: &Arn,
        region: &str,
    ) -> anyhow::Result<fed_flow::ConsoleUrl> {
        if assumed.chained {
            say!(
                "Role chaining: the caller ({caller}) signs with temporary credentials, so this session is capped at one hour and SessionDuration is left out of getSigninToken (sending it would fail with a bare 400)."
            );
        }
        let mut request = fed_flow::SignIn::new(self.args.issuer.clone());
        request.duration = Some(self.args.duration);
        let (console, _) = fed_flow::console(
            client,
            &fed_flow::Signable::assumed(assumed),
            &request,
            Some(&fed_core::Region::new(region)?),
        )
        .await?;
        for note in &console.notes {
            say!("Note: {note}.");
        }
        match console.session_duration {
            Some(d) => say!(
                "Got a sign-in token from the federation endpoint (console session: {}s).",
                d.seconds()
            ),
            None => say!(
                "Got a sign-in token from the federation endpoint (console session: as long as the role session)."
            ),
        }
        Ok(console)
    }

    async fn wait_for_enter(&self) -> anyhow::Result<()> {
        if self.args.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() && !self.args.wait_without_tty {
            say!("(stdin is not a terminal: not waiting for Enter)");
            return Ok(());
        }
        print!(
            "Copy and paste the above URL into a browser to open the AWS Management Console with limited permissions. When done, press Enter to clean up and complete this demo."
        );
        std::io::stdout().flush()?;
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|_| ())
        })
        .await??;
        say!("");
        Ok(())
    }
}

/// The federation endpoint's client, set up as `fed url` sets it up: POST, and one retry without
/// SessionDuration if that is refused.
fn signin_client(endpoint: Url, partition: Partition) -> anyhow::Result<fed_signin::Client> {
    let mut config = fed_signin::Config::new(endpoint);
    config.partition = Some(partition);
    config.method = fed_signin::Method::Post;
    config.retry_without_session_duration = true;
    Ok(fed_signin::Client::new(config)?)
}

/// The principal the role's trust policy names: an IAM user or root as it is, and for an
/// assumed-role session the role itself, with its path (looked up with GetRole).
async fn trusted_principal(caller: &Arn, iam: &dyn Iam) -> anyhow::Result<Arn> {
    match caller.principal() {
        Principal::User { .. } | Principal::Root | Principal::Role { .. } => Ok(caller.clone()),
        Principal::AssumedRole { role_name, .. } => {
            let name = RoleName::new(role_name.clone())?;
            match iam.get_role(&name).await {
                Ok(Some(role)) => Ok(role.arn),
                Ok(None) => anyhow::bail!(
                    "the caller's role {role_name} was not found with GetRole; nothing was created"
                ),
                Err(err) => anyhow::bail!(
                    "cannot look up the caller's role {role_name} to trust it ({err}); nothing was created"
                ),
            }
        }
        Principal::FederatedUser { .. } => anyhow::bail!(
            "a federated user ({caller}) cannot create IAM roles; use IAM user or role credentials, or --local; nothing was created"
        ),
        // Some emulators answer GetCallerIdentity with an `sts` ARN for IAM users.
        Principal::Other if caller.resource().starts_with("user/") => Ok(parse_arn(&format!(
            "arn:{}:iam::{}:{}",
            caller.partition(),
            caller.account_id(),
            caller.resource()
        ))
        .map_err(anyhow::Error::msg)?),
        Principal::Other => anyhow::bail!(
            "cannot tell which principal to trust from the caller {caller}; nothing was created"
        ),
    }
}

fn policy_name(arn: &Arn) -> String {
    let resource = arn.resource();
    resource.rsplit('/').next().unwrap_or(resource).to_owned()
}

/// A run id: the UTC time and six random hex digits, e.g. `20261122T164500-3fa9c2`.
pub(crate) fn run_id(now: SystemTime) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        now.duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u32(std::process::id());
    let random = hasher.finish() & 0xff_ffff;
    let stamp: String = rfc3339(now)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("{}-{random:06x}", stamp.trim_end_matches('Z'))
}

/// The timestamps of the `fed:created-at` tag: RFC 3339 in UTC, whole seconds.
fn timestamp_format() -> Vec<BorrowedFormatItem<'static>> {
    time::format_description::parse_borrowed::<2>("[year]-[month]-[day]T[hour]:[minute]:[second]Z")
        .expect("the format description is valid")
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&timestamp_format())
        .unwrap_or_default()
}

/// Parses what [`rfc3339`] writes.
pub(crate) fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    PrimitiveDateTime::parse(s, &timestamp_format())
        .ok()
        .map(|at| at.assume_utc().into())
}

#[cfg(test)]
mod tests;
