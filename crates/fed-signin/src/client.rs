//! The `getSigninToken` call with retries.

use std::time::Duration;

use fed_core::{Credentials, Partition, SessionDuration, SigninToken, SigninTokenRequest};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};

use crate::config::{Config, MAX_BODY_BYTES, Method};
use crate::error::{Error, Hint, Transport};
use crate::response::{excerpt, read_capped};
use crate::wire::{get_url, post_body};

/// A client of one federation endpoint. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Config,
}

/// The inputs of one `getSigninToken` call.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    credentials: &'a Credentials,
    session_duration: Option<SessionDuration>,
    retry_without_session_duration: bool,
    credentials_partition: Option<Partition>,
}

impl<'a> TokenRequest<'a> {
    /// A request for `credentials`, without `SessionDuration`.
    pub fn new(credentials: &'a Credentials) -> TokenRequest<'a> {
        TokenRequest {
            credentials,
            session_duration: None,
            retry_without_session_duration: false,
            credentials_partition: None,
        }
    }

    /// After a 400 to a request with `SessionDuration`, asks once more without it: for
    /// credentials whose history only the endpoint can judge (fed-core's
    /// `SessionDurationDecision::retry_without`).
    #[must_use]
    pub fn retry_without_session_duration(mut self, retry: bool) -> TokenRequest<'a> {
        self.retry_without_session_duration = retry;
        self
    }

    /// Sends `SessionDuration` when `Some`.
    #[must_use]
    pub fn session_duration(mut self, duration: Option<SessionDuration>) -> TokenRequest<'a> {
        self.session_duration = duration;
        self
    }

    /// The partition of the credentials' account (e.g. from
    /// GetCallerIdentity). Used only to name a partition mismatch as the
    /// likely cause of a rejection.
    #[must_use]
    pub fn credentials_partition(mut self, partition: Partition) -> TokenRequest<'a> {
        self.credentials_partition = Some(partition);
        self
    }
}

/// A sign-in token and how it was obtained.
#[derive(Debug)]
pub struct SigninTokenResponse {
    token: SigninToken,
    session_duration: Option<SessionDuration>,
    dropped_session_duration: bool,
    attempts: u32,
}

impl SigninTokenResponse {
    /// The sign-in token, valid for 15 minutes.
    pub fn token(&self) -> &SigninToken {
        &self.token
    }

    /// The sign-in token, consuming the response.
    pub fn into_token(self) -> SigninToken {
        self.token
    }

    /// The `SessionDuration` of the request that succeeded.
    pub fn session_duration(&self) -> Option<SessionDuration> {
        self.session_duration
    }

    /// Whether the request with `SessionDuration` was refused and the token
    /// comes from a second request without it. The console session then
    /// lasts as long as the credentials.
    pub fn dropped_session_duration(&self) -> bool {
        self.dropped_session_duration
    }

