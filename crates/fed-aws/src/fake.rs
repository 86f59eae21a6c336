//! Hand-written fakes of [`Sts`] and [`Iam`] for tests of callers (feature `test-util`).
//!
//! [`FakeSts`] answers from queued results, or synthesizes plausible ones, and records every
//! request. [`FakeIam`] keeps roles in memory. Both are `Send + Sync` and used through
//! `&dyn Sts` / `&dyn Iam` like the real clients.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use fed_core::{Arn, Credentials, Principal, RoleName};

use crate::{
    AssumeRoleRequest, AssumedRole, BoxFuture, CallerIdentity, CreateRole, Error, FederationToken,
    FederationTokenRequest, Iam, Role, Sts, Tag, TeardownReport, TeardownStep,
};

/// The account the fakes use unless told otherwise.
pub const FAKE_ACCOUNT_ID: &str = "123456789012";

/// A service error as the real clients produce it, with `code` as its AWS error code.
pub fn service_error(operation: &'static str, code: &str, message: &str) -> Error {
    Error::Service {
        operation,
        code: Some(code.to_owned()),
        message: format!("{code}: {message}"),
        source: None,
    }
}

/// Obviously fake long-term credentials (no session token).
pub fn long_term_credentials() -> Credentials {
    Credentials::new("AKIAFAKEFAKEFAKE0001", "fake-secret", None, None)
}

/// Obviously fake temporary credentials (with a session token).
pub fn temporary_credentials() -> Credentials {
    Credentials::new(
        "ASIAFAKEFAKEFAKE0001",
        "fake-secret",
        Some("fake-session-token".to_owned()),
        Some(SystemTime::now() + Duration::from_secs(3600)),
    )
}

#[derive(Debug, Default)]
struct StsState {
    assume_role_results: VecDeque<Result<AssumedRole, Error>>,
    federation_token_results: VecDeque<Result<FederationToken, Error>>,
    assume_role_requests: Vec<AssumeRoleRequest>,
    federation_token_requests: Vec<FederationTokenRequest>,
}

/// A fake [`Sts`]: fixed signing credentials and identity, queued or synthesized results.
#[derive(Debug)]
pub struct FakeSts {
    credentials: Credentials,
    identity: CallerIdentity,
    state: Mutex<StsState>,
}

impl FakeSts {
    /// A fake signing with `credentials` whose GetCallerIdentity answers `caller_arn`.
    pub fn new(credentials: Credentials, caller_arn: Arn) -> FakeSts {
        let identity = CallerIdentity {
            account: caller_arn.account_id().to_owned(),
            user_id: "AIDAFAKEFAKEFAKE".to_owned(),
            arn: caller_arn,
        };
        FakeSts {
            credentials,
            identity,
            state: Mutex::default(),
        }
    }

    /// A fake signing with long-term keys of the IAM user `alice`.
    pub fn long_term_user() -> FakeSts {
        FakeSts::new(
            long_term_credentials(),
            format!("arn:aws:iam::{FAKE_ACCOUNT_ID}:user/alice")
                .parse()
                .expect("valid ARN"),
        )
    }

    /// Queues the result of the next AssumeRole call. When the queue is empty a successful
    /// session is synthesized from the request.
    pub fn push_assume_role(&self, result: Result<AssumedRole, Error>) {
        self.state().assume_role_results.push_back(result);
    }

    /// Queues the result of the next GetFederationToken call. When the queue is empty a
    /// successful token is synthesized from the request.
    pub fn push_federation_token(&self, result: Result<FederationToken, Error>) {
        self.state().federation_token_results.push_back(result);
    }

    /// Every AssumeRole request so far.
    pub fn assume_role_requests(&self) -> Vec<AssumeRoleRequest> {
        self.state().assume_role_requests.clone()
    }

    /// Every GetFederationToken request so far.
    pub fn federation_token_requests(&self) -> Vec<FederationTokenRequest> {
        self.state().federation_token_requests.clone()
    }

