//! `GET /`: the roles the signed-in person may use, each with a form that opens the console;
//! without a usable session, a redirect to `/login`.

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
            let entitlements = broker.entitlements();
            let roles: Vec<_> = entitlements
                .for_user(&session.person.user, &session.person.groups)
                .collect();
            Html(pages::roles(&session.person, &roles, &session.csrf)).into_response()
        }
        // The store cannot say whether the session was revoked: refused, not sent round.
        Err(refusal) if refusal.reason == Reason::RevocationUnavailable => {
            broker.refuse(refusal, broker.record(ip)).await
        }
        Err(_) => Redirect::to("/login").into_response(),
    }
}
