//! The command line, as clap derives. Values are validated here, by fed-core's
//! types, so a bad value is a usage error (exit code 2) that names its flag.

use clap::{ArgAction, Args, Parser, Subcommand};
use clap_complete::ArgValueCandidates;
use fed_core::{
    Arn, ExternalId, FederationName, Issuer, MfaCode, MfaSerial, Partition, Region,
    RequestedDuration, RoleArn, RoleSessionName, Service, SourceIdentity,
};

use fed_flow::SessionPolicy;

use crate::browser::{Browser, Color, ContainerFormat, Icon};
use crate::policy_alias;

/// The ways of delivering the URL other than printing it, which exclude each other.
const DELIVERY_BUT_CLIP: [&str; 7] = [
    "json",
    "open",
    "osc52",
    "qr",
    "browser",
    "browser_profile",
    "container",
];
const DELIVERY_BUT_OSC52: [&str; 7] = [
    "json",
    "open",
    "clip",
    "qr",
    "browser",
    "browser_profile",
    "container",
];
const DELIVERY_BUT_QR: [&str; 7] = [
    "json",
    "open",
    "clip",
    "osc52",
    "browser",
    "browser_profile",
    "container",
];

/// Turn AWS credentials into an AWS Management Console sign-in URL.
#[derive(Debug, Parser)]
#[command(
    name = "fed",
    version,
    about = "Turn AWS credentials into an AWS Management Console sign-in URL",
    propagate_version = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a console sign-in URL for the current (or an assumed) identity.
    #[command(visible_alias = "login")]
    Url(Box<UrlArgs>),
    /// List the console services of --service: shortcut, global or regional, console path and
    /// aliases.
    Services,
    /// Print the script that sets up completion for a shell: flags, profile names, services,
    /// policy aliases, partitions and regions (see the README for each shell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Serves the URL of `--clip` on the clipboard (started by fed itself; the URL comes on
    /// stdin).
    #[command(hide = true)]
    ClipboardHold,
}

