//! `fed url --portal`: the IAM Identity Center access portal's shortcut link for the profile's
//! account and permission set, printed or delivered (browser, clipboard, QR code) instead of a
//! sign-in URL. It makes no AWS call; the browser's portal session does the sign-in.

use fed_flow::{Page, PortalRequest, PortalShortcut};

use crate::browser::{Choice, ProfileKeys};
use crate::cli::UrlArgs;
use crate::deliver::{clip, osc52, qr};
use crate::failure::Failure;
use crate::login::failure;
use crate::notices::Notices;
use crate::open::Opened;
use crate::output;
use crate::printable::printable;

/// The flags a shortcut link cannot carry, with the id of their argument and the variable that
/// stands in for some of them.
fn not_carried(args: &UrlArgs) -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    let given = [
        (args.role_arn.is_some(), "role_arn", "--role-arn", None),
        (
            args.session_name.is_some(),
            "session_name",
            "--session-name",
            None,
        ),
        (
            args.external_id.is_some(),
            "external_id",
            "--external-id",
            None,
        ),
        (
            args.mfa_serial.is_some(),
            "mfa_serial",
            "--mfa-serial",
            None,
        ),
        (args.mfa_code.is_some(), "mfa_code", "--mfa-code", None),
        (
            args.source_identity.is_some(),
            "source_identity",
            "--source-identity",
            None,
        ),
        (
            args.duration.is_some(),
            "duration",
            "--duration",
            Some("FED_DURATION"),
        ),
        (!args.policy.is_empty(), "policy", "--policy", None),
        (
            args.federation_name.is_some(),
            "federation_name",
            "--federation-name",
            None,
        ),
        (args.issuer.is_some(), "issuer", "--issuer", None),
        (
            args.signin_region.is_some(),
            "signin_region",
            "--signin-region",
            None,
        ),
        (
            args.signin_endpoint.is_some(),
            "signin_endpoint",
            "--signin-endpoint",
            Some("FED_SIGNIN_ENDPOINT"),
        ),
        (args.get, "get", "--get", None),
        (
            args.logout_first,
            "logout_first",
            "--logout-first",
            Some("FED_LOGOUT_FIRST"),
        ),
    ];
    given
        .into_iter()
        .filter(|(set, ..)| *set)
        .map(|(_, id, flag, variable)| (id, flag, variable))
        .collect()
}

/// Refuses the flags a shortcut link cannot carry, naming them all; those set by a variable
/// are ignored, and fed says so.
pub(crate) fn check_flags(args: &UrlArgs, notices: &Notices) -> anyhow::Result<()> {
    let mut refused = Vec::new();
    for (id, flag, variable) in not_carried(args) {
        match variable {
            Some(variable) if args.from_variables.iter().any(|v| v == id) => notices.say(&format!(
                "{variable} is ignored: the portal's shortcut link cannot carry it"
            )),
            _ => refused.push(flag),
        }
    }
    if refused.is_empty() {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--portal cannot be used with {}: the portal's shortcut link carries only the account, the permission set and the console page",
        refused.join(", ")
    ))
    .hint("the permission set decides the session's length and what it may do; leave out --portal for a sign-in URL that takes these flags")
    .into())
}

/// Prints or delivers the shortcut link of the profile, as the flags say: a browser (with the
/// profile's `fed_browser` and the rest, as for a sign-in URL), a clipboard, a QR code, or
/// stdout.
pub(crate) async fn run(
    args: &UrlArgs,
    context: &fed_flow::Context,
    notices: &Notices,
) -> anyhow::Result<()> {
    let mut request = PortalRequest::new();
    request.profile = args.profile_name().map(str::to_owned);
    request.region = args.region.clone();
    request.partition = args.partition;
    request.page = match (&args.service, &args.destination) {
        (Some(service), _) => Page::Service(*service),
        (None, Some(destination)) => Page::Destination(destination.clone()),
        (None, None) => Page::Home,
    };
    let shortcut = context.portal_link(&request).map_err(|e| failure(&e))?;
    let keys = ProfileKeys::of(context, Some(&shortcut.profile));
    let choice = crate::browser::choose(args, &keys)?;
    if let Some(choice) = &choice {
        crate::browser::check_installed(choice)?;
    }
    deliver(args, &shortcut, choice.as_ref(), notices)
}

/// Hands the link over: clipboard, terminal clipboard, QR code, a browser, or stdout.
fn deliver(
    args: &UrlArgs,
    shortcut: &PortalShortcut,
    choice: Option<&Choice>,
    notices: &Notices,
) -> anyhow::Result<()> {
    let link = shortcut.link.as_str();
    let about = format!(
        "the access portal's shortcut link for permission set {} in account {} (profile {})",
        shortcut.permission_set, shortcut.account_id, shortcut.profile
    );
    const SIGNS_IN: &str = "it signs in once the browser is signed in to the portal";
    if args.clip {
        clip::copy(link).map_err(|e| {
            Failure::new(e)
                .hint("over SSH or without a desktop, use --osc52 or --qr; or print the link")
        })?;
        notices.say(&format!("{about} is on the clipboard; {SIGNS_IN}"));
        return Ok(());
    }
    if args.osc52 {
        osc52::copy(link).map_err(Failure::new)?;
        notices.say(&format!(
            "sent {about} to the terminal's clipboard (OSC 52); {SIGNS_IN}"
        ));
        return Ok(());
    }
    if args.qr {
        let code = qr::render(link)
            .map_err(|e| Failure::new(e).hint("use --clip, --osc52, or print the link"))?;
        notices.say(&format!("scan the code to open {about}; {SIGNS_IN}"));
        return output::print_line(code.trim_end_matches('\n'));
    }
    if let Some(choice) = choice {
        let opener = choice.opener(args.open_direct, Some(&shortcut.profile));
        match crate::open::open(link, &opener) {
            Ok(Opened::Read | Opened::Direct) => {
                notices.say(&format!("opened {about}; {SIGNS_IN}"));
            }
            Ok(Opened::NotRead) => notices.say(&crate::open::not_read_notice()),
            Err(e) => {
                // The link is not lost: it goes to stdout, as without --open.
                eprintln!(
                    "fed: {}; the link follows on stdout, to open yourself",
                    printable(&e)
                );
                return print(args, shortcut);
            }
        }
        return Ok(());
    }
    if !args.json {
        notices.say(&format!("{about}: {SIGNS_IN}"));
    }
    print(args, shortcut)
}

/// The link, or with `--json` one object shaped as the sign-in URL's.
fn print(args: &UrlArgs, shortcut: &PortalShortcut) -> anyhow::Result<()> {
    if args.json {
        /// The object, its keys in a fixed (alphabetical) order.
        #[derive(serde::Serialize)]
        struct Json<'a> {
            account_id: &'a str,
            destination: Option<&'a str>,
            kind: &'static str,
            partition: &'a str,
            profile: &'a str,
            role_name: &'a str,
            url: &'a str,
        }
        let json = serde_json::to_string(&Json {
            account_id: &shortcut.account_id,
            destination: shortcut.destination.as_ref().map(url::Url::as_str),
            kind: "portal",
            partition: shortcut.partition.as_str(),
            profile: &shortcut.profile,
            role_name: &shortcut.permission_set,
            url: shortcut.link.as_str(),
        })
        .unwrap_or_default();
        return output::print_line(&json);
    }
    output::print_line(shortcut.link.as_str())
}
