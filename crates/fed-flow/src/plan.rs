//! The plan of a sign-in, decided once from a [`SignIn`] and a [`Context`], with no AWS call:
//! which credentials and why, the roles to assume, the region, the session length, the
//! partition and the sign-in endpoints where they are known, and what the user should know
//! before anything is sent.

mod duration;
mod endpoints;

use fed_core::{Credentials, Destination, Partition, Region};

pub use self::duration::{DurationFrom, PlannedDuration};
pub use self::endpoints::{SigninEndpoints, parse_signin_endpoint};

use crate::chain::{self, Base, Hop, ProfileDefaults};
use crate::context::Context;
use crate::error::{Error, Input};
use crate::notice::Notice;
use crate::request::{Page, SignIn};
use crate::selection::{Selection, Source};

/// A sign-in, decided: build it with [`Context::plan`] (or [`plan`]), read what was decided,
/// then [`Plan::execute`] it.
///
/// ```no_run
/// # async fn run() -> Result<(), fed_flow::Error> {
/// use fed_core::Issuer;
/// use fed_flow::{Context, Host, NoPrompt, SignIn};
///
/// let context = Context::load(Host::real()).await?;
/// let request = SignIn::new(Issuer::new("my-tool").expect("an issuer")).profile("prod-admin");
/// let plan = context.plan(&request)?;
/// eprintln!("signing in with the credentials of {}", plan.source());
/// let signed_in = plan.execute(&NoPrompt).await?;
/// println!("{}", signed_in.console.expose());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) context: Context,
    /// The request, with the profile's console settings filling what it left open.
    pub(crate) request: SignIn,
    pub(crate) selection: Selection,
    pub(crate) base: Base,
    /// Every AssumeRole, in order: the profile's chain, then the request's role.
    pub(crate) hops: Vec<Hop>,
    pub(crate) region: Option<Region>,
    pub(crate) duration: Option<PlannedDuration>,
    /// The partition, where it is known before any call.
    pub(crate) partition: Option<Partition>,
    pub(crate) notices: Vec<Notice>,
}

/// Plans `request` with the process's environment and AWS config files, read once.
pub async fn plan(request: &SignIn) -> Result<Plan, Error> {
    Context::load(crate::Host::real()).await?.plan(request)
}

impl Context {
    /// Decides `request`, calling nothing: bad input, an unknown profile or a broken chain of
    /// profiles fails here, before anything is sent.
    pub fn plan(&self, request: &SignIn) -> Result<Plan, Error> {
        let selection = self.selection(request.profile.as_deref());
        let mut request = request.clone();
        let (base, mut hops, defaults, duration_seconds) = match &selection.source {
            Source::Environment { .. } => {
                let keys = Credentials::new(
                    self.var("AWS_ACCESS_KEY_ID").unwrap_or_default(),
                    self.var("AWS_SECRET_ACCESS_KEY").unwrap_or_default(),
                    self.var("AWS_SESSION_TOKEN"),
                    None,
                );
                (
                    Base::Keys(keys),
                    Vec::new(),
                    ProfileDefaults::default(),
                    None,
                )
            }
            Source::Profile { name, .. } => {
                let profile = self.require(name)?;
                let (base, hops) = chain::walk(self.profile_set(), profile)?;
                let seconds = chain::seconds(profile, "duration_seconds")?;
                (base, hops, ProfileDefaults::of(profile)?, seconds)
            }
            Source::DefaultChain => (
                Base::DefaultChain,
                Vec::new(),
                ProfileDefaults::default(),
                None,
            ),
        };
        defaults.apply(&mut request.page, &mut request.region);
        if let Some(role) = &request.role {
            hops.push(Hop {
                profile: None,
                role_arn: role.arn.clone(),
                session_name: role.session_name.clone(),
                external_id: role.external_id.clone(),
                mfa_serial: role.mfa_serial.clone(),
                duration: None,
            });
        }
        chain::refuse_user_login(&base, &hops)?;
        if request.mfa_code.is_some() && hops.iter().all(|hop| hop.mfa_serial.is_none()) {
            return Err(Error::MfaCodeUnused);
        }
        let region = match request.region.clone() {
            Some(region) => Some(region),
            None => self
                .region(selection.settings.as_deref())
                .map(Region::new)
                .transpose()
                .map_err(|e| Error::invalid(Input::Region, e))?,
        };
        let duration = duration::plan(
            &request,
            &selection,
            &defaults,
            duration_seconds,
            !hops.is_empty(),
        )?;
        let partition = request
            .partition
            .or_else(|| hops.last().map(|hop| hop.role_arn.partition()));
        let mut plan = Plan {
            context: self.clone(),
            request,
            selection,
            base,
            hops,
            region,
            duration,
            partition,
            notices: Vec::new(),
        };
        if let Some(partition) = partition {
            plan.check(partition)?;
        }
        plan.notices = plan.first_notices();
        Ok(plan)
    }
}

