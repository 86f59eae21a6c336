//! AWS partitions and their sign-in, console and logout hosts.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::{Error, Region};

mod regions;

/// An AWS partition that offers console federation.
///
/// The ISO partitions (`aws-iso*`), for which AWS publishes neither a
/// federation endpoint nor a console host, are rejected with
/// [`Error::UnsupportedPartition`] rather than silently treated as `aws`.
///
/// The AWS European Sovereign Cloud (`aws-eusc`) has no global sign-in host:
/// its federation endpoint is always the regional one,
/// `https://{region}.signin.amazonaws-eusc.eu/federation`, of
/// `eusc-de-east-1` when no region is given. Its logout endpoint is not
/// documented anywhere; fed uses the one the other partitions have, by
/// analogy.
///
/// The table of hosts:
///
/// ```
/// use fed_core::Partition;
///
/// for partition in Partition::ALL {
///     println!(
///         "{partition}: sign in at {}, console at {}, logout at {}",
///         partition.federation_endpoint(None),
///         partition.console_host(None),
///         partition.logout_endpoint(),
///     );
/// }
/// let china: Partition = "aws-cn".parse()?;
/// assert_eq!(china.console_host(None), "console.amazonaws.cn");
/// let eusc: Partition = "aws-eusc".parse()?;
/// assert_eq!(
///     eusc.federation_endpoint(None).as_str(),
///     "https://eusc-de-east-1.signin.amazonaws-eusc.eu/federation"
/// );
/// # Ok::<(), fed_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Partition {
    /// The commercial partition, `aws`.
    Aws,
    /// AWS GovCloud (US), `aws-us-gov`.
    AwsUsGov,
    /// AWS China, `aws-cn`.
    AwsCn,
    /// The AWS European Sovereign Cloud, `aws-eusc`.
    AwsEusc,
}

impl Partition {
    /// All supported partitions.
    pub const ALL: [Partition; 4] = [
        Partition::Aws,
        Partition::AwsUsGov,
        Partition::AwsCn,
        Partition::AwsEusc,
    ];

    /// The partition a region belongs to, from its prefix.
    pub fn from_region(region: &str) -> Result<Partition, Error> {
        let valid = is_region_name(region);
        if !valid {
            return Err(Error::invalid(
                "region",
                region,
                "not a region name",
                "a region such as us-east-1, eu-west-1, us-gov-west-1, cn-north-1 or eusc-de-east-1",
            ));
        }
        const UNSUPPORTED: [(&str, &str); 4] = [
            ("us-isob-", "aws-iso-b"),
            ("us-isof-", "aws-iso-f"),
            ("us-iso-", "aws-iso"),
            ("eu-isoe-", "aws-iso-e"),
        ];
        if let Some((_, name)) = UNSUPPORTED
            .iter()
            .find(|(prefix, _)| region.starts_with(prefix))
        {
            return Err(Error::UnsupportedPartition((*name).to_owned()));
        }
        Ok(if region.starts_with("cn-") {
            Partition::AwsCn
        } else if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else if region.starts_with("eusc-") {
            Partition::AwsEusc
        } else {
            Partition::Aws
        })
    }

    /// Checks that `region` is a region of this partition, e.g. before it is
    /// given to [`Partition::signin_host`] or [`crate::Destination::to_url`].
    ///
    /// ```
    /// use fed_core::{Partition, Region};
    ///
    /// let frankfurt = Region::new("eu-central-1")?;
    /// assert!(Partition::Aws.check_region(&frankfurt).is_ok());
    /// assert!(Partition::AwsCn.check_region(&frankfurt).is_err());
    /// # Ok::<(), fed_core::Error>(())
    /// ```
    pub fn check_region(self, region: &Region) -> Result<(), Error> {
        let of_region = region.partition();
        if of_region == self {
            Ok(())
        } else {
            Err(Error::invalid(
                "region",
                region.as_str(),
                format!("a region of partition {of_region}, not of {self}"),
                "a region of the credentials' partition",
            ))
        }
    }

