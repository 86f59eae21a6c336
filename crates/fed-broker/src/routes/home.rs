//! `GET /`: the roles the signed-in person may use, each with a form that opens the console
//! (or, for a role of access "request", a way to request it); without a usable session, a
//! redirect to `/login`.
//!
//! The page lists the roles whose groups or users name the person: a quick filter, not the
//! decision. Conditions of the extra policies (working hours, `amr`, networks) are decided by
//! Cedar when the form is posted (`console.rs`), so a role listed here may still be refused.

use axum::response::{Html, IntoResponse, Redirect, Response};

use super::Shared;
use crate::extract::{ClientIp, SignedIn};
use crate::pages;
use crate::refusal::{Reason, Refusal};

pub(crate) async fn home(
    axum::extract::State(broker): Shared,
    ClientIp(ip): ClientIp,
    session: Result<SignedIn, Refusal>,
) -> Response {
    match session {
        Ok(SignedIn(session)) => {
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
            Html(pages::roles(
                &session.person,
                &roles,
                &session.csrf,
                &grants,
                crate::grants::now(),
            ))
            .into_response()
        }
        // The store cannot say whether the session was revoked: refused, not sent round.
        Err(refusal) if refusal.reason == Reason::RevocationUnavailable => {
            broker.refuse(refusal, broker.record(ip)).await
        }
        Err(_) => Redirect::to("/login").into_response(),
    }
}
