//! `--policy` values: managed policy ARNs, or short aliases for AWS managed
//! policies resolved in the caller's partition.

use fed_core::Arn;
use fed_flow::SessionPolicy;

/// `(alias, AWS managed policy name)`.
pub(crate) const ALIASES: &[(&str, &str)] = &[
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

/// Parses a `--policy` value: an alias (case-insensitive) or a managed policy ARN.
pub(crate) fn parse(value: &str) -> Result<SessionPolicy, String> {
    if let Some((_, name)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(value))
    {
        return Ok(SessionPolicy::AwsManaged((*name).to_owned()));
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
    Ok(SessionPolicy::Arn(arn))
}

#[cfg(test)]
mod tests;
