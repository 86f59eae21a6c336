//! What every request shares: the configuration, the provider, the cookie keys, the
//! entitlements and their policies (replaced together on reload), what issues sessions, the counters, the rate limits
//! and the audit. Nothing about a person is kept here: that is in their sealed cookies, so any
//! replica serves any request.

use std::io::Write;
use std::sync::{Arc, RwLock};

use crate::audit::AuditStore;
use crate::config::Config;
use crate::cookies::KeyRing;
use crate::decisions::Recorder;
use crate::issue::Issuer;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::notify::{Notice, Notifier};
use crate::oidc::Provider;
use crate::rules::Rules;

/// The broker's shared state; [`crate::app`] serves it.
pub struct Broker {
    pub(crate) config: Config,
    pub(crate) provider: Provider,
    pub(crate) keys: KeyRing,
    rules: RwLock<Arc<Rules>>,
    pub(crate) issuer: Issuer,
    pub(crate) metrics: Metrics,
    pub(crate) limits: Limits,
    pub(crate) recorder: Recorder,
    pub(crate) notifier: Option<Arc<Notifier>>,
}

impl Broker {
    /// A broker of `config`, signing people in at `provider`, sealing cookies with `keys`,
    /// deciding with `rules` and issuing sessions with `issuer`. Audit records go to stdout.
    pub fn new(
        config: Config,
        provider: Provider,
        keys: KeyRing,
        rules: Rules,
        issuer: Issuer,
    ) -> Broker {
        Broker {
            provider,
            keys,
            rules: RwLock::new(Arc::new(rules)),
            limits: Limits::new(&config.limits),
            config,
            issuer,
            metrics: Metrics::default(),
            recorder: Recorder::new(Box::new(std::io::stdout())),
            notifier: None,
        }
    }

    /// The same broker, POSTing access events to the webhook at `url`, signed with `secret`.
    #[must_use]
    pub fn with_webhook(self, url: url::Url, secret: &str) -> Broker {
        let failures = self.metrics.webhook_failures();
        Broker {
            notifier: Some(Arc::new(Notifier::counted(url, secret, failures))),
            ..self
        }
    }

    /// Sends `notice` to the webhook, if there is one, without waiting for it.
    pub(crate) fn notify(&self, notice: Notice) {
        if let Some(notifier) = &self.notifier {
            notifier.send(notice);
        }
    }

    /// The same broker, keeping audit records and revoked sessions in `store` too: a decision
    /// whose record cannot be stored there grants nothing.
    #[must_use]
    pub fn with_store(self, store: AuditStore) -> Broker {
        Broker {
            recorder: self.recorder.with_store(store),
            ..self
        }
    }

    /// The same broker, writing audit records to `out` instead of stdout (the store stays).
    /// A record `out` does not take grants nothing, as with stdout.
    #[must_use]
    pub fn with_audit_writer(self, out: Box<dyn Write + Send>) -> Broker {
        Broker {
            recorder: self.recorder.with_out(out),
            ..self
        }
    }

    /// Replaces the entitlements and their policies at once, as a reload does: requests in
    /// flight keep the ones they began with.
    pub fn set_rules(&self, rules: Rules) {
        let mut current = self
            .rules
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *current = Arc::new(rules);
    }

    /// The entitlements and their policies now in force.
    pub fn rules(&self) -> Arc<Rules> {
        self.rules
            .read()
            .map(|e| Arc::clone(&e))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// The audit store, when configured.
    pub(crate) fn store(&self) -> Option<&AuditStore> {
        self.recorder.store()
    }

    /// Run every minute: forgets the rate limits' clients whose allowance is whole again (so
    /// that memory follows the active clients), and writes the summary records of rate-limited
    /// requests that were counted but not recorded.
    pub async fn every_minute(&self) {
        self.limits.forget_idle();
        self.record_left_out().await;
    }
}
