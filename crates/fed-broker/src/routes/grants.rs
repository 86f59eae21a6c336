//! Just-in-time access, by forms with the session's CSRF token:
//!
//! | route | what |
//! |---|---|
//! | `GET /request?role=ARN` | the form that asks for a role of access "request" |
//! | `POST /request` | asks (`role`, `duration`, optional `start` in UTC, `justification`) |
//! | `GET /requests` | the person's own requests and grants |
//! | `GET /approvals` | the pending requests the person may decide |
//! | `POST /approvals` | approves or denies one (`grant`, `decision`, optional `comment`) |
//! | `POST /grants/end` | ends a grant early, or withdraws a request (`grant`) |
//!
//! Every decision is Cedar's (`request`, `approve`) and is recorded; nobody approves their
//! own request, whatever the policies say (the store refuses it too).

mod approvals;
mod end;
mod request;

pub(crate) use approvals::{approvals, decide_request};
pub(crate) use end::end;
pub(crate) use request::{request, request_page, requests};

use std::time::Duration;

use axum::extract::Form;
use axum::extract::rejection::FormRejection;

use crate::audit::Record;
use crate::broker::Broker;
use crate::entitlements::Entitlement;
use crate::extract::{SignedIn, form};
use crate::policy::{Action, Facts, Question};
use crate::refusal::{Reason, Refusal};
use crate::session::Session;

/// A form's fields, with its CSRF token.
pub(crate) trait WithCsrf {
    fn csrf(&self) -> Option<&str>;
}

/// The checks every form of these routes passes first: the client's rate limit, a form, a
/// session (filling `record` with who), the user's rate limit, the CSRF token.
pub(crate) async fn admitted<T: WithCsrf>(
    broker: &Broker,
    ip: std::net::IpAddr,
    record: &mut Record,
    session: Result<SignedIn, Refusal>,
    body: Result<Form<T>, FormRejection>,
) -> Result<(Session, T), Refusal> {
    if !broker.limits.ip_allows(ip) {
        return Err(Reason::RateLimitedIp.into());
    }
    let fields = form(body)?;
    let SignedIn(session) = session?;
    record.of_session(&session);
    if !broker.limits.user_allows(&session.person.user) {
        return Err(Reason::RateLimitedUser.into());
    }
    if !session.csrf_matches(fields.csrf()) {
        return Err(Reason::Csrf.into());
    }
    Ok((session, fields))
}

/// What Cedar says of `action` by `session`'s person on `role`.
pub(crate) fn decide(
    broker: &Broker,
    session: &Session,
    ip: std::net::IpAddr,
    role: &Entitlement,
    action: Action,
    (duration, requester): (Option<Duration>, Option<&str>),
    record: &mut Record,
) -> Result<(), Refusal> {
    let rules = broker.rules();
    let answer = rules.policies().decide(&Question {
        user: &session.person.user,
        groups: &session.person.groups,
        role: &role.arn,
        action,
        facts: Facts {
            amr: session.person.amr.clone(),
            source_ip: ip,
            now: std::time::SystemTime::now(),
            duration,
            requester: requester.map(str::to_owned),
            grant: false,
        },
    });
    record.policies.clone_from(&answer.policies);
    if answer.allowed {
        Ok(())
    } else {
        Err(Reason::NotEntitled.into())
    }
}

/// `text` trimmed, without control characters, at most `max` characters; none when empty.
pub(crate) fn bounded(text: Option<&str>, max: usize) -> Option<String> {
    let kept: String = text?
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    (!kept.is_empty()).then_some(kept)
}
