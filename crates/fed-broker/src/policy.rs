//! Policies as code: every decision about a role — may this person use it at once, request
//! it, approve a request for it, and for how long — is a Cedar question (the language of
//! Amazon Verified Permissions), answered by [`Policies::decide`].
//!
//! The entitlements compile to Cedar policies, one to three per role (`compile.rs`), plus one
//! broker-wide `forbid`: nobody approves their own request. An optional file of extra policies
//! (`policies = "extra.cedar"` in the configuration) adds conditions, such as working hours, an
//! `amr` that holds `mfa`, or source networks (`extra.rs`). All are checked against the broker's
//! schema when loaded (`schema.rs`), so a typo in the extra file is an error naming its line.
//!
//! The entities, built for each question from the person alone (`question.rs`): `User::"<user>"`
//! with the attribute `name` (the same string), a member of `Group::"<group>"` for each of their
//! groups; `Role::"<arn>"`. The actions: `Action::"use"`, `"request"` and `"approve"`. The
//! context: `amr` (a set of strings), `source_ip` (an `ipaddr`), `now` (seconds since the
//! epoch), `hour`, `minute` and `weekday` (of `now` in UTC; weekday 1 is Monday, 7 Sunday),
//! `duration` (the length asked, in seconds; 0 when none), `requester` (for `approve`: who
//! asked; "" when none) and `grant` (for `use`: whether the person holds an active grant).
//!
//! Deciding is fast: everything is parsed and checked once, and each role keeps the policies
//! that can apply to it (its own, the broker-wide one and the extra ones), so a question
//! evaluates a handful of policies however many roles there are.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, SystemTime};

use cedar_policy::{Authorizer, PolicySet};
use fed_core::RoleArn;

use crate::entitlements::Entitlements;
use crate::error::Error;

mod compile;
mod extra;
mod question;
mod schema;

/// What is asked of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Open a console session (Cedar `Action::"use"`).
    Use,
    /// Ask for a grant of a role of access "request" (Cedar `Action::"request"`).
    Request,
    /// Approve someone's request (Cedar `Action::"approve"`).
    Approve,
}

impl Action {
    /// The Cedar action's id, such as `use`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Use => "use",
            Action::Request => "request",
            Action::Approve => "approve",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Action {
    type Err = ();

    fn from_str(text: &str) -> Result<Action, ()> {
        match text {
            "use" => Ok(Action::Use),
            "request" => Ok(Action::Request),
            "approve" => Ok(Action::Approve),
            _ => Err(()),
        }
    }
}

/// What the Cedar context says about a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// How the provider authenticated the person (the id_token's `amr`); empty when it did not
    /// say.
    pub amr: Vec<String>,
    /// The client's address.
    pub source_ip: IpAddr,
    /// When the question is asked.
    pub now: SystemTime,
    /// The length asked: the console session's for `use`, the grant's for `request`.
    pub duration: Option<Duration>,
    /// For `approve`: who asked for the grant.
    pub requester: Option<String>,
    /// For `use` of a role of access "request": whether the person holds an active grant.
    pub grant: bool,
}

/// Who asks to do what with which role, and in what circumstances.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    /// The person, as the broker names them.
    pub user: &'a str,
    /// Their groups.
    pub groups: &'a [String],
    /// The role.
    pub role: &'a RoleArn,
    /// What they ask.
    pub action: Action,
    /// The circumstances.
    pub facts: Facts,
}

/// Cedar's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Whether it is allowed.
    pub allowed: bool,
    /// The ids of the policies that decided: the permits that allowed it, or the forbids that
    /// refused it; none when it is refused because no policy permits it.
    pub policies: Vec<String>,
}

/// The effective policies, compiled and checked once; shared by every request (`Send + Sync`).
pub struct Policies {
    /// For each role's ARN: its own policies and the shared ones.
    by_role: HashMap<String, PolicySet>,
    /// The broker-wide and extra policies alone: for roles the entitlements do not list.
    shared: PolicySet,
    /// Every policy, as `fed-broker policy` prints them.
    text: String,
    /// How many policies there are, and how many came from the extra file.
    count: (usize, usize),
    /// The groups the extra policies name, which sessions must keep.
    groups: HashSet<String>,
    /// Each policy's place in the text: answers name the deciding policies in that order.
    order: HashMap<String, usize>,
    authorizer: Authorizer,
}

impl std::fmt::Debug for Policies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policies")
            .field("policies", &self.count.0)
            .field("extra", &self.count.1)
            .finish_non_exhaustive()
    }
}

/// The largest extra policies file.
pub const MAX_EXTRA_BYTES: usize = 1024 * 1024;

/// The id of the broker-wide policy that forbids approving one's own request.
pub const NO_SELF_APPROVAL: &str = "no self-approval";

impl Policies {
    /// Compiles `entitlements` to Cedar policies, adds the extra policies `extra` (the file's
    /// path, for messages and ids, and its text), and checks them all against the broker's
    /// schema. A mistake in the extra file names the file and the line.
    pub fn compile(
        entitlements: &Entitlements,
        extra: Option<(&Path, &str)>,
    ) -> Result<Policies, Error> {
        let compiled = compile::roles(entitlements)?;
        let extra = match extra {
            Some((path, text)) => extra::parse(path, text, &compiled.ids)?,
            None => extra::Extra::default(),
        };
        schema::validate(&compiled, &extra)?;
        let mut shared = PolicySet::new();
        for policy in compiled.shared.iter().chain(&extra.policies) {
            shared.add(policy.clone()).map_err(|e| compile::bug(&e))?;
        }
        let mut by_role = HashMap::with_capacity(compiled.by_role.len());
        for (arn, policies) in compiled.by_role {
            let mut set = shared.clone();
            for policy in policies {
                set.add(policy).map_err(|e| compile::bug(&e))?;
            }
            by_role.insert(arn, set);
        }
        let order = compiled
            .order
            .iter()
            .cloned()
            .chain(extra.policies.iter().map(|p| p.id().to_string()))
            .enumerate()
            .map(|(place, id)| (id, place))
            .collect();
        let mut text = compiled.text;
        text += &extra.text;
        let count = compiled.count + extra.policies.len();
        Ok(Policies {
            by_role,
            shared,
            text,
            count: (count, extra.policies.len()),
            groups: extra.groups,
            order,
            authorizer: Authorizer::new(),
        })
    }

    /// Cedar's answer to `question`.
    pub fn decide(&self, question: &Question<'_>) -> Answer {
        let set = self
            .by_role
            .get(&question.role.to_string())
            .unwrap_or(&self.shared);
        let mut answer = question::decide(&self.authorizer, set, question);
        answer
            .policies
            .sort_by_key(|id| self.order.get(id).copied().unwrap_or(usize::MAX));
        answer
    }

    /// The effective policies, as `fed-broker policy` prints them: those compiled from the
    /// entitlements, the broker-wide one, then the extra file's.
    pub fn text(&self) -> String {
        self.text.clone()
    }

    /// How many policies there are.
    pub fn len(&self) -> usize {
        self.count.0
    }

    /// Whether there are none (there is always the broker-wide one).
    pub fn is_empty(&self) -> bool {
        self.count.0 == 0
    }

    /// How many came from the extra file.
    pub fn extra_len(&self) -> usize {
        self.count.1
    }

    /// Whether an extra policy names `group`: sessions keep it.
    pub(crate) fn names_group(&self, group: &str) -> bool {
        self.groups.contains(group)
    }
}

#[cfg(test)]
mod tests;
