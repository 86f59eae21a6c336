//! The broker's routes, one module each. Everything between requests lives in sealed cookies,
//! so any replica serves any request; every decision is recorded (`decisions.rs`).
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the roles the signed-in person may use, or a redirect to `/login` |
//! | `GET /login` | a redirect to the provider; what the callback needs goes in a cookie |
//! | `GET /callback` | the provider's answer: the person is signed in at the broker |
//! | `POST /console` | a console session for a role: 303 to the sign-in URL |
//! | `POST /logout` | signs out of the broker (with the CSRF token) |
//! | `GET`/`POST /request`, `GET /requests`, `GET`/`POST /approvals`, `POST /grants/end` | just-in-time access (`grants.rs`) |
//! | `GET /healthz`, `GET /readyz` | liveness, and readiness (the audit store answers) |
//! | `GET /metrics` | counters in Prometheus's text format (on `[server] metrics_listen` when set) |

pub(crate) mod console;
pub(crate) mod grants;
pub(crate) mod health;
pub(crate) mod home;
pub(crate) mod logout;
pub(crate) mod sign_in;

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use crate::broker::Broker;
use crate::extract::SignedIn;
use crate::refusal::{Reason, Refusal};
use crate::session::Session;

/// The state every route takes.
pub(crate) type Shared = State<Arc<Broker>>;

/// The pages need a signed-in person; without one, sign in first.
pub(crate) async fn page_session(
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

/// `response` with `cookies` set.
pub(crate) fn with_cookies(
    mut response: Response,
    cookies: &[cookie::Cookie<'static>],
) -> Response {
    for cookie in cookies {
        if let Ok(value) = cookie.to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests;
