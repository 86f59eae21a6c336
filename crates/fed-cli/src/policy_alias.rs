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

/// Resolves a `--policy` value to a managed policy ARN in `partition`.
pub(crate) fn resolve(value: &str, partition: Partition) -> Result<String, String> {
    if let Some((_, name)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(value))
    {
        return Ok(format!("arn:{partition}:iam::aws:policy/{name}"));
    }
    let allowed = || {
        let names: Vec<&str> = ALIASES.iter().map(|(a, _)| *a).collect();
        format!(
            "a managed policy ARN (arn:{partition}:iam::ACCOUNT:policy/NAME) or one of {}",
            names.join(", ")
        )
    };
    let arn: Arn = value.parse().map_err(|_| {
        format!(
            "invalid --policy {value:?}: not an ARN or a known alias; allowed: {}",
            allowed()
        )
    })?;
    if arn.service() != "iam" || !arn.resource().starts_with("policy/") {
        return Err(format!(
            "invalid --policy {value:?}: not a managed policy ARN; allowed: {}",
            allowed()
        ));
    }
    if arn.partition() != partition {
        return Err(format!(
            "invalid --policy {value:?}: partition {} does not match the credentials' partition {partition}",
            arn.partition()
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests;
