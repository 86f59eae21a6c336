//! How the local servers listen: on `127.0.0.1` and a free port, over plain http or over https
//! with a certificate of the stack's own [`Ca`], optionally answering every request after a
//! fixed delay that stands for the round trip to AWS.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;
use url::Url;

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A certificate authority made when the stack starts, and a server certificate it signed for
/// `127.0.0.1` and `localhost`.
pub struct Ca {
    pem: String,
    server: Arc<ServerConfig>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").finish_non_exhaustive()
    }
}

impl Ca {
    /// A new authority and server certificate.
    pub fn new() -> Result<Ca, rcgen::Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "fed local stack CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;

        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
        params
            .distinguished_name
            .push(DnType::CommonName, "fed local stack");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &ca)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let server = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone(), ca.der().clone()], key)
            .map_err(|err| rcgen::Error::PemError(err.to_string()))?;
        Ok(Ca {
            pem: ca.pem(),
            server: Arc::new(server),
        })
    }

    /// The authority's certificate in PEM: what clients must trust.
    pub fn pem(&self) -> &str {
        &self.pem
    }
}

/// How one server listens.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listen {
    /// Serve https with this authority's certificate; plain http when `None`.
    pub(crate) tls: Option<Arc<Ca>>,
    /// Added before every answer.
    pub(crate) latency: Duration,
}

/// A running server; dropping it stops it.
#[derive(Debug)]
pub(crate) struct Server {
    base_url: Url,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts `router` on a free loopback port; `name` appears in logs.
    pub(crate) async fn start(
        router: Router,
        listen: &Listen,
        name: &'static str,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let addr = listener.local_addr()?;
        let scheme = if listen.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let base_url =
            Url::parse(&format!("{scheme}://{addr}/")).expect("a socket address forms a URL");
        let latency = listen.latency;
        let router = if latency.is_zero() {
            router
        } else {
            router.layer(middleware::from_fn(
                move |request: Request, next: Next| async move {
                    tokio::time::sleep(latency).await;
                    next.run(request).await
                },
            ))
        };
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let stop = async move {
            let _ = shutdown_rx.await;
        };
        let task = match &listen.tls {
            None => tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router)
                    .with_graceful_shutdown(stop)
                    .await
                {
                    tracing::warn!(%error, name, "local server stopped");
                }
            }),
            Some(ca) => {
                let listener =
                    TlsListener::new(listener, TlsAcceptor::from(Arc::clone(&ca.server)));
                tokio::spawn(async move {
                    if let Err(error) = axum::serve(listener, router)
                        .with_graceful_shutdown(stop)
                        .await
                    {
                        tracing::warn!(%error, name, "local server stopped");
                    }
                })
            }
        };
        tracing::info!(%base_url, name, "local server listening");
        Ok(Server {
            base_url,
            shutdown: Some(shutdown_tx),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:{port}/` or `https://…`.
    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Stops accepting connections and waits (at most five seconds) for the server to finish.
    pub(crate) async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Accepts TCP connections and hands out those whose TLS handshake finished; handshakes run
/// concurrently, so one slow client holds up no other.
struct TlsListener {
    connections: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
    acceptor: JoinHandle<()>,
}

impl TlsListener {
    fn new(listener: TcpListener, tls: TlsAcceptor) -> TlsListener {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let (tx, connections) = mpsc::channel(64);
        let acceptor = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let (tls, tx) = (tls.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await {
                        Ok(Ok(stream)) => {
                            let _ = tx.send((stream, peer)).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        });
        TlsListener {
            connections,
            addr,
            acceptor,
        }
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The acceptor only stops when this listener is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
