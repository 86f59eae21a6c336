//! `POST /console`: a console session for a role, by a form with the CSRF token. Admitted by
//! the rate limits, decided by the Cedar policies (`use`), issued, recorded (fail closed), then
//! a 303 to the sign-in URL.

use std::time::Duration;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Shared;
use crate::audit::{Decision, Record};
use crate::broker::Broker;
use crate::entitlements::Access;
use crate::extract::{ClientIp, SignedIn, form};
use crate::issue::{self, Issued};
use crate::policy::{Action, Facts, Question};
use crate::refusal::{Reason, Refusal};
use crate::session::{RECENT_COOKIE, RECENT_LIFETIME, RECENT_ROLES};

/// The shortest console session STS gives.
const MIN_SESSION: Duration = Duration::from_secs(15 * 60);

#[derive(Deserialize)]
pub(crate) struct ConsoleForm {
    role: String,
    csrf: Option<String>,
    service: Option<String>,
    region: Option<String>,
}

pub(crate) async fn console(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<ConsoleForm>, FormRejection>,
) -> Response {
    let received = std::time::Instant::now();
    let mut record = broker.record(ip);
    match issue_for(&broker, ip, &mut record, session, body).await {
        Ok((issued, upstream)) => {
            record.decision = Decision::Issued;
            record.duration_seconds = Some(issued.duration_seconds);
            // Without its record, no session: the URL is dropped unseen.
            if let Err(refused) = broker.grant(&record).await {
                return refused;
            }
            broker.metrics.issued(upstream);
            let mut response = Redirect::to(issued.url.expose()).into_response();
            *response.status_mut() = StatusCode::SEE_OTHER;
            // The time AWS took (AssumeRole and the sign-in token) and the whole request's, as
            // browsers' developer tools and `cargo xtask bench broker` read them.
            let timing = format!(
                "upstream;dur={:.3}, total;dur={:.3}",
                upstream.as_secs_f64() * 1000.0,
                received.elapsed().as_secs_f64() * 1000.0
            );
            if let Ok(value) = header::HeaderValue::from_str(&timing) {
                response.headers_mut().insert("server-timing", value);
            }
            // The role page shows the roles used last first.
            let mut recent: Vec<String> = broker
                .keys
                .open(&crate::extract::jar(&headers), RECENT_COOKIE)
                .unwrap_or_default();
            if let Some(role) = &record.role_arn {
                recent.retain(|arn| arn != role);
                recent.insert(0, role.clone());
                recent.truncate(RECENT_ROLES);
            }
            let cookie = broker.keys.seal(RECENT_COOKIE, &recent, RECENT_LIFETIME);
            super::with_cookies(response, &[cookie])
        }
        Err(refusal) => broker.refuse(refusal, record).await,
    }
}

/// The checks in order, filling `record` as they learn who asked for what; the session issued,
/// and how long AWS took.
async fn issue_for(
    broker: &Broker,
    ip: std::net::IpAddr,
    record: &mut Record,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<ConsoleForm>, FormRejection>,
) -> Result<(Issued, std::time::Duration), Refusal> {
    if !broker.limits.ip_allows(ip) {
        return Err(Reason::RateLimitedIp.into());
    }
    let form = form(body)?;
    record.role_arn = Some(form.role.clone());
    record.service.clone_from(&form.service);
    record.region.clone_from(&form.region);
    let SignedIn(session) = session?;
    record.of_session(&session);
    if !broker.limits.user_allows(&session.person.user) {
        return Err(Reason::RateLimitedUser.into());
    }
    if !session.csrf_matches(form.csrf.as_deref()) {
        return Err(Reason::Csrf.into());
    }
    let rules = broker.rules();
    // Only a role of the entitlements can be issued: they say how (its session length,
    // services and regions). Whether this person may use it now is Cedar's to say.
    let role = rules
        .entitlements()
        .role(&form.role)
        .ok_or(Reason::NotEntitled)?;
    // A role on request is used under the person's active grant, for no longer than the
    // grant has left.
    let mut length = role.max_session;
    let grant = match (&role.access, broker.store()) {
        (Access::Request { .. }, Some(store)) => {
            let now = crate::grants::now();
            match store
                .active_grant(&session.person.user, &form.role, now)
                .await
            {
                Ok(grant) => grant.inspect(|grant| {
                    length = length.min(Duration::from_secs(grant.ends_at.saturating_sub(now)));
                }),
                Err(problem) => {
                    tracing::error!(request_id = %record.request_id, error = %problem, "cannot look for the person's grant");
                    return Err(Reason::RevocationUnavailable.into());
                }
            }
        }
        _ => None,
    };
    record.grant_id = grant.as_ref().map(|g| g.id.clone());
    let answer = rules.policies().decide(&Question {
        user: &session.person.user,
        groups: &session.person.groups,
        role: &role.arn,
        action: Action::Use,
        facts: Facts {
            amr: session.person.amr.clone(),
            source_ip: ip,
            now: std::time::SystemTime::now(),
            duration: Some(length),
            requester: None,
            grant: grant.is_some(),
        },
    });
    record.policies.clone_from(&answer.policies);
    if !answer.allowed {
        return Err(Reason::NotEntitled.into());
    }
    // STS's shortest session is 15 minutes: a grant with less left cannot be honoured without
    // outliving it.
    if grant.is_some() && length < MIN_SESSION {
        return Err(Reason::GrantEnding.into());
    }
    let choice = issue::Choice::of(role, form.service.as_deref(), form.region.as_deref())?;
    record.service = choice.service().map(str::to_owned);
    record.region = choice.region().map(str::to_owned);
    record.source_identity = Some(issue::session_name(&session.person.user));
    let started = std::time::Instant::now();
    match broker
        .issuer
        .issue(
            &session.person,
            role,
            &choice,
            &broker.config.public_url,
            length,
        )
        .await
    {
        Ok(issued) => {
            if role.break_glass {
                broker.broke_glass(&session.person.user, role, record).await;
            }
            Ok((issued, started.elapsed()))
        }
        Err(err) => {
            tracing::warn!(request_id = %record.request_id, error = %err, "issuing failed");
            Err(Reason::UpstreamFailed.into())
        }
    }
}
