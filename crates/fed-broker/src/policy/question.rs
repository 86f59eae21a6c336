//! A question as a Cedar request: the person as the one entity (`User`, in its `Group`s), built
//! through Cedar's API, never from text; the context from the [`Facts`]; and the answer with the
//! policies that decided.

use std::collections::{HashMap, HashSet};
use std::time::UNIX_EPOCH;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, PolicySet, Request,
    RestrictedExpression,
};

use super::compile::uid;
use super::{Answer, Facts, Question};

/// Cedar's answer to `question` from the policies `set`. What cannot be asked (which the
/// broker's own values never cause) is refused.
pub(super) fn decide(authorizer: &Authorizer, set: &PolicySet, question: &Question<'_>) -> Answer {
    match request(question) {
        Ok((request, entities)) => {
            let response = authorizer.is_authorized(&request, set, &entities);
            for error in response.diagnostics().errors() {
                // A policy that errs is left out (Cedar's rule): say so, as it may be a forbid.
                tracing::warn!(error = %error, "a policy could not be evaluated and was left out");
            }
            Answer {
                allowed: response.decision() == Decision::Allow,
                policies: response
                    .diagnostics()
                    .reason()
                    .map(ToString::to_string)
                    .collect(),
            }
        }
        Err(problem) => {
            tracing::error!(error = %problem, "the question cannot be put to Cedar; refused");
            Answer {
                allowed: false,
                policies: Vec::new(),
            }
        }
    }
}

fn request(question: &Question<'_>) -> Result<(Request, Entities), String> {
    let principal = uid("User", question.user);
    let parents: HashSet<EntityUid> = question.groups.iter().map(|g| uid("Group", g)).collect();
    let name = HashMap::from([(
        "name".to_owned(),
        RestrictedExpression::new_string(question.user.to_owned()),
    )]);
    let person = Entity::new(principal.clone(), name, parents).map_err(|e| e.to_string())?;
    let entities = Entities::from_entities([person], None).map_err(|e| e.to_string())?;
    let context = Context::from_pairs(context(&question.facts)).map_err(|e| e.to_string())?;
    let request = Request::new(
        principal,
        uid("Action", question.action.as_str()),
        uid("Role", &question.role.to_string()),
        context,
        None,
    )
    .map_err(|e| e.to_string())?;
    Ok((request, entities))
}

/// The context's values, as `schema.rs` declares them.
fn context(facts: &Facts) -> Vec<(String, RestrictedExpression)> {
    let seconds = facts
        .now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let long = |n: u64| RestrictedExpression::new_long(i64::try_from(n).unwrap_or(i64::MAX));
    let days = seconds / 86_400;
    vec![
        (
            "amr".to_owned(),
            RestrictedExpression::new_set(
                facts
                    .amr
                    .iter()
                    .map(|a| RestrictedExpression::new_string(a.clone())),
            ),
        ),
        (
            "source_ip".to_owned(),
            // An IPv4 client seen on a dual-stack socket is an IPv4 address to policies.
            RestrictedExpression::new_ip(facts.source_ip.to_canonical().to_string()),
        ),
        ("now".to_owned(), long(seconds)),
        ("hour".to_owned(), long(seconds / 3600 % 24)),
        ("minute".to_owned(), long(seconds / 60 % 60)),
        // 1970-01-01 was a Thursday (4); Monday is 1, Sunday 7.
        ("weekday".to_owned(), long((days + 3) % 7 + 1)),
        (
            "duration".to_owned(),
            long(facts.duration.map_or(0, |d| d.as_secs())),
        ),
        (
            "requester".to_owned(),
            RestrictedExpression::new_string(facts.requester.clone().unwrap_or_default()),
        ),
        (
            "grant".to_owned(),
            RestrictedExpression::new_bool(facts.grant),
        ),
    ]
}
