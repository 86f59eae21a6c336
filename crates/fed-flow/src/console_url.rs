//! From credentials to a console sign-in URL: the SessionDuration decision,
//! the getSigninToken call and the login URL, in one place for every caller.

use std::time::{Duration, SystemTime};

use fed_core::{
    CredentialOrigin, Credentials, Issuer, LoginUrl, Partition, RedactedUrl, RequestedDuration,
    decide_session_duration,
};
use fed_signin::{Client, TokenRequest};
use url::Url;

use crate::error::{Error, Input};
use crate::notice::Notice;
use crate::outcome::{LengthWhy, SessionLength};

/// What a console sign-in needs once there are credentials the federation
/// endpoint accepts. Build it with [`ConsoleLogin::new`] and the setters.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ConsoleLogin<'a> {
    /// The temporary credentials to sign in with.
    pub credentials: &'a Credentials,
    /// Where they came from; decides whether `SessionDuration` may be sent.
    pub origin: CredentialOrigin,
    /// The console session length the user asked for, if any.
    pub requested_duration: Option<RequestedDuration>,
    /// The partition of the credentials' account, to name a mismatch.
    pub credentials_partition: Option<Partition>,
    /// The login URL's `Issuer`.
    pub issuer: &'a Issuer,
    /// The console page to land on.
    pub destination: &'a Url,
    /// When set, the URL first signs out through this logout endpoint.
    pub logout_endpoint: Option<&'a Url>,
}

impl<'a> ConsoleLogin<'a> {
    /// A sign-in with `credentials` of `origin`, landing on `destination`,
    /// with no session length asked for and no logout first.
    pub fn new(
        credentials: &'a Credentials,
        origin: CredentialOrigin,
        issuer: &'a Issuer,
        destination: &'a Url,
    ) -> ConsoleLogin<'a> {
        ConsoleLogin {
            credentials,
            origin,
            requested_duration: None,
            credentials_partition: None,
            issuer,
            destination,
            logout_endpoint: None,
        }
    }

    /// Asking for a console session of `duration`, where the credentials allow it.
    #[must_use]
    pub fn requested_duration(mut self, duration: RequestedDuration) -> ConsoleLogin<'a> {
        self.requested_duration = Some(duration);
        self
    }

    /// With the partition of the credentials' account, to name a mismatch.
    #[must_use]
    pub fn credentials_partition(mut self, partition: Partition) -> ConsoleLogin<'a> {
        self.credentials_partition = Some(partition);
        self
    }

    /// Signing out first through `logout_endpoint`, which must be on the
    /// client's federation endpoint host (see
    /// [`fed_core::LoginUrl::with_logout_first`]).
    #[must_use]
    pub fn logout_endpoint(mut self, logout_endpoint: &'a Url) -> ConsoleLogin<'a> {
        self.logout_endpoint = Some(logout_endpoint);
        self
    }
}

/// A console sign-in URL and how it came about.
pub struct ConsoleUrl {
    /// The URL; it holds the sign-in token, and its text is zeroed when
    /// dropped.
    url: LoginUrl,
    /// When the sign-in token was requested; the URL works for 15 minutes.
    pub issued_at: SystemTime,
    /// How long the console session lasts, and why.
    pub session: SessionLength,
    /// What the user should know: a `SessionDuration` that was left out or
    /// refused, and why.
    pub notices: Vec<Notice>,
}

impl ConsoleUrl {
    /// The URL. It carries the sign-in token, a bearer credential; copies
    /// of it are not zeroed, so keep them short-lived.
    pub fn expose(&self) -> &str {
        self.url.expose()
    }

    /// The URL with every parameter decoded and the sign-in token replaced,
    /// for logs and snapshot tests; see [`RedactedUrl`] for the format.
    pub fn redacted(&self) -> RedactedUrl {
        self.url.redacted()
    }

    /// When the URL stops working.
    pub fn expires_at(&self) -> SystemTime {
        self.issued_at + fed_core::SigninToken::LIFETIME
    }
}

impl std::fmt::Debug for ConsoleUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleUrl")
            .field("url", &"** redacted **")
            .field("issued_at", &self.issued_at)
            .field("session", &self.session)
            .field("notices", &self.notices)
            .finish()
    }
}

/// Signs in at `client`'s federation endpoint: decides `SessionDuration` by
/// fed-core's policy, asks for a sign-in token (retrying once without
/// `SessionDuration` after a 400 when the policy allows it for credentials of
/// unknown history), and builds the login URL on the client's endpoint,
/// wrapped in a logout-first link when asked.
pub async fn console_url(client: &Client, login: &ConsoleLogin<'_>) -> Result<ConsoleUrl, Error> {
    let requested = login.requested_duration;
    let decision =
        decide_session_duration(login.origin, requested.map(RequestedDuration::as_duration))
            .map_err(|e| Error::invalid(Input::Duration, e))?;
    if let Some(logout) = login.logout_endpoint {
        LoginUrl::check_logout_first(&client.config().endpoint, logout)
            .map_err(|e| Error::invalid(Input::SigninEndpoint, e))?;
    }
    let mut notices = Vec::new();
    let mut why = match (requested, decision.omitted) {
        (None, _) => LengthWhy::NotAsked,
        (Some(_), None) => LengthWhy::SessionDuration,
        (Some(requested), Some(omitted)) => {
            notices.push(Notice::SessionDurationOmitted {
                seconds: requested.seconds(),
                why: omitted,
            });
            LengthWhy::Omitted(omitted)
        }
    };
    let mut request = TokenRequest::new(login.credentials)
        .session_duration(decision.value)
        .retry_without_session_duration(decision.retry_without);
    if let Some(partition) = login.credentials_partition {
        request = request.credentials_partition(partition);
    }
    let issued_at = SystemTime::now();
    let response = client.get_signin_token(&request).await?;
    if response.dropped_session_duration() {
        notices.push(Notice::SessionDurationRefused);
        why = LengthWhy::Refused;
    }
    let login_url = LoginUrl::new(
        &client.config().endpoint,
        login.issuer,
        login.destination,
        response.token(),
    );
    let url = match login.logout_endpoint {
        Some(logout) => login_url
            .with_logout_first(logout)
            .map_err(|e| Error::invalid(Input::SigninEndpoint, e))?,
        None => login_url,
    };
    let session_duration = response.session_duration();
    Ok(ConsoleUrl {
        url,
        issued_at,
        session: SessionLength {
            session_duration,
            ends_at: match session_duration {
                Some(d) => Some(issued_at + Duration::from_secs(d.seconds().into())),
                None => login.credentials.expiration(),
            },
            why,
        },
        notices,
    })
}
