//! Building the SDK configuration: region, profile, endpoint override, timeouts, retries and the
//! HTTP client.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime::client::defaults::default_http_client_plugin_v2;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

/// What [`load_sdk_config`] takes from the command line; everything else comes from the usual
/// AWS environment, profiles and credential providers.
///
/// ```
/// let options = fed_aws::ConfigOptions::default()
///     .with_region("eu-west-1")
///     .with_profile("prod");
/// assert_eq!(options.region.as_deref(), Some("eu-west-1"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigOptions {
    /// The region; by default the one of the environment or profile.
    pub region: Option<String>,
    /// The named profile; by default `AWS_PROFILE` or `default`.
    pub profile: Option<String>,
    /// An endpoint for every service, e.g. a local moto. `AWS_ENDPOINT_URL` (and
    /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`) are honoured without this.
    pub endpoint_url: Option<String>,
}

impl ConfigOptions {
    /// The same options, in `region`.
    #[must_use]
    pub fn with_region(mut self, region: impl Into<String>) -> ConfigOptions {
        self.region = Some(region.into());
        self
    }

    /// The same options, with the named profile.
    #[must_use]
    pub fn with_profile(mut self, profile: impl Into<String>) -> ConfigOptions {
        self.profile = Some(profile.into());
        self
    }

    /// The same options, sending every call to `endpoint_url`.
    #[must_use]
    pub fn with_endpoint_url(mut self, endpoint_url: impl Into<String>) -> ConfigOptions {
        self.endpoint_url = Some(endpoint_url.into());
        self
    }
}

/// The timeouts fed uses so that no call hangs: 5 s to connect, 20 s per attempt and 60 s per
/// operation including retries.
pub fn default_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .build()
}

/// Loads the SDK configuration through aws-config's default chain, with fed's timeouts, the
/// SDK's standard retry mode, and an HTTP client that sets up TLS only for https requests.
pub async fn load_sdk_config(options: &ConfigOptions) -> SdkConfig {
    let behavior_version = BehaviorVersion::latest();
    let mut loader = aws_config::defaults(behavior_version)
        .timeout_config(default_timeouts())
        .retry_config(RetryConfig::standard());
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = &options.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some(client) = http_client(behavior_version) {
        loader = loader.http_client(client);
    }
    loader.load().await
}

/// The HTTP client for the SDK's clients and credential providers: the SDK's default client,
/// except that plain-http requests (to emulators such as moto) go through a client that trusts
/// no certificate. The default client sets up TLS, which reads and parses the system's root
/// certificates (several milliseconds), when an SDK client is built, before any request; this
/// way that happens on the first https request instead, and never for a plain-http endpoint.
/// An https request is sent exactly as before, through a proxy of `HTTPS_PROXY`/`ALL_PROXY`
/// unless `NO_PROXY` exempts its host, as the SDK does.
///
/// Plain http carries the session token in a header, so it is allowed only to a loopback host
/// (an emulator) and never through a proxy, whatever the proxy variables say; the client for it
/// could not verify any certificate, so it fails rather than trusts if it is ever asked to.
///
/// `None` (the SDK picks its default itself) when the SDK has no default client.
pub(crate) fn http_client(behavior_version: BehaviorVersion) -> Option<SharedHttpClient> {
    let https = default_http_client_plugin_v2(behavior_version)?
        .runtime_components(&RuntimeComponentsBuilder::new("fed"))
        .http_client()?;
    let no_roots = TlsContext::builder()
        .with_trust_store(TrustStore::empty())
        .build()
        .ok()?;
    // This builder's client uses no proxy (the SDK adds the environment's only to its default).
    let plain = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(no_roots)
        .build_https();
    Some(SharedHttpClient::new(BySchemeClient { https, plain }))
}

/// An HTTP client that sends each request through one of two clients, by the request's scheme.
#[derive(Debug)]
struct BySchemeClient {
    /// For https requests: the SDK's default client.
    https: SharedHttpClient,
    /// For plain-http requests: a client that trusts no certificate, so building it reads none.
    plain: SharedHttpClient,
}

impl HttpClient for BySchemeClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BySchemeConnector {
            https: self.https.clone(),
            plain: self.plain.clone(),
            settings: settings.clone(),
            components: components.clone(),
        })
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.https.connector_metadata()
    }
}

/// The connector of [`BySchemeClient`]: it asks the client for the request's scheme for its
/// connector (which that client builds once per settings and keeps) when a request comes.
#[derive(Debug)]
struct BySchemeConnector {
    https: SharedHttpClient,
    plain: SharedHttpClient,
    settings: HttpConnectorSettings,
    components: RuntimeComponents,
}

impl HttpConnector for BySchemeConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let plain = is_plain_http(request.uri());
        if plain && !is_loopback(request.uri()) {
            return HttpConnectorFuture::ready(Err(ConnectorError::user(
                "plain http is allowed only to a loopback host (an emulator); use https".into(),
            )));
        }
        let client = if plain { &self.plain } else { &self.https };
        client
            .http_connector(&self.settings, &self.components)
            .call(request)
    }
}

/// Whether a URI's host is a loopback address or `localhost`.
fn is_loopback(uri: &str) -> bool {
    match url::Url::parse(uri).ok().as_ref().and_then(url::Url::host) {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether a request URI is plain http; anything else goes through the TLS-capable client.
fn is_plain_http(uri: &str) -> bool {
    uri.get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
}

#[cfg(test)]
mod tests;
