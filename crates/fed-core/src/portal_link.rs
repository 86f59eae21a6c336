//! IAM Identity Center shortcut links: a console page opened as an account and permission set
//! through the AWS access portal, with no credentials and no federation token.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::Error;

/// What JavaScript's `encodeURIComponent` leaves as it is: letters, digits and
/// `- _ . ! ~ * ' ( )`. Everything else is percent-encoded as UTF-8.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The longest permission set name IAM Identity Center allows.
const MAX_PERMISSION_SET_NAME: usize = 32;

/// A shortcut link of the AWS access portal:
/// `{start URL}/#/console?account_id=…&role_name=…&destination=…`.
///
/// Opened in a browser that is signed in to the portal, it opens the console as the
/// permission set in the account, on the destination page (else the permission set's relay
/// state, else the console home). It carries no secret: the portal session does the sign-in.
/// `role_name` and `destination` are percent-encoded as JavaScript's `encodeURIComponent`
/// does, as the portal's own "Create shortcut" button does.
///
/// ```
/// use fed_core::{Destination, Partition, PortalLink, Region};
/// use url::Url;
///
/// let start = Url::parse("https://d-1234567890.awsapps.com/start/#/")?;
/// let region = Region::new("eu-west-1")?;
/// let s3 = Destination::service("s3")?.to_url(Partition::Aws, Some(&region));
/// let link = PortalLink::new(&start, "123456789012", Some("ReadOnly"), Some(&s3))?;
/// assert_eq!(
///     link.as_str(),
///     "https://d-1234567890.awsapps.com/start/#/console?account_id=123456789012\
///      &role_name=ReadOnly\
///      &destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1"
/// );
///
/// // Without a permission set the user picks one; without a destination the permission
/// // set's relay state applies.
/// let bare = PortalLink::new(&start, "123456789012", None, None)?;
/// assert_eq!(
///     bare.as_str(),
///     "https://d-1234567890.awsapps.com/start/#/console?account_id=123456789012"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalLink {
    url: String,
}

impl PortalLink {
    /// The shortcut link into the portal at `start_url` (the profile's `sso_start_url`) for
    /// `account_id` (12 digits), the permission set `permission_set` (its name, as
    /// `sso_role_name` holds it) and the console URL `destination`.
    ///
    /// The start URL must be an https URL without user info or a query; its fragment and any
    /// trailing `/` are dropped. A permission set name is 1 to 32 letters, digits and
    /// `_ + = , . @ -`, as IAM Identity Center allows.
    pub fn new(
        start_url: &Url,
        account_id: &str,
        permission_set: Option<&str>,
        destination: Option<&Url>,
    ) -> Result<PortalLink, Error> {
        let base = base(start_url)?;
        check_account_id(account_id)?;
        if let Some(name) = permission_set {
            check_permission_set(name)?;
        }
        let mut url = format!("{base}/#/console?account_id={account_id}");
        if let Some(name) = permission_set {
            url.push_str("&role_name=");
            url.push_str(&encode_uri_component(name));
        }
        if let Some(destination) = destination {
            url.push_str("&destination=");
            url.push_str(&encode_uri_component(destination.as_str()));
        }
        Ok(PortalLink { url })
    }

    /// The link.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The link as a [`Url`].
    pub fn to_url(&self) -> Url {
        Url::parse(&self.url).expect("a portal link is a valid URL")
    }
}

impl fmt::Display for PortalLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl AsRef<str> for PortalLink {
    fn as_ref(&self) -> &str {
        &self.url
    }
}

const START_URL_ALLOWED: &str =
    "an https URL of the AWS access portal, such as https://d-1234567890.awsapps.com/start";

/// The start URL without its fragment and trailing `/`.
fn base(start_url: &Url) -> Result<String, Error> {
    let bad =
        |problem: &str| Error::invalid("start URL", start_url.as_str(), problem, START_URL_ALLOWED);
    if start_url.scheme() != "https" {
        return Err(bad("not https"));
    }
    if start_url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !start_url.username().is_empty() || start_url.password().is_some() {
        return Err(bad("it has user info"));
    }
    if start_url.query().is_some() {
        return Err(bad("it has a query"));
    }
    let mut base = start_url.clone();
    base.set_fragment(None);
    Ok(base.as_str().trim_end_matches(['/', '#']).to_owned())
}

fn check_account_id(account_id: &str) -> Result<(), Error> {
    if account_id.len() == 12 && account_id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "account id",
            account_id,
            "not 12 digits",
            "an AWS account id of 12 digits, such as 123456789012",
        ))
    }
}

fn check_permission_set(name: &str) -> Result<(), Error> {
    const ALLOWED: &str =
        "1 to 32 letters, digits and _+=,.@- (the name of an IAM Identity Center permission set)";
    let problem = if name.is_empty() {
        "empty"
    } else if name.chars().count() > MAX_PERMISSION_SET_NAME {
        "longer than 32 characters"
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
    {
        "a character that is not allowed"
    } else {
        return Ok(());
    };
    Err(Error::invalid(
        "permission set name",
        name,
        problem,
        ALLOWED,
    ))
}

/// `s` percent-encoded as JavaScript's `encodeURIComponent` encodes it.
fn encode_uri_component(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

#[cfg(test)]
mod tests;
