//! The one error type of fed-flow: each variant names the cause, the input involved and, where
//! there is one, the fix.

use std::fmt;

/// An input of the flow, so that a front end can name its own flag or field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Input {
    /// The profile name.
    Profile,
    /// The region.
    Region,
    /// The role to assume.
    RoleArn,
    /// The console session length.
    Duration,
    /// The MFA code.
    MfaCode,
    /// The session policies of GetFederationToken.
    Policy,
    /// The console page.
    Destination,
    /// The partition.
    Partition,
    /// The regional sign-in endpoint.
    SigninRegion,
    /// The federation endpoint.
    SigninEndpoint,
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Input::Profile => "profile",
            Input::Region => "region",
            Input::RoleArn => "role ARN",
            Input::Duration => "duration",
            Input::MfaCode => "MFA code",
            Input::Policy => "policy",
            Input::Destination => "destination",
            Input::Partition => "partition",
            Input::SigninRegion => "sign-in region",
            Input::SigninEndpoint => "sign-in endpoint",
        })
    }
}

/// Everything that can stop a sign-in. Messages are one line, name the cause and never hold a
/// secret or a Rust `Debug` rendering.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input is invalid; `message` says what is allowed.
    #[error("{message}")]
    Invalid {
        /// Which input.
        input: Input,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// The named profile is in neither AWS config file.
    #[error(
        "the profile {name} is not in the AWS config files{}",
        known_list(known)
    )]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The profiles that exist.
        known: Vec<String>,
    },
    /// A profile's `source_profile` names a profile that does not exist.
    #[error(
        "the profile {profile} has source_profile = {source_profile}, which is not in the AWS config files"
    )]
    MissingSourceProfile {
        /// The profile with the `source_profile`.
        profile: String,
        /// The missing profile.
        source_profile: String,
    },
    /// Profiles refer to each other in a loop.
    #[error("the profiles form a loop through source_profile: {}", chain.join(" -> "))]
    ProfileLoop {
        /// The profiles of the loop, in order.
        chain: Vec<String>,
    },
    /// A profile names no way to get credentials.
    #[error("the profile {profile} has no credentials: {reason}")]
    NoCredentialsInProfile {
        /// The profile.
        profile: String,
        /// What it lacks.
        reason: String,
    },
    /// No credentials anywhere: environment, profiles, containers, instance metadata.
    #[error("no AWS credentials found: {reason}")]
    NoCredentials {
        /// What the default chain reported.
        reason: String,
    },
    /// The IAM Identity Center session of a profile has expired or is not signed in.
    #[error(
        "the IAM Identity Center session of profile {profile} has expired or is not signed in: {reason}"
    )]
    SsoLogin {
        /// The profile.
        profile: String,
        /// What the SDK reported.
        reason: String,
    },
    /// The `aws login` session of a profile is not in the login cache, or has expired and
    /// cannot be refreshed.
    #[error("the aws login session of profile {profile} has expired or is not signed in: {reason}")]
    LoginSession {
        /// The profile.
        profile: String,
        /// What the SDK reported.
        reason: String,
    },
    /// The `aws login` session of a profile is an IAM user's or the root user's: user-session
    /// credentials, which the federation endpoint refuses.
    #[error(
        "the profile {profile} is an aws login session of {arn}, an IAM user or root user: the federation endpoint refuses user-session credentials, as it refuses GetSessionToken credentials"
    )]
    LoginSessionUser {
        /// The profile.
        profile: String,
        /// The `login_session` ARN, or the caller STS named.
        arn: String,
    },
    /// Resolving a profile's credentials failed for another reason.
    #[error("cannot get the credentials of profile {profile}: {reason}")]
    ProfileCredentials {
        /// The profile.
        profile: String,
        /// What went wrong.
        reason: String,
    },
    /// A `credential_process` failed.
    #[error("the credential_process of profile {profile} failed ({status}){}", excerpt.as_deref().map(|e| format!(": {e}")).unwrap_or_default())]
    CredentialProcess {
        /// The profile.
        profile: String,
        /// Its exit status, or why it could not run.
        status: String,
        /// The start of what it wrote to stderr, without control characters.
        excerpt: Option<String>,
    },
    /// An MFA device needs a code and none can be asked for.
    #[error("the role {role} needs an MFA code from {serial}, and there is no terminal to ask on")]
    MfaCodeNeeded {
        /// The role being assumed.
        role: String,
        /// The MFA device.
        serial: String,
    },
    /// An MFA code was given, and no role on the way to the identity has an MFA device.
    #[error(
        "an MFA code was given, and no role to assume has an MFA device (mfa_serial) to use it with"
    )]
    MfaCodeUnused,
    /// The MFA prompt failed.
    #[error("cannot read the MFA code for {serial}: {reason}")]
    MfaPrompt {
        /// The MFA device.
        serial: String,
        /// Why.
        reason: String,
    },
    /// STS refused the MFA code.
    #[error("assuming {role} with the MFA device {serial} was denied: {message}")]
    MfaDenied {
        /// The role.
        role: String,
        /// The MFA device.
        serial: String,
        /// STS's message.
        message: String,
    },
    /// AssumeRole was denied.
    #[error("{caller} may not assume {role}: {message}")]
    AssumeRoleDenied {
        /// The role.
        role: String,
        /// Who tried (an ARN, or where the credentials came from).
        caller: String,
        /// STS's message.
        message: String,
    },
    /// The asked duration is more than the role allows.
    #[error(
        "{role} allows sessions up to its MaxSessionDuration, which is less than the {seconds}s asked for"
    )]
    OverMaxSessionDuration {
        /// The role.
        role: String,
        /// What was asked.
        seconds: u64,
        /// What asked for it: `--duration`, or a profile's `duration_seconds` or `fed_duration`.
        asked_by: String,
    },
    /// Long-term keys were found, but no session policy was given.
    #[error(
        "long-term IAM user keys need a session policy to sign in: fed exchanges them with GetFederationToken, and without a policy the federated user has no permissions"
    )]
    PolicyNeeded,
    /// GetSessionToken credentials cannot sign in.
    #[error(
        "GetSessionToken credentials cannot sign in to the console: the federation endpoint refuses them, and they cannot call GetFederationToken"
    )]
    SessionTokenCredentials,
    /// An IAM Identity Center shortcut link was asked for, and no profile is chosen.
    #[error(
        "an IAM Identity Center shortcut link is made from a profile, and none is chosen: no profile is named, AWS_PROFILE is not set and there is no default profile"
    )]
    PortalNoProfile,
    /// An IAM Identity Center shortcut link was asked for a profile that cannot give one.
    #[error("the profile {profile} cannot give an IAM Identity Center shortcut link: {problem}")]
    PortalProfile {
        /// The profile.
        profile: String,
        /// What it is or lacks.
        problem: String,
        /// What to do instead.
        fix: String,
    },
    /// STS could not be reached.
    #[error("{operation} could not reach STS at {endpoint}: {reason}")]
    Unreachable {
        /// The operation, e.g. `sts:AssumeRole`.
        operation: String,
        /// The endpoint that was tried.
        endpoint: String,
        /// What the connection reported.
        reason: String,
    },
    /// An STS call failed.
    #[error(transparent)]
    Aws(#[from] fed_aws::Error),
    /// The federation endpoint refused or failed.
    #[error(transparent)]
    Signin(#[from] fed_signin::Error),
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "; there are no profiles".to_owned()
    } else {
        format!("; the profiles are: {}", known.join(", "))
    }
}

