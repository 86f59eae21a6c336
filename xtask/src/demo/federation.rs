//! The federation endpoint as the demo uses it: the sign-in half of `fed url --role-arn`
//! (fed-flow's `console`, over a fed-signin client), behind a small trait so that tests of the
//! scenario sign in without a network.

use std::sync::OnceLock;

use fed_aws::{AssumedRole, BoxFuture};
use fed_core::Partition;
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
            let client = self.client(assumed.arn.partition())?;
            let signable = fed_flow::Signable::assumed(assumed);
            let (console, _) = fed_flow::console(
                client,
                &signable,
                request,
                Some(&fed_core::Region::new(region)?),
            )
            .await?;
            Ok(SignedIn {
                session_seconds: console.session_duration.map(|d| d.seconds()),
                notes: console.notes.clone(),
                link: Link::new(console),
            })
        })
    }
}
