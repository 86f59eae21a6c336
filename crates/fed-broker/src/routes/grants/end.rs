//! Ending a grant early, or withdrawing a request: by its requester, or by an approver.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{WithCsrf, admitted, decide};
use crate::audit::{Decision, Record};
use crate::broker::Broker;
use crate::extract::{ClientIp, SignedIn};
use crate::grants::Grant;
use crate::policy::Action;
use crate::refusal::{Reason, Refusal};
use crate::routes::Shared;

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
            // The console sessions issued under it end now, not at the next look.
            let revoking = std::sync::Arc::clone(&broker);
            tokio::spawn(async move { revoking.advance_revocations().await });
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
