//! The catalogue of console services: each shortcut's console path, and whether it is global.

use crate::Error;

/// A console service shortcut such as `s3` or `iam`, from the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Service {
    name: &'static str,
    path: &'static str,
    global: bool,
}

/// `(shortcut, console path, global)`, sorted by shortcut. A path has no query and no fragment
/// (`region=` is appended to it); global services get no region and open on the partition's
/// global console host.
const SERVICES: &[(&str, &str, bool)] = &[
    ("acm", "/acm/home", false),
    ("amplify", "/amplify/home", false),
    ("apigateway", "/apigateway/main/apis", false),
    ("appconfig", "/systems-manager/appconfig", false),
    ("appflow", "/appflow/home", false),
    ("apprunner", "/apprunner/home", false),
    ("appsync", "/appsync/home", false),
    ("athena", "/athena/home", false),
    ("backup", "/backup/home", false),
    ("batch", "/batch/home", false),
    ("bedrock", "/bedrock/home", false),
    ("billing", "/billing/home", true),
    ("cloud9", "/cloud9/home", false),
    ("cloudformation", "/cloudformation/home", false),
    ("cloudfront", "/cloudfront/v4/home", true),
    ("cloudhsm", "/cloudhsm/home", false),
    ("cloudmap", "/cloudmap/home", false),
    ("cloudshell", "/cloudshell/home", false),
    ("cloudtrail", "/cloudtrail/home", false),
    ("cloudwatch", "/cloudwatch/home", false),
    ("codeartifact", "/codesuite/codeartifact/home", false),
    ("codebuild", "/codesuite/codebuild/home", false),
    ("codecommit", "/codesuite/codecommit/home", false),
    ("codedeploy", "/codesuite/codedeploy/home", false),
    ("codepipeline", "/codesuite/codepipeline/home", false),
    ("cognito", "/cognito/v2/home", false),
    ("comprehend", "/comprehend/home", false),
    ("config", "/config/home", false),
    ("connect", "/connect/home", false),
    ("console", "/console/home", false),
    ("controltower", "/controltower/home", false),
    ("costexplorer", "/cost-management/home", true),
    ("datasync", "/datasync/home", false),
    ("directconnect", "/directconnect/v2/home", false),
    ("dms", "/dms/v2/home", false),
    ("docdb", "/docdb/home", false),
    ("dynamodb", "/dynamodbv2/home", false),
    ("ec2", "/ec2/home", false),
    ("ecr", "/ecr/home", false),
    ("ecs", "/ecs/v2/home", false),
    ("efs", "/efs/home", false),
    ("eks", "/eks/home", false),
    ("elasticache", "/elasticache/home", false),
    ("elasticbeanstalk", "/elasticbeanstalk/home", false),
    ("emr", "/emr/home", false),
    ("eventbridge", "/events/home", false),
    ("firehose", "/firehose/home", false),
    ("fsx", "/fsx/home", false),
    ("glacier", "/glacier/home", false),
    ("globalaccelerator", "/globalaccelerator/home", true),
    ("glue", "/glue/home", false),
    ("grafana", "/grafana/home", false),
    ("guardduty", "/guardduty/home", false),
    ("iam", "/iam/home", true),
    ("identitycenter", "/singlesignon/home", false),
    ("inspector", "/inspector/v2/home", false),
    ("iot", "/iot/home", false),
    ("kinesis", "/kinesis/home", false),
    ("kms", "/kms/home", false),
    ("lakeformation", "/lakeformation/home", false),
    ("lambda", "/lambda/home", false),
    ("macie", "/macie/home", false),
    ("mq", "/amazon-mq/home", false),
    ("msk", "/msk/home", false),
    ("mwaa", "/mwaa/home", false),
    ("neptune", "/neptune/home", false),
    ("opensearch", "/aos/home", false),
    ("organizations", "/organizations/v2/home", true),
    ("ram", "/ram/home", false),
    ("rds", "/rds/home", false),
    ("redshift", "/redshiftv2/home", false),
    ("resourcegroups", "/resource-groups/home", false),
    ("route53", "/route53/v2/home", true),
    ("s3", "/s3/home", false),
    ("sagemaker", "/sagemaker/home", false),
    ("secretsmanager", "/secretsmanager/home", false),
    ("securityhub", "/securityhub/home", false),
    ("servicecatalog", "/servicecatalog/home", false),
    ("servicequotas", "/servicequotas/home", false),
    ("ses", "/ses/home", false),
    ("sns", "/sns/v3/home", false),
    ("sqs", "/sqs/v3/home", false),
    ("ssm", "/systems-manager/home", false),
    ("stepfunctions", "/states/home", false),
    ("storagegateway", "/storagegateway/home", false),
    ("support", "/support/home", true),
    ("transfer", "/transfer/home", false),
    ("trustedadvisor", "/trustedadvisor/home", true),
    ("vpc", "/vpc/home", false),
    ("waf", "/wafv2/homev2", false),
    ("workspaces", "/workspaces/home", false),
    ("xray", "/xray/home", false),
];

