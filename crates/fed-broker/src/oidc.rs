//! Sign-in with the company's OpenID Connect provider: the authorization code flow with PKCE,
//! `state` and `nonce`, and an id_token verified against the provider's keys (signature,
//! `iss`, `aud`, `exp`, `nonce`). When a token is signed with a key id the broker has not seen,
//! it fetches the provider's keys again, so the provider can rotate its keys: one refetch at a
//! time, and none for [`REFETCH_COOLDOWN`] after one that did not find the key, so tokens with
//! made-up key ids cannot make the broker hammer the provider.
//!
//! Every call to the provider has a timeout ([`PROVIDER_TIMEOUT`]); a provider that cannot be
//! reached or does not answer in time is `provider_unavailable`, never a refused code.
//!
//! What is pending between the redirect to the provider and its callback ([`Pending`]) goes
//! into a sealed cookie; the broker keeps nothing.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, HttpRequest, HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::refusal::Reason;

/// The longest wait for the provider: connecting, discovery, keys, and the code's exchange.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// After a refetch of the provider's keys that did not find a token's key, how long until the
/// next.
pub const REFETCH_COOLDOWN: Duration = Duration::from_secs(60);

/// A client of a discovered provider.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in at the provider failed; each is an audit reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// The provider cannot be reached, did not answer in time, or cannot be described.
    #[error("the OpenID provider cannot be used: {0}")]
    Provider(String),
    /// The callback's `state` is not the one the broker sent.
    #[error("the sign-in's state does not match")]
    WrongState,
    /// The provider refused the code (used before, expired, or not this client's).
    #[error("the provider refused the authorization code: {0}")]
    Code(String),
    /// The id_token names another issuer than the provider.
    #[error("the id_token is from another issuer")]
    WrongIssuer,
    /// The id_token is not for this broker: its audience lacks the broker's client id, or
    /// also names another client.
    #[error("the id_token is for another audience")]
    WrongAudience,
    /// The id_token's lifetime has passed.
    #[error("the id_token has expired")]
    TokenExpired,
    /// The id_token's nonce is not the one this sign-in sent.
    #[error("the id_token's nonce is not this sign-in's")]
    WrongNonce,
    /// The id_token is signed with a key the provider does not publish, even after its keys
    /// were fetched again.
    #[error("the id_token is signed with a key the provider does not publish")]
    UnknownKey,
    /// The id_token's signature does not verify: it is not the key's, it uses an algorithm
    /// that is not allowed, or there is none.
    #[error("the id_token's signature does not verify: {0}")]
    BadSignature(String),
    /// The id_token is missing or cannot be used for another reason.
    #[error("the provider's id_token does not verify: {0}")]
    Token(String),
    /// The id_token lacks the claim that names the user.
    #[error("the id_token has no {0} claim")]
    MissingClaim(String),
    /// The user is named by `email`, and the provider does not say that the address is
    /// verified (`email_verified` is not `true`): anybody could have set it.
    #[error("the id_token's email is not verified (email_verified is not true)")]
    EmailNotVerified,
}

impl SignInError {
    /// The reason of the refusal it makes.
    pub fn reason(&self) -> Reason {
        match self {
            SignInError::Provider(_) => Reason::ProviderUnavailable,
            SignInError::WrongState => Reason::WrongState,
            SignInError::Code(_) => Reason::CodeRefused,
            SignInError::WrongIssuer => Reason::WrongIssuer,
            SignInError::WrongAudience => Reason::WrongAudience,
            SignInError::TokenExpired => Reason::TokenExpired,
            SignInError::WrongNonce => Reason::WrongNonce,
            SignInError::UnknownKey => Reason::UnknownKey,
            SignInError::BadSignature(_) => Reason::BadSignature,
            SignInError::Token(_) => Reason::TokenInvalid,
            SignInError::MissingClaim(_) => Reason::ClaimMissing,
            SignInError::EmailNotVerified => Reason::EmailNotVerified,
        }
    }
}

/// What the broker must remember from sending the user to the provider until the callback.
#[derive(Clone, Serialize, Deserialize)]
pub struct Pending {
    state: String,
    nonce: String,
    verifier: String,
}

/// The state, nonce and PKCE verifier are secrets of the sign-in: never shown.
impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending { .. }")
    }
}

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The user's name, from the user claim.
    pub user: String,
    /// The user's groups, from the groups claim.
    pub groups: Vec<String>,
    /// The id_token's issuer (`iss`): with `subject`, who the provider says this is.
    #[serde(rename = "iss")]
    pub issuer: String,
    /// The id_token's subject (`sub`), the provider's own id of the person, which never changes
    /// even when their email does.
    #[serde(rename = "sub")]
    pub subject: String,
    /// How the provider authenticated them (the id_token's `amr`, such as `pwd` and `mfa`);
    /// empty when it does not say. At most [`MAX_AMR`] values of 32 characters.
    #[serde(default)]
    pub amr: Vec<String>,
}

