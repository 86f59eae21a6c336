//! `fed-broker revoke`: ends every broker session of a user (`--user`), or a just-in-time grant
//! (`--grant`), on every replica, through the PostgreSQL store that they all ask; each is
//! audited on stdout and in the store. A revoked grant's console sessions are ended by the
//! replicas, which put the deny policy on the role (`revocations.rs`): the command itself needs
//! no AWS credentials.

use std::path::Path;

use fed_broker::{AuditStore, Config, Decision, Event, Notice, Notifier, Record};

use crate::secret;

/// Why a command failed: a mistake in the files or arguments (exit 2), or the store (exit 1).
pub(crate) enum Failure {
    Setup(anyhow::Error),
    Store(anyhow::Error),
}

/// Ends `user`'s broker sessions: recorded in the store, which every replica asks, and audited
/// on stdout and in the store.
pub(crate) fn revoke(
    path: &Path,
    user: Option<&str>,
    grant: Option<&str>,
) -> Result<String, Failure> {
    let config = Config::load(path).map_err(|e| Failure::Setup(e.into()))?;
    let (flag, value) = match (user, grant) {
        (Some(user), _) => ("--user", user.trim()),
        (None, Some(grant)) => ("--grant", grant.trim()),
        (None, None) => ("--user", ""),
    };
    if value.is_empty() || value.chars().any(char::is_control) || value.len() > 1024 {
        return Err(Failure::Setup(anyhow::anyhow!(
            "{flag}: expected {}, without control characters",
            if flag == "--user" {
                "the user as the broker names them (such as alice@example.com)"
            } else {
                "a grant's id, as /requests shows it"
            }
        )));
    }
    let Some(name) = &config.audit.database_url_env else {
        return Err(Failure::Setup(anyhow::anyhow!(
            "{}: revoking needs the audit store, which keeps revocations for every replica; set audit.database_url_env",
            path.display()
        )));
    };
    let url = secret(name).map_err(Failure::Setup)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Store(e.into()))?;
    runtime.block_on(async {
        let store = AuditStore::connect(name, &url)
            .await
            .map_err(|e| Failure::Store(e.into()))?;
        if grant.is_some() {
            return revoke_grant(&config, &store, value).await;
        }
        let user = value;
        // Every session of theirs began at most a lifetime ago, so none outlives this.
        let until = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
            + config.session.lifetime.as_secs();
        store
            .revoke_user(user, until)
            .await
            .map_err(|e| Failure::Store(e.into()))?;
        let mut record = Record::new(Decision::Revoked, random_id());
        record.user = Some(user.to_owned());
        store
            .record(&record)
            .await
            .map_err(|e| Failure::Store(e.into()))?;
        // The audit record on stdout, as the broker writes its own.
        record
            .write_to(&mut std::io::stdout().lock())
            .map_err(|e| Failure::Store(e.into()))?;
        Ok(format!(
            "{user}: every broker session begun until now is ended on every replica"
        ))
    })
}

/// Ends grant `id` as revoked: recorded in the store and on stdout, and announced to the
/// webhook when one is configured (waiting for it, as the command has nothing else to do).
async fn revoke_grant(config: &Config, store: &AuditStore, id: &str) -> Result<String, Failure> {
    const OPERATOR: &str = "fed-broker revoke";
    let Some(grant) = store
        .end_grant(id, OPERATOR, true)
        .await
        .map_err(|problem| Failure::Store(anyhow::anyhow!("the audit store: {problem}")))?
    else {
        return Err(Failure::Store(anyhow::anyhow!(
            "--grant {id}: no such grant is pending or approved (see the person's /requests)"
        )));
    };
    let mut record = Record::new(Decision::Revoked, random_id()).of_grant(&grant);
    record.actor = Some(OPERATOR.to_owned());
    store
        .record(&record)
        .await
        .map_err(|e| Failure::Store(e.into()))?;
    record
        .write_to(&mut std::io::stdout().lock())
        .map_err(|e| Failure::Store(e.into()))?;
    if let Some(notify) = &config.notify
        && let (Ok(url), Ok(secret)) = (secret(&notify.webhook_url_env), secret(&notify.secret_env))
        && let Ok(url) = url::Url::parse(url.trim())
    {
        let mut notice = Notice::new(
            Event::Revoked,
            OPERATOR,
            &grant.requester,
            &grant.role_name,
            &grant.role_arn,
        );
        notice.grant_id = Some(grant.id.clone());
        notice.starts_at = Some(grant.starts_at);
        notice.ends_at = Some(grant.ends_at);
        if !Notifier::new(url, &secret).deliver(&notice).await {
            eprintln!("warning: the webhook did not take the notification; the grant is revoked");
        }
    }
    // An approved grant that had begun may have console sessions: a replica denies them.
    let begun = grant.decided_by.is_some() && grant.starts_at <= grant.ended_at.unwrap_or(0);
    let sessions = if begun {
        "the console sessions issued under it end within seconds, when a replica puts the deny policy on the role"
    } else {
        "it had not begun, so no console session was issued under it"
    };
    Ok(format!(
        "grant {id} of {} for {} is revoked; {sessions}",
        grant.requester, grant.role_name
    ))
}

/// An id for a record made outside a request.
fn random_id() -> String {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).expect("the system's random number generator");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
