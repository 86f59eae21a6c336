//! A hand-written fake of [`Iam`] for tests of callers (features `iam` and `test-util`): roles
//! in memory, and any call made to fail, hang or answer late.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use fed_core::{Arn, RoleName};

use super::{CreateRole, Iam, Role};
use crate::fake::{FAKE_ACCOUNT_ID, service_error};
use crate::{BoxFuture, Error};

/// What every call of one operation of [`FakeIam`] does instead of its work (see
/// [`FakeIam::on`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Behaviour {
    /// Fails, every time, with a service error of this AWS error code and message.
    Fail {
        /// The AWS error code, such as `AccessDenied`.
        code: String,
        /// The service's message.
        message: String,
    },
    /// Fails once as [`Behaviour::Fail`] does, then works.
    FailOnce {
        /// The AWS error code, such as `ConcurrentModification`.
        code: String,
        /// The service's message.
        message: String,
    },
    /// Never answers.
    Hang,
    /// Does its work after this long.
    Delay(Duration),
}

impl Behaviour {
    /// Fails every time with the AWS error code `code`.
    pub fn fail(code: &str, message: &str) -> Behaviour {
        Behaviour::Fail {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    /// Fails once with the AWS error code `code`, then works.
    pub fn fail_once(code: &str, message: &str) -> Behaviour {
        Behaviour::FailOnce {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// A role of [`FakeIam`], with everything that blocks its deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FakeRole {
    /// The role, as GetRole answers it.
    pub role: Role,
    /// The principal its trust policy names.
    pub trusted_principal: Arn,
    /// The ARNs of its attached managed policies.
    pub managed_policies: Vec<String>,
    /// The names of its inline policies.
    pub inline_policies: Vec<String>,
    /// The names of the instance profiles holding it.
    pub instance_profiles: Vec<String>,
}

#[derive(Default)]
struct State {
    roles: BTreeMap<String, FakeRole>,
    behaviours: HashMap<&'static str, Behaviour>,
    calls: Vec<&'static str>,
}

/// A fake [`Iam`] keeping roles in memory, in the account [`FAKE_ACCOUNT_ID`]. Deleting a role
/// that still has policies or instance profiles fails with `DeleteConflict`, and a call naming a
/// missing role or attachment with `NoSuchEntity`, as IAM does.
#[derive(Default)]
pub struct FakeIam {
    state: Mutex<State>,
}

impl FakeIam {
    /// Makes every later call of `operation` (e.g. `iam:DeleteRole`) behave as `behaviour`. The
    /// call is counted either way.
    pub fn on(&self, operation: &'static str, behaviour: Behaviour) {
        self.state().behaviours.insert(operation, behaviour);
    }

    /// The role named `name`, if it exists.
    pub fn role(&self, name: &str) -> Option<FakeRole> {
        self.state().roles.get(name).cloned()
    }

    /// The names of all roles.
    pub fn role_names(&self) -> Vec<String> {
        self.state().roles.keys().cloned().collect()
    }

    /// How many calls of `operation` were made.
    pub fn calls(&self, operation: &str) -> usize {
        self.state()
            .calls
            .iter()
            .filter(|c| **c == operation)
            .count()
    }

    /// Adds an inline policy to an existing role.
    pub fn add_inline_policy(&self, role: &str, policy_name: &str) {
        self.edit(role, |r| r.inline_policies.push(policy_name.to_owned()));
    }

    /// Adds an existing role to an instance profile (which needs no creating here).
    pub fn add_to_instance_profile(&self, role: &str, instance_profile: &str) {
        self.edit(role, |r| {
            r.instance_profiles.push(instance_profile.to_owned())
        });
    }

    fn edit(&self, role: &str, f: impl FnOnce(&mut FakeRole)) {
        let mut state = self.state();
        let role = state
            .roles
            .get_mut(role)
            .unwrap_or_else(|| panic!("the fake has no role {role}"));
        f(role);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a call of `operation` and does what its behaviour says.
    async fn enter(&self, operation: &'static str) -> Result<(), Error> {
        let behaviour = {
            let mut state = self.state();
            state.calls.push(operation);
            let behaviour = state.behaviours.get(operation).cloned();
            if let Some(Behaviour::FailOnce { .. }) = behaviour {
                state.behaviours.remove(operation);
            }
            behaviour
        };
        match behaviour {
            None => Ok(()),
            Some(Behaviour::Fail { code, message } | Behaviour::FailOnce { code, message }) => {
                Err(service_error(operation, &code, &message))
            }
            Some(Behaviour::Hang) => std::future::pending().await,
            Some(Behaviour::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                Ok(())
            }
        }
    }

    /// Does `work` on the role `role`, after the call's behaviour; `NoSuchEntity` if it is gone.
    fn with_role<'a, T: Send + 'a>(
        &'a self,
        operation: &'static str,
        role: &'a RoleName,
        work: impl FnOnce(&mut State, &str) -> Result<T, Error> + Send + 'a,
    ) -> BoxFuture<'a, Result<T, Error>> {
        Box::pin(async move {
            self.enter(operation).await?;
            let mut state = self.state();
            if !state.roles.contains_key(role.as_str()) {
                return Err(no_such_role(operation, role));
            }
            work(&mut state, role.as_str())
        })
    }
}

fn no_such_role(operation: &'static str, role: &RoleName) -> Error {
    service_error(
        operation,
        "NoSuchEntity",
        &format!("The role with name {role} cannot be found."),
    )
}

fn role_mut<'s>(state: &'s mut State, name: &str) -> &'s mut FakeRole {
    state.roles.get_mut(name).expect("checked by with_role")
}

/// Removes `item` from `list`, or fails with `NoSuchEntity` as IAM does.
fn remove(operation: &'static str, list: &mut Vec<String>, item: &str) -> Result<(), Error> {
    let before = list.len();
    list.retain(|i| i != item);
    if list.len() == before {
        return Err(service_error(
            operation,
            "NoSuchEntity",
            &format!("{item} is not attached."),
        ));
    }
    Ok(())
}

impl Iam for FakeIam {
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, Error>> {
        const OP: &str = "iam:CreateRole";
        Box::pin(async move {
            self.enter(OP).await?;
            let mut state = self.state();
            if state.roles.contains_key(spec.name.as_str()) {
                return Err(service_error(
                    OP,
                    "EntityAlreadyExists",
                    &format!("Role with name {} already exists.", spec.name),
                ));
            }
            let path = spec.path.as_deref().unwrap_or("/");
            let role = Role {
                name: spec.name.clone(),
                arn: format!("arn:aws:iam::{FAKE_ACCOUNT_ID}:role{path}{}", spec.name)
                    .parse()
                    .map_err(|e: fed_core::Error| {
                        service_error(OP, "ValidationError", &e.to_string())
                    })?,
                tags: spec.tags.clone(),
            };
            state.roles.insert(
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
        })
    }

    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), Error>> {
        let arn = policy_arn.to_string();
        self.with_role("iam:AttachRolePolicy", role, move |state, name| {
            let policies = &mut role_mut(state, name).managed_policies;
            if !policies.contains(&arn) {
                policies.push(arn);
            }
            Ok(())
        })
    }

    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, Error>> {
        Box::pin(async move {
            self.enter("iam:GetRole").await?;
            Ok(self.role(role.as_str()).map(|r| r.role))
        })
    }

    fn roles_tagged<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Role>, Error>> {
        Box::pin(async move {
            self.enter("iam:ListRoles").await?;
            Ok(self
                .state()
                .roles
                .values()
                .filter(|r| r.role.tags.iter().any(|t| t.key == key))
                .map(|r| r.role.clone())
                .collect())
        })
    }

    fn attached_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>> {
        self.with_role("iam:ListAttachedRolePolicies", role, |state, name| {
            Ok(role_mut(state, name).managed_policies.clone())
        })
    }

    fn detach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        const OP: &str = "iam:DetachRolePolicy";
        self.with_role(OP, role, move |state, name| {
            remove(OP, &mut role_mut(state, name).managed_policies, policy_arn)
        })
    }

    fn inline_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>> {
        self.with_role("iam:ListRolePolicies", role, |state, name| {
            Ok(role_mut(state, name).inline_policies.clone())
        })
    }

    fn put_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
        _document: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        self.with_role("iam:PutRolePolicy", role, move |state, name| {
            let policies = &mut role_mut(state, name).inline_policies;
            if !policies.iter().any(|p| p == policy_name) {
                policies.push(policy_name.to_owned());
            }
            Ok(())
        })
    }

