//! The federation endpoint as the demo uses it: the sign-in half of `fed url --role-arn`
//! (fed-flow's `console_url`, over a fed-signin client), behind a small trait so that tests of
//! the scenario sign in without a network.

use std::sync::OnceLock;

use fed_aws::{AssumedRole, BoxFuture};
use fed_core::{Destination, Partition};
use fed_flow::Notice;
use url::Url;

use super::event::Link;

/// A console sign-in for a role session.
pub(crate) trait Federation: Send + Sync {
    /// Where getSigninToken goes for credentials of `partition`. Fails when that endpoint
    /// cannot be used, so the demo stops before it creates anything.
    fn endpoint(&self, partition: Partition) -> anyhow::Result<Url>;

    /// getSigninToken for `assumed` and the login URL, as `request` says; `region` is the
    /// console's.
    fn sign_in<'a>(
        &'a self,
        assumed: &'a AssumedRole,
        request: &'a fed_flow::SignIn,
        region: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<SignedIn>>;
}

/// A sign-in URL and what the endpoint said about the session.
#[derive(Debug)]
pub(crate) struct SignedIn {
    pub(crate) link: Link,
    /// The console session length that was sent and accepted, in seconds.
    pub(crate) session_seconds: Option<u32>,
    /// What the user should know about the session length.
    pub(crate) notes: Vec<String>,
}

/// The federation endpoint given on the command line, or the partition's, set up as `fed url`
/// sets it up: POST, and one retry without SessionDuration if that is refused.
pub(crate) struct SigninEndpoint {
    endpoint: Option<Url>,
    client: OnceLock<fed_signin::Client>,
}

impl SigninEndpoint {
    pub(crate) fn new(endpoint: Option<Url>) -> SigninEndpoint {
        SigninEndpoint {
            endpoint,
            client: OnceLock::new(),
        }
    }

    fn client(&self, partition: Partition) -> anyhow::Result<&fed_signin::Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let endpoint = self
            .endpoint
            .clone()
            .unwrap_or_else(|| partition.federation_endpoint(None));
        let mut config = fed_signin::Config::new(endpoint);
        config.partition = Some(partition);
        config.method = fed_signin::Method::Post;
        config.retry_without_session_duration = true;
        let client = fed_signin::Client::new(config)
            .map_err(|e| anyhow::anyhow!("--signin-endpoint: {e:#}; nothing was created"))?;
        Ok(self.client.get_or_init(|| client))
    }
}

impl Federation for SigninEndpoint {
    fn endpoint(&self, partition: Partition) -> anyhow::Result<Url> {
        Ok(self.client(partition)?.config().endpoint.clone())
    }

    fn sign_in<'a>(
        &'a self,
        assumed: &'a AssumedRole,
        request: &'a fed_flow::SignIn,
        region: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<SignedIn>> {
        Box::pin(async move {
            let partition = assumed.arn.partition();
            let client = self.client(partition)?;
            let region = fed_core::Region::new(region)?;
            let destination = Destination::ConsoleHome.to_url(partition, Some(&region));
            let mut login = fed_flow::ConsoleLogin::new(
                &assumed.credentials,
                assumed.origin(),
                &request.issuer,
                &destination,
            )
            .credentials_partition(partition);
            if let Some(duration) = request.duration {
                login = login.requested_duration(duration);
            }
            let console = fed_flow::console_url(client, &login).await?;
            Ok(SignedIn {
                session_seconds: console.session.session_duration.map(|d| d.seconds()),
                notes: console.notices.iter().filter_map(words).collect(),
                link: Link::new(console),
            })
        })
    }
}

/// What the demo's user is told about the session length, in words.
fn words(notice: &Notice) -> Option<String> {
    Some(match notice {
        Notice::SessionDurationOmitted { seconds, .. } => format!(
            "not sending SessionDuration={seconds}: the federation endpoint would reject it for these credentials; the console session lasts as long as the credentials"
        ),
        Notice::SessionDurationRefused => "the federation endpoint refused SessionDuration; signed in without it, so the console session lasts as long as the credentials".to_owned(),
        _ => return None,
    })
}
