//! Which credentials a sign-in uses, decided as the AWS CLI decides, and the chain of roles to
//! assume to get from them to the profile's identity.
//!
//! - A profile named by the caller (`--profile P`) wins over credentials in the environment.
//! - Otherwise `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` win, even over `AWS_PROFILE`.
//! - Otherwise `AWS_PROFILE`, else the `default` profile when there is one.
//! - Otherwise the rest of the SDK's default chain: web identity, containers, instance metadata.
//!
//! Profiles are read with aws-config's parser. A profile with `role_arn` is followed through
//! `source_profile` (or stops at `credential_source`) to a base: static keys,
//! `credential_process`, IAM Identity Center (`sso_session` or legacy `sso_start_url`) or web
//! identity. fed resolves the base once and makes every AssumeRole hop itself.

use std::borrow::Cow;

use aws_config::profile::{Profile, ProfileSet};
use aws_types::os_shim_internal::{Env, Fs};
use fed_core::{Credentials, ExternalId, MfaSerial, RoleArn, RoleSessionName};

use crate::error::{Error, Input};
use crate::request::Page;

/// Where a sign-in's credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`).
    Environment {
        /// `AWS_PROFILE`, when it was set too and is therefore not used.
        ignored_profile: Option<String>,
    },
    /// A profile of the AWS config files.
    Profile {
        /// Its name.
        name: String,
        /// How it was chosen.
        chosen_by: ChosenBy,
    },
    /// The SDK's default chain: web identity, containers, instance metadata.
    DefaultChain,
}

/// How a profile was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChosenBy {
    /// Named by the caller (`--profile`).
    Caller,
    /// `AWS_PROFILE`.
    AwsProfile,
    /// The `default` profile.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Environment {
                ignored_profile: None,
            } => f.write_str("the environment (AWS_ACCESS_KEY_ID)"),
            Source::Environment {
                ignored_profile: Some(profile),
            } => write!(
                f,
                "the environment (AWS_ACCESS_KEY_ID), not AWS_PROFILE={profile}: environment keys come first, as in the AWS CLI; pass --profile {profile} to use the profile"
            ),
            Source::Profile {
                name,
                chosen_by: ChosenBy::Caller,
            } => write!(f, "profile {name}"),
            Source::Profile {
                name,
                chosen_by: ChosenBy::AwsProfile,
            } => write!(f, "profile {name} (AWS_PROFILE)"),
            Source::Profile {
                name,
                chosen_by: ChosenBy::Default,
            } => write!(f, "profile {name}"),
            Source::DefaultChain => {
                f.write_str("the default chain (web identity, container or instance credentials)")
            }
        }
    }
}

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

/// One AssumeRole a chain needs.
#[derive(Debug, Clone)]
pub(crate) struct Hop {
    pub(crate) role_arn: RoleArn,
    pub(crate) session_name: Option<RoleSessionName>,
    pub(crate) external_id: Option<ExternalId>,
    pub(crate) mfa_serial: Option<MfaSerial>,
    pub(crate) duration_seconds: Option<u64>,
}

/// How to get the credentials: where from, the base, the hops, and the profile's settings.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) source: Source,
    pub(crate) base: Base,
    pub(crate) hops: Vec<Hop>,
    /// The region of the environment or the profile.
    pub(crate) region: Option<String>,
    /// The chosen profile's `duration_seconds`.
    pub(crate) duration_seconds: Option<u64>,
    /// The chosen profile's console defaults.
    pub(crate) defaults: ProfileDefaults,
}

/// What a profile says of the console under keys only fed reads (the AWS CLI and SDKs ignore
/// them): `fed_service`, `fed_region`, `fed_duration`. What the caller asks for wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileDefaults {
    pub(crate) service: Option<fed_core::Service>,
    pub(crate) region: Option<fed_core::Region>,
    pub(crate) duration: Option<std::time::Duration>,
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
                    fed_core::parse_duration(raw)
                        .map_err(|e| bad("fed_duration", raw, e.to_string()))
                })
                .transpose()?,
        })
    }
}

