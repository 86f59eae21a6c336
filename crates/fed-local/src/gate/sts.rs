//! The STS actions the gate judges before (or instead of) moto.
//!
//! - Every signed call: the key must be known (issued by this stack, or long-term keys of a
//!   moto IAM user), carry its own session token and not have expired.
//! - AssumeRole: the role exists, its trust policy allows the caller (with `sts:ExternalId`,
//!   `aws:MultiFactorAuthPresent`, `sts:SetSourceIdentity` and `sts:TagSession`), the MFA code
//!   is valid for the caller's device, `DurationSeconds` fits the role and role chaining, and a
//!   role created moments ago is not yet assumable when IAM propagation is emulated.
//! - GetFederationToken and GetSessionToken: long-term keys only; answered by the gate itself,
//!   since moto hands every caller the same fixed credentials.
//! - GetCallerIdentity: answered for federation tokens, forwarded for the rest.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use fed_core::{Arn, Credentials, Principal};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::trust::{self, Context, Decision};
use super::validate::{self, Refused};
use super::{Incoming, Shared, forward, forward_with, respond, xml};
use crate::identities::{Identity, Refusal};
use crate::log::{CallerKind, LoggedRequest, Service};
use crate::totp;

/// The longest DurationSeconds of AssumeRole.
const ASSUME_ROLE_MAX: u32 = 43_200;
/// The longest DurationSeconds of GetFederationToken and GetSessionToken.
const TOKEN_MAX: u32 = 129_600;
/// The longest session of role chaining.
const CHAINED_MAX: u32 = 3600;

/// Parameters logged with their values.
const LOGGED: &[&str] = &[
    "RoleArn",
    "RoleSessionName",
    "DurationSeconds",
    "SourceIdentity",
    "Name",
];
/// The prefix of session tags' parameters (`Tags.member.1.Key`, `Tags.member.1.Value`, …),
/// logged with their values.
const TAGS: &str = "Tags.member.";
/// Parameters logged by presence only.
const PRESENT: &[&str] = &["SerialNumber", "TokenCode", "ExternalId", "Policy"];

pub(super) async fn handle(shared: &Shared, incoming: Incoming) -> Response {
    let action = incoming.param("Action").unwrap_or_default().to_owned();
    let mut entry = LoggedRequest::new(Service::Sts, action.clone(), CallerKind::Unknown);
    for name in LOGGED {
        if let Some(value) = incoming.param(name) {
            entry.params.push(((*name).to_owned(), value.to_owned()));
        }
    }
    entry.params.extend(incoming.with_prefix(TAGS).cloned());
    for name in PRESENT {
        if incoming.param(name).is_some() {
            entry.present.push((*name).to_owned());
        }
    }
    let result = match action.as_str() {
        // Unsigned by design: their own tokens authenticate them.
        "AssumeRoleWithWebIdentity" | "AssumeRoleWithSAML" => passed(shared, &incoming).await,
        _ => match authenticate(shared, &incoming).await {
            Err(refused) => Err(refused),
            Ok(caller) => {
                entry.caller = caller.kind;
                match action.as_str() {
                    "AssumeRole" => assume_role(shared, &incoming, &caller).await,
                    "GetFederationToken" => get_federation_token(shared, &incoming, &caller),
                    "GetSessionToken" => get_session_token(shared, &incoming, &caller).await,
                    "GetCallerIdentity" => get_caller_identity(shared, &incoming, &caller).await,
                    _ => passed(shared, &incoming).await,
                }
            }
        },
    };
    let response = match result {
        Ok(response) => response,
        Err(refused) => {
            entry.error = Some(refused.code.to_owned());
            xml::error(refused.status, refused.code, &refused.message)
        }
    };
    entry.status = response.status().as_u16();
    shared.log.record(entry);
    response
}

/// Forwards to moto and answers with its answer.
async fn passed(shared: &Shared, incoming: &Incoming) -> Result<Response, Refused> {
    Ok(match forward(shared, incoming).await {
        Ok((status, headers, body)) => respond(status, headers, body),
        Err(response) => response,
    })
}

fn invalid_token() -> Refused {
    Refused {
        status: 403,
        code: "InvalidClientTokenId",
        message: "The security token included in the request is invalid.".to_owned(),
    }
}

