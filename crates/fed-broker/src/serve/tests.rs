//! Serving, on loopback with a router of its own: slow clients are cut, connections are
//! capped, and a shutdown waits for requests in flight only as long as the grace.

use std::time::{Duration, Instant};

use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

/// A router whose `/slow` answers after `delay`, and `/` at once.
fn router(delay: Duration) -> Router {
    Router::new().route("/", get(|| async { "ok" })).route(
        "/slow",
        get(move || async move {
            tokio::time::sleep(delay).await;
            "slow"
        }),
    )
}

async fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    (listener, address)
}

fn serving(max_connections: usize, grace: Duration, header_read: Duration) -> Serving {
    Serving {
        max_connections,
        shutdown_grace: grace,
        header_read_timeout: header_read,
    }
}

/// Reads what the server sends until it closes the connection or `within` passes; whether it
/// closed.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn a_client_that_sends_its_headers_a_byte_at_a_time_is_cut() {
    let (listener, address) = listen().await;
    let timeout = Duration::from_millis(800);
    tokio::spawn(serve(
        listener,
        router(Duration::ZERO),
        serving(8, Duration::ZERO, timeout),
        std::future::pending(),
    ));
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let started = Instant::now();
    let trickle = async {
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    trickle.await;
    assert!(closed_within(&mut stream, Duration::from_secs(2)).await);
    let cut = started.elapsed();
    assert!(cut < timeout + Duration::from_secs(2), "{cut:?}");
    // The broker's own: 15 s.
    assert_eq!(HEADER_READ_TIMEOUT, Duration::from_secs(15));
    assert_eq!(
        Serving::of(&crate::Server::default()).header_read_timeout,
        HEADER_READ_TIMEOUT
    );
}

#[tokio::test]
async fn connections_over_the_cap_wait() {
    let (listener, address) = listen().await;
    tokio::spawn(serve(
        listener,
        router(Duration::ZERO),
        serving(2, Duration::ZERO, Duration::from_secs(10)),
        std::future::pending(),
    ));
    // Two idle connections hold both places.
    let first = TcpStream::connect(address).await.expect("connects");
    let second = TcpStream::connect(address).await.expect("connects");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(address).await.expect("queued");
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("sent");
    let mut answer = Vec::new();
    let waited =
        tokio::time::timeout(Duration::from_millis(500), third.read_to_end(&mut answer)).await;
    assert!(waited.is_err(), "served over the cap: {answer:?}");
    // One leaves: the third is served.
    drop(first);
    tokio::time::timeout(Duration::from_secs(5), third.read_to_end(&mut answer))
        .await
        .expect("served once a place is free")
        .expect("read");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    drop(second);
}

#[tokio::test]
async fn a_shutdown_waits_for_requests_in_flight_only_for_the_grace() {
    for (delay, grace, finished) in [
        (Duration::from_millis(300), Duration::from_secs(5), true),
        (Duration::from_secs(30), Duration::from_millis(500), false),
    ] {
        let (listener, address) = listen().await;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            listener,
            router(delay),
            serving(8, grace, Duration::from_secs(10)),
            async {
                let _ = stopped.await;
            },
        ));
        let mut stream = TcpStream::connect(address).await.expect("connects");
        stream
            .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        stop.send(()).expect("the server waits");
        let done = tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("the server stops")
            .expect("no panic");
        assert_eq!(done, finished);
        assert!(started.elapsed() < grace + Duration::from_secs(1));
        // No new connection once stopped.
        assert!(TcpStream::connect(address).await.is_err());
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut answer)).await;
        assert_eq!(
            String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
            finished,
            "{answer:?}"
        );
    }
}
