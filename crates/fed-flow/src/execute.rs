//! Executing a plan: resolve the base once, make each AssumeRole hop, make the credentials
//! signable, and ask the federation endpoint for the URL.

use fed_aws::{ConfigOptions, Sts, StsClient};
use fed_core::{Arn, Partition, Region};

use crate::base;
use crate::console_url::{ConsoleLogin, ConsoleUrl};
use crate::error::{Error, Input};
use crate::exchange;
use crate::hops;
use crate::notice::Notice;
use crate::outcome::SignedIn;
use crate::plan::{Plan, SigninEndpoints};
use crate::prompt::MfaPrompt;

/// The region STS is called in when none is configured.
const DEFAULT_STS_REGION: &str = "us-east-1";

impl Plan {
    /// Makes the calls the plan needs and returns the URL with what happened. Each credential
    /// source runs once; `prompt` is asked for MFA codes the request does not carry.
    ///
    /// The plan's decisions come from its [`crate::Host`]. The AWS SDK's own settings of the
    /// STS client (endpoint URLs such as `AWS_ENDPOINT_URL`, the profile's SDK keys) are read
    /// by aws-config from the process, as every AWS SDK reads them.
    pub async fn execute(&self, prompt: &dyn MfaPrompt) -> Result<SignedIn, Error> {
        self.run(prompt)
            .await
            .map_err(|err| self.name_unreachable(err))
    }

    async fn run(&self, prompt: &dyn MfaPrompt) -> Result<SignedIn, Error> {
        let mut notices = self.notices.clone();
        // When the partition is already known, the sign-in client (whose TLS set-up reads the
        // system's root certificates) is built on another thread while the credentials resolve.
        let early = self.partition.map(|partition| {
            let config = SigninEndpoints::of(&self.request, partition)
                .client_config(&self.request, partition);
            tokio::task::spawn_blocking(move || fed_signin::Client::new(config))
        });

        let resolved = base::resolve(&self.base, &self.context).await?;
        let sts = self.sts().await;
        let last = hops::assume_all(
            self,
            &sts,
            resolved.credentials.clone(),
            resolved.history,
            prompt,
            &mut notices,
        )
        .await?;
        let signer = sts.with_credentials(match &last {
            Some(assumed) => &assumed.credentials,
            None => &resolved.credentials,
        });
        let signable = exchange::signable(
            self,
            &signer,
            resolved.credentials,
            last,
            resolved.history,
            &mut notices,
        )
        .await?;

        // Without the principal yet, the partition is the request's or the region's; once
        // GetCallerIdentity names the principal, a sign-in made for another partition is made
        // again for the credentials' own (or refused, when the region or page is of another).
        let guess = self
            .request
            .partition
            .or(signable.principal.as_ref().map(Arn::partition))
            .or(self.region.as_ref().map(Region::partition))
            .unwrap_or(Partition::Aws);
        let early = early.filter(|_| self.partition == Some(guess));
        let (principal, (console, partition), origin) = match signable.principal.clone() {
            Some(principal) => (
                principal,
                self.console(guess, early, &signable).await?,
                signable.origin,
            ),
            None => {
                let (identity, signed) = tokio::join!(
                    signer.caller_identity(),
                    self.console(guess, early, &signable)
                );
                let identity = identity?;
                let origin = if signable.classify {
                    exchange::classified(&signable.credentials, &identity.arn)?
                } else {
                    signable.origin
                };
                let actual = self.request.partition.unwrap_or(identity.arn.partition());
                let signed = if actual == guess {
                    signed?
                } else {
                    self.console(actual, None, &signable).await?
                };
                (identity.arn, signed, origin)
            }
        };
        if let Some(logout) = &SigninEndpoints::of(&self.request, partition).logout
            && self.request.signin_endpoint.is_none()
            && partition == Partition::AwsEusc
        {
            notices.push(Notice::LogoutEndpointByAnalogy {
                partition,
                endpoint: logout.clone(),
            });
        }
        notices.extend(console.notices.iter().cloned());
        Ok(SignedIn {
            session: console.session.clone(),
            console,
            principal,
            partition,
            source: self.selection.source.clone(),
            origin,
            notices,
        })
    }

    /// The sign-in for credentials of `partition`: the checks that need it, the endpoints, the
    /// client (`early`, when one was built ahead for that partition), and the URL.
    async fn console(
        &self,
        partition: Partition,
        early: Option<tokio::task::JoinHandle<Result<fed_signin::Client, fed_signin::Error>>>,
        signable: &exchange::Signable,
    ) -> Result<(ConsoleUrl, Partition), Error> {
        let destination = self.check(partition)?;
        let endpoints = SigninEndpoints::of(&self.request, partition);
        let client = match early {
            Some(task) => task
                .await
                .map_err(|e| Error::invalid(Input::SigninEndpoint, e))?,
            None => fed_signin::Client::new(endpoints.client_config(&self.request, partition)),
        }
        .map_err(|e| match e {
            fed_signin::Error::InvalidEndpoint { .. } => Error::invalid(Input::SigninEndpoint, e),
            e => Error::Signin(e),
        })?;
        let destination_url = destination.to_url(partition, self.region.as_ref());
        let mut login = ConsoleLogin::new(
            &signable.credentials,
            signable.origin,
            &self.request.issuer,
            &destination_url,
        )
        .credentials_partition(partition);
        if let Some(duration) = &self.duration {
            login = login.requested_duration(duration.requested);
        }
        if let Some(logout) = &endpoints.logout {
            login = login.logout_endpoint(logout);
        }
        Ok((crate::console_url(&client, &login).await?, partition))
    }

    /// The STS client: in the region asked for, else the partition's default region (aws-eusc's
    /// STS is not in us-east-1), with the settings of the profile whose credentials are used.
    async fn sts(&self) -> StsClient {
        let region = self
            .region
            .as_ref()
            .map(Region::as_str)
            .or(self.partition.map(Partition::default_region))
            .unwrap_or(DEFAULT_STS_REGION);
        let mut options = ConfigOptions::default().with_region(region);
        options.profile = self.profile().map(str::to_owned);
        StsClient::new(&fed_aws::load_sdk_config(&options).await)
    }

    /// An STS call that got no answer becomes [`Error::Unreachable`], naming the endpoint.
    fn name_unreachable(&self, err: Error) -> Error {
        let Error::Aws(
            aws @ fed_aws::Error::Service {
                operation,
                code: None,
                message,
                ..
            },
        ) = &err
        else {
            return err;
        };
        if !(message.contains("could not be sent") || message.contains("timed out")) {
            return err;
        }
        let endpoint = self
            .context
            .var("AWS_ENDPOINT_URL_STS")
            .or_else(|| self.context.var("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| {
                let region = self
                    .region
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| self.partition.map(|p| p.default_region().to_owned()))
                    .unwrap_or_else(|| DEFAULT_STS_REGION.to_owned());
                format!("the regional STS endpoint of {region}")
            });
        Error::Unreachable {
            operation: (*operation).to_owned(),
            endpoint,
            reason: fed_core::one_line(aws),
        }
    }
}
