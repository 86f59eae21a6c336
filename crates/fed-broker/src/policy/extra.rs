//! The extra policies file (`policies = "extra.cedar"`): Cedar policies added as they are
//! written. A policy's id is its `@id("…")` annotation, else the file's name and the policy's
//! line, such as `extra.cedar:12`. Templates (with `?principal` or `?resource`) are refused:
//! nothing links them.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use cedar_policy::{Policy, PolicyId, PolicySet};
use miette::Diagnostic;

use super::MAX_EXTRA_BYTES;
use crate::error::Error;

/// The extra file's policies.
#[derive(Default)]
pub(super) struct Extra {
    /// In the file's order, each with its id.
    pub(super) policies: Vec<Policy>,
    /// As `fed-broker policy` prints them.
    pub(super) text: String,
    /// The groups they name.
    pub(super) groups: HashSet<String>,
    /// The file, and the line of each policy by id: where a mistake is.
    pub(super) file: Option<std::path::PathBuf>,
    pub(super) lines: HashMap<String, usize>,
    /// The file's text.
    pub(super) source: String,
}

/// The error at `line` of `path`.
pub(super) fn mistake(path: &Path, line: Option<usize>, message: impl Into<String>) -> Error {
    // One line, whatever Cedar's message holds.
    let message: String = message.into();
    Error::Policy {
        file: Some(path.to_owned()),
        line,
        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// The line of byte `offset` in `text`, from 1.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The first place a Cedar diagnostic points at, as a byte offset.
pub(super) fn offset_of(diagnostic: &dyn Diagnostic) -> Option<usize> {
    diagnostic
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset())
}

/// Parses the extra file `path`, whose text is `text`; `taken` are the compiled policies' ids,
/// which the file's may not reuse.
pub(super) fn parse(path: &Path, text: &str, taken: &HashSet<String>) -> Result<Extra, Error> {
    if text.len() > MAX_EXTRA_BYTES {
        return Err(mistake(
            path,
            None,
            format!("the file is over {} KiB", MAX_EXTRA_BYTES / 1024),
        ));
    }
    let set: PolicySet = text.parse().map_err(|e: cedar_policy::ParseErrors| {
        let first = e.iter().next();
        let line = first
            .and_then(|first| offset_of(first))
            .map(|offset| line_of(text, offset));
        let message = first.map_or_else(|| e.to_string(), ToString::to_string);
        mistake(path, line, message)
    })?;
    if let Some(template) = set.templates().next() {
        let line = find(text, &template.to_string(), 0).map(|at| line_of(text, at));
        return Err(mistake(
            path,
            line,
            "a template (with ?principal or ?resource): the broker links none; write the entity instead",
        ));
    }
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Cedar numbers the policies of a file in order: policy0, policy1, …
    let mut parsed: Vec<(usize, &Policy)> = set
        .policies()
        .map(|p| {
            let number = p.id().to_string().trim_start_matches("policy").parse();
            (number.unwrap_or(usize::MAX), p)
        })
        .collect();
    parsed.sort_by_key(|(number, _)| *number);
    let mut extra = Extra {
        text: format!("// From {}.\n\n", path.display()),
        file: Some(path.to_owned()),
        source: text.to_owned(),
        ..Extra::default()
    };
    let mut cursor = 0;
    for (_, policy) in parsed {
        let source = policy.to_string();
        let at = find(text, &source, cursor).unwrap_or(cursor);
        cursor = at + source.len().min(text.len() - at);
        let line = line_of(text, at);
        let id = match policy.annotation("id") {
            Some(id) if id.trim().is_empty() || id.chars().any(char::is_control) => {
                return Err(mistake(
                    path,
                    Some(line),
                    format!("@id({id:?}): expected an id that is not empty, on one line"),
                ));
            }
            Some(id) => id.to_owned(),
            None => format!("{name}:{line}"),
        };
        if taken.contains(&id) || extra.lines.contains_key(&id) {
            return Err(mistake(
                path,
                Some(line),
                format!("the id {id:?} is taken; give each policy an @id of its own"),
            ));
        }
        for uid in policy.entity_literals() {
            if uid.type_name().basename() == "Group" {
                extra.groups.insert(uid.id().unescaped().to_owned());
            }
        }
        extra.text += &format!("// {name}, line {line}: {id:?}\n{source}\n\n");
        extra.lines.insert(id.clone(), line);
        extra.policies.push(policy.new_id(PolicyId::new(id)));
    }
    Ok(extra)
}

/// Where `needle` is in `text`, from `from` on.
fn find(text: &str, needle: &str, from: usize) -> Option<usize> {
    text.get(from..)?.find(needle).map(|at| at + from)
}
