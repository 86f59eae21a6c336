//! Grants in PostgreSQL, as two replicas see them: a request, nobody approving their own, one
//! decision per request, and activation and expiry reported by exactly one replica.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fed_broker::{AuditStore, GrantState, NewGrant};
use support::postgres::Postgres;

const ROLE: &str = "arn:aws:iam::111122223333:role/admin";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn request(user: &str, seconds: u64) -> NewGrant {
    let start = now();
    let mut new = NewGrant::new(user, ROLE, "Production admin", start, start + seconds);
    new.justification = Some("deploy the fix for INC-42".to_owned());
    new
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_change_state_once_whichever_replica_asks() {
    let database = Postgres::start().await;
    let a = AuditStore::connect("DB", &database.url)
        .await
        .expect("a store");
    let b = AuditStore::connect("DB", &database.url)
        .await
        .expect("a store");

    let asked = a.request_grant(&request("bob", 3)).await.expect("stored");
    assert_eq!(asked.state, GrantState::Pending);
    assert_eq!(asked.requester, "bob");
    assert_eq!(
        asked.justification.as_deref(),
        Some("deploy the fix for INC-42")
    );
    let pending = b.open_for(&[ROLE.to_owned()]).await.expect("listed");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0], asked);
    // Bob cannot approve his own request, on either replica.
    assert_eq!(
        b.decide_grant(&asked.id, "bob", true, None)
            .await
            .expect("asked"),
        None
    );
    // Alice and carol approve at once: one decision stands.
    let (alice, carol) = tokio::join!(
        a.decide_grant(&asked.id, "alice", true, Some("ok")),
        b.decide_grant(&asked.id, "carol", false, None),
    );
    let decided: Vec<_> = [alice.expect("asked"), carol.expect("asked")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(decided.len(), 1, "{decided:?}");
    let approved = decided[0].state == GrantState::Approved;
    // Decided: an approved grant stays open (an approver may end it), a denied one does not.
    let open = b.open_for(&[ROLE.to_owned()]).await.expect("listed");
    assert_eq!(open.len(), usize::from(approved), "{open:?}");

    // Approved once its start had come, it is active at once: the approver reports that, and
    // the replicas' look finds nothing more.
    let (x, y) = tokio::join!(a.take_activated(), b.take_activated());
    assert_eq!(x.expect("asked").len() + y.expect("asked").len(), 0);
    if approved {
        let active = a
            .active_grant("bob", ROLE, now())
            .await
            .expect("asked")
            .expect("active");
        assert!(active.is_active(now()));
        assert_eq!(active.decided_by.as_deref(), Some("alice"));
        assert_eq!(active.comment.as_deref(), Some("ok"));
        assert!(
            a.active_grant("alice", ROLE, now())
                .await
                .expect("asked")
                .is_none()
        );
    }
    // A grant that starts later: its activation is found by one replica once it has come.
    // (`now()` is whole seconds, so its start is at least a second after the approval.)
    let start = now() + 2;
    let later = a
        .request_grant(&NewGrant::new(
            "dave",
            ROLE,
            "Production admin",
            start,
            start + 2,
        ))
        .await
        .expect("stored");
    a.decide_grant(&later.id, "alice", true, None)
        .await
        .expect("asked")
        .expect("approved");
    let (x, y) = tokio::join!(a.take_activated(), b.take_activated());
    assert_eq!(
        x.expect("asked").len() + y.expect("asked").len(),
        0,
        "not yet"
    );

    // At their ends, one replica expires each; then they grant nothing.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (x, y) = tokio::join!(a.take_activated(), b.take_activated());
    let activated: Vec<_> = x
        .expect("asked")
        .into_iter()
        .chain(y.expect("asked"))
        .collect();
    assert_eq!(activated.len(), 1, "{activated:?}");
    assert_eq!(activated[0].id, later.id);
    let (x, y) = tokio::join!(a.take_expired(), b.take_expired());
    let expired = x.expect("asked").len() + y.expect("asked").len();
    assert_eq!(expired, usize::from(approved) + 1);
    assert!(
        a.active_grant("bob", ROLE, now())
            .await
            .expect("asked")
            .is_none()
    );
    let (x, y) = tokio::join!(a.take_expired(), b.take_expired());
    assert_eq!(x.expect("asked").len() + y.expect("asked").len(), 0);

    // A grant ended early ends once, and is then neither pending nor active.
    let second = a
        .request_grant(&request("bob", 3600))
        .await
        .expect("stored");
    b.decide_grant(&second.id, "alice", true, None)
        .await
        .expect("asked")
        .expect("approved");
    let ended = a
        .end_grant(&second.id, "bob", false)
        .await
        .expect("asked")
        .expect("ended");
    assert_eq!(ended.state, GrantState::Ended);
    assert_eq!(ended.ended_by.as_deref(), Some("bob"));
    assert_eq!(
        b.end_grant(&second.id, "alice", false)
            .await
            .expect("asked"),
        None
    );
    assert!(
        a.active_grant("bob", ROLE, now())
            .await
            .expect("asked")
            .is_none()
    );
    let revoked = a
        .request_grant(&request("bob", 3600))
        .await
        .expect("stored");
    let revoked = b
        .end_grant(&revoked.id, "operator", true)
        .await
        .expect("asked")
        .expect("revoked");
    assert_eq!(revoked.state, GrantState::Revoked);
    let mine = a.grants_of("bob").await.expect("listed");
    assert_eq!(mine.len(), 3);
    assert_eq!(mine[0].id, revoked.id, "newest first: {mine:#?}");
    assert_eq!(a.grant(&second.id).await.expect("asked"), Some(ended));
    database.stop().await;
}
