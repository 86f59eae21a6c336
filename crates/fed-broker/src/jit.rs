//! The steps of just-in-time access as the broker records and announces them: each step of a
//! grant is one audit record and one notification. Activation and expiry are found by every
//! replica every few seconds ([`Broker::advance_grants`]); the store hands each grant's step to
//! exactly one of them.

use std::time::Duration;

use crate::audit::{Decision, Record};
use crate::broker::Broker;
use crate::entitlements::Entitlement;
use crate::grants::Grant;
use crate::notify::{Event, Notice};

/// How often each replica looks for grants that began or ended.
pub const GRANT_TICK: Duration = Duration::from_secs(5);

impl Broker {
    /// Records and announces the grants that began or ended since the last look. With no store
    /// there are no grants.
    pub async fn advance_grants(&self) {
        let Some(store) = self.store() else {
            return;
        };
        match store.take_activated().await {
            Ok(grants) => {
                for grant in grants {
                    self.grant_step(Decision::Activated, &grant, None).await;
                }
            }
            Err(problem) => tracing::error!(error = %problem, "cannot look for grants that began"),
        }
        match store.take_expired().await {
            Ok(grants) => {
                for grant in grants {
                    self.grant_step(Decision::Expired, &grant, None).await;
                }
            }
            Err(problem) => tracing::error!(error = %problem, "cannot look for grants that ended"),
        }
        self.advance_revocations().await;
    }

    /// Records `decision` about `grant`, by `actor` when someone acted on another's grant, and
    /// announces it. A step that takes access away stands whether or not its record is
    /// written; see `decisions.rs`.
    pub(crate) async fn grant_step(&self, decision: Decision, grant: &Grant, actor: Option<&str>) {
        let mut record = Record::new(decision, crate::random_hex(8)).of_grant(grant);
        record.actor = actor.map(str::to_owned);
        self.note(&record).await;
        if let Some(event) = event_of(decision) {
            let mut notice = Notice::new(
                event,
                actor.unwrap_or(&grant.requester),
                &grant.requester,
                &grant.role_name,
                &grant.role_arn,
            );
            notice.grant_id = Some(grant.id.clone());
            notice.starts_at = Some(grant.starts_at);
            notice.ends_at = Some(grant.ends_at);
            notice.justification.clone_from(&grant.justification);
            notice.comment.clone_from(&grant.comment);
            self.notify(notice);
        }
    }
}

impl Broker {
    /// Records and announces, loudly, that `user` used break-glass `role` (`issued` is the
    /// session's record): a `break_glass` record beside the `issued` one, a warning in the
    /// log, and a notification.
    pub(crate) async fn broke_glass(&self, user: &str, role: &Entitlement, issued: &Record) {
        let mut record = issued.clone();
        record.decision = Decision::BreakGlass;
        record.reason = None;
        tracing::warn!(user, role = %role.arn, "a break-glass role was used");
        self.note(&record).await;
        self.notify(Notice::new(
            Event::BreakGlass,
            user,
            user,
            &role.name,
            role.arn.to_string(),
        ));
    }
}

/// The notification of a grant's step.
fn event_of(decision: Decision) -> Option<Event> {
    Some(match decision {
        Decision::Requested => Event::Requested,
        Decision::Approved => Event::Approved,
        Decision::Denied => Event::Denied,
        Decision::Activated => Event::Activated,
        Decision::Ended => Event::Ended,
        Decision::Expired => Event::Expired,
        Decision::Revoked => Event::Revoked,
        Decision::BreakGlass => Event::BreakGlass,
        _ => return None,
    })
}
