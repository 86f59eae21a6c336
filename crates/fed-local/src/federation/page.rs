//! The HTML pages: the console landing page and the signed-out page.

use std::time::SystemTime;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::resolver::ConsoleDenial;
use super::server::ConsoleSession;

pub(super) fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

pub(super) fn console(session: &ConsoleSession, now: SystemTime) -> String {
    let expires = rfc3339(session.session_expires_at);
    let state = if now < session.session_expires_at {
        "active"
    } else {
        "expired"
    };
    let issuer = session.issuer.as_deref().unwrap_or("(none)");
    let arn = session.identity.arn.to_string();
    let body = format!(
        "<h1>Signed in to the console emulator</h1>\n\
         <dl>\n\
         <dt>Principal</dt><dd id=\"principal\">{}</dd>\n\
         <dt>Account</dt><dd id=\"account\">{}</dd>\n\
         <dt>Credential origin</dt><dd id=\"origin\">{}</dd>\n\
         <dt>Session expires</dt><dd id=\"expires\">{} ({})</dd>\n\
         <dt>Issuer</dt><dd id=\"issuer\">{}</dd>\n\
         <dt>Destination</dt><dd id=\"destination\">{}</dd>\n\
         </dl>\n\
         <p>This is a local emulator of the AWS Management Console sign-in; the destination is not opened.</p>",
        escape(&arn),
        escape(session.identity.arn.account_id()),
        escape(session.identity.origin.describe()),
        escape(&expires),
        state,
        escape(issuer),
        escape(session.destination.as_str()),
    );
    document("Console emulator", &body)
}

pub(super) fn denied(session: &ConsoleSession, denial: &ConsoleDenial) -> String {
    let body = format!(
        "<h1>Access denied</h1>\n\
         <p id=\"denied\">User: {} is not authorized to perform this action with an explicit deny in an identity-based policy: {}</p>\n\
         <p>The console's calls with this session's credentials are refused. Sign in again to get a new session, if you still may.</p>",
        escape(&session.identity.arn.to_string()),
        escape(&denial.policy),
    );
    document("Access denied", &body)
}

pub(super) fn unavailable(session: &ConsoleSession) -> String {
    let body = format!(
        "<h1>Access could not be checked</h1>\n\
         <p id=\"unavailable\">The policies of {} could not be read; the console's calls are refused until they can.</p>",
        escape(&session.identity.arn.to_string()),
    );
    document("Access denied", &body)
}

pub(super) fn not_signed_in() -> String {
    document(
        "Console emulator",
        "<h1>Not signed in</h1>\n<p>Open a login URL of this emulator to sign in.</p>",
    )
}

pub(super) fn signed_out() -> String {
    document(
        "Signed out",
        "<h1>Signed out</h1>\n<p>The console session has ended.</p>",
    )
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        escape(title)
    )
}

fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
