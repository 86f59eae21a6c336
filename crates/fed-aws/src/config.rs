//! Building the SDK configuration: region, profile, endpoint override, timeouts and retries.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

/// What [`load_sdk_config`] takes from the command line; everything else comes from the usual
/// AWS environment, profiles and credential providers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigOptions {
    /// The region; by default the one of the environment or profile.
    pub region: Option<String>,
    /// The named profile; by default `AWS_PROFILE` or `default`.
    pub profile: Option<String>,
    /// An endpoint for every service, e.g. a local moto. `AWS_ENDPOINT_URL` (and
    /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`) are honoured without this.
    pub endpoint_url: Option<String>,
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

/// Loads the SDK configuration through aws-config's default chain, with fed's timeouts and the
/// SDK's standard retry mode.
pub async fn load_sdk_config(options: &ConfigOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
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
    loader.load().await
}
