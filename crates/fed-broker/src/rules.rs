//! What decides: the entitlements and the Cedar policies compiled from them, with the extra
//! policies file's. They are loaded, checked and replaced together, so that a request never sees
//! the entitlements of one file and the policies of another.

use std::path::Path;

use sha2::Digest;

use crate::config::Config;
use crate::entitlements::{Access, Entitlements};
use crate::error::Error;
use crate::policy::Policies;

/// The entitlements and their policies.
#[derive(Debug)]
pub struct Rules {
    entitlements: Entitlements,
    policies: Policies,
}

/// The SHA-256 (hex) of the files a [`Rules`] was loaded from, so that an operator can tell
/// which files a reload took.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Digests {
    /// The entitlements file's.
    pub entitlements: String,
    /// The extra policies file's, when there is one.
    pub policies: Option<String>,
}

impl Rules {
    /// The entitlements with the policies compiled from them, and the extra policies of the
    /// file `extra` (its path and text) when given.
    pub fn compile(
        entitlements: Entitlements,
        extra: Option<(&Path, &str)>,
    ) -> Result<Rules, Error> {
        let policies = Policies::compile(&entitlements, extra)?;
        Ok(Rules {
            entitlements,
            policies,
        })
    }

    /// Reads the entitlements file and the extra policies file that `config` names (each
    /// once), and compiles them; with the digests of what was read.
    pub fn load(config: &Config) -> Result<(Rules, Digests), Error> {
        let (entitlements, entitlements_digest) =
            Entitlements::load_with_digest(&config.entitlements)?;
        let extra = match &config.policies {
            Some(path) => Some((path.as_path(), read_policies(path)?)),
            None => None,
        };
        let digests = Digests {
            entitlements: entitlements_digest,
            policies: extra.as_ref().map(|(_, text)| sha256(text)),
        };
        // Grants, and the records of break-glass use, live in the store: without one, such
        // roles could never be used as the file says.
        if config.audit.database_url_env.is_none()
            && let Some((index, role)) = entitlements
                .iter()
                .enumerate()
                .find(|(_, role)| role.break_glass || !matches!(role.access, Access::Direct))
        {
            let key = if role.break_glass {
                "break_glass"
            } else {
                "access"
            };
            return Err(Error::Key {
                file: Some(config.entitlements.clone()),
                key: format!("role[{index}].{key}"),
                value: if role.break_glass { "true".to_owned() } else { "request".to_owned() },
                expected: "a role of access \"direct\" without break_glass, unless the broker has the PostgreSQL store ([audit] database_url_env), where grants live".to_owned(),
            });
        }
        let rules = Rules::compile(
            entitlements,
            extra.as_ref().map(|(path, text)| (*path, text.as_str())),
        )?;
        Ok((rules, digests))
    }

    /// The entitlements.
    pub fn entitlements(&self) -> &Entitlements {
        &self.entitlements
    }

    /// The policies.
    pub fn policies(&self) -> &Policies {
        &self.policies
    }

    /// Whether a role or an extra policy names `group`: the groups a session keeps.
    pub fn names_group(&self, group: &str) -> bool {
        self.entitlements.names_group(group) || self.policies.names_group(group)
    }
}

/// The extra policies file's text: UTF-8, and not over the limit (checked before it is read).
fn read_policies(path: &Path) -> Result<String, Error> {
    let unreadable = |reason: String| Error::Read {
        path: path.to_owned(),
        reason,
    };
    let limit = crate::policy::MAX_EXTRA_BYTES;
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > limit as u64 {
        return Err(unreadable(format!("it is over {} KiB", limit / 1024)));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".to_owned()))
}

fn sha256(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
