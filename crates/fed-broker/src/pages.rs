//! The broker's HTML pages: plain, accessible, working without JavaScript, with one small
//! stylesheet of the broker's own (light and dark from the system's setting, readable on a
//! phone).

use axum::http::StatusCode;

pub(crate) mod grants;
pub(crate) mod roles;

pub(crate) use roles::RolePage;

/// The stylesheet of every page, served at `/style.css`: no asset from elsewhere, as the
/// pages' Content-Security-Policy allows.
pub(crate) const STYLESHEET: &str = include_str!("pages/style.css");

/// Escapes text for HTML.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <link rel=\"stylesheet\" href=\"/style.css\">\
         <title>{}</title></head>\n<body>\n<main>\n{body}</main>\n</body></html>\n",
        escape(title)
    )
}

/// A session length as people say it: `4h`, `90m`, `1h30m`.
pub(crate) fn length(duration: std::time::Duration) -> String {
    let minutes = duration.as_secs() / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// A refusal, naming its reason and the request id to quote.
pub(crate) fn refused(status: StatusCode, reason: &str, request_id: &str) -> String {
    document(
        "Refused",
        &format!(
            "<h1>{}</h1>\n<p>The broker refused this request: <code id=\"reason\">{}</code>. \
             Quote request <code>{}</code> when you ask for help.</p>\n<p><a href=\"/\">Start again</a></p>\n",
            status.as_u16(),
            escape(reason),
            escape(request_id)
        ),
    )
}

/// After signing out.
pub(crate) fn signed_out() -> String {
    document(
        "Signed out",
        "<h1>Signed out</h1>\n<p>You are signed out of the broker. Console sessions it opened last until they end; sign out of the console too to end yours now.</p>\n<p><a href=\"/\">Sign in again</a></p>\n",
    )
}