/// Options of `fed url`.
#[derive(Debug, Args)]
pub(crate) struct UrlArgs {
    /// Profile of the AWS config files to sign in with, as `fed url PROFILE`; it wins over
    /// credentials in the environment.
    #[arg(
        value_name = "PROFILE",
        conflicts_with = "profile",
        help_heading = "Credentials",
        add = ArgValueCandidates::new(crate::complete::profiles)
    )]
    pub(crate) profile_arg: Option<String>,

    /// Named profile of the AWS config files; it wins over credentials in the environment.
    /// Without it: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else AWS_PROFILE, else the
    /// `default` profile, as the AWS CLI picks them.
    #[arg(long, help_heading = "Credentials", add = ArgValueCandidates::new(crate::complete::profiles))]
    pub(crate) profile: Option<String>,

    /// Region of the console (and of STS calls); defaults to the profile's region.
    #[arg(long, env = "AWS_REGION", value_parser = parse_region, help_heading = "Credentials", add = ArgValueCandidates::new(crate::complete::regions))]
    pub(crate) region: Option<Region>,

    /// Assume this role first and sign in as it.
    #[arg(long, value_name = "ARN", value_parser = parse_role_arn, help_heading = "Assume role")]
    pub(crate) role_arn: Option<RoleArn>,

    /// Session name for --role-arn [default: derived from the caller].
    #[arg(long, value_name = "NAME", value_parser = parse_session_name, help_heading = "Assume role")]
    pub(crate) session_name: Option<RoleSessionName>,

    /// External id required by the role's trust policy.
    #[arg(long, value_name = "ID", value_parser = parse_external_id, help_heading = "Assume role")]
    pub(crate) external_id: Option<ExternalId>,

    /// MFA device serial number or ARN required by the role's trust policy.
    #[arg(long, value_name = "SERIAL", value_parser = parse_mfa_serial, help_heading = "Assume role")]
    pub(crate) mfa_serial: Option<MfaSerial>,

    /// Current MFA code, for --mfa-serial or the profile's mfa_serial (prompted for on a
    /// terminal when missing).
    #[arg(long, value_name = "CODE", value_parser = parse_mfa_code, help_heading = "Assume role")]
    pub(crate) mfa_code: Option<MfaCode>,

    /// Source identity to set on the role session.
    #[arg(long, value_name = "ID", value_parser = parse_source_identity, help_heading = "Assume role")]
    pub(crate) source_identity: Option<SourceIdentity>,

    /// Length of the console session: seconds, or 90m, 12h, 1h30m.
    #[arg(long, short = 'd', value_name = "DURATION", env = "FED_DURATION", value_parser = parse_duration)]
    pub(crate) duration: Option<RequestedDuration>,

    /// Session policy for long-term IAM user keys (GetFederationToken): a managed
    /// policy ARN or an alias (readonly, admin, poweruser, billing, s3-readonly,
    /// viewonly, ...). Repeatable.
    #[arg(
        long,
        short = 'p',
        value_name = "POLICY",
        value_parser = policy_alias::parse,
        help_heading = "IAM user keys",
        add = ArgValueCandidates::new(crate::complete::policies)
    )]
    pub(crate) policy: Vec<SessionPolicy>,

    /// Name of the federated user [default: derived from the caller].
    #[arg(long, value_name = "NAME", value_parser = parse_federation_name, help_heading = "IAM user keys")]
    pub(crate) federation_name: Option<FederationName>,

    /// Console service to open, e.g. s3, ec2, iam, or an alias such as cfn (`fed services` lists
    /// them).
    #[arg(long, short = 's', value_name = "SERVICE", value_parser = crate::services::parse, conflicts_with = "destination", help_heading = "Destination", add = ArgValueCandidates::new(crate::complete::services))]
    pub(crate) service: Option<Service>,

    /// Console page to open: a path such as /s3/buckets or a full console URL.
    #[arg(long, value_name = "URL_OR_PATH", help_heading = "Destination")]
    pub(crate) destination: Option<String>,

    /// Issuer shown by the console; where users go when the session ends [default: fed].
    #[arg(long, value_name = "ISSUER", value_parser = parse_issuer, help_heading = "Destination")]
    pub(crate) issuer: Option<Issuer>,

    /// Partition, instead of detecting it from the caller's ARN.
    #[arg(long, value_name = "PARTITION", value_parser = parse_partition, help_heading = "Sign-in endpoint", add = ArgValueCandidates::new(crate::complete::partitions))]
    pub(crate) partition: Option<Partition>,

    /// Use the regional sign-in endpoint of this region.
    #[arg(long, value_name = "REGION", value_parser = parse_region, help_heading = "Sign-in endpoint", add = ArgValueCandidates::new(crate::complete::regions))]
    pub(crate) signin_region: Option<Region>,

    /// Base URL of the federation endpoint, e.g. an emulator's.
    #[arg(long, value_name = "URL", env = "FED_SIGNIN_ENDPOINT", value_parser = fed_flow::parse_signin_endpoint, help_heading = "Sign-in endpoint")]
    pub(crate) signin_endpoint: Option<url::Url>,

    /// Request the sign-in token with GET instead of POST.
    #[arg(long, help_heading = "Sign-in endpoint")]
    pub(crate) get: bool,

    /// Sign out of any console session first, then sign in (one URL). With the console's
    /// multi-session on, the sign-out answers HTTP 400; a plain URL adds a session there
    /// instead. FED_LOGOUT_FIRST takes 1, true, yes or on, and 0, false, no or off.
    #[arg(
        long,
        env = "FED_LOGOUT_FIRST",
        value_parser = clap::builder::BoolishValueParser::new(),
        help_heading = "Output"
    )]
    pub(crate) logout_first: bool,

    /// Print the IAM Identity Center access portal's shortcut link to the console for the
    /// profile's account and permission set, instead of a sign-in URL: no AWS call and no
    /// credentials; it opens in a browser signed in to the portal.
    #[arg(long, help_heading = "Output")]
    pub(crate) portal: bool,

    /// Print one JSON object instead of the bare URL.
    #[arg(long, help_heading = "Output")]
    pub(crate) json: bool,

    /// Open the URL in the browser (FED_BROWSER or the profile's fed_browser, else $BROWSER,
    /// else the system's) through a one-time local link, so the URL is in no command line.
    #[arg(long, conflicts_with = "json", help_heading = "Output")]
    pub(crate) open: bool,

    /// With --open, give the browser the URL itself, as browsers that cannot read the private
    /// page need (snap-packaged Firefox cannot read /tmp). The URL is then in the browser's
    /// command line, readable by other local users while it runs.
    #[arg(long, requires = "open", help_heading = "Output")]
    pub(crate) open_direct: bool,

    /// Open the console in this browser: chrome, chromium, brave, edge, vivaldi, firefox,
    /// safari, or a command with {url} (and {profile}, the AWS profile), such as
    /// 'firefox -P work {url}'. Implies --open. FED_BROWSER, else the profile's fed_browser,
    /// chooses the browser of --open.
    #[arg(
        long,
        value_name = "BROWSER",
        value_parser = Browser::parse,
        conflicts_with = "open_direct",
        help_heading = "Browser",
        add = ArgValueCandidates::new(crate::complete::browsers)
    )]
    pub(crate) browser: Option<Browser>,

    /// Open in this profile of a Chromium-family --browser, by the name the browser shows;
    /// `auto`: a browser profile per AWS profile, created on first use. Implies --open.
    /// FED_BROWSER_PROFILE, else the profile's fed_browser_profile, applies to --open.
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["container", "open_direct"],
        help_heading = "Browser"
    )]
    pub(crate) browser_profile: Option<String>,

    /// Open in this Firefox container (with the Granted Containers extension; see
    /// --container-format for the other). Implies --open and Firefox. The profile's
    /// fed_container applies to --open.
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "open_direct",
        help_heading = "Browser"
    )]
    pub(crate) container: Option<String>,

    /// Colour of a container fed creates or updates.
    #[arg(
        long,
        value_name = "COLOR",
        value_parser = Color::parse,
        requires = "container",
        help_heading = "Browser",
        add = ArgValueCandidates::new(crate::complete::container_colors)
    )]
    pub(crate) container_color: Option<Color>,

    /// Icon of a container fed creates or updates.
    #[arg(
        long,
        value_name = "ICON",
        value_parser = Icon::parse,
        requires = "container",
        help_heading = "Browser",
        add = ArgValueCandidates::new(crate::complete::container_icons)
    )]
    pub(crate) container_icon: Option<Icon>,

    /// The extension that opens containers: granted (Granted Containers, the default) or
    /// open-url-in-container ("Open external links in a container").
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        requires = "container",
        help_heading = "Browser"
    )]
    pub(crate) container_format: Option<ContainerFormat>,

    /// Put the URL on the system clipboard instead of printing it (on Linux, it stays there
    /// until something else is copied, at most 15 minutes).
    #[arg(long, conflicts_with_all = DELIVERY_BUT_CLIP, help_heading = "Output")]
    pub(crate) clip: bool,

    /// Put the URL on the clipboard of the terminal you sit at, also over SSH (OSC 52, written
    /// to the terminal; tmux needs allow-passthrough).
    #[arg(long, conflicts_with_all = DELIVERY_BUT_OSC52, help_heading = "Output")]
    pub(crate) osc52: bool,

    /// Draw the URL as a QR code on stdout, to scan with another device.
    #[arg(long, conflicts_with_all = DELIVERY_BUT_QR, help_heading = "Output")]
    pub(crate) qr: bool,

    /// Print nothing but the result and errors.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub(crate) quiet: bool,

    /// Log what fed does to stderr (-v, -vv); RUST_LOG also works.
    #[arg(long, short = 'v', action = ArgAction::Count, help_heading = "Output")]
    pub(crate) verbose: u8,

    /// The ids of the arguments whose value came from an environment variable.
    #[arg(skip)]
    pub(crate) from_variables: Vec<String>,
}

