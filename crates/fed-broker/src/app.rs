//! The broker as an axum [`Router`]: its routes, and the rules every response follows.
//!
//! - Request bodies over [`BODY_LIMIT`] are refused with 413 before they are read whole.
//! - A request that takes longer than [`REQUEST_TIMEOUT`] is cut and refused
//!   (`request_timeout`); the calls it makes have shorter timeouts of their own.
//! - Every response tells browsers not to frame it, not to guess its type, not to send a
//!   referrer and not to keep it (`Cache-Control: no-store`); the pages may load nothing from
//!   elsewhere (`Content-Security-Policy`); with an https `public_url`, browsers are told to use
//!   https only (`Strict-Transport-Security`).
//! - With `[server] metrics_listen` set, `/metrics` is served only there ([`metrics_app`]), and
//!   the public router answers 404 for it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

use crate::broker::Broker;
use crate::refusal::Reason;
use crate::routes::{console, grants, health, home, logout, sign_in};

/// The largest request body the broker reads: a form is a role, a token, a service and a
/// region.
pub const BODY_LIMIT: usize = 16 * 1024;
/// The longest a request may take, the provider's or AWS's answers included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What browsers may do with the broker's pages: nothing loaded from elsewhere, no scripts, no
/// framing. Forms are not limited to the broker (`form-action`): the console form's answer is a
/// redirect to AWS's sign-in page, which browsers would check against it.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The public router of `broker`.
pub fn app(broker: Arc<Broker>) -> Router {
    let mut router = Router::new()
        .route("/", get(home::home))
        .route("/login", get(sign_in::login))
        .route("/callback", get(sign_in::callback))
        .route("/console", post(console::console))
        .route("/logout", post(logout::logout))
        .route("/request", get(grants::request_page).post(grants::request))
        .route("/requests", get(grants::requests))
        .route(
            "/approvals",
            get(grants::approvals).post(grants::decide_request),
        )
        .route("/grants/end", post(grants::end))
        .route("/style.css", get(stylesheet))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz));
    if broker.config.server.metrics_listen.is_none() {
        router = router.route("/metrics", get(health::metrics));
    }
    router
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&broker),
            within_time,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&broker),
            safe_for_browsers,
        ))
        .with_state(broker)
}

/// The router of `[server] metrics_listen`: `/metrics` alone.
pub fn metrics_app(broker: Arc<Broker>) -> Router {
    Router::new()
        .route("/metrics", get(health::metrics))
        .with_state(broker)
}

/// The pages' stylesheet, which browsers may keep for an hour.
async fn stylesheet() -> Response {
    axum::response::IntoResponse::into_response((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        crate::pages::STYLESHEET,
    ))
}

/// Cuts a request that takes longer than [`REQUEST_TIMEOUT`], and refuses it.
async fn within_time(State(broker): State<Arc<Broker>>, request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let ip = ip.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
            broker
                .refuse(Reason::RequestTimeout, broker.record(ip))
                .await
        }
    }
}

/// The headers of every response, for browsers.
async fn safe_for_browsers(
    State(broker): State<Arc<Broker>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Nothing is kept by browsers or proxies, except what says it may be (the stylesheet).
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if broker.config.public_url.scheme() == "https" {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

#[cfg(test)]
mod tests;
