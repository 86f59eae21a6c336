//! The pages of just-in-time access: asking for a role, one's own requests, and the requests
//! an approver may decide. Plain forms with the session's CSRF token; no JavaScript.

use std::time::Duration;

use super::{document, escape, length};
use crate::entitlements::Entitlement;
use crate::grants::{Grant, GrantState};
use crate::oidc::Person;

/// The links between the broker's pages.
pub(crate) fn navigation() -> &'static str {
    "<nav><a href=\"/\">Roles</a> · <a href=\"/requests\">My requests</a> · \
     <a href=\"/approvals\">Approvals</a></nav>\n"
}

/// `seconds` since the epoch as people read it: `2026-12-07 14:05 UTC`.
pub(crate) fn clock(seconds: u64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// The lengths a request offers: the usual ones within `min` and `max`, and `max` itself.
fn lengths(min: Duration, max: Duration) -> Vec<Duration> {
    let mut offered: Vec<Duration> = [
        15 * 60,
        30 * 60,
        3600,
        2 * 3600,
        4 * 3600,
        8 * 3600,
        12 * 3600,
        24 * 3600,
    ]
    .into_iter()
    .map(Duration::from_secs)
    .filter(|d| *d >= min && *d <= max)
    .collect();
    if !offered.contains(&max) {
        offered.push(max);
    }
    if min < max && !offered.contains(&min) {
        offered.insert(0, min);
    }
    offered
}

/// A length as the form sends it: seconds, such as `3600s`, which the broker parses back.
fn as_field(length: Duration) -> String {
    format!("{}s", length.as_secs())
}

/// The form that asks for `role`.
pub(crate) fn request_form(
    role: &Entitlement,
    csrf: &str,
    min: Duration,
    max: Duration,
    justification: bool,
) -> String {
    let mut options = String::new();
    for offered in lengths(min, max) {
        options += &format!(
            "<option value=\"{}\">{}</option>",
            as_field(offered),
            length(offered)
        );
    }
    let required = if justification { " required" } else { "" };
    let body = format!(
        "{nav}<h1>Request access</h1>\n<form method=\"post\" action=\"/request\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"role\" value=\"{arn}\">\
         <h2>{name}</h2><p>Account {account}</p>\
         <p><label>For <select name=\"duration\">{options}</select></label></p>\
         <p><label>From <input type=\"datetime-local\" name=\"start\"> (UTC; empty: now)</label></p>\
         <p><label>Why<br><textarea name=\"justification\" rows=\"3\" cols=\"60\" maxlength=\"1000\"{required}></textarea></label></p>\
         <p><button type=\"submit\">Request</button></p></form>\n",
        nav = navigation(),
        csrf = escape(csrf),
        arn = escape(&role.arn.to_string()),
        name = escape(&role.name),
        account = escape(&role.account),
    );
    document("Request access", &body)
}

/// Where `grant` stands, as its owner reads it at `now`.
fn state(grant: &Grant, now: u64) -> String {
    match grant.state {
        GrantState::Pending => "pending".to_owned(),
        GrantState::Approved if grant.is_active(now) => {
            format!("active until <time>{}</time>", clock(grant.ends_at))
        }
        GrantState::Approved if now < grant.starts_at => {
            format!("approved, from <time>{}</time>", clock(grant.starts_at))
        }
        GrantState::Approved | GrantState::Expired => "ended (expired)".to_owned(),
        GrantState::Denied => "denied".to_owned(),
        GrantState::Ended => "ended".to_owned(),
        GrantState::Revoked => "revoked".to_owned(),
    }
}

/// The button that ends `grant` (or withdraws it while pending).
pub(crate) fn end_form(grant: &Grant, csrf: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/grants/end\" class=\"end\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"grant\" value=\"{}\">\
         <button type=\"submit\">{}</button></form>",
        escape(csrf),
        escape(&grant.id),
        if grant.state == GrantState::Pending {
            "Withdraw"
        } else {
            "End now"
        }
    )
}

/// One grant as a table row: the role, its length, where it stands, and why.
fn row(grant: &Grant, now: u64, who: Option<&str>, actions: &str) -> String {
    let who = who.map_or(String::new(), |w| format!("<td>{}</td>", escape(w)));
    format!(
        "<tr id=\"grant-{id}\">{who}<td>{role}</td><td>{length}</td><td class=\"state\">{state}</td>\
         <td>{why}</td><td>{actions}</td></tr>\n",
        id = escape(&grant.id),
        role = escape(&grant.role_name),
        length = length(Duration::from_secs(
            grant.ends_at.saturating_sub(grant.starts_at)
        )),
        state = state(grant, now),
        why = escape(grant.justification.as_deref().unwrap_or("")),
    )
}

/// The person's own requests, newest first.
pub(crate) fn my_requests(person: &Person, grants: &[Grant], csrf: &str, now: u64) -> String {
    let mut body = format!(
        "{}<h1>My requests</h1>\n<p>Signed in as <strong id=\"user\">{}</strong>.</p>\n",
        navigation(),
        escape(&person.user)
    );
    if grants.is_empty() {
        body += "<p id=\"no-requests\">You have not asked for any role.</p>\n";
    } else {
        body += "<table id=\"requests\"><tr><th>Role</th><th>For</th><th>State</th><th>Why</th><th>Actions</th></tr>\n";
        for grant in grants {
            let open = grant.state == GrantState::Pending
                || (grant.state == GrantState::Approved && now < grant.ends_at);
            let actions = if open {
                end_form(grant, csrf)
            } else {
                String::new()
            };
            body += &row(grant, now, None, &actions);
        }
        body += "</table>\n";
    }
    document("My requests", &body)
}

/// The requests `person` may see as an approver: each with approve and deny, or, for their
/// own, a note that another approver must decide; then the approved grants, each with a button
/// that ends it.
pub(crate) fn approvals(
    person: &Person,
    pending: &[(Grant, bool)],
    csrf: &str,
    now: u64,
) -> String {
    let mut body = format!(
        "{}<h1>Approvals</h1>\n<p>Signed in as <strong id=\"user\">{}</strong>.</p>\n",
        navigation(),
        escape(&person.user)
    );
    if pending.is_empty() {
        body += "<p id=\"no-approvals\">No request waits for you, and no grant you approve is open.</p>\n";
    } else {
        body += "<table id=\"approvals\"><tr><th>Who</th><th>Role</th><th>For</th><th>State</th><th>Why</th><th>Actions</th></tr>\n";
        for (grant, may_decide) in pending {
            let actions = if grant.state != GrantState::Pending {
                // An approved grant: its requester or an approver may end it.
                if *may_decide || grant.requester == person.user {
                    end_form(grant, csrf)
                } else {
                    "You may not end this one.".to_owned()
                }
            } else if grant.requester == person.user {
                "Your own request: another approver decides.".to_owned()
            } else if *may_decide {
                format!(
                    "<form method=\"post\" action=\"/approvals\">\
                     <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                     <input type=\"hidden\" name=\"grant\" value=\"{id}\">\
                     <label>Comment <input name=\"comment\" maxlength=\"500\"></label> \
                     <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button> \
                     <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
                    csrf = escape(csrf),
                    id = escape(&grant.id),
                )
            } else {
                "You may not decide this one.".to_owned()
            };
            body += &row(grant, now, Some(&grant.requester), &actions);
        }
        body += "</table>\n";
    }
    document("Approvals", &body)
}