    fn delete_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        const OP: &str = "iam:DeleteRolePolicy";
        self.with_role(OP, role, move |state, name| {
            remove(OP, &mut role_mut(state, name).inline_policies, policy_name)
        })
    }

    fn instance_profiles<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>> {
        self.with_role("iam:ListInstanceProfilesForRole", role, |state, name| {
            Ok(role_mut(state, name).instance_profiles.clone())
        })
    }

    fn remove_from_instance_profile<'a>(
        &'a self,
        role: &'a RoleName,
        instance_profile: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        const OP: &str = "iam:RemoveRoleFromInstanceProfile";
        self.with_role(OP, role, move |state, name| {
            remove(
                OP,
                &mut role_mut(state, name).instance_profiles,
                instance_profile,
            )
        })
    }

    fn delete_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<(), Error>> {
        const OP: &str = "iam:DeleteRole";
        self.with_role(OP, role, |state, name| {
            let r = role_mut(state, name);
            if !(r.managed_policies.is_empty()
                && r.inline_policies.is_empty()
                && r.instance_profiles.is_empty())
            {
                return Err(service_error(
                    OP,
                    "DeleteConflict",
                    "Cannot delete entity, must detach all policies first.",
                ));
            }
            state.roles.remove(name);
            Ok(())
        })
    }
}
