//! Where the console lands after sign-in.

use url::Url;

use crate::{Error, Partition, Region, Service};

/// The console page to land on after sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Destination {
    /// The console home page.
    ConsoleHome,
    /// A service's console page.
    Service(Service),
    /// A path (with optional query and fragment) on the console host, e.g.
    /// `/s3/buckets?tab=objects`.
    Path(String),
    /// A full URL, already checked against the partition's console hosts
    /// (unless any host was allowed).
    Url(Url),
}

impl Destination {
    /// A service shortcut such as `s3` or `iam`.
    pub fn service(name: &str) -> Result<Destination, Error> {
        Service::from_name(name).map(Destination::Service)
    }

    /// A path starting with `/`, or a full URL. A full URL must be `https` on
    /// a console host of `partition`, unless `allow_any_host` is set (for
    /// emulators), which accepts any `http` or `https` URL.
    pub fn parse(
        input: &str,
        partition: Partition,
        allow_any_host: bool,
    ) -> Result<Destination, Error> {
        const ALLOWED: &str =
            "a path starting with / or an https URL on the partition's console host";
        if input.starts_with('/') && !input.starts_with("//") {
            // Checked by joining it to a console URL: it must stay on that host
            // (URL parsers read a backslash as a slash, so `/\host` names a host).
            let console = base(partition, None);
            let joined = console
                .join(input)
                .map_err(|e| Error::invalid("destination", input, e.to_string(), ALLOWED))?;
            if joined.host_str() != console.host_str() || joined.port() != console.port() {
                return Err(Error::invalid(
                    "destination",
                    input,
                    "the path leaves the console host",
                    ALLOWED,
                ));
            }
            return Ok(Destination::Path(input.to_owned()));
        }
        let url = Url::parse(input)
            .map_err(|e| Error::invalid("destination", input, e.to_string(), ALLOWED))?;
        if allow_any_host {
            if url.scheme() != "https" && url.scheme() != "http" {
                return Err(Error::invalid(
                    "destination",
                    input,
                    "not http or https",
                    "an http or https URL",
                ));
            }
            return Ok(Destination::Url(url));
        }
        if url.scheme() != "https" {
            return Err(Error::invalid("destination", input, "not https", ALLOWED));
        }
        let host = url.host_str().unwrap_or("");
        if !partition.is_console_host(host) {
            return Err(Error::invalid(
                "destination",
                input,
                format!("{host} is not a console host of partition {partition}"),
                ALLOWED,
            ));
        }
        Ok(Destination::Url(url))
    }

    /// The destination URL for a partition and an optional region.
    ///
    /// With a region, the regional console host is used and `region=` is set
    /// in the query (replacing any existing one, keeping the rest and the
    /// fragment), except for global services. A full URL keeps its host.
    /// A region of another partition is not refused here; check it first
    /// with [`Partition::check_region`].
    ///
    /// ```
    /// use fed_core::{Destination, Partition, Region};
    ///
    /// let s3 = Destination::service("s3")?;
    /// let region = Region::new("eu-west-1")?;
    /// assert_eq!(
    ///     s3.to_url(Partition::Aws, Some(&region)).as_str(),
    ///     "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
    /// );
    /// assert_eq!(
    ///     Destination::ConsoleHome.to_url(Partition::Aws, None).as_str(),
    ///     "https://console.aws.amazon.com/"
    /// );
    /// # Ok::<(), fed_core::Error>(())
    /// ```
    pub fn to_url(&self, partition: Partition, region: Option<&Region>) -> Url {
        let on_console = |region: Option<&Region>, path: &str| {
            let url = console_url(partition, region, &[path]);
            match region {
                Some(r) => with_region(url, r.as_str()),
                None => url,
            }
        };
        // Static paths have no query, so `region=` (a region name needs no
        // encoding) is written directly and the URL is parsed once.
        let on_console_static = |path: &str| match region {
            Some(r) => console_url(partition, region, &[path, "?region=", r.as_str()]),
            None => console_url(partition, None, &[path]),
        };
        match self {
            Destination::ConsoleHome => match region {
                None => console_url(partition, None, &["/"]),
                Some(_) => on_console_static("/console/home"),
            },
            Destination::Service(s) if s.is_global() => console_url(partition, None, &[s.path()]),
            Destination::Service(s) => on_console_static(s.path()),
            Destination::Path(p) => on_console(region, p),
            Destination::Url(u) => match region {
                Some(r) => with_region(u.clone(), r.as_str()),
                None => u.clone(),
            },
        }
    }
}

fn base(partition: Partition, region: Option<&Region>) -> Url {
    console_url(partition, region, &["/"])
}

/// `https://{console host}` followed by `parts`, the first of which is a path
/// starting with a single `/` (checked by [`Destination::parse`] for user
/// paths). The text is written into one buffer of the exact size and parsed
/// once.
fn console_url(partition: Partition, region: Option<&Region>, parts: &[&str]) -> Url {
    const SCHEME: &str = "https://";
    let host = partition.console_host(region);
    let len = SCHEME.len() + host.len() + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut text = String::with_capacity(len);
    text.push_str(SCHEME);
    text.push_str(&host);
    for part in parts {
        text.push_str(part);
    }
    Url::parse(&text).expect("console hosts and checked paths make valid URLs")
}

/// Sets `region=` in the query, replacing an existing one; keeps the fragment.
fn with_region(mut url: Url, region: &str) -> Url {
    if !url.query_pairs().any(|(k, _)| k == "region") {
        // Nothing to replace: the query is kept exactly as it is.
        url.query_pairs_mut().append_pair("region", region);
        return url;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "region")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        q.append_pair("region", region);
    }
    url
}

#[cfg(test)]
mod tests;
