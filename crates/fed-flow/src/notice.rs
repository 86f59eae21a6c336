//! What a sign-in tells its user, as values: the tool that shows them words them (or leaves
//! them out, or translates them).

use std::time::SystemTime;

use fed_core::{Arn, Omitted, Partition, RoleArn};
use url::Url;

use crate::selection::Source;

/// Something the user should know about a sign-in, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// The federation endpoint is not one of AWS's: the credentials are sent to it.
    UnofficialSigninEndpoint {
        /// The endpoint.
        endpoint: Url,
    },
    /// Where the credentials come from.
    Credentials {
        /// The source.
        source: Source,
    },
    /// Credentials in the environment were used, and `AWS_PROFILE` was set too: environment
    /// keys come first, as in the AWS CLI.
    EnvironmentKeysOverAwsProfile {
        /// The profile `AWS_PROFILE` names.
        profile: String,
    },
    /// AWS documents no logout endpoint for the partition: the logout-first link uses one by
    /// analogy with the other partitions.
    LogoutEndpointByAnalogy {
        /// The partition.
        partition: Partition,
        /// The logout endpoint used.
        endpoint: Url,
    },
    /// Role chaining (assuming a role with temporary credentials): STS caps the role session.
    RoleChaining {
        /// The role assumed.
        role: RoleArn,
        /// The cap, in seconds.
        cap_seconds: u32,
    },
    /// Long-term keys were exchanged with GetFederationToken: the console signs in as this
    /// federated user.
    FederatedUser {
        /// The federated user.
        arn: Arn,
    },
    /// The console session length asked for is not sent as `SessionDuration`; the console
    /// session lasts as long as the credentials.
    SessionDurationOmitted {
        /// What was asked, in seconds.
        seconds: u32,
        /// Why it is not sent.
        why: Omitted,
    },
    /// The federation endpoint refused `SessionDuration`, and the sign-in was retried without
    /// it: the console session lasts as long as the credentials.
    SessionDurationRefused,
    /// The credentials are an `aws login` role session's: no `SessionDuration` is sent (their
    /// history is unknown), so the console session lasts as long as these credentials, which
    /// `aws login` makes for 15 minutes; refreshing them later does not lengthen it.
    LoginSession {
        /// When the credentials expire, when the cache says.
        ends_at: Option<SystemTime>,
    },
}