    fn state(&self) -> MutexGuard<'_, StsState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn synthesize_assumed(&self, request: &AssumeRoleRequest) -> AssumedRole {
        let chained = self.credentials.session_token().is_some();
        let (duration, duration_capped) = request.effective_duration(chained);
        let role_name = match request.role_arn.principal() {
            Principal::Role { name, .. } => name.clone(),
            _ => "role".to_owned(),
        };
        let arn = format!(
            "arn:{}:sts::{}:assumed-role/{role_name}/{}",
            request.role_arn.partition().as_str(),
            request.role_arn.account_id(),
            request.session_name.as_str()
        );
        let seconds = duration.map_or(3600, |d| d.seconds());
        AssumedRole {
            credentials: Credentials::new(
                "ASIAFAKEASSUMED00001",
                "fake-assumed-secret",
                Some("fake-assumed-session-token".to_owned()),
                Some(SystemTime::now() + Duration::from_secs(seconds.into())),
            ),
            arn: arn.parse().expect("valid assumed-role ARN"),
            assumed_role_id: format!("AROAFAKEFAKEFAKE:{}", request.session_name.as_str()),
            source_identity: request
                .source_identity
                .as_ref()
                .map(|s| s.as_str().to_owned()),
            chained,
            duration,
            duration_capped,
        }
    }

    fn synthesize_token(&self, request: &FederationTokenRequest) -> FederationToken {
        let name = request.name().as_str();
        let account = self.identity.arn.account_id();
        let seconds = request.duration.map_or(43_200, |d| d.seconds());
        FederationToken {
            credentials: Credentials::new(
                "ASIAFAKEFEDERATED001",
                "fake-federated-secret",
                Some("fake-federated-session-token".to_owned()),
                Some(SystemTime::now() + Duration::from_secs(seconds.into())),
            ),
            arn: format!("arn:aws:sts::{account}:federated-user/{name}")
                .parse()
                .expect("valid federated-user ARN"),
            federated_user_id: format!("{account}:{name}"),
        }
    }
}

impl Sts for FakeSts {
    fn credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let credentials = self.credentials.clone();
        Box::pin(async move { Ok(credentials) })
    }

    fn caller_identity(&self) -> BoxFuture<'_, Result<CallerIdentity, Error>> {
        let identity = self.identity.clone();
        Box::pin(async move { Ok(identity) })
    }

    fn assume_role<'a>(
        &'a self,
        request: &'a AssumeRoleRequest,
    ) -> BoxFuture<'a, Result<AssumedRole, Error>> {
        let result = {
            let mut state = self.state();
            state.assume_role_requests.push(request.clone());
            state.assume_role_results.pop_front()
        };
        let result = result.unwrap_or_else(|| Ok(self.synthesize_assumed(request)));
        Box::pin(async move { result })
    }

    fn federation_token<'a>(
        &'a self,
        request: &'a FederationTokenRequest,
    ) -> BoxFuture<'a, Result<FederationToken, Error>> {
        let result = {
            let mut state = self.state();
            state.federation_token_requests.push(request.clone());
            state.federation_token_results.pop_front()
        };
        let result = result.unwrap_or_else(|| Ok(self.synthesize_token(request)));
        Box::pin(async move { result })
    }
}

/// A role held by [`FakeIam`], with everything that blocks its deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeRole {
    /// The role as GetRole returns it.
    pub role: Role,
    /// The trusted principal of its trust policy.
    pub trusted_principal: Arn,
    /// Attached managed policy ARNs.
    pub managed_policies: Vec<String>,
    /// Inline policy names.
    pub inline_policies: Vec<String>,
    /// Instance profiles containing the role.
    pub instance_profiles: Vec<String>,
}

/// A fake [`Iam`] keeping roles in memory.
#[derive(Debug, Default)]
pub struct FakeIam {
    roles: Mutex<BTreeMap<String, FakeRole>>,
}

impl FakeIam {
    /// An empty account.
    pub fn new() -> FakeIam {
        FakeIam::default()
    }

    /// The role named `name`, if it exists.
    pub fn role(&self, name: &str) -> Option<FakeRole> {
        self.roles().get(name).cloned()
    }

    /// The names of all roles.
    pub fn role_names(&self) -> Vec<String> {
        self.roles().keys().cloned().collect()
    }

