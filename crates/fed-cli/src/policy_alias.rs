//! `--policy` values: managed policy ARNs, or short aliases for AWS managed
//! policies resolved in the caller's partition.

use fed_core::{Arn, Partition};

/// `(alias, AWS managed policy name)`.
const ALIASES: &[(&str, &str)] = &[
    ("admin", "AdministratorAccess"),
    ("billing", "job-function/Billing"),
    ("ec2-readonly", "AmazonEC2ReadOnlyAccess"),
    ("poweruser", "PowerUserAccess"),
    ("readonly", "ReadOnlyAccess"),
    ("s3-full", "AmazonS3FullAccess"),
    ("s3-readonly", "AmazonS3ReadOnlyAccess"),
    ("security-audit", "SecurityAudit"),
    ("viewonly", "job-function/ViewOnlyAccess"),
];

/// A `--policy` value, checked when the command line is parsed; the partition
/// it must match is known only once the caller is.
#[derive(Debug, Clone)]
pub(crate) enum Policy {
    /// An alias, as the name of an AWS managed policy.
    Alias(&'static str),
    /// A managed policy ARN.
    Arn(Arn),
}

/// Parses a `--policy` value: an alias (case-insensitive) or a managed policy ARN.
pub(crate) fn parse(value: &str) -> Result<Policy, String> {
    if let Some((_, name)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(value))
    {
        return Ok(Policy::Alias(name));
    }
    let allowed = || {
        let names: Vec<&str> = ALIASES.iter().map(|(a, _)| *a).collect();
        format!(
            "a managed policy ARN (arn:PARTITION:iam::ACCOUNT:policy/NAME) or one of {}",
            names.join(", ")
        )
    };
    let arn: Arn = value.parse().map_err(|_| {
        format!(
            "{value:?} is not an ARN or a known alias; allowed: {}",
            allowed()
        )
    })?;
    if arn.service() != "iam" || !arn.resource().starts_with("policy/") {
        return Err(format!(
            "{value:?} is not a managed policy ARN; allowed: {}",
            allowed()
        ));
    }
    Ok(Policy::Arn(arn))
}

impl Policy {
    /// The managed policy ARN in `partition`.
    pub(crate) fn resolve(&self, partition: Partition) -> Result<Arn, String> {
        match self {
            Policy::Alias(name) => format!("arn:{partition}:iam::aws:policy/{name}")
                .parse()
                .map_err(|e: fed_core::Error| e.to_string()),
            Policy::Arn(arn) if arn.partition() != partition => Err(format!(
                "invalid --policy {arn}: partition {} does not match the credentials' partition {partition}",
                arn.partition()
            )),
            Policy::Arn(arn) => Ok(arn.clone()),
        }
    }
}

#[cfg(test)]
mod tests;
