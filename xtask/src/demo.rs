//! `cargo xtask demo`: AWS's example "construct a URL with AWS STS for federated users", rebuilt
//! on fed's library crates. This file is the whole scenario, in the example's four functions:
//!
//! - [`setup`] creates a role that the caller may assume, and attaches a read-only policy;
//! - [`construct_federated_url`] assumes the role once IAM has propagated it, and exchanges the
//!   role session for a console sign-in URL, with the calls of `fed url --role-arn`;
//! - [`teardown`] removes the role and everything attached to it;
//! - [`usage_demo`] runs them: a welcome, the URL, a wait for Enter, and the teardown however
//!   the scenario ends.
//!
//! The scenario reports what it does as [`Event`]s rather than printing, and takes its clients
//! and its stop signal as arguments, so that tests run it against fakes. The rest is out of the
//! way in `demo/`: `cli.rs` turns the command line into a [`Demo`] on AWS or the local stack,
//! with signals; `event.rs` and `terminal.rs` are the events and how the terminal shows them;
//! `guard.rs` runs the teardown after every ending; `federation.rs` is the sign-in seam;
//! `fault.rs` the failures tests inject; `tags.rs` what marks a demo role. The teardown's
//! guarantee is `crate::teardown`; IAM is fed-aws's (its `iam` feature).

mod cli;
pub(crate) mod event;
mod fault;
mod federation;
mod guard;
pub(crate) mod tags;
pub(crate) mod terminal;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use fed_aws::{
    AssumeRoleRequest, AssumedRole, Attempt, BoxFuture, CallerIdentity, CreateRole, Iam,
    PropagationRetry, Role, Sts, Tag, assume_role_when_propagated, detect_origin,
};
use fed_core::{Arn, AssumeRoleDuration, Issuer, Principal, RoleName, RoleSessionName};
use url::Url;

use self::event::{Banner, Event, Events, Link};
use self::fault::{Faults, Step};
use self::federation::Federation;
use self::tags::{CREATED_AT_TAG, DEMO_TAG, ROLE_PREFIX, rfc3339, run_id};
use crate::Exit;
use crate::signal::Stop;
use crate::sweep::SweepCommand;
use crate::teardown::Tracker;

pub(crate) use self::cli::{DemoArgs, run};

/// The policy the role gets unless told otherwise, in the caller's partition.
const DEFAULT_POLICY: &str = "AmazonS3ReadOnlyAccess";

/// Everything the scenario works with.
pub(crate) struct Demo {
    pub(crate) sts: Arc<dyn Sts>,
    pub(crate) iam: Arc<dyn Iam>,
    pub(crate) federation: Arc<dyn Federation>,
    pub(crate) settings: Settings,
    /// What the demo created, for the teardown.
    pub(crate) tracker: Arc<Tracker>,
    pub(crate) events: Events,
    pub(crate) faults: Faults,
}

/// What the demo does, from the command line and the target.
pub(crate) struct Settings {
    /// The region of the calls and the console.
    pub(crate) region: Option<String>,
    /// The endpoint of IAM and STS, when it is not AWS's.
    pub(crate) aws_endpoint: Option<String>,
    /// On the local stack, the console page the URL lands on.
    pub(crate) console_page: Option<Url>,
    /// The managed policies to attach; [`DEFAULT_POLICY`] when empty.
    pub(crate) policy_arns: Vec<Arn>,
    pub(crate) propagation_timeout: Duration,
    /// The console session length to ask for.
    pub(crate) duration: Duration,
    pub(crate) issuer: Issuer,
    /// The command that removes what a failed teardown leaves.
    pub(crate) sweep: SweepCommand,
}

