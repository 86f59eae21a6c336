//! The request log of the local stack: one entry per request to the STS rules gate, the
//! IAM Identity Center portal and the federation emulator, so that tests can assert exact call
//! counts. Entries hold names and non-secret values only: never a key, token, code or session.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// Which local server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// STS, checked by the gate.
    Sts,
    /// IAM (and anything else the gate passes through to moto).
    Iam,
    /// The IAM Identity Center portal (`sso`).
    Sso,
    /// The federation endpoint emulator.
    Signin,
}

/// Who made a request, as far as the stack knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum CallerKind {
    /// Long-term access keys of an IAM user.
    LongTermUser,
    /// A role session from AssumeRole; `hops` counts the AssumeRole calls since long-term keys
    /// (an Identity Center role counts as one), `chained` is whether the AssumeRole call that
    /// made it was signed with temporary credentials.
    AssumedRole {
        /// AssumeRole calls since long-term credentials.
        hops: u32,
        /// Whether this session was made by role chaining.
        chained: bool,
    },
    /// GetFederationToken credentials.
    FederationToken,
    /// GetSessionToken credentials.
    SessionToken,
    /// IAM Identity Center role credentials (GetRoleCredentials).
    IdentityCenter,
    /// A bearer token of the Identity Center portal.
    SsoToken,
    /// Unsigned, unknown or refused credentials.
    Unknown,
}

/// One request as a local server saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// The server that answered.
    pub service: Service,
    /// The action: `AssumeRole`, `GetRoleCredentials`, `getSigninToken`, `login`, …
    pub action: String,
    /// Who called.
    pub caller: CallerKind,
    /// Non-secret parameters with their values: `DurationSeconds`, `RoleSessionName`,
    /// `RoleArn`, `SessionDuration`, `account_id`, `role_name`, session tags
    /// (`Tags.member.1.Key`, `Tags.member.1.Value`), …
    pub params: Vec<(String, String)>,
    /// Secret parameters that were present, by name only: `SerialNumber`, `TokenCode`,
    /// `ExternalId`, …
    pub present: Vec<String>,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The error code of a refusal (`AccessDenied`, `ValidationError`, …), if any.
    pub error: Option<String>,
}

impl LoggedRequest {
    /// A request to `service` of `action` by `caller`, answered 200, without parameters yet.
    pub fn new(service: Service, action: impl Into<String>, caller: CallerKind) -> LoggedRequest {
        LoggedRequest {
            service,
            action: action.into(),
            caller,
            params: Vec::new(),
            present: Vec::new(),
            status: 200,
            error: None,
        }
    }

    /// The value of a non-secret parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a secret parameter was present.
    pub fn has(&self, name: &str) -> bool {
        self.present.iter().any(|n| n == name)
    }
}

/// The shared log; cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: Vec<LoggedRequest>,
    sink: Option<File>,
}

impl RequestLog {
    /// An empty log kept in memory.
    pub fn new() -> RequestLog {
        RequestLog::default()
    }

    /// Also appends every entry, as one JSON object per line, to the file at `path`.
    pub fn write_to(&self, path: &Path) -> std::io::Result<()> {
        let file = File::options().create(true).append(true).open(path)?;
        self.lock().sink = Some(file);
        Ok(())
    }

    /// Adds an entry.
    pub fn record(&self, entry: LoggedRequest) {
        tracing::info!(
            service = ?entry.service,
            action = %entry.action,
            caller = ?entry.caller,
            status = entry.status,
            error = entry.error.as_deref().unwrap_or(""),
            "local stack request"
        );
        let mut inner = self.lock();
        if let Some(sink) = inner.sink.as_mut()
            && let Ok(line) = serde_json::to_string(&entry)
        {
            let _ = writeln!(sink, "{line}");
        }
        inner.entries.push(entry);
    }

    /// Every entry so far, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.lock().entries.clone()
    }

    /// The entries of `service` with `action`, oldest first.
    pub fn calls(&self, service: Service, action: &str) -> Vec<LoggedRequest> {
        self.lock()
            .entries
            .iter()
            .filter(|e| e.service == service && e.action == action)
            .cloned()
            .collect()
    }

    /// How many requests of `service` with `action` were made.
    pub fn count(&self, service: Service, action: &str) -> usize {
        self.lock()
            .entries
            .iter()
            .filter(|e| e.service == service && e.action == action)
            .count()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
