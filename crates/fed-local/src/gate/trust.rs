//! Evaluation of a role's trust policy for one request, as AWS does it for the statements a
//! trust policy uses: `Effect`, `Principal.AWS`, `Action` and `Condition`; an explicit `Deny`
//! wins over any `Allow`.
//!
//! What it cannot evaluate counts against the caller: an `Allow` whose condition operator is
//! unknown does not apply, a `Deny` with one does. `NotPrincipal` and `NotAction` statements
//! never apply.

use std::collections::HashMap;

use serde_json::Value;

use crate::identities::Identity;

/// The outcome for one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// A statement allows it and none denies it.
    Allow,
    /// A statement denies it.
    Deny,
    /// No statement allows it.
    NotAllowed,
}

/// The request context: condition keys (lower case) and their values.
pub(crate) type Context = HashMap<String, String>;

/// A policy document as IAM returns it (URL-encoded JSON, or JSON as it is), parsed.
pub(crate) fn policy_document(document: &str) -> Option<Value> {
    let text = if document.trim_start().starts_with('{') {
        document.to_owned()
    } else {
        percent_encoding::percent_decode_str(document)
            .decode_utf8()
            .ok()?
            .into_owned()
    };
    serde_json::from_str(&text).ok()
}

/// Sets the keys every request has on AWS: `aws:CurrentTime` and `aws:EpochTime`, now.
pub(crate) fn set_time(context: &mut Context) {
    let now = time::OffsetDateTime::now_utc();
    if let Ok(current) = now.format(&time::format_description::well_known::Rfc3339) {
        context.insert("aws:currenttime".to_owned(), current);
    }
    context.insert("aws:epochtime".to_owned(), now.unix_timestamp().to_string());
}

/// Decides whether `caller` may perform `action` (e.g. `sts:AssumeRole`) under `policy`.
pub(crate) fn evaluate(
    policy: &Value,
    action: &str,
    caller: &Identity,
    context: &Context,
) -> Decision {
    let statements: Vec<&Value> = match policy.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut allowed = false;
    for statement in statements {
        let effect = statement.get("Effect").and_then(Value::as_str);
        let deny = match effect {
            Some("Allow") => false,
            Some("Deny") => true,
            _ => continue,
        };
        let applies = principal_matches(statement.get("Principal"), caller)
            && action_matches(statement.get("Action"), action)
            && conditions_hold(statement.get("Condition"), context, deny);
        if applies && deny {
            return Decision::Deny;
        }
        allowed |= applies;
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::NotAllowed
    }
}

/// Whether a `Deny` of an identity-based policy (a role's inline policy) applies to `action`
/// on every resource under `context`: its `Action` (or `NotAction`) covers the action, its
/// `Resource` is `*` and its conditions hold. An operator this evaluator does not know holds,
/// so a `Deny` it cannot judge applies.
pub(crate) fn identity_policy_denies(policy: &Value, action: &str, context: &Context) -> bool {
    let statements: Vec<&Value> = match policy.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    statements.into_iter().any(|statement| {
        let covers_action = match statement.get("NotAction") {
            Some(not) => !action_matches(Some(not), action),
            None => action_matches(statement.get("Action"), action),
        };
        let every_resource = match statement.get("Resource") {
            None => statement.get("NotResource").is_none(),
            resource => strings(resource).contains(&"*"),
        };
        statement.get("Effect").and_then(Value::as_str) == Some("Deny")
            && covers_action
            && every_resource
            && conditions_hold(statement.get("Condition"), context, true)
    })
}

/// One string or a list of strings.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn principal_matches(principal: Option<&Value>, caller: &Identity) -> bool {
    match principal {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => strings(map.get("AWS"))
            .into_iter()
            .any(|p| names_caller(p, caller)),
        _ => false,
    }
}

/// Whether one `Principal.AWS` entry names the caller: `*`, the caller's account (as an id or
/// its `root` ARN), the caller's IAM user, the role of the caller's session, or the session.
fn names_caller(principal: &str, caller: &Identity) -> bool {
    let account = caller.arn.account_id();
    if principal == "*" || principal == account {
        return true;
    }
    let root = format!(
        "arn:{}:iam::{account}:root",
        caller.arn.partition().as_str()
    );
    if principal == root {
        return true;
    }
    let is = |arn: Option<&fed_core::Arn>| arn.is_some_and(|arn| arn.to_string() == principal);
    is(caller.user_arn.as_ref())
        || is(caller.role_arn.as_ref())
        || caller.arn.to_string() == principal
}