    /// How many HTTP requests were sent in total.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// What one HTTP attempt came to.
enum Attempt {
    Done(Result<SigninToken, Error>),
    Retry(Error, Option<Duration>),
}

impl Client {
    /// A client for `config`. Plain `http` is accepted only for loopback
    /// hosts, so that credentials never cross a network unencrypted.
    pub fn new(config: Config) -> Result<Client, Error> {
        check_endpoint(&config.endpoint)?;
        let mut builder = reqwest::Client::builder()
            .user_agent(crate::USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none());
        if config.endpoint.scheme() == "http" {
            // A plain-http loopback endpoint (an emulator) never uses TLS, and
            // redirects are not followed: trusting no certificate at all skips
            // loading the system's root certificates, the costliest part of
            // building the client. The credentials travel in clear to it, so
            // never through a proxy, whatever HTTP_PROXY or ALL_PROXY say.
            builder = builder.tls_certs_only(std::iter::empty()).no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| Error::Http(Transport::new(e)))?;
        Ok(Client { http, config })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Exchanges temporary credentials for a sign-in token.
    ///
    /// Connection errors, 5xx and 429 are retried up to
    /// [`Config::max_attempts`]; any other 4xx ends the call with
    /// [`Error::BadRequest`], unless it answered a request with
    /// `SessionDuration` and [`Config::retry_without_session_duration`] is
    /// set, in which case the call is made once more without it.
    ///
    /// ```no_run
    /// # async fn run(credentials: fed_core::Credentials) -> Result<(), fed_signin::Error> {
    /// use fed_core::{Partition, SessionDuration};
    /// use fed_signin::{Client, Config, TokenRequest};
    ///
    /// let client = Client::new(Config::for_partition(Partition::Aws, None))?;
    /// let eight_hours = SessionDuration::from_secs(8 * 3600).expect("in range");
    /// let request = TokenRequest::new(&credentials).session_duration(Some(eight_hours));
    /// let answer = client.get_signin_token(&request).await?;
    /// assert_eq!(answer.session_duration(), Some(eight_hours));
    /// # Ok(()) }
    /// ```
    #[tracing::instrument(name = "get_signin_token", skip_all)]
    pub async fn get_signin_token(
        &self,
        request: &TokenRequest<'_>,
    ) -> Result<SigninTokenResponse, Error> {
        let mut attempts = 0;
        let first = self
            .exchange(request, request.session_duration, &mut attempts)
            .await;
        match first {
            Ok(token) => Ok(SigninTokenResponse {
                token,
                session_duration: request.session_duration,
                dropped_session_duration: false,
                attempts,
            }),
            Err(Error::BadRequest { status: 400, .. })
                if request.session_duration.is_some()
                    && (request.retry_without_session_duration
                        || self.config.retry_without_session_duration) =>
            {
                tracing::info!("getSigninToken refused with SessionDuration; retrying without it");
                let token = self.exchange(request, None, &mut attempts).await?;
                Ok(SigninTokenResponse {
                    token,
                    session_duration: None,
                    dropped_session_duration: true,
                    attempts,
                })
            }
            Err(error) => Err(error),
        }
    }

    /// One getSigninToken call, with retries.
    async fn exchange(
        &self,
        request: &TokenRequest<'_>,
        session_duration: Option<SessionDuration>,
        attempts: &mut u32,
    ) -> Result<SigninToken, Error> {
        let wire = SigninTokenRequest::new(request.credentials, session_duration)
            .map_err(Error::Request)?;
        let mut tries = 0;
        loop {
            tries += 1;
            *attempts += 1;
            match self.attempt(&wire, request, tries).await {
                Attempt::Done(result) => return result,
                Attempt::Retry(error, _) if tries >= self.config.max_attempts.max(1) => {
                    return Err(error);
                }
                Attempt::Retry(error, retry_after) => {
                    let wait = self.backoff(tries, retry_after);
                    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
                    tracing::debug!(attempt = tries, wait_ms, %error, "retrying getSigninToken");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// A random wait of up to `backoff * 2^(tries - 1)`, capped at
    /// `max_backoff`; a server's `Retry-After` (also capped) is a floor.
    fn backoff(&self, tries: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self.config.backoff.saturating_mul(1 << (tries - 1).min(16));
        let ceiling = exponential.min(self.config.max_backoff);
        let jittered = ceiling.mul_f64(fastrand::f64());
        match retry_after {
            Some(after) => jittered.max(after.min(self.config.max_backoff)),
            None => jittered,
        }
    }

    async fn attempt(
        &self,
        wire: &SigninTokenRequest,
        request: &TokenRequest<'_>,
        tries: u32,
    ) -> Attempt {
        let builder = match self.config.method {
            Method::Post => self
                .http
                .post(self.config.endpoint.clone())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(post_body(wire).into_body()),
            Method::Get => {
                let text = get_url(&self.config.endpoint, wire);
                // The parsed URL is a copy that reqwest owns from here on (as the url crate
                // owns the scratch copy of the query it parses through); ours is zeroed when
                // `text` is dropped.
                let Ok(url) = url::Url::parse(text.expose()) else {
                    return Attempt::Done(Err(Error::InvalidEndpoint {
                        problem: "the endpoint URL cannot take a query",
                    }));
                };
                self.http.get(url)
            }
        };
        let mut response = match builder.header(ACCEPT, "application/json").send().await {
            Ok(response) => response,
            Err(error) => return self.transport_error(error, tries),
        };
        let status = response.status();
        tracing::debug!(
            attempt = tries,
            status = status.as_u16(),
            "getSigninToken response"
        );

        if status.is_server_error() {
            return Attempt::Retry(
                Error::Server {
                    status: status.as_u16(),
                    attempts: tries,
                },
                None,
            );
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Attempt::Retry(Error::Throttled { attempts: tries }, retry_after(&response));
        }
        let body = match read_capped(&mut response, MAX_BODY_BYTES).await {
            Ok(body) => body,
            Err(error) => return self.transport_error(error, tries),
        };
        if status.is_client_error() {
            // The secrets, and the access key id: a body that shows it echoes the request.
            let withhold = [
                request.credentials.secret_access_key(),
                request.credentials.session_token().unwrap_or(""),
                request.credentials.access_key_id(),
            ];
            let hint = self.hint(status, wire.session_duration().is_some(), request);
            return Attempt::Done(Err(Error::BadRequest {
                status: status.as_u16(),
                hint,
                excerpt: excerpt(&body.bytes, &withhold),
            }));
        }
        let invalid = |problem| {
            Attempt::Done(Err(Error::InvalidResponse {
                status: status.as_u16(),
                problem,
            }))
        };
        if !status.is_success() {
            return invalid("unexpected status");
        }
        if body.truncated {
            return invalid("response body larger than 64 KiB");
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body.bytes) else {
            return invalid("response body is not JSON");
        };
        let serde_json::Value::Object(mut object) = value else {
            return invalid("response body is not a JSON object");
        };
        match object.remove("SigninToken") {
            Some(serde_json::Value::String(token)) if !token.is_empty() => {
                Attempt::Done(Ok(SigninToken::new(token)))
            }
            Some(serde_json::Value::String(_)) => invalid("SigninToken is empty"),
            Some(_) => invalid("SigninToken is not a string"),
            None => invalid("response has no SigninToken"),
        }
    }

    fn transport_error(&self, error: reqwest::Error, tries: u32) -> Attempt {
        if error.is_timeout() {
            Attempt::Done(Err(Error::Timeout {
                timeout: self.config.timeout,
                source: Transport::new(error),
            }))
        } else {
            Attempt::Retry(
                Error::Unreachable {
                    attempts: tries,
                    source: Transport::new(error),
                },
                None,
            )
        }
    }

    fn hint(&self, status: StatusCode, sent_duration: bool, request: &TokenRequest<'_>) -> Hint {
        if matches!(
            status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ) {
            return Hint::NotFederationEndpoint;
        }
        if let (Some(credentials), Some(endpoint)) =
            (request.credentials_partition, self.config.partition)
            && credentials != endpoint
        {
            return Hint::WrongPartition {
                credentials,
                endpoint,
            };
        }
        if sent_duration {
            Hint::SessionDuration
        } else {
            Hint::Credentials
        }
    }
}

/// `Retry-After` in seconds, if the server sent one.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Parses a federation endpoint URL as [`Client::new`] will accept it:
/// `https`, or plain `http` only for a loopback host (an emulator). For
/// binaries that read an endpoint from a flag or the environment.
pub fn parse_endpoint(input: &str) -> Result<url::Url, Error> {
    let url = url::Url::parse(input).map_err(|_| Error::InvalidEndpoint {
        problem: "not a URL; expected e.g. https://signin.aws.amazon.com/federation",
    })?;
    check_endpoint(&url)?;
    Ok(url)
}

fn check_endpoint(endpoint: &url::Url) -> Result<(), Error> {
    match endpoint.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match endpoint.host() {
                Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(Error::InvalidEndpoint {
                    problem: "plain http is allowed only for loopback hosts; use https",
                })
            }
        }
        _ => Err(Error::InvalidEndpoint {
            problem: "the scheme must be https",
        }),
    }
}

#[cfg(test)]
mod tests;