    /// The partition's name as it appears in ARNs.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
            Partition::AwsEusc => "aws-eusc",
        }
    }

    /// The partition's public regions, as fed knows them: for completion and suggestions.
    /// Region names are not checked against this list, so a region AWS opens later works
    /// before fed lists it.
    ///
    /// ```
    /// use fed_core::Partition;
    ///
    /// assert!(Partition::Aws.regions().contains(&"eu-west-1"));
    /// assert_eq!(Partition::AwsCn.regions(), ["cn-north-1", "cn-northwest-1"]);
    /// ```
    pub fn regions(self) -> &'static [&'static str] {
        match self {
            Partition::Aws => regions::AWS,
            Partition::AwsUsGov => regions::AWS_US_GOV,
            Partition::AwsCn => regions::AWS_CN,
            Partition::AwsEusc => regions::AWS_EUSC,
        }
    }

    /// The region whose sign-in endpoint is the partition's global one, or
    /// for a partition without a global sign-in host (`aws-eusc`), the region
    /// whose sign-in host is used when none is given.
    pub fn default_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::AwsUsGov => "us-gov-west-1",
            Partition::AwsCn => "cn-north-1",
            Partition::AwsEusc => "eusc-de-east-1",
        }
    }

    /// Whether the partition has a global sign-in host, `signin.{domain}`.
    /// `aws-eusc` has none: its sign-in hosts are all regional.
    ///
    /// ```
    /// use fed_core::Partition;
    ///
    /// assert!(Partition::Aws.has_global_signin_host());
    /// assert!(!Partition::AwsEusc.has_global_signin_host());
    /// ```
    pub fn has_global_signin_host(self) -> bool {
        self != Partition::AwsEusc
    }

    /// The domain of the partition's sign-in and console hosts.
    fn domain(self) -> &'static str {
        match self {
            Partition::Aws => "aws.amazon.com",
            Partition::AwsUsGov => "amazonaws-us-gov.com",
            Partition::AwsCn => "amazonaws.cn",
            Partition::AwsEusc => "amazonaws-eusc.eu",
        }
    }

    /// The sign-in host: the global one, or `{region}.signin…` for a regional
    /// endpoint. The partition's default region has no prefix, except in a
    /// partition without a global sign-in host (`aws-eusc`), where the host
    /// is always regional (of the default region when none is given).
    ///
    /// ```
    /// use fed_core::{Partition, Region};
    ///
    /// assert_eq!(Partition::Aws.signin_host(None), "signin.aws.amazon.com");
    /// let region = Region::new("eu-west-1")?;
    /// assert_eq!(
    ///     Partition::Aws.signin_host(Some(&region)),
    ///     "eu-west-1.signin.aws.amazon.com"
    /// );
    /// assert_eq!(
    ///     Partition::AwsEusc.signin_host(None),
    ///     "eusc-de-east-1.signin.amazonaws-eusc.eu"
    /// );
    /// # Ok::<(), fed_core::Error>(())
    /// ```
    pub fn signin_host(self, signin_region: Option<&Region>) -> String {
        let region = signin_region.map_or(self.default_region(), Region::as_str);
        if self.has_global_signin_host() && region == self.default_region() {
            format!("signin.{}", self.domain())
        } else {
            format!("{region}.signin.{}", self.domain())
        }
    }

    /// Whether `host` is a sign-in host of this partition: `signin.…` or
    /// `{region}.signin.…` for a region of the partition. The bare
    /// `signin.amazonaws-eusc.eu` counts too: it is AWS's, though fed never
    /// sends to it.
    pub fn is_signin_host(self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let apex = format!("signin.{}", self.domain());
        host == apex
            || host
                .strip_suffix(&apex)
                .and_then(|rest| rest.strip_suffix('.'))
                .and_then(|region| Region::new(region).ok())
                .is_some_and(|region| region.partition() == self)
    }

    /// `https://{signin host}/federation`.
    ///
    /// ```
    /// use fed_core::Partition;
    ///
    /// assert_eq!(
    ///     Partition::AwsUsGov.federation_endpoint(None).as_str(),
    ///     "https://signin.amazonaws-us-gov.com/federation"
    /// );
    /// ```
    pub fn federation_endpoint(self, signin_region: Option<&Region>) -> Url {
        https(&self.signin_host(signin_region), "/federation")
    }

    /// The console host: `console.…` or `{region}.console.…`.
    pub fn console_host(self, region: Option<&Region>) -> String {
        // `concat` allocates once, at the exact size.
        match region.map(Region::as_str) {
            Some(region) => [region, ".console.", self.domain()].concat(),
            None => ["console.", self.domain()].concat(),
        }
    }

    /// Whether `host` is a console host of this partition (`console.…` or
    /// `{anything}.console.…`, which covers regional and multi-session hosts).
    pub fn is_console_host(self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let apex = format!("console.{}", self.domain());
        host == apex
            || host
                .strip_suffix(&apex)
                .and_then(|rest| rest.strip_suffix('.'))
                .is_some_and(|labels| labels.split('.').all(|label| !label.is_empty()))
    }

    /// The logout endpoint, `https://{default-region}.signin…/oauth`.
    ///
    /// AWS documents none of them; those of `aws`, `aws-us-gov` and `aws-cn`
    /// are in wide use, while that of `aws-eusc`
    /// (`https://eusc-de-east-1.signin.amazonaws-eusc.eu/oauth`) is built by
    /// analogy and unconfirmed.
    ///
    /// A `redirect_uri` is honoured only on the region-prefixed host, so the
    /// login URL of a logout-first link must use
    /// [`Partition::logout_signin_host`] too (see
    /// [`Partition::logout_first_federation_endpoint`]).
    pub fn logout_endpoint(self) -> Url {
        https(&self.logout_signin_host(), "/oauth")
    }

    /// The federation endpoint of a logout-first link,
    /// `https://{default-region}.signin…/federation`. The sign-in token must be
    /// requested from this endpoint too, since it is used where it was issued.
    pub fn logout_first_federation_endpoint(self) -> Url {
        https(&self.logout_signin_host(), "/federation")
    }

    /// The region-prefixed sign-in host of the default region, e.g.
    /// `us-east-1.signin.aws.amazon.com`.
    pub fn logout_signin_host(self) -> String {
        format!("{}.signin.{}", self.default_region(), self.domain())
    }
}

/// Whether `s` has the shape of a region name: lowercase words joined by `-`,
/// ending in a number, e.g. `us-east-1` or `us-gov-west-1`.
fn is_region_name(s: &str) -> bool {
    let Some((words, number)) = s.rsplit_once('-') else {
        return false;
    };
    words.split('-').count() >= 2
        && words
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn https(host: &str, path: &str) -> Url {
    Url::parse(&format!("https://{host}{path}")).expect("partition hosts are valid URLs")
}

impl FromStr for Partition {
    type Err = Error;

    fn from_str(s: &str) -> Result<Partition, Error> {
        match s {
            "aws" => Ok(Partition::Aws),
            "aws-us-gov" => Ok(Partition::AwsUsGov),
            "aws-cn" => Ok(Partition::AwsCn),
            "aws-eusc" => Ok(Partition::AwsEusc),
            other if other.starts_with("aws-iso") => {
                Err(Error::UnsupportedPartition(other.to_owned()))
            }
            other => Err(Error::invalid(
                "partition",
                other,
                "unknown partition",
                "aws, aws-us-gov, aws-cn or aws-eusc",
            )),
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