/// Who signed the request.
async fn authenticate(shared: &Shared, incoming: &Incoming) -> Result<Identity, Refused> {
    let Some((key, _)) = &incoming.signed else {
        return Err(Refused {
            status: 403,
            code: "MissingAuthenticationToken",
            message: "Request is missing Authentication Token".to_owned(),
        });
    };
    let token = incoming.session_token();
    match shared
        .identities
        .authenticate(key, token, SystemTime::now())
    {
        Ok(Some(identity)) => return Ok(identity),
        Ok(None) if token.is_none() => {}
        Ok(None) | Err(Refusal::Invalid) => return Err(invalid_token()),
        Err(Refusal::Expired) => {
            return Err(Refused {
                status: 403,
                code: "ExpiredToken",
                message: "The security token included in the request is expired".to_owned(),
            });
        }
    }
    // Not issued by this stack: long-term keys of a moto IAM user, or nothing AWS would know.
    let lookup = Incoming {
        method: axum::http::Method::POST,
        path_and_query: "/".to_owned(),
        headers: incoming.headers.clone(),
        body: "Action=GetCallerIdentity&Version=2011-06-15".into(),
        params: Vec::new(),
        signed: None,
    };
    let (status, _, body) = forward_with(shared, &lookup, |headers| {
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
    })
    .await
    .map_err(|_| invalid_token())?;
    let arn: Option<Arn> = (status == StatusCode::OK)
        .then(|| xml::field(&String::from_utf8_lossy(&body), "Arn"))
        .flatten()
        .and_then(|arn| arn.parse().ok());
    match arn {
        Some(arn) if matches!(arn.principal(), Principal::User { .. }) => {
            shared.identities.long_term(key, arn.clone());
            Ok(Identity::long_term(arn))
        }
        _ => Err(invalid_token()),
    }
}

/// A role as GetRole reports it.
struct Role {
    name: String,
    policy: Value,
    max_session_duration: u32,
    arn: Arn,
}

async fn lookup_role(shared: &Shared, raw: &str) -> Option<Role> {
    let arn: Arn = raw.parse().ok()?;
    let Principal::Role { name, .. } = arn.principal() else {
        return None;
    };
    let out = shared.iam.get_role().role_name(name).send().await.ok()?;
    let role = out.role()?;
    if role.arn() != raw {
        return None;
    }
    Some(Role {
        name: name.clone(),
        policy: trust::policy_document(role.assume_role_policy_document()?)?,
        max_session_duration: role
            .max_session_duration()
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or(3600),
        arn,
    })
}

