//! The one place where decisions are recorded, and the rule that makes the audit fail closed:
//!
//! **A decision that grants something (a sign-in, a console session) stands only when its
//! record was written to every audit sink: the PostgreSQL store, when configured, then stdout.
//! When either fails, nothing is granted: the answer is 503 `audit_unavailable`, logged on
//! stderr and counted in /metrics.** A refusal stands whatever happens to its record (refusing
//! is always safe); a failure to record it is logged and counted.
//!
//! Refusals for a rate limit are themselves limited, so that a client cannot flood the audit:
//! each client gets [`RATE_LIMITED_RECORDS_PER_MINUTE`] records a minute for them, and the
//! ones left out are counted in the next record (`suppressed`) or in a summary record written
//! within a minute. /metrics counts every refusal.

use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::audit::{AuditStore, Decision, Record};
use crate::broker::Broker;
use crate::limits::client_network;
use crate::pages;
use crate::refusal::{Reason, Refusal};

/// Records a rate-limited client gets a minute for its rate-limited requests.
pub const RATE_LIMITED_RECORDS_PER_MINUTE: u32 = 3;

/// The most clients whose left-out records are counted at once.
const MAX_LEFT_OUT: usize = 10_000;

/// Where records go: stdout (or another writer, in tests), and the store when configured.
pub(crate) struct Recorder {
    out: Mutex<Box<dyn Write + Send>>,
    store: Option<AuditStore>,
    quiet: DefaultKeyedRateLimiter<String>,
    /// Per client and reason: the last record left out, and how many were.
    left_out: Mutex<HashMap<String, (Record, u64)>>,
}

/// A sink that did not take a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sink {
    Stdout,
    Store,
}

impl Sink {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Sink::Stdout => "stdout",
            Sink::Store => "store",
        }
    }
}

impl Recorder {
    pub(crate) fn new(out: Box<dyn Write + Send>) -> Recorder {
        Recorder {
            out: Mutex::new(out),
            store: None,
            quiet: RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(RATE_LIMITED_RECORDS_PER_MINUTE).unwrap_or(NonZeroU32::MIN),
            )),
            left_out: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn with_store(mut self, store: AuditStore) -> Recorder {
        self.store = Some(store);
        self
    }

    pub(crate) fn with_out(mut self, out: Box<dyn Write + Send>) -> Recorder {
        self.out = Mutex::new(out);
        self
    }

    pub(crate) fn store(&self) -> Option<&AuditStore> {
        self.store.as_ref()
    }

    /// Writes `record` to the store (when configured), then stdout, stopping at the first sink
    /// that does not take it: for a grant, which that failure undoes.
    async fn write(&self, record: &Record) -> Result<(), (Sink, String)> {
        if let Some(store) = &self.store {
            store.insert(record).await.map_err(|e| (Sink::Store, e))?;
        }
        self.write_out(record)
    }

    /// Writes `record` to every sink that takes it; those that did not, with why.
    async fn write_everywhere(&self, record: &Record) -> Vec<(Sink, String)> {
        let mut failed = Vec::new();
        if let Some(store) = &self.store
            && let Err(problem) = store.insert(record).await
        {
            failed.push((Sink::Store, problem));
        }
        if let Err(failure) = self.write_out(record) {
            failed.push(failure);
        }
        failed
    }

    fn write_out(&self, record: &Record) -> Result<(), (Sink, String)> {
        let mut out = self
            .out
            .lock()
            .map_err(|_| (Sink::Stdout, "an earlier write panicked".to_owned()))?;
        record
            .write_to(&mut **out)
            .map_err(|e| (Sink::Stdout, e.to_string()))
    }

    /// Whether a rate limit's refusal for `key` is recorded now; if not, it is counted.
    fn rate_limited_record(&self, key: String, record: &mut Record) -> bool {
        let mut left_out = self
            .left_out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.quiet.check_key(&key).is_ok() {
            if let Some((_, count)) = left_out.remove(&key) {
                record.suppressed = Some(count);
            }
            true
        } else if left_out.len() >= MAX_LEFT_OUT && !left_out.contains_key(&key) {
            // So many clients at once: /metrics still counts them all.
            false
        } else {
            let entry = left_out.entry(key).or_insert_with(|| (record.clone(), 0));
            entry.0 = record.clone();
            entry.1 += 1;
            false
        }
    }

