//! Delivering the sign-in URL without a browser: the system clipboard (`--clip`), the
//! terminal's clipboard over SSH (`--osc52`), or a QR code (`--qr`). None of them puts the URL
//! in a process's command line or environment.

pub(crate) mod clip;
pub(crate) mod osc52;
pub(crate) mod qr;

use crate::browser::Choice;
use crate::cli::UrlArgs;
use crate::notices::Notices;
use crate::open::Opened;
use crate::output::Outcome;
use crate::printable::printable;

/// Hands the URL over as the flags say: clipboard, terminal clipboard, QR code, a browser, or
/// stdout.
pub(crate) fn deliver(
    args: &UrlArgs,
    outcome: &Outcome,
    choice: Option<&Choice>,
    aws_profile: Option<&str>,
    notices: &Notices,
) -> anyhow::Result<()> {
    let url = outcome.console.expose();
    let principal = &outcome.principal_arn;
    if args.clip {
        clip::copy(url).map_err(|e| {
            crate::failure::Failure::new(e)
                .hint("over SSH or without a desktop, use --osc52 or --qr; or print the URL")
        })?;
        notices.say(&format!(
            "the sign-in URL for {principal} is on the clipboard (valid for 15 minutes)"
        ));
        return Ok(());
    }
    if args.osc52 {
        osc52::copy(url).map_err(crate::failure::Failure::new)?;
        notices.say(&format!(
            "sent the sign-in URL for {principal} to the terminal's clipboard (OSC 52; valid for 15 minutes)"
        ));
        return Ok(());
    }
    if args.qr {
        let code = qr::render(url).map_err(|e| {
            crate::failure::Failure::new(e).hint("use --clip, --osc52, or print the URL")
        })?;
        notices.say(&format!(
            "scan the code to sign in as {principal} (valid for 15 minutes)"
        ));
        return crate::output::print_line(code.trim_end_matches('\n'));
    }
    if let Some(choice) = choice {
        let opener = choice.opener(args.open_direct, aws_profile);
        match crate::open::open(url, &opener) {
            Ok(Opened::Read) => notices.say(&format!(
                "opened the console sign-in URL for {principal} in the browser (valid for 15 minutes); its one-time link is gone"
            )),
            Ok(Opened::Direct) => notices.say(
                "opened the console sign-in URL in the browser (valid for 15 minutes); it was in the browser's command line",
            ),
            Ok(Opened::NotRead) => notices.say(&crate::open::not_read_notice()),
            Err(e) => {
                // The URL is not lost: it goes to stdout, as without --open.
                eprintln!(
                    "fed: {}; the sign-in URL follows on stdout, to open yourself",
                    printable(&e)
                );
                return crate::login::print(args, outcome);
            }
        }
        return Ok(());
    }
    if !args.json {
        notices.say(&format!(
            "sign-in URL for {principal} (valid for 15 minutes)"
        ));
    }
    crate::login::print(args, outcome)
}