/// How the demo waits before it tears down, as the seed's `input(…)` does.
pub(crate) enum Enter {
    /// It does not wait (`--yes`).
    Skip,
    /// It does not wait: stdin is not a terminal.
    NoTerminal,
    /// It waits until this completes: a line read from stdin.
    Wait(BoxFuture<'static, std::io::Result<()>>),
}

/// Who is calling, and where.
pub(crate) struct Caller {
    pub(crate) identity: CallerIdentity,
    pub(crate) region: String,
    pub(crate) policies: Vec<Arn>,
}

/// The seed's `usage_demo()`: welcome, set up, construct the URL and show it, wait for Enter,
/// and tear down, whatever ends the scenario: an error, a panic, or `stop`.
pub(crate) async fn usage_demo(
    demo: Arc<Demo>,
    enter: Enter,
    stop: impl Future<Output = Stop>,
) -> Exit {
    let scenario = {
        let demo = Arc::clone(&demo);
        async move {
            let caller = welcome(&demo).await?;
            demo.faults.after(Step::Banner)?;
            let role = setup(&demo, &caller).await?;
            let (link, principal) = construct_federated_url(&demo, &role, &caller).await?;
            demo.events.emit(Event::Url {
                link,
                console_page: demo.settings.console_page.clone(),
                principal,
            });
            demo.faults.after(Step::Url)?;
            wait_for_enter(&demo.events, enter).await?;
            demo.faults.after(Step::Prompt)
        }
    };
    guard::run_then_tear_down(scenario, stop, teardown(&demo), &demo.tracker, &demo.events).await
}

/// The seed's `setup()`: a role that the caller may assume, with the policies attached. Its
/// name is chosen, and the teardown armed, before CreateRole is sent.
pub(crate) async fn setup(demo: &Demo, caller: &Caller) -> anyhow::Result<Role> {
    let trusted = trusted_principal(&caller.identity.arn, demo.iam.as_ref()).await?;
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
        demo.settings
            .duration
            .clamp(Duration::from_secs(3600), Duration::from_secs(43200)),
    );
    demo.events.emit(Event::CreatingRole {
        name: name.clone(),
        trusted,
    });
    demo.tracker.arm(name.clone(), &run_id);
    let iam = Arc::clone(&demo.iam);
    let role = demo
        .tracker
        .call(async move { iam.create_role(&spec).await })
        .await?;
    demo.events.emit(Event::CreatedRole {
        arn: role.arn.arn().clone(),
    });
    demo.faults.after(Step::CreateRole)?;

    for policy in &caller.policies {
        let iam = Arc::clone(&demo.iam);
        let (role_name, arn) = (name.clone(), policy.clone());
        demo.tracker
            .call(async move { iam.attach_role_policy(&role_name, &arn).await })
            .await?;
        demo.events.emit(Event::AttachedPolicy {
            arn: policy.clone(),
        });
    }
    demo.faults.after(Step::AttachPolicy)?;
    Ok(role)
}

/// The seed's `construct_federated_url()`: temporary credentials for the role (AssumeRole,
/// polled while IAM propagates it), a sign-in token for them from the federation endpoint, and
/// the URL that carries it. Returns the URL and who it signs in as.
pub(crate) async fn construct_federated_url(
    demo: &Demo,
    role: &Role,
    caller: &Caller,
) -> anyhow::Result<(Link, Arn)> {
    let settings = &demo.settings;
    let caller_arn = caller.identity.arn.clone();
    let session_name = RoleSessionName::for_caller(&caller_arn);
    let mut request = AssumeRoleRequest::new(role.arn.clone(), session_name);
    request.duration = Some(AssumeRoleDuration::new(settings.duration)?);
    let assumed = wait_for_propagation(demo, &request).await?;
    demo.faults.after(Step::Propagation)?;

    if assumed.chained {
        demo.events.emit(Event::RoleChaining {
            caller: caller.identity.arn.clone(),
        });
    }
    let mut signin = fed_flow::SignIn::new(settings.issuer.clone());
    signin.duration = Some(fed_core::RequestedDuration::new(settings.duration)?);
    let signed_in = demo
        .federation
        .sign_in(&assumed, &signin, &caller.region)
        .await?;
    demo.events.emit(Event::GotSigninToken {
        session_seconds: signed_in.session_seconds,
        notes: signed_in.notes,
    });
    Ok((signed_in.link, assumed.arn))
}

