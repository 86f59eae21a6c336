//! The broker's HTML pages: plain, accessible, and working without JavaScript.

use axum::http::StatusCode;

use crate::entitlements::{Access, Entitlement};
use crate::grants::{Grant, GrantState};
use crate::oidc::Person;

pub(crate) mod grants;

/// Escapes text for HTML.
fn escape(text: &str) -> String {
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

/// The list of services that fields suggest, made once.
static SERVICES: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The roles `person` may use, each with a form that opens the console; a role of access
/// "request" with a link to request it instead, what became of their request, or, under an
/// active grant, the form with the grant's end and a button that ends it.
pub(crate) fn roles(
    person: &Person,
    roles: &[&Entitlement],
    csrf: &str,
    grants: &[Grant],
    now: u64,
) -> String {
    let mut body = format!(
        "{}<h1>AWS console</h1>\n<p>Signed in as <strong id=\"user\">{}</strong>.</p>\n",
        grants::navigation(),
        escape(&person.user)
    );
    if roles.is_empty() {
        body += "<p id=\"no-roles\">You may not use any role. Ask your administrator.</p>\n";
    } else {
        body += "<ul id=\"roles\">\n";
        let mut partitions: Vec<fed_core::Partition> = Vec::new();
        for role in roles {
            let arn = role.arn.to_string();
            let active = grants
                .iter()
                .find(|g| g.role_arn == arn && g.is_active(now));
            if let (Access::Request { max_grant, .. }, None) = (&role.access, active) {
                let query =
                    percent_encoding::utf8_percent_encode(&arn, percent_encoding::NON_ALPHANUMERIC);
                let pending = grants
                    .iter()
                    .any(|g| g.role_arn == arn && g.state == GrantState::Pending);
                let next = if pending {
                    "<p class=\"state pending\">Request pending: an approver will decide. \
                     <a href=\"/requests\">My requests</a></p>"
                        .to_owned()
                } else {
                    format!("<p><a href=\"/request?role={query}\">Request access</a></p>")
                };
                body += &format!(
                    "<li class=\"on-request\"><h2>{name}</h2><p>Account {account}, on request: \
                     grants of up to {grant}</p>{next}</li>\n",
                    name = escape(&role.name),
                    account = escape(&role.account),
                    grant = length(*max_grant),
                );
                continue;
            }
            body += &format!(
                "<li><form method=\"post\" action=\"/console\">\
                 <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                 <input type=\"hidden\" name=\"role\" value=\"{arn}\">\
                 <h2>{name}</h2><p>Account {account}, at most {hours}</p>",
                csrf = escape(csrf),
                arn = escape(&arn),
                name = escape(&role.name),
                account = escape(&role.account),
                hours = length(role.max_session),
            );
            if let Some(grant) = active {
                body += &format!(
                    "<p class=\"state active\">Granted until <time>{}</time></p>",
                    grants::clock(grant.ends_at)
                );
            }
            if role.break_glass {
                body += "<p class=\"break-glass\"><strong>Break glass</strong>: \
                         for emergencies; every use is audited and notified.</p>";
            }
            // A role limited to some services or regions offers those; any other, a field
            // that suggests every service (or its partition's regions) and may stay empty.
            if role.services.is_empty() {
                body += "<label>Service <input name=\"service\" list=\"services\" \
                         placeholder=\"console home\" autocomplete=\"off\"></label> ";
            } else {
                body += "<label>Service <select name=\"service\">";
                for service in &role.services {
                    body += &format!("<option>{}</option>", escape(service.name()));
                }
                body += "</select></label> ";
            }
            if role.regions.is_empty() {
                let partition = role.arn.partition();
                body += &format!(
                    "<label>Region <input name=\"region\" list=\"regions-{id}\" \
                     placeholder=\"default\" autocomplete=\"off\"></label> ",
                    id = partition.as_str()
                );
                if !partitions.contains(&partition) {
                    partitions.push(partition);
                }
            } else {
                body += "<label>Region <select name=\"region\">";
                for region in &role.regions {
                    body += &format!("<option>{}</option>", escape(region.as_str()));
                }
                body += "</select></label> ";
            }
            body += "<button type=\"submit\">Open the console</button></form>";
            if let Some(grant) = active {
                body += &grants::end_form(grant, csrf);
            }
            body += "</li>\n";
        }
        body += "</ul>\n";
        body += SERVICES.get_or_init(|| {
            let mut list = String::from("<datalist id=\"services\">");
            for service in fed_core::Service::all() {
                list += &format!("<option value=\"{}\">", escape(service.name()));
            }
            list + "</datalist>\n"
        });
        for partition in partitions {
            body += &format!("<datalist id=\"regions-{}\">", partition.as_str());
            for region in partition.regions() {
                body += &format!("<option value=\"{}\">", escape(region));
            }
            body += "</datalist>\n";
        }
    }
    body += &format!(
        "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <button type=\"submit\">Sign out</button></form>\n",
        escape(csrf)
    );
    document("AWS console", &body)
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