/// The most `amr` values kept.
pub const MAX_AMR: usize = 16;

/// The company's provider, as the broker's client.
pub struct Provider {
    client: RwLock<Arc<Client>>,
    http: reqwest::Client,
    issuer: IssuerUrl,
    client_id: ClientId,
    secret: ClientSecret,
    redirect: RedirectUrl,
    user_claim: String,
    groups_claim: String,
    require_verified_email: bool,
    /// Held while the keys are fetched again; when the last refetch did not find the key.
    refetch: tokio::sync::Mutex<Option<tokio::time::Instant>>,
}

/// The HTTP client of the OpenID library, over the broker's reqwest client.
fn http_client(
    http: &reqwest::Client,
) -> impl Fn(
    HttpRequest,
) -> std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send>>
+ use<> {
    let http = http.clone();
    move |request: HttpRequest| {
        let http = http.clone();
        Box::pin(async move {
            let request =
                reqwest::Request::try_from(request).map_err(|e| HttpError(e.to_string()))?;
            let response = http
                .execute(request)
                .await
                .map_err(|e| HttpError(e.to_string()))?;
            let mut built = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                built = built.header(name, value);
            }
            let body = response
                .bytes()
                .await
                .map_err(|e| HttpError(e.to_string()))?;
            built
                .body(body.to_vec())
                .map_err(|e| HttpError(e.to_string()))
        })
    }
}

/// A request to the provider that failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct HttpError(String);

