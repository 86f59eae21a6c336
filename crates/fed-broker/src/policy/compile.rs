//! The entitlements as Cedar policies. For `[[role]]` number `i`:
//!
//! - access "direct" (break-glass roles too): `role[i] use` permits `use` to the role's groups
//!   and users when the session asked is no longer than `max_session`;
//! - access "request": `role[i] request` permits `request` to them when the grant asked is no
//!   longer than `max_grant`; `role[i] use` permits `use` only with an active grant
//!   (`context.grant`); `role[i] approve` permits `approve` to the members of `approvers`.
//!
//! And once, for the whole broker, [`NO_SELF_APPROVAL`] forbids approving one's own request.
//!
//! Names from the entitlements (groups, users, the ARN) are written into the policies' text as
//! Cedar entity literals by Cedar's own printing of [`EntityUid`], which escapes them; each
//! policy is parsed back and must name exactly the entities it was made from, so no name can
//! change what a policy says.

use std::collections::HashSet;

use cedar_policy::{EntityId, EntityTypeName, EntityUid, Policy, PolicyId};

use super::NO_SELF_APPROVAL;
use crate::entitlements::{Access, Entitlement, Entitlements};
use crate::error::Error;

/// The policies compiled from the entitlements.
pub(super) struct Compiled {
    /// Each role's ARN and its own policies.
    pub(super) by_role: Vec<(String, Vec<Policy>)>,
    /// The broker-wide policies.
    pub(super) shared: Vec<Policy>,
    /// Every id used.
    pub(super) ids: HashSet<String>,
    /// The ids in the order of the text.
    pub(super) order: Vec<String>,
    /// Their text, with a comment before each role's.
    pub(super) text: String,
    /// How many there are.
    pub(super) count: usize,
}

/// An entity of type `kind` (`User`, `Group`, `Role` or `Action`) named `id`.
pub(super) fn uid(kind: &str, id: &str) -> EntityUid {
    let kind: EntityTypeName = kind
        .parse()
        .expect("the broker's entity types are Cedar identifiers");
    EntityUid::from_type_name_and_id(kind, EntityId::new(id))
}

/// The error of a compiled policy that Cedar does not take: a mistake of the broker's.
pub(super) fn bug(problem: &dyn std::fmt::Display) -> Error {
    Error::Policy {
        file: None,
        line: None,
        message: format!("the policies compiled from the entitlements: {problem}"),
    }
}

/// The entitlements' policies, then the broker-wide ones.
pub(super) fn roles(entitlements: &Entitlements) -> Result<Compiled, Error> {
    let mut compiled = Compiled {
        by_role: Vec::with_capacity(entitlements.len()),
        shared: Vec::new(),
        ids: HashSet::new(),
        order: Vec::new(),
        text: String::from("// Compiled from the entitlements.\n\n"),
        count: 0,
    };
    for (index, role) in entitlements.iter().enumerate() {
        let arn = role.arn.to_string();
        compiled.text += &format!("// role[{index}]: {:?}\n", role.name);
        let mut policies = Vec::new();
        for (action, source, named) in role_policies(index, role) {
            let id = format!("role[{index}] {action}");
            policies.push(compiled.add(&id, &source, named)?);
        }
        compiled.by_role.push((arn, policies));
    }
    compiled.text += "// Nobody approves their own request, whatever else permits it.\n";
    let source = format!(
        "@id(\"{NO_SELF_APPROVAL}\")\nforbid (\n    principal,\n    action == {},\n    resource\n)\nwhen {{ context.requester == principal.name }};\n",
        uid("Action", "approve")
    );
    let policy = compiled.add(NO_SELF_APPROVAL, &source, vec![uid("Action", "approve")])?;
    compiled.shared.push(policy);
    Ok(compiled)
}

impl Compiled {
    /// Parses `source` as policy `id`, checks that it names exactly the entities `named`, and
    /// keeps its text.
    fn add(&mut self, id: &str, source: &str, named: Vec<EntityUid>) -> Result<Policy, Error> {
        let policy = Policy::parse(Some(PolicyId::new(id)), source).map_err(|e| bug(&e))?;
        let expected: HashSet<EntityUid> = named.into_iter().collect();
        let found: HashSet<EntityUid> = policy.entity_literals().into_iter().collect();
        if found != expected {
            return Err(bug(&format!(
                "policy {id:?} does not name the entities it was made from"
            )));
        }
        self.ids.insert(id.to_owned());
        self.order.push(id.to_owned());
        self.text += source;
        self.text.push('\n');
        self.count += 1;
        Ok(policy)
    }
}

/// The action, source and named entities of each policy of role number `index`.
fn role_policies(index: usize, role: &Entitlement) -> Vec<(&'static str, String, Vec<EntityUid>)> {
    let resource = uid("Role", &role.arn.to_string());
    let who: Vec<EntityUid> = role
        .groups
        .iter()
        .map(|g| uid("Group", g))
        .chain(role.users.iter().map(|u| uid("User", u)))
        .collect();
    let policy = |action: &'static str,
                  annotation: &str,
                  condition: String,
                  named: &[EntityUid]| {
        let action_uid = uid("Action", action);
        let source = format!(
            "@id(\"role[{index}] {action}\")\n{annotation}permit (\n    principal,\n    action == {action_uid},\n    resource == {resource}\n)\nwhen {{\n    {condition}\n}};\n"
        );
        let mut named = named.to_vec();
        named.push(action_uid);
        named.push(resource.clone());
        (action, source, named)
    };
    // Cedar's strict validation wants the members of one set to be of one type: groups and
    // users are two sets.
    let members = |uids: &[EntityUid]| {
        let mut sets = Vec::new();
        for kind in ["Group", "User"] {
            let list: Vec<String> = uids
                .iter()
                .filter(|uid| uid.type_name().basename() == kind)
                .map(ToString::to_string)
                .collect();
            if !list.is_empty() {
                sets.push(format!("principal in [{}]", list.join(", ")));
            }
        }
        match sets.len() {
            1 => sets.remove(0),
            _ => format!("({})", sets.join(" || ")),
        }
    };
    let session = role.max_session.as_secs();
    match &role.access {
        Access::Request {
            approvers,
            max_grant,
            ..
        } => {
            let approvers: Vec<EntityUid> = approvers.iter().map(|g| uid("Group", g)).collect();
            vec![
                policy(
                    "request",
                    "",
                    format!(
                        "{} &&\n    context.duration <= {}",
                        members(&who),
                        max_grant.as_secs()
                    ),
                    &who,
                ),
                policy(
                    "use",
                    "",
                    format!(
                        "{} &&\n    context.grant &&\n    context.duration <= {session}",
                        members(&who)
                    ),
                    &who,
                ),
                policy("approve", "", members(&approvers), &approvers),
            ]
        }
        // Direct, and break-glass (always direct): used at once.
        _ => {
            let annotation = if role.break_glass {
                "@break_glass(\"true\")\n"
            } else {
                ""
            };
            vec![policy(
                "use",
                annotation,
                format!("{} &&\n    context.duration <= {session}", members(&who)),
                &who,
            )]
        }
    }
}