/// The seed's `teardown()`: removes the role and everything attached to it, if the scenario got
/// as far as creating it and it carries this run's tag. Returns whether nothing is left.
pub(crate) async fn teardown(demo: &Demo) -> bool {
    demo.faults.before_teardown().await;
    crate::teardown::run(
        &demo.tracker,
        demo.iam.as_ref(),
        &demo.settings.sweep,
        &demo.events,
    )
    .await
}

/// The welcome: who is calling (GetCallerIdentity) and where, and what will happen. Stops, with
/// nothing created, when there are no credentials, no region or no usable sign-in endpoint.
async fn welcome(demo: &Demo) -> anyhow::Result<Caller> {
    if let Err(err) = demo.sts.credentials().await {
        anyhow::bail!(
            "no AWS credentials found ({err}): configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or run `cargo xtask demo --local` to use the local stack; nothing was created"
        );
    }
    let Some(region) = demo.settings.region.clone() else {
        anyhow::bail!(
            "no AWS region is configured: pass --region, set AWS_REGION, or set a region in the profile; nothing was created"
        );
    };
    let identity = detect_origin(demo.sts.as_ref())
        .await
        .map_err(|err| anyhow::anyhow!("{err}; nothing was created"))?
        .identity;
    let partition = identity.arn.partition();
    let policies = match demo.settings.policy_arns.as_slice() {
        [] => vec![
            format!("arn:{partition}:iam::aws:policy/{DEFAULT_POLICY}")
                .parse()
                .map_err(|e: fed_core::Error| anyhow::anyhow!(e))?,
        ],
        chosen => chosen.to_vec(),
    };
    let signin_endpoint = demo.federation.endpoint(partition)?;
    demo.events.emit(Event::Banner(Banner {
        account: identity.account.clone(),
        principal: identity.arn.clone(),
        region: region.clone(),
        aws_endpoint: demo.settings.aws_endpoint.clone(),
        signin_endpoint,
        policies: policies.clone(),
    }));
    Ok(Caller {
        identity,
        region,
        policies,
    })
}

/// AssumeRole, polled with backoff while IAM has not yet propagated the new role.
async fn wait_for_propagation(
    demo: &Demo,
    request: &AssumeRoleRequest,
) -> anyhow::Result<AssumedRole> {
    let retry = PropagationRetry {
        deadline: demo.settings.propagation_timeout,
        initial_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(5),
    };
    demo.events.emit(Event::WaitingForPropagation {
        deadline: retry.deadline,
    });
    let started = tokio::time::Instant::now();
    let mut attempts = 0;
    let mut on_attempt = |attempt: &Attempt| {
        attempts = attempt.number;
        demo.events.emit(Event::AssumeRoleAttempt {
            number: attempt.number,
        });
    };
    let assumed =
        assume_role_when_propagated(demo.sts.as_ref(), request, &retry, &mut on_attempt).await?;
    demo.events.emit(Event::Assumed {
        role: request.role_arn.arn().clone(),
        after: started.elapsed(),
        attempts,
    });
    Ok(assumed)
}

/// The seed's `input(…)`: waits for Enter, unless told not to.
async fn wait_for_enter(events: &Events, enter: Enter) -> anyhow::Result<()> {
    match enter {
        Enter::Skip => {}
        Enter::NoTerminal => events.emit(Event::NotWaiting),
        Enter::Wait(line) => {
            events.emit(Event::Prompt);
            line.await?;
            events.emit(Event::Answered);
        }
    }
    Ok(())
}

/// The principal the role's trust policy names: an IAM user or root as it is, and for an
/// assumed-role session the role itself, with its path (looked up with GetRole).
async fn trusted_principal(caller: &Arn, iam: &dyn Iam) -> anyhow::Result<Arn> {
    match caller.principal() {
        Principal::User { .. } | Principal::Root | Principal::Role { .. } => Ok(caller.clone()),
        Principal::AssumedRole { role_name, .. } => {
            let name = RoleName::new(role_name.clone())?;
            match iam.get_role(&name).await {
                Ok(Some(role)) => Ok(role.arn.into_arn()),
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
        Principal::Other => anyhow::bail!(
            "cannot tell which principal to trust from the caller {caller}; nothing was created"
        ),
    }
}

#[cfg(test)]
mod tests;
