//! IAM (feature `iam`): the [`Iam`] trait of the calls that manage a role's lifecycle, and
//! [`IamClient`] over `aws_sdk_iam::Client`.
//!
//! The lifecycle is: create a role that a principal may assume, tagged ([`CreateRole`]); wait
//! until STS lets it be assumed
//! ([`assume_role_when_propagated`](crate::assume_role_when_propagated));
//! and delete it with everything that blocks its deletion, only if it carries the caller's owner
//! tag ([`delete_owned_role`]), within a time [`Budget`].
//!
//! The trait is one IAM call per method, so that callers can time each call (as
//! [`Budget::call`] does) and the fake of the `test-util` feature can fail or hang any one.
//!
//! - `role.rs`: [`CreateRole`], [`Role`] and the trust policy;
//! - `client.rs`: [`IamClient`];
//! - `budget.rs`: [`Budget`], the time limits of a removal and of each of its calls;
//! - `removal.rs`: [`remove_role`] and its [`Removal`] report;
//! - `ownership.rs`: [`delete_owned_role`], the removal behind the owner-tag check;
//! - `fake.rs` (feature `test-util`): `FakeIam`.

mod budget;
mod client;
mod ownership;
mod removal;
mod role;

#[cfg(feature = "test-util")]
pub(crate) mod fake;

use fed_core::{Arn, RoleName};

use crate::{BoxFuture, Error};

pub use self::budget::Budget;
pub use self::client::IamClient;
pub use self::ownership::delete_owned_role;
pub use self::removal::{Removal, RemovalEvent, RemovalFailure, RemovalStep, remove_role};
pub use self::role::{CreateRole, Role, trust_policy_for};

/// The IAM calls of a role's lifecycle, speaking fed-core types.
///
/// Object safe: callers take `&dyn Iam`. The real implementation is [`IamClient`]; the
/// `test-util` feature adds a fake. Each method is one IAM call (a listing: all its pages).
pub trait Iam: Send + Sync {
    /// CreateRole with a trust policy for the spec's principal ([`trust_policy_for`]) and its
    /// tags; returns the new role.
    fn create_role<'a>(&'a self, spec: &'a CreateRole) -> BoxFuture<'a, Result<Role, Error>>;

    /// AttachRolePolicy: attaches the managed policy `policy_arn`.
    fn attach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a Arn,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// GetRole, with the role's tags; `None` when there is no such role.
    fn get_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<Option<Role>, Error>>;

    /// Every role carrying the tag `key`, whatever its value, with its tags (ListRoles, and
    /// ListRoleTags for each role).
    fn roles_tagged<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<Role>, Error>>;

    /// ListAttachedRolePolicies: the ARNs of the managed policies attached to the role.
    fn attached_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>>;

    /// DetachRolePolicy.
    fn detach_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_arn: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// ListRolePolicies: the names of the role's inline policies.
    fn inline_policies<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>>;

    /// PutRolePolicy: adds (or replaces) the inline policy `policy_name` with `document`.
    fn put_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
        document: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// DeleteRolePolicy: deletes an inline policy.
    fn delete_role_policy<'a>(
        &'a self,
        role: &'a RoleName,
        policy_name: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// ListInstanceProfilesForRole: the names of the instance profiles holding the role.
    fn instance_profiles<'a>(
        &'a self,
        role: &'a RoleName,
    ) -> BoxFuture<'a, Result<Vec<String>, Error>>;

    /// RemoveRoleFromInstanceProfile.
    fn remove_from_instance_profile<'a>(
        &'a self,
        role: &'a RoleName,
        instance_profile: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// DeleteRole. IAM refuses it (`DeleteConflict`) while anything is attached.
    fn delete_role<'a>(&'a self, role: &'a RoleName) -> BoxFuture<'a, Result<(), Error>>;
}

#[cfg(test)]
mod tests;