impl Provider {
    /// Discovers the provider at `issuer` (its `/.well-known/openid-configuration` and keys).
    pub async fn discover(
        issuer: &Url,
        client_id: &str,
        secret: &str,
        redirect: &Url,
        user_claim: &str,
        groups_claim: &str,
    ) -> Result<Provider, SignInError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(PROVIDER_TIMEOUT)
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| SignInError::Provider(e.to_string()))?;
        let issuer = IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_owned())
            .map_err(|e| SignInError::Provider(e.to_string()))?;
        let redirect = RedirectUrl::new(redirect.to_string())
            .map_err(|e| SignInError::Provider(e.to_string()))?;
        let provider = Provider {
            client: RwLock::new(Arc::new(
                Self::client(&http, &issuer, client_id, secret, &redirect).await?,
            )),
            http,
            issuer,
            client_id: ClientId::new(client_id.to_owned()),
            secret: ClientSecret::new(secret.to_owned()),
            redirect,
            user_claim: user_claim.to_owned(),
            require_verified_email: true,
            groups_claim: groups_claim.to_owned(),
            refetch: tokio::sync::Mutex::new(None),
        };
        Ok(provider)
    }

    /// A provider of the tests, described without asking it: its endpoints under `issuer`,
    /// the token endpoint at `token_endpoint`, and no keys.
    #[cfg(test)]
    pub(crate) fn described(issuer: &Url, token_endpoint: &Url) -> Provider {
        let base = issuer.as_str().trim_end_matches('/');
        let metadata: CoreProviderMetadata = serde_json::from_value(serde_json::json!({
            "issuer": base,
            "authorization_endpoint": format!("{base}/auth"),
            "token_endpoint": token_endpoint.as_str(),
            "jwks_uri": format!("{base}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }))
        .expect("metadata");
        let redirect = RedirectUrl::new(format!("{base}/callback")).expect("a URL");
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new("fed-broker".to_owned()),
            Some(ClientSecret::new("test-secret".to_owned())),
        )
        .set_redirect_uri(redirect.clone());
        Provider {
            client: RwLock::new(Arc::new(client)),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(PROVIDER_TIMEOUT)
                .timeout(PROVIDER_TIMEOUT)
                .build()
                .expect("a client"),
            issuer: IssuerUrl::new(base.to_owned()).expect("a URL"),
            client_id: ClientId::new("fed-broker".to_owned()),
            secret: ClientSecret::new("test-secret".to_owned()),
            redirect,
            user_claim: "email".to_owned(),
            groups_claim: "groups".to_owned(),
            require_verified_email: true,
            refetch: tokio::sync::Mutex::new(None),
        }
    }

    /// Whether, with `email` as the user claim, an id_token whose `email_verified` is not
    /// `true` is refused (`email_not_verified`); it is unless the configuration opts out.
    #[must_use]
    pub fn require_verified_email(mut self, require: bool) -> Provider {
        self.require_verified_email = require;
        self
    }

    async fn client(
        http: &reqwest::Client,
        issuer: &IssuerUrl,
        client_id: &str,
        secret: &str,
        redirect: &RedirectUrl,
    ) -> Result<Client, SignInError> {
        let call = http_client(http);
        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &call)
            .await
            .map_err(|e| SignInError::Provider(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(client_id.to_owned()),
            Some(ClientSecret::new(secret.to_owned())),
        )
        .set_redirect_uri(redirect.clone()))
    }

    fn current(&self) -> Arc<Client> {
        self.client
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }

    /// Where to send the user to sign in, and what to remember until the callback.
    pub fn start(&self) -> (Url, Pending) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.current();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new(self.groups_claim.clone()))
            .set_pkce_challenge(challenge)
            .url();
        (
            url,
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
            },
        )
    }

    /// Completes the sign-in from the callback's `state` and `code`.
    pub async fn finish(
        &self,
        pending: Pending,
        state: &str,
        code: &str,
    ) -> Result<Person, SignInError> {
        if !constant_time_eq(state.as_bytes(), pending.state.as_bytes()) {
            return Err(SignInError::WrongState);
        }
        let client = self.current();
        let call = http_client(&self.http);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SignInError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&call)
            .await
            .map_err(|e| match e {
                // Not an answer: the provider is down, unreachable or too slow.
                openidconnect::RequestTokenError::Request(_) => SignInError::Provider(describe(&e)),
                _ => SignInError::Code(describe(&e)),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SignInError::Token("the token response has no id_token".to_owned()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        let verified = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .map(|_| ());
        if let Err(err) = verified {
            // A key the broker has not seen: the provider may have rotated its keys.
            let unknown_key = matches!(
                err,
                openidconnect::ClaimsVerificationError::SignatureVerification(
                    openidconnect::SignatureVerificationError::NoMatchingKey
                )
            );
            if !unknown_key {
                return Err(refusal(err));
            }
            self.refetch_keys(|client| {
                id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map(|_| ())
                    .map_err(refusal)
            })
            .await?;
        }
        // The signature is verified: the payload's other claims can be read.
        let payload = id_token
            .to_string()
            .split('.')
            .nth(1)
            .and_then(|p| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(p)
                    .ok()
            })
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .ok_or_else(|| SignInError::Token("the id_token's payload is not JSON".to_owned()))?;
        let claim = |name: &str| {
            payload
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let user = payload
            .get(&self.user_claim)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| SignInError::MissingClaim(self.user_claim.clone()))?
            .to_owned();
        // An email names a person only when the provider has verified it. Some providers send
        // the claim as the string "true".
        let verified = matches!(
            payload.get("email_verified"),
            Some(serde_json::Value::Bool(true))
        ) || payload.get("email_verified").and_then(|v| v.as_str()) == Some("true");
        if self.user_claim == "email" && self.require_verified_email && !verified {
            return Err(SignInError::EmailNotVerified);
        }
        let groups = match payload.get(&self.groups_claim) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        let amr = match payload.get("amr") {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|v| !v.is_empty() && v.len() <= 32)
                .take(MAX_AMR)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Ok(Person {
            user,
            groups,
            issuer: claim("iss"),
            subject: claim("sub"),
            amr,
        })
    }

    /// Fetches the provider's keys again and checks the token with them (`verify`): one
    /// refetch at a time; a request that waited for another's uses its keys first; after a
    /// refetch that did not find the key, none for [`REFETCH_COOLDOWN`].
    async fn refetch_keys(
        &self,
        verify: impl Fn(&Client) -> Result<(), SignInError>,
    ) -> Result<(), SignInError> {
        let mut last_miss = self.refetch.lock().await;
        // Another request may have fetched the keys while this one waited.
        let current = self.current();
        match verify(&current) {
            Err(SignInError::UnknownKey) => {}
            other => return other,
        }
        if last_miss.is_some_and(|at| at.elapsed() < REFETCH_COOLDOWN) {
            return Err(SignInError::UnknownKey);
        }
        let fresh = Arc::new(
            Self::client(
                &self.http,
                &self.issuer,
                self.client_id.as_str(),
                self.secret.secret(),
                &self.redirect,
            )
            .await?,
        );
        let verified = verify(&fresh);
        *last_miss = match verified {
            Err(SignInError::UnknownKey) => Some(tokio::time::Instant::now()),
            _ => None,
        };
        if let Ok(mut client) = self.client.write() {
            *client = fresh;
        }
        verified
    }
}

/// Why an id_token was refused. Issuer, audience, expiry and nonce are named without the
/// library's words, which quote the token's claims.
fn refusal(err: openidconnect::ClaimsVerificationError) -> SignInError {
    use openidconnect::{
        ClaimsVerificationError as Claims, SignatureVerificationError as Signature,
    };
    match err {
        Claims::InvalidIssuer(_) => SignInError::WrongIssuer,
        Claims::InvalidAudience(_) => SignInError::WrongAudience,
        Claims::Expired(_) => SignInError::TokenExpired,
        Claims::InvalidNonce(_) => SignInError::WrongNonce,
        Claims::SignatureVerification(Signature::NoMatchingKey) => SignInError::UnknownKey,
        Claims::SignatureVerification(signature) => {
            SignInError::BadSignature(signature.to_string())
        }
        other => SignInError::Token(other.to_string()),
    }
}

/// The provider's error, without a Debug rendering.
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
