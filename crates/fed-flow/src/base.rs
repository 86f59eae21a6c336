//! Resolving the base of a chain once: keys as they are, a `credential_process` run once, IAM
//! Identity Center, `aws login` sessions and web identity through aws-config's profile
//! provider, and the `credential_source` providers.

use std::process::Stdio;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use fed_core::{Credentials, one_line};

use crate::chain::{Base, LoginIdentity};
use crate::context::Context;
use crate::error::Error;

/// What is known of the base credentials' history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum History {
    /// Long-term IAM user keys (no session token).
    LongTerm,
    /// IAM Identity Center role credentials.
    IdentityCenter,
    /// Temporary credentials made somewhere fed cannot see.
    Temporary,
    /// `aws login` credentials (a `login_session` profile): temporary, of unknown history;
    /// `identity` is what the `login_session` ARN says they are.
    Login {
        /// What the `login_session` ARN says.
        identity: LoginIdentity,
    },
}

/// Base credentials and what is known of them.
pub(crate) struct Resolved {
    pub(crate) credentials: Credentials,
    pub(crate) history: History,
}

fn by_token(credentials: Credentials) -> Resolved {
    let history = if credentials.session_token().is_some() {
        History::Temporary
    } else {
        History::LongTerm
    };
    Resolved {
        credentials,
        history,
    }
}

/// Resolves `base` once; aws-config's providers get the config files `context` read.
pub(crate) async fn resolve(base: &Base, context: &Context) -> Result<Resolved, Error> {
    match base {
        Base::Keys(credentials) => Ok(by_token(credentials.clone())),
        Base::Process { profile, command } => Ok(by_token(run_process(profile, command).await?)),
        Base::Sso { profile } => {
            let credentials = from_profile(profile, context).await.map_err(|err| {
                let reason = one_line(&err);
                if is_sso_login_error(&reason) {
                    Error::SsoLogin {
                        profile: profile.clone(),
                        reason,
                    }
                } else {
                    Error::ProfileCredentials {
                        profile: profile.clone(),
                        reason,
                    }
                }
            })?;
            Ok(Resolved {
                credentials: fed_aws::from_sdk_credentials(&credentials),
                history: History::IdentityCenter,
            })
        }
        Base::Login {
            profile, identity, ..
        } => {
            // Every failure of the login cache (none, expired, refresh refused) is fixed by
            // signing in again.
            let credentials =
                from_profile(profile, context)
                    .await
                    .map_err(|err| Error::LoginSession {
                        profile: profile.clone(),
                        reason: one_line(&err),
                    })?;
            Ok(Resolved {
                credentials: fed_aws::from_sdk_credentials(&credentials),
                history: History::Login {
                    identity: *identity,
                },
            })
        }
        Base::WebIdentity { profile } => {
            let credentials =
                from_profile(profile, context)
                    .await
                    .map_err(|err| Error::ProfileCredentials {
                        profile: profile.clone(),
                        reason: one_line(&err),
                    })?;
            Ok(by_token(fed_aws::from_sdk_credentials(&credentials)))
        }
        Base::CredentialSource { profile, source } => {
            let failed = |err: CredentialsError| Error::ProfileCredentials {
                profile: profile.clone(),
                reason: format!("credential_source = {source}: {}", one_line(&err)),
            };
            let credentials = match source.as_str() {
                "Environment" => {
                    return match (
                        context.var("AWS_ACCESS_KEY_ID"),
                        context.var("AWS_SECRET_ACCESS_KEY"),
                    ) {
                        (Some(id), Some(secret)) => Ok(by_token(Credentials::new(
                            id,
                            secret,
                            context.var("AWS_SESSION_TOKEN"),
                            None,
                        ))),
                        _ => Err(Error::ProfileCredentials {
                            profile: profile.clone(),
                            reason: format!(
                                "credential_source = {source}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set"
                            ),
                        }),
                    };
                }
                "Ec2InstanceMetadata" => {
                    aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                        .build()
                        .provide_credentials()
                        .await
                        .map_err(failed)?
                }
                "EcsContainer" => aws_config::ecs::EcsCredentialsProvider::builder()
                    .build()
                    .provide_credentials()
                    .await
                    .map_err(failed)?,
                other => {
                    return Err(Error::NoCredentialsInProfile {
                        profile: profile.clone(),
                        reason: format!(
                            "credential_source = {other} is not one of Environment, Ec2InstanceMetadata, EcsContainer"
                        ),
                    });
                }
            };
            Ok(by_token(fed_aws::from_sdk_credentials(&credentials)))
        }
        Base::DefaultChain => {
            let chain =
                aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                    .build()
                    .await;
            let credentials = chain.provide_credentials().await.map_err(|err| {
                let sdk = one_line(&err);
                tracing::debug!(error = %sdk, "the SDK's default credential chain found none");
                // The chain ends with instance metadata: its failure (disabled, or no instance)
                // means nothing was found anywhere; another provider's names a real problem.
                let nothing = matches!(err, CredentialsError::CredentialsNotLoaded(_))
                    || sdk.contains("IMDS");
                Error::NoCredentials {
                    reason: if nothing { NOWHERE.to_owned() } else { sdk },
                }
            })?;
            Ok(by_token(fed_aws::from_sdk_credentials(&credentials)))
        }
    }
}