impl Plan {
    /// The profile whose settings apply (endpoints, region), if any.
    pub(crate) fn profile(&self) -> Option<&str> {
        match &self.source {
            Source::Profile { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// A non-empty environment variable.
pub(crate) fn var(env: &Env, name: &str) -> Option<String> {
    env.get(name).ok().filter(|v| !v.trim().is_empty())
}

/// Credentials in the environment, when both keys are set.
fn environment_keys(env: &Env) -> Option<Credentials> {
    Some(Credentials::new(
        var(env, "AWS_ACCESS_KEY_ID")?,
        var(env, "AWS_SECRET_ACCESS_KEY")?,
        var(env, "AWS_SESSION_TOKEN"),
        None,
    ))
}

/// The region of the environment, else of `profile` in `profiles`.
pub(crate) fn region(
    env: &Env,
    profiles: Option<&ProfileSet>,
    profile: Option<&str>,
) -> Option<String> {
    var(env, "AWS_REGION")
        .or_else(|| var(env, "AWS_DEFAULT_REGION"))
        .or_else(|| {
            profiles?
                .get_profile(profile?)?
                .get("region")
                .map(str::to_owned)
        })
}

/// Reads the AWS config and credentials files; missing files are an empty set.
pub(crate) async fn load_profiles(env: &Env, fs: &Fs) -> Result<ProfileSet, Error> {
    aws_config::profile::load(fs, env, &Default::default(), None::<Cow<'static, str>>)
        .await
        .map_err(|err| {
            Error::invalid(
                Input::Profile,
                format!("cannot read the AWS config files: {err}"),
            )
        })
}

/// Decides where the credentials come from and how to get them.
pub(crate) async fn plan(profile: Option<&str>, env: &Env, fs: &Fs) -> Result<Plan, Error> {
    let keys = environment_keys(env);
    let aws_profile = var(env, "AWS_PROFILE");
    let profiles = load_profiles(env, fs).await?;
    let (name, chosen_by) = match (profile, keys, aws_profile) {
        (Some(name), _, _) => (name.to_owned(), ChosenBy::Caller),
        (None, Some(keys), ignored) => {
            let named = ignored.clone().unwrap_or_else(|| "default".to_owned());
            return Ok(Plan {
                source: Source::Environment {
                    ignored_profile: ignored,
                },
                base: Base::Keys(keys),
                hops: Vec::new(),
                region: region(env, Some(&profiles), Some(&named)),
                duration_seconds: None,
                defaults: ProfileDefaults::default(),
            });
        }
        (None, None, Some(name)) => (name, ChosenBy::AwsProfile),
        (None, None, None) if profiles.get_profile("default").is_some() => {
            ("default".to_owned(), ChosenBy::Default)
        }
        (None, None, None) => {
            return Ok(Plan {
                source: Source::DefaultChain,
                base: Base::DefaultChain,
                hops: Vec::new(),
                region: region(env, Some(&profiles), Some("default")),
                duration_seconds: None,
                defaults: ProfileDefaults::default(),
            });
        }
    };
    let selected = profiles
        .get_profile(&name)
        .ok_or_else(|| Error::UnknownProfile {
            name: name.clone(),
            known: {
                let mut known: Vec<String> = profiles.profiles().map(str::to_owned).collect();
                known.sort();
                known
            },
        })?;
    let duration_seconds = seconds(selected, "duration_seconds")?;
    let defaults = ProfileDefaults::of(selected)?;
    let (base, hops) = walk(&profiles, selected)?;
    Ok(Plan {
        source: Source::Profile {
            name: name.clone(),
            chosen_by,
        },
        base,
        hops,
        region: region(env, Some(&profiles), Some(&name)),
        duration_seconds,
        defaults,
    })
}

/// A whole number of seconds in a profile property.
fn seconds(profile: &Profile, key: &str) -> Result<Option<u64>, Error> {
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
        duration_seconds: seconds(profile, "duration_seconds")?,
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
        reason: "it has none of aws_access_key_id, role_arn, sso_session, sso_start_url, credential_process or web_identity_token_file".to_owned(),
    })
}