fn action_matches(action: Option<&Value>, wanted: &str) -> bool {
    strings(action)
        .into_iter()
        .any(|pattern| wildcard(&pattern.to_ascii_lowercase(), &wanted.to_ascii_lowercase()))
}

/// `*` matches any run of characters, `?` any one.
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether every condition of a statement holds. An operator this evaluator does not know
/// holds for a `Deny` and fails for an `Allow`.
fn conditions_hold(condition: Option<&Value>, context: &Context, deny: bool) -> bool {
    let Some(Value::Object(operators)) = condition else {
        return condition.is_none();
    };
    operators.iter().all(|(operator, keys)| {
        let Value::Object(keys) = keys else {
            return deny;
        };
        keys.iter().all(|(key, values)| {
            let values: Vec<String> = match values {
                Value::Array(list) => list.iter().filter_map(scalar).collect(),
                other => scalar(other).into_iter().collect(),
            };
            let actual = context.get(&key.to_ascii_lowercase()).map(String::as_str);
            match condition_holds(operator, actual, &values) {
                Some(holds) => holds,
                None => deny,
            }
        })
    })
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One operator on one key; `None` when the operator is unknown.
fn condition_holds(operator: &str, actual: Option<&str>, values: &[String]) -> Option<bool> {
    let (operator, if_exists) = match operator.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (operator, false),
    };
    let Some(actual) = actual else {
        // A missing key: negated operators and `…IfExists` hold, `Null: true` holds.
        return match operator {
            "Null" => Some(values.iter().any(|v| v == "true")),
            "StringNotEquals"
            | "StringNotEqualsIgnoreCase"
            | "StringNotLike"
            | "ArnNotEquals"
            | "ArnNotLike" => Some(true),
            _ if known(operator) => Some(if_exists),
            _ => None,
        };
    };
    let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|v| f(v));
    Some(match operator {
        "StringEquals" | "ArnEquals" => any(&|v| v == actual),
        "StringNotEquals" | "ArnNotEquals" => !any(&|v| v == actual),
        "StringEqualsIgnoreCase" => any(&|v| v.eq_ignore_ascii_case(actual)),
        "StringNotEqualsIgnoreCase" => !any(&|v| v.eq_ignore_ascii_case(actual)),
        "StringLike" | "ArnLike" => any(&|v| wildcard(v, actual)),
        "StringNotLike" | "ArnNotLike" => !any(&|v| wildcard(v, actual)),
        "Bool" => any(&|v| v.eq_ignore_ascii_case(actual)),
        "Null" => any(&|v| v == "false"),
        date if date.starts_with("Date") => {
            let ordering = |v: &str| Some(instant(actual)?.cmp(&instant(v)?));
            let test: fn(std::cmp::Ordering) -> bool = match date {
                "DateEquals" => std::cmp::Ordering::is_eq,
                "DateNotEquals" => std::cmp::Ordering::is_ne,
                "DateLessThan" => std::cmp::Ordering::is_lt,
                "DateLessThanEquals" => std::cmp::Ordering::is_le,
                "DateGreaterThan" => std::cmp::Ordering::is_gt,
                "DateGreaterThanEquals" => std::cmp::Ordering::is_ge,
                _ => return None,
            };
            // A date that cannot be read decides nothing, as an unknown operator.
            let mut outcomes = values.iter().map(|v| ordering(v).map(test));
            if date == "DateNotEquals" {
                outcomes.try_fold(true, |all, o| o.map(|o| all && o))?
            } else {
                outcomes.try_fold(false, |any, o| o.map(|o| any || o))?
            }
        }
        _ => return None,
    })
}

/// A date of a condition: RFC 3339 (`2026-12-07T12:00:00Z`) or seconds since the Unix epoch.
fn instant(text: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| {
            text.parse::<i64>()
                .ok()
                .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        })
}

fn known(operator: &str) -> bool {
    matches!(
        operator,
        "StringEquals"
            | "StringNotEquals"
            | "StringEqualsIgnoreCase"
            | "StringNotEqualsIgnoreCase"
            | "StringLike"
            | "StringNotLike"
            | "ArnEquals"
            | "ArnNotEquals"
            | "ArnLike"
            | "ArnNotLike"
            | "Bool"
            | "Null"
            | "DateEquals"
            | "DateNotEquals"
            | "DateLessThan"
            | "DateLessThanEquals"
            | "DateGreaterThan"
            | "DateGreaterThanEquals"
    )
}

#[cfg(test)]
mod tests;
