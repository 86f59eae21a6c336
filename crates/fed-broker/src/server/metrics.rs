//! Counters for `GET /metrics`, in Prometheus's text format: sessions issued, requests denied
//! by reason, the time spent in the two upstream calls of an issued session (STS and the
//! federation endpoint), and audit records the store did not take.

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

    /// An audit record the store did not take.
    pub(crate) fn store_failed(&self) {
        self.store_failures.fetch_add(1, Ordering::Relaxed);
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
        metrics.store_failed();
        let text = metrics.render();
        for line in [
            "fed_broker_sessions_issued_total 2",
            "fed_broker_requests_denied_total{reason=\"csrf\"} 2",
            "fed_broker_requests_denied_total{reason=\"not_entitled\"} 1",
            "fed_broker_upstream_seconds_sum 0.750000",
            "fed_broker_upstream_seconds_count 2",
            "# TYPE fed_broker_upstream_seconds summary",
            "fed_broker_audit_store_failures_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} in:\n{text}");
        }
    }
}
