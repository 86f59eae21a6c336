//! What routes take from a request: the client's address ([`ClientIp`]) and the signed-in
//! person ([`SignedIn`]), each decided here once.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use cookie::CookieJar;

use crate::broker::Broker;
use crate::refusal::{Reason, Refusal};
use crate::session::{SESSION_COOKIE, Session};

/// The client's address: from the trusted proxy's header when one is configured, else the
/// connection's.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub(crate) IpAddr);

impl FromRequestParts<Arc<Broker>> for ClientIp {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(
        parts: &mut Parts,
        broker: &Arc<Broker>,
    ) -> Result<ClientIp, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
            // Served without the connection's address: a mistake in how the app is served.
            .ok_or((StatusCode::INTERNAL_SERVER_ERROR, "no client address\n"))?;
        let proxied = broker
            .config
            .limits
            .trusted_proxy_header
            .as_deref()
            .and_then(|name| proxied_ip(&parts.headers, name));
        Ok(ClientIp(proxied.unwrap_or(peer)))
    }
}

/// The address a trusted proxy put in header `name`: the last one, as a proxy appends the
/// address it saw to what the client sent (which the client may have made up).
pub(crate) fn proxied_ip(headers: &HeaderMap, name: &str) -> Option<IpAddr> {
    let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
    value.rsplit(',').next()?.trim().parse().ok()
}

/// A signed-in person: a session cookie that a key of the ring sealed, within its lifetime,
/// and, with the store configured, neither signed out nor revoked. The refusal says which
/// of these failed; when the store cannot tell, the session is refused
/// ([`Reason::RevocationUnavailable`]).
pub(crate) struct SignedIn(pub(crate) Session);

impl FromRequestParts<Arc<Broker>> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(
        parts: &mut Parts,
        broker: &Arc<Broker>,
    ) -> Result<SignedIn, Refusal> {
        let session: Session = broker.keys.open(&jar(&parts.headers), SESSION_COOKIE)?;
        if let Some(store) = broker.store() {
            match store
                .is_revoked(&session.id, &session.person.user, session.since)
                .await
            {
                Ok(false) => {}
                Ok(true) => return Err(Reason::SessionRevoked.into()),
                Err(problem) => {
                    tracing::error!(error = %problem, "cannot tell whether a session was revoked");
                    return Err(Reason::RevocationUnavailable.into());
                }
            }
        }
        Ok(SignedIn(session))
    }
}

/// The request's cookies.
pub(crate) fn jar(headers: &HeaderMap) -> CookieJar {
    let mut jar = CookieJar::new();
    for value in headers.get_all(header::COOKIE) {
        if let Ok(text) = value.to_str() {
            for cookie in cookie::Cookie::split_parse(text.to_owned()).flatten() {
                jar.add_original(cookie);
            }
        }
    }
    jar
}

/// A form, or the refusal of a body that is not one: over the size limit (413, before it is
/// read whole), not a form (415), or without the fields the route needs (422).
pub(crate) fn form<T>(
    form: Result<axum::Form<T>, axum::extract::rejection::FormRejection>,
) -> Result<T, Refusal> {
    match form {
        Ok(axum::Form(value)) => Ok(value),
        Err(rejection) => Err(match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Reason::BodyTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Reason::UnsupportedMediaType,
            _ => Reason::BadForm,
        }
        .into()),
    }
}
