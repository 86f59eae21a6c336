//! `GET /`: the roles the signed-in person may use, each with a form that opens the console
//! (or, for a role of access "request", a way to request it); without a usable session, a
//! redirect to `/login`.
//!
//! The page lists the roles whose groups or users name the person: a quick filter, not the
//! decision. Conditions of the extra policies (working hours, `amr`, networks) are decided by
//! Cedar when the form is posted (`console.rs`), so a role listed here may still be refused.

use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use crate::extract::{ClientIp, SignedIn};
use crate::pages;
use crate::refusal::{Reason, Refusal};
use crate::session::RECENT_COOKIE;

#[derive(serde::Deserialize)]
pub(crate) struct Filter {
    q: Option<String>,
}

pub(crate) async fn home(
    axum::extract::State(broker): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    session: Result<SignedIn, Refusal>,
    filter: Result<axum::extract::Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let session = match super::page_session(&broker, ip, session).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let rules = broker.rules();
    let roles: Vec<_> = rules
        .entitlements()
        .for_user(&session.person.user, &session.person.groups)
        .collect();
    // Roles on request show what became of the person's requests: their grants.
    let on_request = roles
        .iter()
        .any(|role| !matches!(role.access, crate::entitlements::Access::Direct));
    let grants = match broker.store() {
        Some(store) if on_request => match store.grants_of(&session.person.user).await {
            Ok(grants) => grants,
            Err(problem) => {
                tracing::error!(error = %problem, "cannot list the person's grants");
                return broker
                    .refuse(Reason::RevocationUnavailable, broker.record(ip))
                    .await;
            }
        },
        _ => Vec::new(),
    };
    let query = filter.ok().and_then(|axum::extract::Query(f)| f.q);
    let recent: Vec<String> = broker
        .keys
        .open(&crate::extract::jar(&headers), RECENT_COOKIE)
        .unwrap_or_default();
    Html(
        pages::RolePage {
            person: &session.person,
            roles: &roles,
            csrf: &session.csrf,
            grants: &grants,
            now: crate::grants::now(),
            query: query.as_deref(),
            recent: &recent,
        }
        .render(),
    )
    .into_response()
}
