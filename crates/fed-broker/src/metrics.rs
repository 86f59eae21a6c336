//! Counters for `GET /metrics`, in Prometheus's text format: sessions issued, requests denied
//! by reason, the time spent in the two upstream calls of an issued session (STS and the
//! federation endpoint), sign-ins, and audit records a sink did not take.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The broker's counters.
#[derive(Default)]
pub(crate) struct Metrics {
    issued: AtomicU64,
    denied: Mutex<BTreeMap<String, u64>>,
    upstream_micros: AtomicU64,
    upstream_count: AtomicU64,
    store_failures: AtomicU64,
    stdout_failures: AtomicU64,
    signed_in: AtomicU64,
    webhook_failures: std::sync::Arc<AtomicU64>,
    revocation_failures: AtomicU64,
}

impl Metrics {
    pub(crate) fn issued(&self, upstream: Duration) {
        self.issued.fetch_add(1, Ordering::Relaxed);
        self.upstream_count.fetch_add(1, Ordering::Relaxed);
        self.upstream_micros.fetch_add(
            u64::try_from(upstream.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub(crate) fn denied(&self, reason: &str) {
        if let Ok(mut denied) = self.denied.lock() {
            *denied.entry(reason.to_owned()).or_default() += 1;
        }
    }

    /// The counter of notifications the webhook never took, for the notifier to count in.
    pub(crate) fn webhook_failures(&self) -> std::sync::Arc<AtomicU64> {
        std::sync::Arc::clone(&self.webhook_failures)
    }

    /// A step of a revocation of console sessions (putting or removing its deny policy) failed.
    pub(crate) fn revocation_failed(&self) {
        self.revocation_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A person signed in at the broker.
    pub(crate) fn signed_in(&self) {
        self.signed_in.fetch_add(1, Ordering::Relaxed);
    }

    /// An audit record `sink` did not take.
    pub(crate) fn audit_failed(&self, sink: crate::decisions::Sink) {
        let counter = match sink {
            crate::decisions::Sink::Store => &self.store_failures,
            crate::decisions::Sink::Stdout => &self.stdout_failures,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The text of `GET /metrics`.
    pub(crate) fn render(&self) -> String {
        let mut text = String::from(
            "# HELP fed_broker_sessions_issued_total Console sessions issued.\n\
             # TYPE fed_broker_sessions_issued_total counter\n",
        );
        text += &format!(
            "fed_broker_sessions_issued_total {}\n",
            self.issued.load(Ordering::Relaxed)
        );
        text += "# HELP fed_broker_requests_denied_total Requests refused, by reason.\n\
                 # TYPE fed_broker_requests_denied_total counter\n";
        if let Ok(denied) = self.denied.lock() {
            for (reason, count) in denied.iter() {
                text +=
                    &format!("fed_broker_requests_denied_total{{reason=\"{reason}\"}} {count}\n");
            }
        }
        text += "# HELP fed_broker_upstream_seconds Time in STS and the federation endpoint per issued session.\n\
                 # TYPE fed_broker_upstream_seconds summary\n";
        text += &format!(
            "fed_broker_upstream_seconds_sum {:.6}\nfed_broker_upstream_seconds_count {}\n",
            self.upstream_micros.load(Ordering::Relaxed) as f64 / 1e6,
            self.upstream_count.load(Ordering::Relaxed)
        );
        text += "# HELP fed_broker_audit_store_failures_total Audit records the PostgreSQL store did not take.\n\
                 # TYPE fed_broker_audit_store_failures_total counter\n";
        text += &format!(
            "fed_broker_audit_store_failures_total {}\n",
            self.store_failures.load(Ordering::Relaxed)
        );
        text += "# HELP fed_broker_audit_stdout_failures_total Audit records stdout did not take.\n\
                 # TYPE fed_broker_audit_stdout_failures_total counter\n";
        text += &format!(
            "fed_broker_audit_stdout_failures_total {}\n",
            self.stdout_failures.load(Ordering::Relaxed)
        );
        text += "# HELP fed_broker_sign_ins_total People signed in at the broker.\n\
                 # TYPE fed_broker_sign_ins_total counter\n";
        text += &format!(
            "fed_broker_sign_ins_total {}\n",
            self.signed_in.load(Ordering::Relaxed)
        );
        text += "# HELP fed_broker_webhook_failures_total Notifications the webhook did not take, after retries.\n\
                 # TYPE fed_broker_webhook_failures_total counter\n";
        text += &format!(
            "fed_broker_webhook_failures_total {}\n",
            self.webhook_failures.load(Ordering::Relaxed)
        );
        text += "# HELP fed_broker_revocation_failures_total Failed attempts to put or remove a deny policy that ends console sessions.\n\
                 # TYPE fed_broker_revocation_failures_total counter\n";
        text += &format!(
            "fed_broker_revocation_failures_total {}\n",
            self.revocation_failures.load(Ordering::Relaxed)
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format() {
        let metrics = Metrics::default();
        metrics.issued(Duration::from_millis(250));
        metrics.issued(Duration::from_millis(500));
        metrics.denied("csrf");
        metrics.denied("not_entitled");
        metrics.denied("csrf");
        metrics.audit_failed(crate::decisions::Sink::Store);
        metrics.audit_failed(crate::decisions::Sink::Stdout);
        metrics.signed_in();
        metrics.revocation_failed();
        let text = metrics.render();
        for line in [
            "fed_broker_sessions_issued_total 2",
            "fed_broker_requests_denied_total{reason=\"csrf\"} 2",
            "fed_broker_requests_denied_total{reason=\"not_entitled\"} 1",
            "fed_broker_upstream_seconds_sum 0.750000",
            "fed_broker_upstream_seconds_count 2",
            "# TYPE fed_broker_upstream_seconds summary",
            "fed_broker_audit_store_failures_total 1",
            "fed_broker_audit_stdout_failures_total 1",
            "fed_broker_sign_ins_total 1",
            "fed_broker_webhook_failures_total 0",
            "fed_broker_revocation_failures_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} in:\n{text}");
        }
    }
}
