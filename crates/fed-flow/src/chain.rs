//! The chain of roles from a profile's base credentials to its identity, and the profile's own
//! console settings.
//!
//! Profiles are read with aws-config's parser. A profile with `role_arn` is followed through
//! `source_profile` (or stops at `credential_source`) to a base: static keys,
//! `credential_process`, IAM Identity Center (`sso_session` or legacy `sso_start_url`), an
//! `aws login` session (`login_session`) or web identity. fed resolves the base once and makes
//! every AssumeRole hop itself.

use aws_config::profile::{Profile, ProfileSet};
use fed_core::{
    Arn, AssumeRoleDuration, Credentials, ExternalId, MfaSerial, Principal, RequestedDuration,
    RoleArn, RoleSessionName,
};

use crate::error::{Error, Input};
use crate::request::Page;

/// The credentials a chain starts from.
#[derive(Debug, Clone)]
pub(crate) enum Base {
    /// Keys from the environment or a profile.
    Keys(Credentials),
    /// A profile's `credential_process`.
    Process {
        /// The profile.
        profile: String,
        /// The command line.
        command: String,
    },
    /// IAM Identity Center, resolved by aws-config's profile provider.
    Sso {
        /// The profile.
        profile: String,
    },
    /// An `aws login` session (`login_session`), resolved by aws-config's profile provider
    /// from the login cache.
    Login {
        /// The profile.
        profile: String,
        /// The `login_session` ARN: who signed in to the console.
        arn: String,
        /// What that ARN says the session is.
        identity: LoginIdentity,
    },
    /// Web identity, resolved by aws-config's profile provider.
    WebIdentity {
        /// The profile.
        profile: String,
    },
    /// A profile's `credential_source`.
    CredentialSource {
        /// The profile.
        profile: String,
        /// `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
        source: String,
    },
    /// The SDK's default chain.
    DefaultChain,
}

/// Who an `aws login` session is, as its `login_session` ARN says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoginIdentity {
    /// A role session (`assumed-role`): the federation endpoint takes its credentials.
    RoleSession,
    /// An IAM user or the root user: user-session credentials, which the federation endpoint
    /// refuses.
    User,
    /// Anything else, or no ARN: who it is is asked of STS.
    Unknown,
}

impl LoginIdentity {
    /// What `login_session` (trimmed, as the AWS CLI hashes it) says.
    pub(crate) fn of(login_session: &str) -> LoginIdentity {
        login_session
            .trim()
            .parse::<Arn>()
            .map_or(LoginIdentity::Unknown, |arn| LoginIdentity::of_arn(&arn))
    }

    /// What an ARN says: the `login_session`'s, or the caller's once STS has named it.
    pub(crate) fn of_arn(arn: &Arn) -> LoginIdentity {
        match arn.principal() {
            Principal::AssumedRole { .. } => LoginIdentity::RoleSession,
            Principal::User { .. } | Principal::Root => LoginIdentity::User,
            _ => LoginIdentity::Unknown,
        }
    }
}

/// Refuses, before any call, an `aws login` session of an IAM user or the root user that is
/// to sign in as it is (no role to assume from it): the federation endpoint refuses
/// user-session credentials.
pub(crate) fn refuse_user_login(base: &Base, hops: &[Hop]) -> Result<(), Error> {
    match base {
        Base::Login {
            profile,
            arn,
            identity: LoginIdentity::User,
        } if hops.is_empty() => Err(Error::LoginSessionUser {
            profile: profile.clone(),
            arn: arn.clone(),
        }),
        _ => Ok(()),
    }
}

/// One AssumeRole a chain needs.
#[derive(Debug, Clone)]
pub(crate) struct Hop {
    /// The profile that names the role; `None` for the request's own role.
    pub(crate) profile: Option<String>,
    pub(crate) role_arn: RoleArn,
    pub(crate) session_name: Option<RoleSessionName>,
    pub(crate) external_id: Option<ExternalId>,
    pub(crate) mfa_serial: Option<MfaSerial>,
    pub(crate) duration: Option<AssumeRoleDuration>,
}

/// What a profile says of the console under keys only fed reads (the AWS CLI and SDKs ignore
/// them): `fed_service`, `fed_region`, `fed_duration`. What the caller asks for wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileDefaults {
    pub(crate) service: Option<fed_core::Service>,
    pub(crate) region: Option<fed_core::Region>,
    pub(crate) duration: Option<RequestedDuration>,
}

impl ProfileDefaults {
    /// Fills what the caller leaves open: the page (a `fed_service` instead of the console
    /// home) and the region.
    pub(crate) fn apply(&self, page: &mut Page, region: &mut Option<fed_core::Region>) {
        if *page == Page::Home
            && let Some(service) = self.service
        {
            *page = Page::Service(service);
        }
        if region.is_none() {
            region.clone_from(&self.region);
        }
    }

    /// The keys of `profile`, checked; a bad value names the profile and the key.
    pub(crate) fn of(profile: &Profile) -> Result<ProfileDefaults, Error> {
        let bad = |key: &str, raw: &str, problem: String| {
            Error::invalid(
                Input::Profile,
                format!(
                    "the profile {} has {key} = {raw}: {problem}",
                    profile.name()
                ),
            )
        };
        let read = |key: &'static str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
        Ok(ProfileDefaults {
            service: read("fed_service")
                .map(|raw| {
                    fed_core::Service::from_name(raw).map_err(|_| {
                        bad(
                            "fed_service",
                            raw,
                            "not a console service of `fed services`".to_owned(),
                        )
                    })
                })
                .transpose()?,
            region: read("fed_region")
                .map(|raw| {
                    fed_core::Region::new(raw).map_err(|e| bad("fed_region", raw, e.to_string()))
                })
                .transpose()?,
            duration: read("fed_duration")
                .map(|raw| {
                    RequestedDuration::parse(raw)
                        .map_err(|e| bad("fed_duration", raw, e.to_string()))
                })
                .transpose()?,
        })
    }
}

