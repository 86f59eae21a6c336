//! Asking for a role: the form, the request, and one's own requests.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{WithCsrf, admitted, bounded, decide};
use crate::audit::{Decision, Record};
use crate::broker::Broker;
use crate::entitlements::Access;
use crate::extract::{ClientIp, SignedIn};
use crate::grants::{Grant, NewGrant, now};
use crate::pages;
use crate::policy::Action;
use crate::refusal::{Reason, Refusal};
use crate::routes::Shared;
use crate::routes::page_session;

/// The longest justification kept.
const MAX_JUSTIFICATION: usize = 1000;
/// How far ahead a grant may start.
const MAX_START_AHEAD: u64 = 30 * 24 * 3600;

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
