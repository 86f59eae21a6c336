//! The public regions of each partition, for completion and suggestions. Region names are
//! not checked against these lists: a region AWS opens later works before fed knows it.

/// `aws`, the commercial partition.
pub(super) const AWS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
];

/// `aws-us-gov`, AWS GovCloud (US).
pub(super) const AWS_US_GOV: &[&str] = &["us-gov-east-1", "us-gov-west-1"];

/// `aws-cn`, AWS China.
pub(super) const AWS_CN: &[&str] = &["cn-north-1", "cn-northwest-1"];

/// `aws-eusc`, the AWS European Sovereign Cloud.
pub(super) const AWS_EUSC: &[&str] = &["eusc-de-east-1"];