/// The caller's user, for MFA: IAM users and their GetSessionToken sessions have one.
fn mfa_user(caller: &Identity) -> Option<String> {
    match caller.kind {
        CallerKind::LongTermUser | CallerKind::SessionToken => {
            match caller.user_arn.as_ref()?.principal() {
                Principal::User { name, .. } => Some(name.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Checks `SerialNumber` and `TokenCode`: `Ok(true)` when a valid code was given.
async fn check_mfa(
    shared: &Shared,
    incoming: &Incoming,
    caller: &Identity,
) -> Result<bool, Refused> {
    let (serial, code) = match (incoming.param("SerialNumber"), incoming.param("TokenCode")) {
        (None, None) => return Ok(false),
        (Some(serial), Some(code)) => (serial, code),
        _ => {
            return Err(Refused::access_denied(
                "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
            ));
        }
    };
    let unable = || {
        Refused::access_denied(
            "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.",
        )
    };
    let user = mfa_user(caller).ok_or_else(unable)?;
    let devices = shared
        .iam
        .list_mfa_devices()
        .user_name(user)
        .send()
        .await
        .map_err(|_| unable())?;
    if !devices
        .mfa_devices()
        .iter()
        .any(|device| device.serial_number() == serial)
    {
        return Err(unable());
    }
    let virtual_devices = shared
        .iam
        .list_virtual_mfa_devices()
        .send()
        .await
        .map_err(|_| unable())?;
    let seed = virtual_devices
        .virtual_mfa_devices()
        .iter()
        .find(|device| device.serial_number() == serial)
        .and_then(|device| device.base32_string_seed())
        .and_then(|seed| String::from_utf8(seed.as_ref().to_vec()).ok())
        .ok_or_else(unable)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    if totp::verify(&seed, code, now) {
        Ok(true)
    } else {
        Err(Refused::access_denied(
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        ))
    }
}

/// Whether the role was created too recently to be visible to STS.
fn propagating(shared: &Shared, role: &str) -> bool {
    if shared.iam_propagation.is_zero() {
        return false;
    }
    shared
        .created_roles
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&role.to_ascii_lowercase())
        .is_some_and(|created| created.elapsed() < shared.iam_propagation)
}

/// The condition keys of an AssumeRole request.
fn context(incoming: &Incoming, caller: &Identity, mfa: bool) -> Context {
    let mut context = Context::new();
    trust::set_time(&mut context);
    let mut set = |key: &str, value: &str| {
        context.insert(key.to_ascii_lowercase(), value.to_owned());
    };
    let principal = caller
        .role_arn
        .as_ref()
        .or(caller.user_arn.as_ref())
        .unwrap_or(&caller.arn);
    set("aws:PrincipalArn", &principal.to_string());
    set("aws:PrincipalAccount", caller.arn.account_id());
    if let Principal::User { name, .. } = caller.arn.principal() {
        set("aws:username", name);
    }
    if mfa || (caller.kind == CallerKind::SessionToken && caller.mfa) {
        set("aws:MultiFactorAuthPresent", "true");
    } else if caller.is_temporary() {
        set("aws:MultiFactorAuthPresent", "false");
    }
    for (param, key) in [
        ("ExternalId", "sts:ExternalId"),
        ("RoleSessionName", "sts:RoleSessionName"),
        ("SourceIdentity", "sts:SourceIdentity"),
    ] {
        if let Some(value) = incoming.param(param) {
            set(key, value);
        }
    }
    context
}

async fn assume_role(
    shared: &Shared,
    incoming: &Incoming,
    caller: &Identity,
) -> Result<Response, Refused> {
    validate::ROLE_ARN.check(incoming.param("RoleArn"))?;
    validate::ROLE_SESSION_NAME.check(incoming.param("RoleSessionName"))?;
    let duration = validate::duration_seconds(incoming.param("DurationSeconds"), ASSUME_ROLE_MAX)?;
    validate::EXTERNAL_ID.check(incoming.param("ExternalId"))?;
    validate::SERIAL_NUMBER.check(incoming.param("SerialNumber"))?;
    validate::TOKEN_CODE.check(incoming.param("TokenCode"))?;
    validate::SOURCE_IDENTITY.check(incoming.param("SourceIdentity"))?;
    if let Some(source) = incoming.param("SourceIdentity")
        && source.to_ascii_lowercase().starts_with("aws:")
    {
        return Err(Refused::validation(
            "Source identity cannot start with the reserved prefix 'aws:'",
        ));
    }
    let resource = incoming.param("RoleArn").unwrap_or_default();
    let denied = |action: &str| {
        Refused::access_denied(format!(
            "User: {} is not authorized to perform: {action} on resource: {resource}",
            caller.arn
        ))
    };
    if caller.kind == CallerKind::FederationToken {
        return Err(denied("sts:AssumeRole"));
    }
    let mfa = check_mfa(shared, incoming, caller).await?;
    let role = lookup_role(shared, resource)
        .await
        .ok_or_else(|| denied("sts:AssumeRole"))?;
    if propagating(shared, &role.name) {
        return Err(denied("sts:AssumeRole"));
    }
    let context = context(incoming, caller, mfa);
    let mut actions = vec!["sts:AssumeRole"];
    if incoming.param("SourceIdentity").is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    if incoming.has_prefix(TAGS) {
        actions.push("sts:TagSession");
    }
    for action in actions {
        if trust::evaluate(&role.policy, action, caller, &context) != Decision::Allow {
            return Err(denied(action));
        }
    }
    let seconds = duration.unwrap_or(3600);
    if caller.is_temporary() && seconds > CHAINED_MAX {
        return Err(Refused::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    if seconds > role.max_session_duration {
        return Err(Refused::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let (status, headers, body) = match forward(shared, incoming).await {
        Ok(answer) => answer,
        Err(response) => return Ok(response),
    };
    if status == StatusCode::OK {
        let text = String::from_utf8_lossy(&body);
        let issued = credentials_of(&text);
        let session: Option<Arn> = xml::field(&text, "Arn").and_then(|arn| arn.parse().ok());
        if let (Some(credentials), Some(session)) = (issued, session) {
            let identity = Identity {
                arn: session,
                kind: CallerKind::AssumedRole {
                    hops: caller.hops() + 1,
                    chained: caller.is_temporary(),
                },
                user_arn: None,
                role_arn: Some(role.arn),
                mfa: false,
                base_key_id: None,
                expiration: credentials.expiration(),
                issued_at: Some(SystemTime::now()),
                // Once set, a source identity stays with every session chained from it.
                source_identity: incoming
                    .param("SourceIdentity")
                    .map(str::to_owned)
                    .or_else(|| caller.source_identity.clone()),
            };
            shared.identities.issued(&credentials, identity);
        }
    }
    Ok(respond(status, headers, body))
}

/// The credentials in an STS answer.
fn credentials_of(xml_text: &str) -> Option<Credentials> {
    let expiration = xml::field(xml_text, "Expiration")
        .and_then(|at| OffsetDateTime::parse(&at, &Rfc3339).ok())
        .map(SystemTime::from);
    Some(Credentials::new(
        xml::field(xml_text, "AccessKeyId")?,
        xml::field(xml_text, "SecretAccessKey")?,
        Some(xml::field(xml_text, "SessionToken")?),
        expiration,
    ))
}

/// New temporary credentials, valid for `seconds`.
fn new_credentials(seconds: u32) -> Credentials {
    let random = |alphabet: &[u8], n: usize| -> String {
        std::iter::repeat_with(|| char::from(alphabet[fastrand::usize(..alphabet.len())]))
            .take(n)
            .collect()
    };
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const ANY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // Whole seconds, as AWS reports expirations.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let expiration = UNIX_EPOCH + Duration::from_secs(now + u64::from(seconds));
    Credentials::new(
        format!("ASIA{}", random(UPPER, 16)),
        random(ANY, 40),
        Some(format!("FwoGZXIvYXdzE{}", random(ANY, 300))),
        Some(expiration),
    )
}

fn credentials_xml(credentials: &Credentials) -> String {
    let expiration = credentials
        .expiration()
        .map(OffsetDateTime::from)
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_default();
    format!(
        "<Credentials>{}{}{}{}</Credentials>",
        xml::element("AccessKeyId", credentials.access_key_id()),
        xml::element("SecretAccessKey", credentials.secret_access_key()),
        xml::element(
            "SessionToken",
            credentials.session_token().unwrap_or_default()
        ),
        xml::element("Expiration", &expiration),
    )
}

fn get_federation_token(
    shared: &Shared,
    incoming: &Incoming,
    caller: &Identity,
) -> Result<Response, Refused> {
    if caller.kind != CallerKind::LongTermUser {
        return Err(Refused::access_denied(
            "Cannot call GetFederationToken with session credentials",
        ));
    }
    validate::FEDERATION_NAME.check(incoming.param("Name"))?;
    let seconds =
        validate::duration_seconds(incoming.param("DurationSeconds"), TOKEN_MAX)?.unwrap_or(43_200);
    let name = incoming.param("Name").unwrap_or_default();
    let account = caller.arn.account_id();
    let arn: Arn = format!(
        "arn:{}:sts::{account}:federated-user/{name}",
        caller.arn.partition().as_str()
    )
    .parse()
    .map_err(|_| Refused::validation("invalid federated user name"))?;
    let credentials = new_credentials(seconds);
    let identity = Identity {
        arn: arn.clone(),
        kind: CallerKind::FederationToken,
        user_arn: caller.user_arn.clone(),
        role_arn: None,
        mfa: false,
        base_key_id: None,
        expiration: credentials.expiration(),
        issued_at: Some(SystemTime::now()),
        source_identity: None,
    };
    shared.identities.issued(&credentials, identity);
    Ok(xml::success(
        "GetFederationToken",
        &format!(
            "{}<FederatedUser>{}{}</FederatedUser><PackedPolicySize>6</PackedPolicySize>",
            credentials_xml(&credentials),
            xml::element("Arn", &arn.to_string()),
            xml::element("FederatedUserId", &format!("{account}:{name}")),
        ),
    ))
}

async fn get_session_token(
    shared: &Shared,
    incoming: &Incoming,
    caller: &Identity,
) -> Result<Response, Refused> {
    if caller.kind != CallerKind::LongTermUser {
        return Err(Refused::access_denied(
            "Cannot call GetSessionToken with session credentials",
        ));
    }
    let seconds =
        validate::duration_seconds(incoming.param("DurationSeconds"), TOKEN_MAX)?.unwrap_or(43_200);
    validate::SERIAL_NUMBER.check(incoming.param("SerialNumber"))?;
    validate::TOKEN_CODE.check(incoming.param("TokenCode"))?;
    let mfa = check_mfa(shared, incoming, caller).await?;
    let credentials = new_credentials(seconds);
    let identity = Identity {
        arn: caller.arn.clone(),
        kind: CallerKind::SessionToken,
        user_arn: caller.user_arn.clone(),
        role_arn: None,
        mfa,
        base_key_id: incoming.signed.as_ref().map(|(key, _)| key.clone()),
        expiration: credentials.expiration(),
        issued_at: Some(SystemTime::now()),
        source_identity: None,
    };
    shared.identities.issued(&credentials, identity);
    Ok(xml::success(
        "GetSessionToken",
        &credentials_xml(&credentials),
    ))
}

async fn get_caller_identity(
    shared: &Shared,
    incoming: &Incoming,
    caller: &Identity,
) -> Result<Response, Refused> {
    match caller.kind {
        CallerKind::FederationToken => {
            let name = match caller.arn.principal() {
                Principal::FederatedUser { name } => name.clone(),
                _ => String::new(),
            };
            let account = caller.arn.account_id();
            Ok(xml::success(
                "GetCallerIdentity",
                &format!(
                    "{}{}{}",
                    xml::element("Arn", &caller.arn.to_string()),
                    xml::element("UserId", &format!("{account}:{name}")),
                    xml::element("Account", account),
                ),
            ))
        }
        // moto knows the user behind the session by its long-term key.
        CallerKind::SessionToken => {
            let (Some(base), Some((key, _))) = (&caller.base_key_id, &incoming.signed) else {
                return Err(invalid_token());
            };
            let answer = forward_with(shared, incoming, |headers| {
                headers.remove("x-amz-security-token");
                if let Some(value) = headers
                    .get(axum::http::header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| {
                        v.replacen(
                            &format!("Credential={key}/"),
                            &format!("Credential={base}/"),
                            1,
                        )
                    })
                    .and_then(|v| v.parse().ok())
                {
                    headers.insert(axum::http::header::AUTHORIZATION, value);
                }
            })
            .await;
            Ok(match answer {
                Ok((status, headers, body)) => respond(status, headers, iam_user_arn(body)),
                Err(response) => response,
            })
        }
        _ => Ok(match forward(shared, incoming).await {
            Ok((status, headers, body)) => respond(status, headers, iam_user_arn(body)),
            Err(response) => response,
        }),
    }
}

/// moto names an IAM user `arn:aws:sts::ACCOUNT:user/NAME`; AWS names it in the `iam` service,
/// as its ARN is everywhere else. The answer is corrected so that clients see AWS's ARN.
fn iam_user_arn(body: Bytes) -> Bytes {
    let Ok(text) = std::str::from_utf8(&body) else {
        return body;
    };
    let Some(arn) = text
        .split_once("<Arn>")
        .and_then(|(_, rest)| rest.split_once("</Arn>"))
        .and_then(|(arn, _)| arn.parse::<Arn>().ok())
    else {
        return body;
    };
    if arn.service() != "sts" || !arn.resource().starts_with("user/") {
        return body;
    }
    let iam = format!(
        "arn:{}:iam::{}:{}",
        arn.partition(),
        arn.account_id(),
        arn.resource()
    );
    Bytes::from(text.replacen(
        &format!("<Arn>{arn}</Arn>"),
        &format!("<Arn>{iam}</Arn>"),
        1,
    ))
}