    /// The records left out, one per client and reason, with their counts; the counts restart.
    fn take_left_out(&self) -> Vec<Record> {
        let mut left_out = self
            .left_out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.quiet.retain_recent();
        left_out
            .drain()
            .map(|(_, (mut record, count))| {
                record.suppressed = Some(count);
                record
            })
            .collect()
    }
}

impl Broker {
    /// A new request's record: refused until granted, with a fresh request id and the
    /// client's address.
    pub(crate) fn record(&self, ip: IpAddr) -> Record {
        let mut record = Record::new(Decision::Denied, crate::random_hex(8));
        record.source_ip = Some(ip);
        record
    }

    /// Refuses: records `record` as refused for `refusal` and answers with the refusal page.
    pub(crate) async fn refuse(&self, refusal: impl Into<Refusal>, mut record: Record) -> Response {
        let refusal = refusal.into();
        record.decision = Decision::Denied;
        record.reason = Some(refusal.reason.as_str().to_owned());
        self.metrics.denied(refusal.reason.as_str());
        let recorded = if refusal.reason.is_rate_limit() {
            let client = match (&record.user, record.source_ip) {
                (Some(user), _) if refusal.reason == Reason::RateLimitedUser => {
                    format!("user {user}")
                }
                (_, Some(ip)) => format!("ip {}", client_network(ip)),
                _ => String::new(),
            };
            self.recorder
                .rate_limited_record(format!("{} {client}", refusal.reason), &mut record)
        } else {
            true
        };
        if recorded {
            for (sink, problem) in self.recorder.write_everywhere(&record).await {
                self.audit_failed(sink, &problem, &record);
            }
        }
        page(refusal.status, refusal.reason, &record.request_id)
    }

    /// Records `record`, a decision that grants something. Fail closed: when it cannot be
    /// written to every sink, nothing is granted, and the answer is the 503 refusal.
    pub(crate) async fn grant(&self, record: &Record) -> Result<(), Response> {
        match self.recorder.write(record).await {
            Ok(()) => Ok(()),
            Err((sink, problem)) => {
                self.audit_failed(sink, &problem, record);
                tracing::error!(
                    request_id = %record.request_id,
                    "the decision could not be recorded; nothing is granted"
                );
                let mut refused = record.clone();
                refused.decision = Decision::Denied;
                refused.reason = Some(Reason::AuditUnavailable.as_str().to_owned());
                refused.duration_seconds = None;
                self.metrics.denied(Reason::AuditUnavailable.as_str());
                // Where the sink that failed was the store, stdout may still take the refusal.
                if sink == Sink::Store {
                    let _ = self.recorder.write_out(&refused);
                }
                Err(page(
                    Reason::AuditUnavailable.status(),
                    Reason::AuditUnavailable,
                    &record.request_id,
                ))
            }
        }
    }

    /// Records `record`, a decision that takes something away (a sign-out, a revocation): it
    /// stands whether or not the record could be written.
    pub(crate) async fn note(&self, record: &Record) {
        for (sink, problem) in self.recorder.write_everywhere(record).await {
            self.audit_failed(sink, &problem, record);
        }
    }

    /// Writes a summary record for each client whose rate-limited refusals were left out.
    pub(crate) async fn record_left_out(&self) {
        for record in self.recorder.take_left_out() {
            self.note(&record).await;
        }
    }

    fn audit_failed(&self, sink: Sink, problem: &str, record: &Record) {
        self.metrics.audit_failed(sink);
        tracing::error!(
            request_id = %record.request_id,
            sink = sink.as_str(),
            error = %problem,
            "audit record not written"
        );
    }
}

/// The refusal page of `reason`, with the request id to quote.
fn page(status: StatusCode, reason: Reason, request_id: &str) -> Response {
    (
        status,
        Html(pages::refused(status, reason.as_str(), request_id)),
    )
        .into_response()
}
