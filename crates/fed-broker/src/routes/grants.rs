//! Just-in-time access, by forms with the session's CSRF token:
//!
//! | route | what |
//! |---|---|
//! | `GET /request?role=ARN` | the form that asks for a role of access "request" |
//! | `POST /request` | asks (`role`, `duration`, optional `start` in UTC, `justification`) |
//! | `GET /requests` | the person's own requests and grants |
//! | `GET /approvals` | the pending requests the person may decide |
//! | `POST /approvals` | approves or denies one (`grant`, `decision`, optional `comment`) |
//! | `POST /grants/end` | ends a grant early, or withdraws a request (`grant`) |
//!
//! Every decision is Cedar's (`request`, `approve`) and is recorded; nobody approves their
//! own request, whatever the policies say (the store refuses it too).

use std::time::Duration;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Shared;
use crate::audit::{Decision, Record};
use crate::broker::Broker;
use crate::entitlements::{Access, Entitlement};
use crate::extract::{ClientIp, SignedIn, form};
use crate::grants::{Grant, NewGrant, now};
use crate::pages;
use crate::policy::{Action, Facts, Question};
use crate::refusal::{Reason, Refusal};
use crate::session::Session;

/// The longest justification kept.
const MAX_JUSTIFICATION: usize = 1000;
/// The longest comment kept.
const MAX_COMMENT: usize = 500;
/// How far ahead a grant may start.
const MAX_START_AHEAD: u64 = 30 * 24 * 3600;

/// A form's fields, with its CSRF token.
trait WithCsrf {
    fn csrf(&self) -> Option<&str>;
}

/// The checks every form of these routes passes first: the client's rate limit, a form, a
/// session (filling `record` with who), the user's rate limit, the CSRF token.
async fn admitted<T: WithCsrf>(
    broker: &Broker,
    ip: std::net::IpAddr,
    record: &mut Record,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<T>, FormRejection>,
) -> Result<(Session, T), Refusal> {
    if !broker.limits.ip_allows(ip) {
        return Err(Reason::RateLimitedIp.into());
    }
    let fields = form(body)?;
    let SignedIn(session) = session?;
    record.user = Some(session.person.user.clone());
    record.iss = Some(session.person.issuer.clone());
    record.sub = Some(session.person.subject.clone());
    record.groups.clone_from(&session.person.groups);
    record.session_id = Some(session.id.clone());
    if !broker.limits.user_allows(&session.person.user) {
        return Err(Reason::RateLimitedUser.into());
    }
    if !session.csrf_matches(fields.csrf()) {
        return Err(Reason::Csrf.into());
    }
    Ok((session, fields))
}

/// What Cedar says of `action` by `session`'s person on `role`.
fn decide(
    broker: &Broker,
    session: &Session,
    ip: std::net::IpAddr,
    role: &Entitlement,
    action: Action,
    (duration, requester): (Option<Duration>, Option<&str>),
    record: &mut Record,
) -> Result<(), Refusal> {
    let rules = broker.rules();
    let answer = rules.policies().decide(&Question {
        user: &session.person.user,
        groups: &session.person.groups,
        role: &role.arn,
        action,
        facts: Facts {
            amr: session.person.amr.clone(),
            source_ip: ip,
            now: std::time::SystemTime::now(),
            duration,
            requester: requester.map(str::to_owned),
            grant: false,
        },
    });
    record.policies.clone_from(&answer.policies);
    if answer.allowed {
        Ok(())
    } else {
        Err(Reason::NotEntitled.into())
    }
}

/// `text` trimmed, without control characters, at most `max` characters; none when empty.
fn bounded(text: Option<&str>, max: usize) -> Option<String> {
    let kept: String = text?
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    (!kept.is_empty()).then_some(kept)
}

