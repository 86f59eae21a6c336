//! `GET /healthz` (the process answers), `GET /readyz` (and the audit store, when configured)
//! and `GET /metrics`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;

pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready unless the audit store, when there is one, does not answer.
pub(crate) async fn readyz(axum::extract::State(broker): Shared) -> Response {
    match broker.store() {
        Some(store) if !store.ready().await => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the audit store does not answer\n",
        )
            .into_response(),
        _ => "ready\n".into_response(),
    }
}

pub(crate) async fn metrics(axum::extract::State(broker): Shared) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        broker.metrics.render(),
    )
        .into_response()
}
