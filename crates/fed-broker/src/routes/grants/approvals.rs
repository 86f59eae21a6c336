//! Deciding requests: the pending ones an approver may see, and their approval or denial.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{WithCsrf, admitted, bounded, decide};
use crate::audit::{Decision, Record};
use crate::broker::Broker;
use crate::entitlements::{Access, Entitlement};
use crate::extract::{ClientIp, SignedIn};
use crate::grants::{Grant, now};
use crate::pages;
use crate::policy::Action;
use crate::refusal::{Reason, Refusal};
use crate::routes::Shared;
use crate::routes::page_session;

/// The longest comment kept.
const MAX_COMMENT: usize = 500;

/// `GET /approvals`: the pending requests and the approved grants of the roles whose approvers
/// include one of the person's groups, each marked with whether Cedar lets them decide (or
/// end) it.
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
        Some(store) if !arns.is_empty() => match store.open_for(&arns).await {
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
