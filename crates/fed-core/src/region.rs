//! Region names, checked once so that every host built from them is valid.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Partition};

/// An AWS region name of a supported partition, such as `eu-west-1`.
///
/// It is lowercase words joined by `-` and ending in a number, so it can be
/// put into a host name as it is; its partition comes from its prefix.
///
/// ```
/// use fed_core::{Partition, Region};
///
/// let region: Region = "eu-west-1".parse()?;
/// assert_eq!(region.partition(), Partition::Aws);
/// assert_eq!(Region::new("cn-north-1")?.partition(), Partition::AwsCn);
/// assert_eq!(Region::new("eusc-de-east-1")?.partition(), Partition::AwsEusc);
/// assert!(Region::new("eu west 1").is_err());
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    name: String,
    partition: Partition,
}

impl Region {
    /// Checks a region name and finds its partition. Regions of partitions
    /// without console federation (`us-iso-…`, `eu-isoe-…`) are
    /// [`Error::UnsupportedPartition`].
    pub fn new(name: impl Into<String>) -> Result<Region, Error> {
        let name = name.into();
        let partition = Partition::from_region(&name)?;
        Ok(Region { name, partition })
    }

    /// The name, e.g. `eu-west-1`.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The partition the region belongs to.
    pub fn partition(&self) -> Partition {
        self.partition
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(s: &str) -> Result<Region, Error> {
        Region::new(s)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl AsRef<str> for Region {
    fn as_ref(&self) -> &str {
        &self.name
    }
}