impl UrlArgs {
    /// The profile named on the command line, by `--profile` or as the argument.
    pub(crate) fn profile_name(&self) -> Option<&str> {
        self.profile.as_deref().or(self.profile_arg.as_deref())
    }
}

fn parse_region(s: &str) -> Result<Region, fed_core::Error> {
    Region::new(s)
}

fn parse_role_arn(s: &str) -> Result<RoleArn, String> {
    let arn: Arn = s.parse().map_err(|e: fed_core::Error| e.to_string())?;
    RoleArn::new(arn).map_err(|_| {
        format!("{s:?} is not a role ARN; expected arn:PARTITION:iam::ACCOUNT:role/NAME")
    })
}

fn parse_session_name(s: &str) -> Result<RoleSessionName, fed_core::Error> {
    RoleSessionName::new(s)
}

fn parse_external_id(s: &str) -> Result<ExternalId, fed_core::Error> {
    ExternalId::new(s)
}

fn parse_mfa_serial(s: &str) -> Result<MfaSerial, fed_core::Error> {
    MfaSerial::new(s)
}

fn parse_mfa_code(s: &str) -> Result<MfaCode, fed_core::Error> {
    MfaCode::new(s)
}

fn parse_source_identity(s: &str) -> Result<SourceIdentity, fed_core::Error> {
    SourceIdentity::new(s)
}

fn parse_federation_name(s: &str) -> Result<FederationName, fed_core::Error> {
    FederationName::new(s)
}

fn parse_issuer(s: &str) -> Result<Issuer, fed_core::Error> {
    Issuer::new(s)
}

fn parse_partition(s: &str) -> Result<Partition, fed_core::Error> {
    s.parse()
}

/// A duration within the widest range any credential allows (900–129600 s);
/// the narrower rule of each path is applied once the path is known.
fn parse_duration(s: &str) -> Result<RequestedDuration, String> {
    let d = fed_core::parse_duration(s).map_err(|e| e.to_string())?;
    RequestedDuration::new(d).map_err(|_| {
        format!(
            "{s:?} is out of range; allowed: 900 to 129600 seconds (15m to 36h), at most 12h with --role-arn"
        )
    })
}

#[cfg(test)]
mod tests;
