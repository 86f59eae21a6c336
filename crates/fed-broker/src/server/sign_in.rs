//! Signing in at the broker: a redirect to the company's provider, and its answer, which makes
//! the person's session cookie.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{
    LOGIN_COOKIE, LOGIN_LIFETIME, SESSION_COOKIE, Session, Shared, jar, random_hex, refuse,
    with_cookies,
};
use crate::oidc::Pending;

pub(super) async fn login(State(broker): Shared) -> Response {
    let (url, pending) = broker.provider.start();
    let cookie = broker.keys.seal(LOGIN_COOKIE, &pending, LOGIN_LIFETIME);
    with_cookies(Redirect::to(url.as_str()).into_response(), &[cookie])
}

#[derive(Deserialize)]
pub(super) struct Callback {
    state: Option<String>,
    code: Option<String>,
}

pub(super) async fn callback(
    State(broker): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<Callback>,
) -> Response {
    let record = match broker.admit(&headers, peer, None).await {
        Ok(record) => record,
        Err(refused) => return *refused,
    };
    let pending: Pending = match broker.keys.open(&jar(&headers), LOGIN_COOKIE) {
        Ok(pending) => pending,
        Err(refusal) => {
            return refuse(&broker, StatusCode::BAD_REQUEST, refusal.reason(), record).await;
        }
    };
    let (Some(state), Some(code)) = (query.state, query.code) else {
        return refuse(&broker, StatusCode::BAD_REQUEST, "no_code", record).await;
    };
    let person = match broker.provider.finish(pending, &state, &code).await {
        Ok(person) => person,
        Err(err) => {
            tracing::info!(request_id = %record.request_id, error = %err, "sign-in refused");
            return refuse(&broker, StatusCode::BAD_REQUEST, err.reason(), record).await;
        }
    };
    let session = Session {
        person,
        csrf: random_hex(32),
    };
    let cookie = broker
        .keys
        .seal(SESSION_COOKIE, &session, broker.config.session.lifetime);
    let removal = broker.keys.removal(LOGIN_COOKIE);
    with_cookies(Redirect::to("/").into_response(), &[cookie, removal])
}
