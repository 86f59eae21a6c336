//! Notifications of access events to a webhook (`[notify]`): each event is POSTed as JSON with
//! a Slack-compatible `text` and structured fields, signed with HMAC-SHA256 of the body.
//!
//! ```text
//! POST <webhook URL>
//! Content-Type: application/json
//! X-Fed-Broker-Signature: sha256=<hex of HMAC-SHA256(secret, body)>
//!
//! {"text":"bob@example.com requested Production admin (1h): deploy fix","event":"requested",…}
//! ```
//!
//! A receiver checks the signature over the exact bytes of the body, and the body's `time`
//! against replays. Sending never blocks or reverses a decision: it runs on its own task, is
//! retried with backoff ([`ATTEMPTS`] attempts, each within [`ATTEMPT_TIMEOUT`]), and a
//! notification that could not be delivered is logged and counted
//! (`fed_broker_webhook_failures_total`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use url::Url;

/// How many times a notification is tried.
pub const ATTEMPTS: u32 = 5;
/// The longest one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Fed-Broker-Signature";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// Someone asked for access to a role.
    Requested,
    /// An approver approved a request.
    Approved,
    /// An approver denied a request.
    Denied,
    /// An approved grant began.
    Activated,
    /// A grant was ended before its end, by its requester or an approver.
    Ended,
    /// A grant reached its end.
    Expired,
    /// An operator revoked a grant.
    Revoked,
    /// A break-glass role was used.
    BreakGlass,
}

impl Event {
    /// As in the JSON body, such as `break_glass`.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Requested => "requested",
            Event::Approved => "approved",
            Event::Denied => "denied",
            Event::Activated => "activated",
            Event::Ended => "ended",
            Event::Expired => "expired",
            Event::Revoked => "revoked",
            Event::BreakGlass => "break_glass",
        }
    }
}

/// One notification: who did what to whose access to which role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Notice {
    /// What happened.
    pub event: Event,
    /// Who did it (the approver, the person who ended it); the requester for their own acts.
    pub actor: String,
    /// Whose access it is.
    pub user: String,
    /// The role's name, as people see it.
    pub role_name: String,
    /// The role.
    pub role_arn: String,
    /// The grant's id, for grant events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// When the access begins, in seconds since the Unix epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<u64>,
    /// When it ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<u64>,
    /// Why it was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// The approver's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Notice {
    /// A notice of `event` by `actor` about `user`'s access to a role.
    pub fn new(
        event: Event,
        actor: impl Into<String>,
        user: impl Into<String>,
        role_name: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> Notice {
        Notice {
            event,
            actor: actor.into(),
            user: user.into(),
            role_name: role_name.into(),
            role_arn: role_arn.into(),
            grant_id: None,
            starts_at: None,
            ends_at: None,
            justification: None,
            comment: None,
        }
    }

    /// The Slack-compatible line: who did what to whose access, and why.
    fn text(&self) -> String {
        let (actor, user, role) = (&self.actor, &self.user, &self.role_name);
        let length = match (self.starts_at, self.ends_at) {
            (Some(start), Some(end)) => format!(
                " for {}",
                crate::pages::length(Duration::from_secs(end.saturating_sub(start)))
            ),
            _ => String::new(),
        };
        let mut text = match self.event {
            Event::Requested => format!("{user} requested {role}{length}"),
            Event::Approved => format!("{actor} approved {user}'s request for {role}{length}"),
            Event::Denied => format!("{actor} denied {user}'s request for {role}"),
            Event::Activated => format!("{user} now has {role}{length}"),
            Event::Ended => format!("{actor} ended {user}'s access to {role}"),
            Event::Expired => format!("{user}'s access to {role} expired"),
            Event::Revoked => format!("{actor} revoked {user}'s access to {role}"),
            Event::BreakGlass => format!(":rotating_light: {user} broke the glass: {role}"),
        };
        if let Some(why) = &self.justification {
            text += &format!(": {why}");
        }
        if let Some(comment) = &self.comment {
            text += &format!(" ({comment})");
        }
        clean(&text, 1000)
    }
}

/// The JSON body.
#[derive(Serialize)]
struct Body<'a> {
    text: String,
    time: String,
    #[serde(flatten)]
    notice: &'a Notice,
}

/// Where notifications go.
pub struct Notifier {
    client: reqwest::Client,
    url: Url,
    secret: Vec<u8>,
    failures: Arc<AtomicU64>,
    backoff: Duration,
}

/// The webhook URL may hold a token (Slack's do): never shown.
impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("host", &self.url.host_str())
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// Notifications to `url`, signed with `secret`.
    pub fn new(url: Url, secret: &str) -> Notifier {
        Notifier::counted(url, secret, Arc::default())
    }

    /// Notifications to `url`, signed with `secret`; undelivered ones counted in `failures`.
    pub(crate) fn counted(url: Url, secret: &str, failures: Arc<AtomicU64>) -> Notifier {
        Notifier {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(ATTEMPT_TIMEOUT)
                .timeout(ATTEMPT_TIMEOUT)
                .build()
                .unwrap_or_default(),
            url,
            secret: secret.as_bytes().to_vec(),
            failures,
            backoff: Duration::from_secs(1),
        }
    }

    /// The same, waiting `backoff`, then twice that, and so on between attempts.
    #[cfg(test)]
    pub(crate) fn with_backoff(mut self, backoff: Duration) -> Notifier {
        self.backoff = backoff;
        self
    }

    /// Sends `notice` on a task of its own: the caller never waits for the webhook.
    pub(crate) fn send(self: &Arc<Self>, notice: Notice) {
        let notifier = Arc::clone(self);
        tokio::spawn(async move { notifier.deliver(&notice).await });
    }

    /// Delivers `notice`, retrying; whether it was delivered.
    pub async fn deliver(&self, notice: &Notice) -> bool {
        let body = serde_json::to_vec(&Body {
            text: notice.text(),
            time: crate::audit::rfc3339(SystemTime::now()),
            notice,
        })
        .unwrap_or_default();
        let signature = format!("sha256={}", sign(&self.secret, &body));
        let mut wait = self.backoff;
        for attempt in 1..=ATTEMPTS {
            let sent = self
                .client
                .post(self.url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, &signature)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => return true,
                Ok(response) => tracing::warn!(
                    attempt,
                    status = response.status().as_u16(),
                    event = notice.event.as_str(),
                    "the webhook refused a notification"
                ),
                Err(e) => tracing::warn!(
                    attempt,
                    error = %fed_core::one_line(&e.without_url()),
                    event = notice.event.as_str(),
                    "the webhook could not be reached"
                ),
            }
            if attempt < ATTEMPTS {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
        self.failures.fetch_add(1, Ordering::Relaxed);
        tracing::error!(
            event = notice.event.as_str(),
            "a notification was not delivered; the decision stands"
        );
        false
    }
}

/// The hex HMAC-SHA256 of `body` with `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `text` without control characters, at most `max` characters.
fn clean(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

#[cfg(test)]
mod tests;