/// The credentials of `profile` from aws-config's profile provider, over the config files
/// `context` read.
async fn from_profile(
    profile: &str,
    context: &Context,
) -> Result<aws_credential_types::Credentials, CredentialsError> {
    aws_config::profile::ProfileFileCredentialsProvider::builder()
        .profile_name(profile)
        .profile_files(context.profile_files())
        .build()
        .provide_credentials()
        .await
}

/// Where the default chain looked, when it found nothing.
const NOWHERE: &str = "none in the environment (AWS_ACCESS_KEY_ID, AWS_PROFILE), the AWS config files, the IAM Identity Center cache, web identity (AWS_WEB_IDENTITY_TOKEN_FILE), a container's endpoint or instance metadata";

/// Whether a profile provider's error means the IAM Identity Center sign-in is missing or over.
fn is_sso_login_error(reason: &str) -> bool {
    let reason = reason.to_ascii_lowercase();
    ["unauthorized", "expired", "sso session", "token", "cache"]
        .iter()
        .any(|needle| reason.contains(needle))
}

/// At most this much of a process's stderr is shown.
const EXCERPT: usize = 300;

/// Runs a `credential_process` once, as the AWS CLI does: through the shell, with the
/// environment passed on and stdin inherited (so a prompting process can prompt), its standard
/// output read as the credentials JSON and its standard error kept for the error message.
async fn run_process(profile: &str, command: &str) -> Result<Credentials, Error> {
    let failed = |status: String, stderr: &[u8]| Error::CredentialProcess {
        profile: profile.to_owned(),
        status,
        excerpt: excerpt(stderr),
    };
    let mut shell = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd.exe");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    let output = shell
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|err| failed(format!("cannot run it: {err}"), &[]))?;
    if !output.status.success() {
        return Err(failed(output.status.to_string(), &output.stderr));
    }
    parse_process_output(&output.stdout).map_err(|reason| failed(reason, &output.stderr))
}

/// The credentials in a `credential_process`'s JSON output (`Version` 1).
fn parse_process_output(stdout: &[u8]) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_slice(stdout)
        .map_err(|_| "its output is not the credentials JSON".to_owned())?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    if value.get("Version").and_then(serde_json::Value::as_i64) != Some(1) {
        return Err("its output does not have \"Version\": 1".to_owned());
    }
    let id = text("AccessKeyId").ok_or("its output has no AccessKeyId")?;
    let secret = text("SecretAccessKey").ok_or("its output has no SecretAccessKey")?;
    let expiration = match text("Expiration") {
        None => None,
        Some(at) => Some(
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .map_err(|_| format!("its Expiration {at:?} is not an RFC 3339 time"))?
                .into(),
        ),
    };
    Ok(Credentials::new(
        id,
        secret,
        text("SessionToken").map(str::to_owned),
        expiration,
    ))
}

/// The start of a process's stderr, on one line, without control characters.
fn excerpt(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return None;
    }
    Some(match cleaned.char_indices().nth(EXCERPT) {
        Some((cut, _)) => format!("{}…", &cleaned[..cut]),
        None => cleaned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_output() {
        let ok = parse_process_output(
            br#"{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(ok.access_key_id(), "AKIAX");
        assert_eq!(ok.session_token(), Some("t"));
        assert!(ok.expiration().is_some());
        assert!(parse_process_output(br#"{"Version":2}"#).is_err());
        assert!(parse_process_output(b"not json").is_err());
        assert!(parse_process_output(br#"{"Version":1,"AccessKeyId":"A"}"#).is_err());
    }

    #[test]
    fn excerpts_are_one_clean_line() {
        assert_eq!(
            excerpt(b"\x1b[31mno\x1b[0m\nway").as_deref(),
            Some("[31mno [0m way")
        );
        assert_eq!(excerpt(b"  \n"), None);
        let long = "x".repeat(1000);
        assert_eq!(
            excerpt(long.as_bytes()).unwrap().chars().count(),
            EXCERPT + 1
        );
    }
}