/// A whole number of seconds in a profile property.
pub(crate) fn seconds(profile: &Profile, key: &str) -> Result<Option<u64>, Error> {
    profile
        .get(key)
        .map(|raw| {
            raw.trim().parse::<u64>().map_err(|_| {
                Error::invalid(
                    Input::Profile,
                    format!(
                        "the profile {} has {key} = {raw}, which is not a whole number of seconds",
                        profile.name()
                    ),
                )
            })
        })
        .transpose()
}

/// Follows `role_arn` and `source_profile` from `start` to the base; the hops come out in the
/// order they are made (the base's first).
pub(crate) fn walk(profiles: &ProfileSet, start: &Profile) -> Result<(Base, Vec<Hop>), Error> {
    let mut hops = Vec::new();
    let mut visited: Vec<String> = Vec::new();
    let mut profile = start;
    loop {
        if visited.iter().any(|v| v == profile.name()) {
            visited.push(profile.name().to_owned());
            return Err(Error::ProfileLoop { chain: visited });
        }
        visited.push(profile.name().to_owned());
        let Some(role_arn) = profile.get("role_arn") else {
            let base = base_of(profile)?;
            hops.reverse();
            return Ok((base, hops));
        };
        hops.push(hop(profile, role_arn)?);
        match (
            profile.get("source_profile"),
            profile.get("credential_source"),
        ) {
            (Some(source), _) if source == profile.name() => {
                // A profile may take the keys for its own role from itself, as the AWS CLI allows.
                let base = keys_of(profile)?.ok_or_else(|| Error::NoCredentialsInProfile {
                    profile: profile.name().to_owned(),
                    reason:
                        "source_profile names the profile itself, which has no aws_access_key_id"
                            .to_owned(),
                })?;
                hops.reverse();
                return Ok((Base::Keys(base), hops));
            }
            (Some(source), _) => {
                profile =
                    profiles
                        .get_profile(source)
                        .ok_or_else(|| Error::MissingSourceProfile {
                            profile: profile.name().to_owned(),
                            source_profile: source.to_owned(),
                        })?;
            }
            (None, Some(source)) => {
                hops.reverse();
                return Ok((
                    Base::CredentialSource {
                        profile: profile.name().to_owned(),
                        source: source.to_owned(),
                    },
                    hops,
                ));
            }
            (None, None) => {
                return Err(Error::NoCredentialsInProfile {
                    profile: profile.name().to_owned(),
                    reason: "it has role_arn but neither source_profile nor credential_source"
                        .to_owned(),
                });
            }
        }
    }
}

fn hop(profile: &Profile, role_arn: &str) -> Result<Hop, Error> {
    let invalid = |key: &str, err: fed_core::Error| {
        Error::invalid(
            Input::Profile,
            format!("the profile {} has an invalid {key}: {err}", profile.name()),
        )
    };
    Ok(Hop {
        profile: Some(profile.name().to_owned()),
        role_arn: role_arn.parse().map_err(|e| invalid("role_arn", e))?,
        session_name: profile
            .get("role_session_name")
            .map(RoleSessionName::new)
            .transpose()
            .map_err(|e| invalid("role_session_name", e))?,
        external_id: profile
            .get("external_id")
            .map(ExternalId::new)
            .transpose()
            .map_err(|e| invalid("external_id", e))?,
        mfa_serial: profile
            .get("mfa_serial")
            .map(MfaSerial::new)
            .transpose()
            .map_err(|e| invalid("mfa_serial", e))?,
        duration: seconds(profile, "duration_seconds")?
            .map(AssumeRoleDuration::from_secs)
            .transpose()
            .map_err(|e| invalid("duration_seconds", e))?,
    })
}

/// The static keys of a profile, if it has them.
fn keys_of(profile: &Profile) -> Result<Option<Credentials>, Error> {
    let Some(id) = profile.get("aws_access_key_id") else {
        return Ok(None);
    };
    let secret =
        profile
            .get("aws_secret_access_key")
            .ok_or_else(|| Error::NoCredentialsInProfile {
                profile: profile.name().to_owned(),
                reason: "aws_access_key_id without aws_secret_access_key".to_owned(),
            })?;
    Ok(Some(Credentials::new(
        id,
        secret,
        profile.get("aws_session_token").map(str::to_owned),
        None,
    )))
}

/// The base of a profile without `role_arn`.
fn base_of(profile: &Profile) -> Result<Base, Error> {
    let name = profile.name().to_owned();
    if profile.get("web_identity_token_file").is_some() {
        return Ok(Base::WebIdentity { profile: name });
    }
    if profile.get("sso_session").is_some() || profile.get("sso_start_url").is_some() {
        return Ok(Base::Sso { profile: name });
    }
    // aws-config's order: web identity, IAM Identity Center, then `login_session`.
    if let Some(arn) = profile.get("login_session") {
        return Ok(Base::Login {
            profile: name,
            arn: arn.trim().to_owned(),
            identity: LoginIdentity::of(arn),
        });
    }
    if let Some(keys) = keys_of(profile)? {
        return Ok(Base::Keys(keys));
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(Base::Process {
            profile: name,
            command: command.to_owned(),
        });
    }
    Err(Error::NoCredentialsInProfile {
        profile: name,
        reason: "it has none of aws_access_key_id, role_arn, sso_session, sso_start_url, login_session, credential_process or web_identity_token_file".to_owned(),
    })
}