impl Plan {
    /// Which profile and why.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// Where the credentials come from.
    pub fn source(&self) -> &Source {
        &self.selection.source
    }

    /// The profile whose credentials are used, when they come from one.
    pub fn profile(&self) -> Option<&str> {
        self.selection.profile()
    }

    /// The value of `key` in the profile whose credentials are used (a tool's own settings,
    /// such as `fed_browser`); `None` when there is no such profile or value.
    pub fn profile_value(&self, key: &str) -> Option<String> {
        self.context.profile_value(self.profile()?, key)
    }

    /// The region of the console and of STS: the request's, else the profile's `fed_region`,
    /// else the environment's or the profile's `region`.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The console session length asked for, where it comes from, and the AssumeRole
    /// duration it makes when a role is assumed last.
    pub fn duration(&self) -> Option<&PlannedDuration> {
        self.duration.as_ref()
    }

    /// The partition, where it is known before any call (asked for, or the role's); otherwise
    /// the credentials' principal decides it.
    pub fn partition(&self) -> Option<Partition> {
        self.partition
    }

    /// The console page, with the profile's `fed_service` where the request asked for none.
    pub fn page(&self) -> &Page {
        &self.request.page
    }

    /// The federation endpoint and its logout partner, where the partition is known.
    pub fn endpoints(&self) -> Option<SigninEndpoints> {
        self.partition
            .map(|partition| SigninEndpoints::of(&self.request, partition))
    }

    /// What the user should know before anything is sent.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The request as decided: the profile's console settings fill what it left open.
    pub fn request(&self) -> &SignIn {
        &self.request
    }

    /// The checks that need the partition: the regions, the role's partition, the page.
    pub(crate) fn check(&self, partition: Partition) -> Result<Destination, Error> {
        if let Some(region) = &self.region {
            partition
                .check_region(region)
                .map_err(|e| Error::invalid(Input::Region, e))?;
        }
        if let Some(region) = &self.request.signin_region {
            partition
                .check_region(region)
                .map_err(|e| Error::invalid(Input::SigninRegion, e))?;
        }
        if let Some(role) = self
            .request
            .role
            .as_ref()
            .filter(|r| r.arn.partition() != partition)
        {
            return Err(Error::invalid(
                Input::RoleArn,
                format!(
                    "{} is in partition {}, but the credentials are in {partition}",
                    role.arn,
                    role.arn.partition()
                ),
            ));
        }
        destination(
            &self.request.page,
            partition,
            self.request.signin_endpoint.is_some(),
        )
    }

    fn first_notices(&self) -> Vec<Notice> {
        let mut notices = Vec::new();
        if let Some(endpoint) = &self.request.signin_endpoint
            && !endpoint
                .host_str()
                .is_some_and(|host| Partition::ALL.iter().any(|p| p.is_signin_host(host)))
        {
            notices.push(Notice::UnofficialSigninEndpoint {
                endpoint: endpoint.clone(),
            });
        }
        notices.push(Notice::Credentials {
            source: self.selection.source.clone(),
        });
        if let Source::Environment {
            ignored_profile: Some(profile),
        } = &self.selection.source
        {
            notices.push(Notice::EnvironmentKeysOverAwsProfile {
                profile: profile.clone(),
            });
        }
        notices
    }
}

/// The console page of `page` in `partition`; a URL may be on any host when `any_host` (for
/// emulators).
pub(crate) fn destination(
    page: &Page,
    partition: Partition,
    any_host: bool,
) -> Result<Destination, Error> {
    match page {
        Page::Home => Ok(Destination::ConsoleHome),
        Page::Service(service) => Ok(Destination::Service(*service)),
        Page::Destination(d) => Destination::parse(d, partition, any_host)
            .map_err(|e| Error::invalid(Input::Destination, e)),
    }
}

#[cfg(test)]
mod tests;
