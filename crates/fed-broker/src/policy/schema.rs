//! The broker's Cedar schema: the entities, actions and context every policy is checked
//! against when loaded (Cedar's strict validation), so that a misspelt attribute or a wrong type
//! in the extra file is an error at start, not a policy that silently never applies.

use cedar_policy::{PolicySet, Schema, ValidationMode, Validator};

use super::compile::{Compiled, bug};
use super::extra::{Extra, line_of, mistake, offset_of};
use crate::error::Error;

/// The schema, in Cedar's schema syntax: `docs/broker.md` shows it too.
pub(crate) const SCHEMA: &str = r#"entity Group;
entity User in [Group] { name: String };
entity Role;

type Context = {
    amr: Set<String>,
    source_ip: ipaddr,
    now: Long,
    hour: Long,
    minute: Long,
    weekday: Long,
    duration: Long,
    requester: String,
    grant: Bool,
};

action "use", "request", "approve" appliesTo {
    principal: [User],
    resource: [Role],
    context: Context,
};
"#;

/// Checks every policy against [`SCHEMA`]; the first mistake in the extra file, with its
/// line.
pub(super) fn validate(compiled: &Compiled, extra: &Extra) -> Result<(), Error> {
    let (schema, _) = Schema::from_cedarschema_str(SCHEMA).map_err(|e| bug(&e))?;
    let mut set = PolicySet::new();
    let all = compiled
        .by_role
        .iter()
        .flat_map(|(_, policies)| policies)
        .chain(&compiled.shared)
        .chain(&extra.policies);
    for policy in all {
        set.add(policy.clone()).map_err(|e| bug(&e))?;
    }
    let result = Validator::new(schema).validate(&set, ValidationMode::Strict);
    let Some(first) = result.validation_errors().next() else {
        return Ok(());
    };
    let id = first.policy_id().to_string();
    match (&extra.file, extra.lines.get(&id)) {
        (Some(path), Some(line)) => {
            // Cedar points into the file's text; else the policy's first line.
            let line = offset_of(first)
                .filter(|offset| *offset < extra.source.len())
                .map_or(*line, |offset| line_of(&extra.source, offset));
            Err(mistake(path, Some(line), first.to_string()))
        }
        _ => Err(bug(first)),
    }
}