    /// Adds an inline policy to an existing role; returns whether the role exists.
    pub fn add_inline_policy(&self, role: &str, policy_name: &str) -> bool {
        self.with_role(role, |r| r.inline_policies.push(policy_name.to_owned()))
    }

    /// Adds an existing role to an instance profile; returns whether the role exists.
    pub fn add_to_instance_profile(&self, role: &str, instance_profile: &str) -> bool {
        self.with_role(role, |r| {
            r.instance_profiles.push(instance_profile.to_owned())
        })
    }

    fn with_role(&self, role: &str, f: impl FnOnce(&mut FakeRole)) -> bool {
        self.roles().get_mut(role).map(f).is_some()
    }

    fn roles(&self) -> MutexGuard<'_, BTreeMap<String, FakeRole>> {
        self.roles.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Iam for FakeIam {
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, Error>> {
        let result = (|| {
            let mut roles = self.roles();
            if roles.contains_key(spec.name.as_str()) {
                return Err(service_error(
                    "iam:CreateRole",
                    "EntityAlreadyExists",
                    &format!("Role with name {} already exists.", spec.name),
                ));
            }
            let path = spec.path.clone().unwrap_or_else(|| "/".to_owned());
            let arn = format!(
                "arn:aws:iam::{FAKE_ACCOUNT_ID}:role{path}{}",
                spec.name.as_str()
            );
            let role = Role {
                name: spec.name.clone(),
                arn: arn.parse().map_err(|e: fed_core::Error| {
                    service_error("iam:CreateRole", "ValidationError", &e.to_string())
                })?,
                path,
                role_id: format!("AROAFAKE{:08}", roles.len()),
                tags: spec.tags.clone(),
                max_session_duration: Some(spec.max_session_duration.unwrap_or(3600)),
            };
            roles.insert(
                spec.name.as_str().to_owned(),
                FakeRole {
                    role: role.clone(),
                    trusted_principal: spec.trusted_principal.clone(),
                    managed_policies: Vec::new(),
                    inline_policies: Vec::new(),
                    instance_profiles: Vec::new(),
                },
            );
            Ok(role)
        })();
        Box::pin(async move { result })
    }

    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), Error>> {
        let arn = policy_arn.to_string();
        let found = self.with_role(role.as_str(), |r| {
            if !r.managed_policies.contains(&arn) {
                r.managed_policies.push(arn.clone());
            }
        });
        let result = if found {
            Ok(())
        } else {
            Err(no_such_role("iam:AttachRolePolicy", role))
        };
        Box::pin(async move { result })
    }

    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, Error>> {
        let found = self.role(role.as_str()).map(|r| r.role);
        Box::pin(async move { Ok(found) })
    }

    fn list_roles_by_tag<'a>(
        &'a self,
        key: &'a str,
        value: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Role>, Error>> {
        let found = self
            .roles()
            .values()
            .filter(|r| {
                r.role
                    .tags
                    .iter()
                    .any(|t: &Tag| t.key == key && value.is_none_or(|v| t.value == v))
            })
            .map(|r| r.role.clone())
            .collect();
        Box::pin(async move { Ok(found) })
    }

    fn teardown_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, TeardownReport> {
        let removed_role = self.roles().remove(role.as_str());
        let mut report = TeardownReport {
            role: role.clone(),
            already_gone: removed_role.is_none(),
            removed: Vec::new(),
            failures: Vec::new(),
        };
        if let Some(r) = removed_role {
            report.removed.extend(
                r.managed_policies
                    .into_iter()
                    .map(|policy_arn| TeardownStep::DetachPolicy { policy_arn }),
            );
            report.removed.extend(
                r.inline_policies
                    .into_iter()
                    .map(|policy_name| TeardownStep::DeleteInlinePolicy { policy_name }),
            );
            report
                .removed
                .extend(r.instance_profiles.into_iter().map(|instance_profile| {
                    TeardownStep::RemoveFromInstanceProfile { instance_profile }
                }));
            report.removed.push(TeardownStep::DeleteRole);
        }
        Box::pin(async move { report })
    }
}

fn no_such_role(operation: &'static str, role: &RoleName) -> Error {
    service_error(
        operation,
        "NoSuchEntity",
        &format!("The role with name {role} cannot be found."),
    )
}
