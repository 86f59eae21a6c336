//! [`delete_owned_role`]: a role is removed only when it carries the tag that marks it as the
//! caller's.

use fed_core::RoleName;

use super::{Budget, Iam, Removal, RemovalEvent, remove_role};
use crate::{Error, Tag};

/// Removes `role` as [`remove_role`] does, but only if GetRole shows it carrying `owner` (key
/// and value): a role of that name made by someone else is never touched.
///
/// A role that does not exist is an already complete [`Removal`] (`already_gone`), with no
/// event. A role without the owner tag fails with [`Error::NotOwned`], and one whose tags cannot
/// be read with GetRole's error: nothing is detached or deleted in either case.
pub async fn delete_owned_role(
    iam: &dyn Iam,
    role: &RoleName,
    owner: &Tag,
    budget: &Budget,
    on_event: &mut (dyn FnMut(RemovalEvent<'_>) + Send),
) -> Result<Removal, Error> {
    match budget.call("iam:GetRole", iam.get_role(role)).await? {
        None => {
            let mut removal = Removal::new(role.clone());
            removal.already_gone = true;
            Ok(removal)
        }
        Some(found) if found.carries(owner) => Ok(remove_role(iam, role, budget, on_event).await),
        Some(found) => Err(Error::NotOwned {
            role: role.clone(),
            owner: owner.clone(),
            found: found.tag(&owner.key).map(str::to_owned),
        }),
    }
}