/// `(alias, shortcut)`: the short names people type, as other tools accept them.
const ALIASES: &[(&str, &str)] = &[
    ("aos", "opensearch"),
    ("apigw", "apigateway"),
    ("c9", "cloud9"),
    ("ce", "costexplorer"),
    ("cf", "cloudfront"),
    ("cfn", "cloudformation"),
    ("ct", "cloudtrail"),
    ("cw", "cloudwatch"),
    ("ddb", "dynamodb"),
    ("dx", "directconnect"),
    ("eb", "elasticbeanstalk"),
    ("events", "eventbridge"),
    ("gd", "guardduty"),
    ("l", "lambda"),
    ("orgs", "organizations"),
    ("r53", "route53"),
    ("sfn", "stepfunctions"),
    ("sm", "secretsmanager"),
    ("sso", "identitycenter"),
    ("states", "stepfunctions"),
    ("ta", "trustedadvisor"),
    ("wafv2", "waf"),
];

/// What [`Service::from_name`] accepts, for its error.
const ALLOWED: &str = "a console service shortcut such as s3, ec2, iam or lambda, or an alias such as cfn or ddb (Service::all lists them)";

impl Service {
    /// Looks up a shortcut or an alias (case-insensitive).
    ///
    /// ```
    /// use fed_core::Service;
    ///
    /// assert_eq!(Service::from_name("CFN")?.name(), "cloudformation");
    /// assert!(Service::from_name("iam")?.is_global());
    /// assert!(Service::from_name("teleporter").is_err());
    /// # Ok::<(), fed_core::Error>(())
    /// ```
    pub fn from_name(name: &str) -> Result<Service, Error> {
        let lower = name.to_ascii_lowercase();
        let canonical = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map_or(lower.as_str(), |&(_, name)| name);
        Service::all()
            .find(|s| s.name == canonical)
            .ok_or_else(|| Error::invalid("service", name, "unknown service", ALLOWED))
    }

    /// Every shortcut of the catalogue, sorted by name.
    pub fn all() -> impl Iterator<Item = Service> {
        SERVICES
            .iter()
            .map(|&(name, path, global)| Service { name, path, global })
    }

    /// Every alias and the shortcut it stands for, sorted by alias.
    pub fn aliases() -> impl Iterator<Item = (&'static str, Service)> {
        ALIASES.iter().map(|&(alias, name)| {
            let service = Service::all()
                .find(|s| s.name == name)
                .expect("every alias names a shortcut of the catalogue");
            (alias, service)
        })
    }

    /// The shortcut's name.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The console path the shortcut opens, e.g. `/s3/home`.
    pub fn path(self) -> &'static str {
        self.path
    }

    /// Whether the service is global (its console page takes no region).
    pub fn is_global(self) -> bool {
        self.global
    }
}

#[cfg(test)]
mod tests;
