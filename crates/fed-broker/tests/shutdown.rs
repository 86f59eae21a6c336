//! Graceful shutdown, end to end with the real `fed-broker serve`: SIGTERM while a console
//! session is being issued (AWS answering slowly) lets that request finish with a sign-in URL
//! that works and its audit record, takes no new connection, and exits 0.

mod support;

use std::time::Duration;

use fed_local::{LocalStack, Options};
use support::broker::{
    BrokerProcess, address_and_provider, land, read_only, records, role, signed_in,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_session_in_flight_finish() {
    // Every answer of the stack takes 600 ms: issuing a session takes more than a second.
    let stack = LocalStack::start_with(Options::new().latency(Duration::from_millis(600)))
        .await
        .expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let entitlements = read_only(&reader);
    let (port, public, callback, provider) = address_and_provider().await;
    let mut broker = BrokerProcess::start(port, &public, &provider, &stack, &entitlements).await;
    let (browser, csrf) = signed_in(&broker, &callback, "alice").await;
    let pid = broker.child.id().expect("a pid").to_string();

    let open = browser
        .post(broker.url.join("console").expect("a URL"))
        .form(&[("csrf", csrf.as_str()), ("role", reader.as_str())])
        .send();
    let terminate = async {
        // The request is in flight, waiting for AWS.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let status = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(status.success());
        // Once the signal is handled, the broker takes no new connection.
        tokio::time::sleep(Duration::from_millis(200)).await;
        reqwest::Client::new()
            .get(broker.url.join("healthz").expect("a URL"))
            .send()
            .await
    };
    let (response, after) = tokio::join!(open, terminate);
    let response = response.expect("the request in flight is answered");
    assert_eq!(response.status(), 303, "the session in flight is issued");
    assert!(
        after.is_err(),
        "a new connection after SIGTERM is refused: {after:?}"
    );
    let (_, landed) = land(response).await;
    assert!(
        landed.contains("assumed-role/reader/alice@example.com"),
        "{landed}"
    );

    let exit = tokio::time::timeout(Duration::from_secs(10), broker.child.wait())
        .await
        .expect("the broker exits once the request is answered")
        .expect("an exit status");
    assert_eq!(exit.code(), Some(0), "a graceful stop exits 0");
    let (audit, _) = broker.stop().await;
    let decisions: Vec<_> = records(&audit)
        .iter()
        .map(|r| r["decision"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(decisions, ["signed_in", "issued"], "{audit}");
    provider.stop().await;
}

/// Requests that never finish (clients that send half a body and wait) do not keep the broker
/// alive after SIGTERM: it waits `[server] shutdown_grace`, then exits 0 and says it cut them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_requests_get_the_grace_and_no_more() {
    use tokio::io::AsyncWriteExt;

    let stack = LocalStack::start().await.expect("the local stack starts");
    let reader = role(&stack, "reader").await;
    let (port, public, _callback, provider) = address_and_provider().await;
    let mut broker = BrokerProcess::start_with(
        port,
        &public,
        &provider,
        &stack,
        &read_only(&reader),
        "[server]\nshutdown_grace = \"2s\"\n",
    )
    .await;
    let address = format!("127.0.0.1:{port}");
    let mut unfinished = Vec::new();
    for _ in 0..5 {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connects");
        stream
            .write_all(
                b"POST /console HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nrole=",
            )
            .await
            .expect("sent");
        unfinished.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = broker.child.id().expect("a pid").to_string();
    let signalled = std::time::Instant::now();
    let status = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(10), broker.child.wait())
        .await
        .expect("the broker exits after the grace")
        .expect("an exit status");
    let took = signalled.elapsed();
    assert_eq!(exit.code(), Some(0));
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let (_, logs) = broker.stop().await;
    assert!(
        logs.contains("requests still in flight after the shutdown grace are cut"),
        "{logs}"
    );
    drop(unfinished);
    provider.stop().await;
}
