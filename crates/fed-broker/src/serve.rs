//! Serving a router on a listener with limits on connections: at most
//! [`Server::max_connections`](crate::Server) at once (more wait in the listener's backlog), a
//! client that does not send a request's headers within [`HEADER_READ_TIMEOUT`] is cut off, and
//! on shutdown no new connection is accepted and requests in flight get
//! [`Server::shutdown_grace`](crate::Server) to finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The longest a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// How a router is served.
#[derive(Debug, Clone, Copy)]
pub struct Serving {
    /// The most connections at once.
    pub max_connections: usize,
    /// After the shutdown signal, how long requests in flight may take.
    pub shutdown_grace: Duration,
    /// The longest a client may take to send a request's headers.
    pub header_read_timeout: Duration,
}

impl Serving {
    /// As the configuration's `[server]` says.
    pub fn of(server: &crate::Server) -> Serving {
        Serving {
            max_connections: server.max_connections,
            shutdown_grace: server.shutdown_grace,
            header_read_timeout: HEADER_READ_TIMEOUT,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, and waits for
/// the connections' requests in flight for at most the grace. Each request carries its
/// connection's address (`ConnectInfo<SocketAddr>`). Whether every request finished in time.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    serving: Serving,
    shutdown: impl Future<Output = ()>,
) -> bool {
    let permits = Arc::new(Semaphore::new(serving.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(serving.header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => true,
        () = tokio::time::sleep(serving.shutdown_grace) => false,
    }
}

#[cfg(test)]
mod tests;
