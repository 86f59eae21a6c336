//! `POST /logout`, with the session's CSRF token: the broker session ends. With the audit store
//! configured, its id is recorded there and every replica refuses it until it would have
//! expired; without one, the cookie is removed from this browser, and a copy made before keeps
//! working until it expires (docs/broker.md says so). Console sessions already opened last
//! until their own end either way.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::{Shared, with_cookies};
use crate::audit::Decision;
use crate::extract::{ClientIp, SignedIn, form};
use crate::pages;
use crate::refusal::{Reason, Refusal};
use crate::session::SESSION_COOKIE;

#[derive(Deserialize)]
pub(crate) struct LogoutForm {
    csrf: Option<String>,
}

pub(crate) async fn logout(
    State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
    body: Result<axum::Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let mut record = broker.record(ip);
    if !broker.limits.ip_allows(ip) {
        return broker.refuse(Reason::RateLimitedIp, record).await;
    }
    let removal = broker.keys.removal(SESSION_COOKIE);
    let session = match session {
        Ok(SignedIn(session)) => session,
        // Nothing to end: the browser forgets what it has.
        Err(refusal) if refusal.reason != Reason::RevocationUnavailable => {
            return with_cookies(Html(pages::signed_out()).into_response(), &[removal]);
        }
        Err(refusal) => return broker.refuse(refusal, record).await,
    };
    record.of_session(&session);
    let csrf = match form(body) {
        Ok(LogoutForm { csrf }) => csrf,
        Err(refusal) => return broker.refuse(refusal, record).await,
    };
    if !session.csrf_matches(csrf.as_deref()) {
        return broker.refuse(Reason::Csrf, record).await;
    }
    if let Some(store) = broker.store() {
        let until = session.since + broker.config.session.lifetime.as_secs();
        if let Err(problem) = store.revoke_session(&session.id, until).await {
            tracing::error!(request_id = %record.request_id, error = %problem, "the sign-out could not be stored");
            let refused = broker.refuse(Reason::RevocationUnavailable, record).await;
            return with_cookies(refused, &[removal]);
        }
    }
    record.decision = Decision::SignedOut;
    broker.note(&record).await;
    with_cookies(Html(pages::signed_out()).into_response(), &[removal])
}