/// The pages need a signed-in person; without one, sign in first.
async fn page_session(
    broker: &Broker,
    ip: std::net::IpAddr,
    session: Result<SignedIn, Refusal>,
) -> Result<Session, Response> {
    match session {
        Ok(SignedIn(session)) => Ok(session),
        Err(refusal) if refusal.reason == Reason::RevocationUnavailable => {
            Err(broker.refuse(refusal, broker.record(ip)).await)
        }
        Err(_) => Err(Redirect::to("/login").into_response()),
    }
}

#[derive(Deserialize)]
pub(crate) struct RoleQuery {
    role: Option<String>,
}

/// `GET /request?role=ARN`.
pub(crate) async fn request_page(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
    query: Result<Query<RoleQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let session = match page_session(&broker, ip, session).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let mut record = broker.record(ip);
    let role_arn = query.ok().and_then(|Query(q)| q.role).unwrap_or_default();
    let rules = broker.rules();
    let Some(role) = rules.entitlements().role(&role_arn) else {
        record.user = Some(session.person.user.clone());
        return broker.refuse(Reason::NotEntitled, record).await;
    };
    let Access::Request {
        max_grant,
        justification,
        ..
    } = &role.access
    else {
        return Redirect::to("/").into_response();
    };
    let min = broker.config.grants.min_grant.min(*max_grant);
    if let Err(refusal) = decide(
        &broker,
        &session,
        ip,
        role,
        Action::Request,
        (Some(min), None),
        &mut record,
    ) {
        record.user = Some(session.person.user.clone());
        record.role_arn = Some(role_arn);
        return broker.refuse(refusal, record).await;
    }
    Html(pages::grants::request_form(
        role,
        &session.csrf,
        min,
        *max_grant,
        *justification,
    ))
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct RequestForm {
    csrf: Option<String>,
    role: String,
    duration: String,
    start: Option<String>,
    justification: Option<String>,
}

impl WithCsrf for RequestForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// The start a form asks for: empty for now, else `YYYY-MM-DDTHH:MM` in UTC (what a
/// `datetime-local` field sends), from now to [`MAX_START_AHEAD`] ahead.
fn start_of(field: Option<&str>, now: u64) -> Result<u64, Refusal> {
    let Some(text) = field.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(now);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let at = time::PrimitiveDateTime::parse(text, format)
        .map_err(|_| Refusal::from(Reason::BadGrant))?
        .assume_utc()
        .unix_timestamp();
    let at = u64::try_from(at).map_err(|_| Refusal::from(Reason::BadGrant))?;
    // A start in the minute just gone is now.
    if at + 60 < now || at > now + MAX_START_AHEAD {
        return Err(Reason::BadGrant.into());
    }
    Ok(at.max(now))
}

/// `POST /request`.
pub(crate) async fn request(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<RequestForm>, FormRejection>,
) -> Response {
    let mut record = broker.record(ip);
    match ask(&broker, ip, &mut record, session, body).await {
        Ok(grant) => {
            broker.grant_step(Decision::Requested, &grant, None).await;
            Redirect::to("/requests").into_response()
        }
        Err(refusal) => broker.refuse(refusal, record).await,
    }
}

async fn ask(
    broker: &Broker,
    ip: std::net::IpAddr,
    record: &mut Record,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<RequestForm>, FormRejection>,
) -> Result<Grant, Refusal> {
    let (session, fields) = admitted(broker, ip, record, session, body).await?;
    record.role_arn = Some(fields.role.clone());
    let rules = broker.rules();
    let role = rules
        .entitlements()
        .role(&fields.role)
        .ok_or(Reason::NotEntitled)?;
    let Access::Request {
        max_grant,
        justification,
        ..
    } = &role.access
    else {
        return Err(Reason::NotEntitled.into());
    };
    let length = fed_core::parse_duration(fields.duration.trim())
        .ok()
        .filter(|d| *d >= broker.config.grants.min_grant.min(*max_grant) && d <= max_grant)
        .ok_or(Reason::BadGrant)?;
    let now = now();
    let starts_at = start_of(fields.start.as_deref(), now)?;
    let why = bounded(fields.justification.as_deref(), MAX_JUSTIFICATION);
    if *justification && why.is_none() {
        return Err(Reason::JustificationRequired.into());
    }
    decide(
        broker,
        &session,
        ip,
        role,
        Action::Request,
        (Some(length), None),
        record,
    )?;
    let store = broker.store().ok_or(Reason::RevocationUnavailable)?;
    let mut new = NewGrant::new(
        &session.person.user,
        role.arn.to_string(),
        &role.name,
        starts_at,
        starts_at + length.as_secs(),
    );
    new.justification = why;
    store.request_grant(&new).await.map_err(|problem| {
        tracing::error!(request_id = %record.request_id, error = %problem, "the request could not be stored");
        Refusal::from(Reason::RevocationUnavailable)
    })
}

/// `GET /requests`.
pub(crate) async fn requests(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
) -> Response {
    let session = match page_session(&broker, ip, session).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let grants = match broker.store() {
        Some(store) => match store.grants_of(&session.person.user).await {
            Ok(grants) => grants,
            Err(problem) => {
                tracing::error!(error = %problem, "cannot list the person's requests");
                return broker
                    .refuse(Reason::RevocationUnavailable, broker.record(ip))
                    .await;
            }
        },
        None => Vec::new(),
    };
    Html(pages::grants::my_requests(
        &session.person,
        &grants,
        &session.csrf,
        now(),
    ))
    .into_response()
}

/// `GET /approvals`: the pending requests for the roles whose approvers include one of the
/// person's groups, each marked with whether Cedar lets them decide it.
pub(crate) async fn approvals(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
) -> Response {
    let session = match page_session(&broker, ip, session).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let rules = broker.rules();
    let approvable: Vec<&Entitlement> = rules
        .entitlements()
        .iter()
        .filter(|role| match &role.access {
            Access::Request { approvers, .. } => {
                approvers.iter().any(|g| session.person.groups.contains(g))
            }
            Access::Direct => false,
        })
        .collect();
    let arns: Vec<String> = approvable.iter().map(|r| r.arn.to_string()).collect();
    let pending = match broker.store() {
        Some(store) if !arns.is_empty() => match store.pending_for(&arns).await {
            Ok(pending) => pending,
            Err(problem) => {
                tracing::error!(error = %problem, "cannot list the pending requests");
                return broker
                    .refuse(Reason::RevocationUnavailable, broker.record(ip))
                    .await;
            }
        },
        _ => Vec::new(),
    };
    let decided: Vec<(Grant, bool)> = pending
        .into_iter()
        .map(|grant| {
            let may = approvable
                .iter()
                .find(|r| r.arn.to_string() == grant.role_arn)
                .is_some_and(|role| {
                    let mut scratch = broker.record(ip);
                    decide(
                        &broker,
                        &session,
                        ip,
                        role,
                        Action::Approve,
                        (None, Some(&grant.requester)),
                        &mut scratch,
                    )
                    .is_ok()
                });
            (grant, may)
        })
        .collect();
    Html(pages::grants::approvals(
        &session.person,
        &decided,
        &session.csrf,
        now(),
    ))
    .into_response()
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    csrf: Option<String>,
    grant: String,
    decision: String,
    comment: Option<String>,
}

impl WithCsrf for DecisionForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /approvals`.
pub(crate) async fn decide_request(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<DecisionForm>, FormRejection>,
) -> Response {
    let mut record = broker.record(ip);
    match approve(&broker, ip, &mut record, session, body).await {
        Ok((grant, approver, approved)) => {
            let decision = if approved {
                Decision::Approved
            } else {
                Decision::Denied
            };
            broker.grant_step(decision, &grant, Some(&approver)).await;
            if approved && grant.starts_at <= now() {
                broker.grant_step(Decision::Activated, &grant, None).await;
            }
            Redirect::to("/approvals").into_response()
        }
        Err(refusal) => broker.refuse(refusal, record).await,
    }
}

async fn approve(
    broker: &Broker,
    ip: std::net::IpAddr,
    record: &mut Record,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<DecisionForm>, FormRejection>,
) -> Result<(Grant, String, bool), Refusal> {
    let (session, fields) = admitted(broker, ip, record, session, body).await?;
    let approved = match fields.decision.as_str() {
        "approve" => true,
        "deny" => false,
        _ => return Err(Reason::BadForm.into()),
    };
    let store = broker.store().ok_or(Reason::NoSuchGrant)?;
    let unavailable = |problem: String| {
        tracing::error!(error = %problem, "the grant could not be read or changed");
        Refusal::from(Reason::RevocationUnavailable)
    };
    let grant = store
        .grant(fields.grant.trim())
        .await
        .map_err(unavailable)?
        .ok_or(Reason::NoSuchGrant)?;
    record.grant_id = Some(grant.id.clone());
    record.role_arn = Some(grant.role_arn.clone());
    if grant.requester == session.person.user {
        return Err(Reason::SelfApproval.into());
    }
    let rules = broker.rules();
    let role = rules
        .entitlements()
        .role(&grant.role_arn)
        .ok_or(Reason::NoSuchGrant)?;
    decide(
        broker,
        &session,
        ip,
        role,
        Action::Approve,
        (None, Some(&grant.requester)),
        record,
    )?;
    let comment = bounded(fields.comment.as_deref(), MAX_COMMENT);
    let decided = store
        .decide_grant(
            &grant.id,
            &session.person.user,
            approved,
            comment.as_deref(),
        )
        .await
        .map_err(unavailable)?
        // Decided by someone else meanwhile, or withdrawn.
        .ok_or(Reason::NoSuchGrant)?;
    Ok((decided, session.person.user, approved))
}

#[derive(Deserialize)]
pub(crate) struct EndForm {
    csrf: Option<String>,
    grant: String,
}

impl WithCsrf for EndForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /grants/end`: by the requester, or by someone who may approve it.
pub(crate) async fn end(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<EndForm>, FormRejection>,
) -> Response {
    let mut record = broker.record(ip);
    match end_grant(&broker, ip, &mut record, session, body).await {
        Ok((grant, by)) => {
            let actor = (by != grant.requester).then_some(by.as_str());
            broker.grant_step(Decision::Ended, &grant, actor).await;
            let back = if actor.is_some() {
                "/approvals"
            } else {
                "/requests"
            };
            Redirect::to(back).into_response()
        }
        Err(refusal) => broker.refuse(refusal, record).await,
    }
}

async fn end_grant(
    broker: &Broker,
    ip: std::net::IpAddr,
    record: &mut Record,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<EndForm>, FormRejection>,
) -> Result<(Grant, String), Refusal> {
    let (session, fields) = admitted(broker, ip, record, session, body).await?;
    let store = broker.store().ok_or(Reason::NoSuchGrant)?;
    let unavailable = |problem: String| {
        tracing::error!(error = %problem, "the grant could not be read or changed");
        Refusal::from(Reason::RevocationUnavailable)
    };
    let grant = store
        .grant(fields.grant.trim())
        .await
        .map_err(unavailable)?
        .ok_or(Reason::NoSuchGrant)?;
    record.grant_id = Some(grant.id.clone());
    record.role_arn = Some(grant.role_arn.clone());
    if grant.requester != session.person.user {
        let rules = broker.rules();
        let role = rules
            .entitlements()
            .role(&grant.role_arn)
            .ok_or(Reason::NoSuchGrant)?;
        // An approver of the role may end it; nobody else learns it exists.
        decide(
            broker,
            &session,
            ip,
            role,
            Action::Approve,
            (None, Some(&grant.requester)),
            record,
        )
        .map_err(|_| Refusal::from(Reason::NoSuchGrant))?;
    }
    let ended = store
        .end_grant(&grant.id, &session.person.user, false)
        .await
        .map_err(unavailable)?
        .ok_or(Reason::NoSuchGrant)?;
    Ok((ended, session.person.user))
}