impl Error {
    pub(crate) fn invalid(input: Input, message: impl fmt::Display) -> Error {
        Error::Invalid {
            input,
            message: message.to_string(),
        }
    }

    /// The input the error is about, when it is about one.
    pub fn input(&self) -> Option<Input> {
        match self {
            Error::Invalid { input, .. } => Some(*input),
            Error::UnknownProfile { .. } => Some(Input::Profile),
            Error::OverMaxSessionDuration { .. } => Some(Input::Duration),
            Error::PolicyNeeded => Some(Input::Policy),
            Error::MfaCodeUnused => Some(Input::MfaCode),
            Error::PortalNoProfile
            | Error::PortalProfile { .. }
            | Error::LoginSessionUser { .. } => Some(Input::Profile),
            _ => None,
        }
    }

    /// What the user can do about it, when there is something.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::UnknownProfile { .. } => "list them with `aws configure list-profiles`, or check AWS_CONFIG_FILE".to_owned(),
            Error::MissingSourceProfile { source_profile, .. } => format!("add a [profile {source_profile}] section, or fix source_profile"),
            Error::NoCredentialsInProfile { .. } => "give the profile aws_access_key_id, role_arn with source_profile, sso_session, or credential_process".to_owned(),
            Error::NoCredentials { .. } => "configure credentials: `aws configure`, `aws sso login --profile P` with --profile P, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_owned(),
            Error::SsoLogin { profile, .. } => format!("run `aws sso login --profile {profile}`"),
            Error::LoginSession { profile, .. } => format!("run `aws login --profile {profile}`"),
            Error::LoginSessionUser { profile, .. } => format!("assume a role from it with --role-arn ARN (or a profile with role_arn and source_profile = {profile}), or sign in through IAM Identity Center"),
            Error::MfaCodeNeeded { .. } => "pass the code with --mfa-code".to_owned(),
            Error::MfaCodeUnused => "name the device with the role: --role-arn ARN --mfa-serial SERIAL, or use a profile with mfa_serial".to_owned(),
            Error::MfaDenied { .. } => "use the current code of that device; codes change every 30 seconds".to_owned(),
            Error::AssumeRoleDenied { .. } => "check that the role exists and that its trust policy allows the caller (and any ExternalId or MFA condition it has)".to_owned(),
            Error::OverMaxSessionDuration { role, asked_by, .. } => format!("ask for less with {asked_by}, or raise it: aws iam update-role --role-name {} --max-session-duration 43200", role.rsplit('/').next().unwrap_or(role)),
            Error::PolicyNeeded => "pass --policy readonly (or admin, poweruser, viewonly, s3-readonly, a managed policy ARN), or use --role-arn".to_owned(),
            Error::SessionTokenCredentials => "assume a role with --role-arn, use IAM Identity Center or role credentials, or use long-term IAM user keys with --policy".to_owned(),
            Error::CredentialProcess { .. } => "run the credential_process command yourself to see what it needs".to_owned(),
            Error::PortalNoProfile => "name an IAM Identity Center profile: fed url --portal PROFILE".to_owned(),
            Error::PortalProfile { fix, .. } => fix.clone(),
            Error::Unreachable { .. } => "check the network and any proxy, or AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS if you set one".to_owned(),
            _ => return None,
        })
    }
}
