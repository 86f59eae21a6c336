//! A console session for a role, by POST with the CSRF token: admitted, checked against the
//! entitlements, issued, audited (stored first when there is a store), then a 303 to the
//! sign-in URL.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{AUDIT_UNAVAILABLE, SESSION_COOKIE, Session, Shared, issue, jar, refuse, with_cookies};
use crate::audit::Decision;

#[derive(Deserialize)]
pub(super) struct ConsoleForm {
    role: String,
    csrf: Option<String>,
    service: Option<String>,
    region: Option<String>,
}

pub(super) async fn console(
    State(broker): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<ConsoleForm>,
) -> Response {
    let received = std::time::Instant::now();
    let mut record = match broker.admit(&headers, peer, Some(&form.role)).await {
        Ok(record) => record,
        Err(refused) => return *refused,
    };
    let session: Session = match broker.keys.open(&jar(&headers), SESSION_COOKIE) {
        Ok(session) => session,
        Err(refusal) => {
            return refuse(&broker, StatusCode::UNAUTHORIZED, refusal.reason(), record).await;
        }
    };
    record.user = Some(session.person.user.clone());
    record.groups = session.person.groups.clone();
    if !broker.limits.user_allows(&session.person.user) {
        return refuse(
            &broker,
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited_user",
            record,
        )
        .await;
    }
    let csrf_ok = form.csrf.as_deref().is_some_and(|token| {
        token.len() == session.csrf.len()
            && token
                .bytes()
                .zip(session.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if !csrf_ok {
        return refuse(&broker, StatusCode::FORBIDDEN, "csrf", record).await;
    }
    let entitlements = broker.entitlements();
    let Some(role) = entitlements.find(&form.role, &session.person.user, &session.person.groups)
    else {
        return refuse(&broker, StatusCode::FORBIDDEN, "not_entitled", record).await;
    };
    let choice = match issue::Choice::of(role, form.service.as_deref(), form.region.as_deref()) {
        Ok(choice) => choice,
        Err(reason) => return refuse(&broker, StatusCode::BAD_REQUEST, reason, record).await,
    };
    let started = std::time::Instant::now();
    match broker
        .issuer
        .issue(&session.person, role, &choice, &broker.config.public_url)
        .await
    {
        Ok(issued) => {
            let upstream = started.elapsed();
            record.decision = Decision::Issued;
            record.duration_seconds = Some(issued.duration_seconds);
            // The record is stored before the URL leaves: without it, no session.
            if let Err(problem) = broker.store_record(&record).await {
                drop(issued);
                tracing::error!(
                    request_id = %record.request_id,
                    error = %problem,
                    "audit store unavailable; the session is not issued"
                );
                record.decision = Decision::Denied;
                record.duration_seconds = None;
                return refuse(
                    &broker,
                    StatusCode::SERVICE_UNAVAILABLE,
                    AUDIT_UNAVAILABLE,
                    record,
                )
                .await;
            }
            broker.metrics.issued(upstream);
            let _ = record.write_to(&mut std::io::stdout().lock());
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
            with_cookies(response, &[])
        }
        Err(err) => {
            tracing::warn!(request_id = %record.request_id, error = %err, "issuing failed");
            refuse(&broker, StatusCode::BAD_GATEWAY, "upstream_failed", record).await
        }
    }
}
