//! The role page, for the hundreds of roles across dozens of accounts an organisation has: the
//! person's recently used roles first, then every role grouped by account, and a filter that
//! works without JavaScript (`GET /?q=text`, matching the role's name, account or ARN).

use std::collections::BTreeMap;

use super::{document, escape, grants, length};
use crate::entitlements::{Access, Entitlement};
use crate::grants::{Grant, GrantState};
use crate::oidc::Person;

/// The list of services that fields suggest, made once.
static SERVICES: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The longest filter kept.
const MAX_QUERY: usize = 200;

/// What the role page shows.
pub(crate) struct RolePage<'a> {
    /// Who.
    pub(crate) person: &'a Person,
    /// The roles the quick filter lists for them.
    pub(crate) roles: &'a [&'a Entitlement],
    /// The session's CSRF token, for the forms.
    pub(crate) csrf: &'a str,
    /// Their grants, for roles on request.
    pub(crate) grants: &'a [Grant],
    /// Now, in seconds since the Unix epoch.
    pub(crate) now: u64,
    /// The filter, if any.
    pub(crate) query: Option<&'a str>,
    /// The ARNs of the roles they used last, the latest first.
    pub(crate) recent: &'a [String],
}

impl RolePage<'_> {
    /// The page.
    pub(crate) fn render(&self) -> String {
        let query: String = self
            .query
            .unwrap_or("")
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_QUERY)
            .collect();
        let mut body = format!(
            "{}<h1>AWS console</h1>\n<p>Signed in as <strong id=\"user\">{}</strong>.</p>\n",
            grants::navigation(),
            escape(&self.person.user)
        );
        if self.roles.is_empty() {
            body += "<p id=\"no-roles\">You may not use any role. Ask your administrator.</p>\n";
            return self.finish(body);
        }
        body += &format!(
            "<form method=\"get\" action=\"/\" role=\"search\" class=\"filter\">\
             <label>Filter <input type=\"search\" name=\"q\" value=\"{}\" \
             placeholder=\"role, account or ARN\" autocomplete=\"off\"></label> \
             <button type=\"submit\">Filter</button></form>\n",
            escape(&query)
        );
        let needle = query.to_lowercase();
        let shown: Vec<&Entitlement> = self
            .roles
            .iter()
            .copied()
            .filter(|role| {
                needle.is_empty()
                    || role.name.to_lowercase().contains(&needle)
                    || role.account.to_lowercase().contains(&needle)
                    || role.arn.to_string().to_lowercase().contains(&needle)
            })
            .collect();
        if shown.is_empty() {
            body += "<p id=\"no-match\">No role matches. <a href=\"/\">Show all</a></p>\n";
            return self.finish(body);
        }
        let mut partitions: Vec<fed_core::Partition> = Vec::new();
        let recent: Vec<&Entitlement> = self
            .recent
            .iter()
            .filter_map(|arn| shown.iter().find(|r| r.arn.to_string() == *arn).copied())
            .collect();
        if !recent.is_empty() && needle.is_empty() {
            body += "<section id=\"recent\"><h2>Recently used</h2>\n<ul class=\"roles\">\n";
            for role in &recent {
                body += &self.item(role, &mut partitions);
            }
            body += "</ul></section>\n";
        }
        let mut accounts: BTreeMap<&str, Vec<&Entitlement>> = BTreeMap::new();
        for role in &shown {
            accounts
                .entry(role.account.as_str())
                .or_default()
                .push(role);
        }
        body += "<div id=\"roles\">\n";
        for (account, roles) in accounts {
            body += &format!(
                "<section class=\"account\"><h2>Account {}</h2>\n<ul class=\"roles\">\n",
                escape(account)
            );
            for role in roles {
                body += &self.item(role, &mut partitions);
            }
            body += "</ul></section>\n";
        }
        body += "</div>\n";
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
        self.finish(body)
    }

    /// The page with the sign-out form at its end.
    fn finish(&self, mut body: String) -> String {
        body += &format!(
            "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">Sign out</button></form>\n",
            escape(self.csrf)
        );
        document("AWS console", &body)
    }

    /// One role: a form that opens the console; for a role on request without an active
    /// grant, a link to request it or what became of the request.
    fn item(&self, role: &Entitlement, partitions: &mut Vec<fed_core::Partition>) -> String {
        let arn = role.arn.to_string();
        let active = self
            .grants
            .iter()
            .find(|g| g.role_arn == arn && g.is_active(self.now));
        if let (Access::Request { max_grant, .. }, None) = (&role.access, active) {
            let query =
                percent_encoding::utf8_percent_encode(&arn, percent_encoding::NON_ALPHANUMERIC);
            let pending = self
                .grants
                .iter()
                .any(|g| g.role_arn == arn && g.state == GrantState::Pending);
            let next = if pending {
                "<p class=\"state pending\">Request pending: an approver will decide. \
                 <a href=\"/requests\">My requests</a></p>"
                    .to_owned()
            } else {
                format!("<p><a href=\"/request?role={query}\">Request access</a></p>")
            };
            return format!(
                "<li class=\"on-request\"><h3>{name}</h3><p>Account {account}, on request: \
                 grants of up to {grant}</p>{next}</li>\n",
                name = escape(&role.name),
                account = escape(&role.account),
                grant = length(*max_grant),
            );
        }
        let mut item = format!(
            "<li><form method=\"post\" action=\"/console\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <input type=\"hidden\" name=\"role\" value=\"{arn}\">\
             <h3>{name}</h3><p>Account {account}, at most {hours}</p>",
            csrf = escape(self.csrf),
            arn = escape(&arn),
            name = escape(&role.name),
            account = escape(&role.account),
            hours = length(role.max_session),
        );
        if let Some(grant) = active {
            item += &format!(
                "<p class=\"state active\">Granted until <time>{}</time></p>",
                grants::clock(grant.ends_at)
            );
        }
        if role.break_glass {
            item += "<p class=\"break-glass\"><strong>Break glass</strong>: \
                     for emergencies; every use is audited and notified.</p>";
        }
        // A role limited to some services or regions offers those; any other, a field that
        // suggests every service (or its partition's regions) and may stay empty.
        if role.services.is_empty() {
            item += "<label>Service <input name=\"service\" list=\"services\" \
                     placeholder=\"console home\" autocomplete=\"off\"></label> ";
        } else {
            item += "<label>Service <select name=\"service\">";
            for service in &role.services {
                item += &format!("<option>{}</option>", escape(service.name()));
            }
            item += "</select></label> ";
        }
        if role.regions.is_empty() {
            let partition = role.arn.partition();
            item += &format!(
                "<label>Region <input name=\"region\" list=\"regions-{id}\" \
                 placeholder=\"default\" autocomplete=\"off\"></label> ",
                id = partition.as_str()
            );
            if !partitions.contains(&partition) {
                partitions.push(partition);
            }
        } else {
            item += "<label>Region <select name=\"region\">";
            for region in &role.regions {
                item += &format!("<option>{}</option>", escape(region.as_str()));
            }
            item += "</select></label> ";
        }
        item += "<button type=\"submit\">Open the console</button></form>";
        if let Some(grant) = active {
            item += &grants::end_form(grant, self.csrf);
        }
        item + "</li>\n"
    }
}
