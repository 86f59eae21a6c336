//! Signing in at the broker: `GET /login` redirects to the company's provider; `GET /callback`
//! takes its answer, checks it, and makes the person's session cookie. A sign-in is a decision:
//! recorded (`signed_in`, with the user, `iss`, `sub` and groups) before the cookie is set.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Shared, with_cookies};
use crate::audit::Decision;
use crate::extract::{ClientIp, jar};
use crate::oidc::Pending;
use crate::refusal::{Reason, Refusal};
use crate::session::{LOGIN_COOKIE, MAX_COOKIE_BYTES, SESSION_COOKIE, Session};

/// How long a sign-in at the provider may take.
const LOGIN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(600);

pub(crate) async fn login(State(broker): Shared) -> Response {
    let (url, pending) = broker.provider.start();
    let cookie = broker.keys.seal(LOGIN_COOKIE, &pending, LOGIN_LIFETIME);
    with_cookies(Redirect::to(url.as_str()).into_response(), &[cookie])
}

#[derive(Deserialize)]
pub(crate) struct Callback {
    state: Option<String>,
    code: Option<String>,
}

pub(crate) async fn callback(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    query: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let mut record = broker.record(ip);
    if !broker.limits.ip_allows(ip) {
        return broker.refuse(Reason::RateLimitedIp, record).await;
    }
    let pending: Pending = match broker.keys.open(&jar(&headers), LOGIN_COOKIE) {
        Ok(pending) => pending,
        Err(reason) => {
            return broker
                .refuse(Refusal::from(reason).at_callback(), record)
                .await;
        }
    };
    let Ok(Query(Callback {
        state: Some(state),
        code: Some(code),
    })) = query
    else {
        return broker.refuse(Reason::NoCode, record).await;
    };
    let person = match broker.provider.finish(pending, &state, &code).await {
        Ok(person) => person,
        Err(err) => {
            tracing::info!(request_id = %record.request_id, error = %err, "sign-in refused");
            return broker.refuse(err.reason(), record).await;
        }
    };
    let session = Session::begin(person, &broker.rules());
    record.of_session(&session);
    let cookie = broker
        .keys
        .seal(SESSION_COOKIE, &session, broker.config.session.lifetime);
    // Browsers drop a cookie over 4 KB, and the sign-in would start again forever.
    if cookie.to_string().len() > MAX_COOKIE_BYTES {
        return broker.refuse(Reason::SessionTooLarge, record).await;
    }
    record.decision = Decision::SignedIn;
    if let Err(refused) = broker.grant(&record).await {
        return refused;
    }
    broker.metrics.signed_in();
    let removal = broker.keys.removal(LOGIN_COOKIE);
    with_cookies(Redirect::to("/").into_response(), &[cookie, removal])
}
