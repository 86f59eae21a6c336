//! Where the console opens and how the URL is delivered, end to end: named browsers, command
//! templates, Chromium profiles and Firefox containers (stub browsers on PATH that record their
//! command line and follow the one-time link, and one real headless Chromium), the clipboard
//! under Xvfb, OSC 52 through a pseudo-terminal, and QR codes decoded back.

use std::path::Path;

use crate::support::{
    Fed, HEADLESS, assert_failure, assert_success, chromium, create_role, decode_qr, executable,
    finished, follow, on_path, path_with, read, start_stack, stderr, stdout, stub_browser,
};

/// The recorded arguments carry no sign-in token, and the browser had no credentials.
#[track_caller]
fn no_secret_in(dir: &Path, name: &str) {
    let argv = read(dir, &format!("{name}.argv"));
    assert!(
        !argv.contains("SigninToken"),
        "the token is in argv: {argv}"
    );
    assert!(
        !argv.contains("/federation"),
        "the sign-in URL is in argv: {argv}"
    );
    let env = read(dir, &format!("{name}.env"));
    assert!(
        !env.contains("AWS_SECRET_ACCESS_KEY="),
        "credentials reached the browser"
    );
}

/// Each named browser is started by its Linux program with a one-time local link, never the
/// URL, and what the link leads to signs in; stdout stays empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_browsers_get_a_one_time_link() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-browsers").await;
    let dir = tempfile::tempdir().expect("temp dir");
    for (browser, program, first_args) in [
        ("chrome", "google-chrome-stable", ""),
        ("chromium", "chromium", ""),
        ("brave", "brave-browser", ""),
        ("edge", "microsoft-edge", ""),
        ("vivaldi", "vivaldi", ""),
        ("firefox", "firefox", "--new-tab\n"),
    ] {
        stub_browser(dir.path(), program);
        let out = Fed::on(&stack)
            .env("PATH", path_with(dir.path()))
            .run(&["url", "--browser", browser, "--role-arn", &role])
            .await;
        assert_success(&out);
        assert!(out.stdout.is_empty(), "{browser}: nothing on stdout");
        assert!(
            stderr(&out).contains("opened the console sign-in URL"),
            "{browser}: {}",
            stderr(&out)
        );
        finished(dir.path(), program);
        let argv = read(dir.path(), &format!("{program}.argv"));
        let rest = argv
            .strip_prefix(first_args)
            .unwrap_or_else(|| panic!("{browser}: {argv}"));
        assert!(
            rest.starts_with("http://127.0.0.1:") && rest.lines().count() == 1,
            "{browser}: {argv}"
        );
        no_secret_in(dir.path(), program);
        let location = read(dir.path(), &format!("{program}.location"));
        let landed = follow(&url::Url::parse(location.trim()).expect("a Location")).await;
        assert!(
            landed.contains("assumed-role/fed-e2e-browsers/"),
            "{browser}: {landed}"
        );
    }
}

/// `--browser-profile` finds the profile directory by display name in `Local State` and passes
/// it; `auto` names it after the AWS profile; the file is never changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_profiles_by_display_name() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-bprofile").await;
    let dir = tempfile::tempdir().expect("temp dir");
    stub_browser(dir.path(), "brave-browser");
    let fed = Fed::on(&stack).env("PATH", path_with(dir.path()));
    let user_data = fed
        .home()
        .path()
        .join(".config/BraveSoftware/Brave-Browser");
    std::fs::create_dir_all(&user_data).expect("user data");
    let state =
        r#"{"profile":{"info_cache":{"Default":{"name":"Me"},"Profile 3":{"name":"work"}}}}"#;
    std::fs::write(user_data.join("Local State"), state).expect("Local State");

    let out = fed
        .run(&[
            "url",
            "--browser",
            "brave",
            "--browser-profile",
            "work",
            "--role-arn",
            &role,
        ])
        .await;
    assert_success(&out);
    finished(dir.path(), "brave-browser");
    let argv = read(dir.path(), "brave-browser.argv");
    let lines: Vec<&str> = argv.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "--profile-directory=Profile 3",
            "--no-first-run",
            "--no-default-browser-check"
        ],
        "{argv}"
    );
    assert!(lines[3].starts_with("http://127.0.0.1:"), "{argv}");
    no_secret_in(dir.path(), "brave-browser");
    assert_eq!(
        std::fs::read_to_string(user_data.join("Local State")).expect("read"),
        state
    );

    // A name that is no profile yet is passed as the directory, which the browser creates.
    let out = fed
        .env("FED_BROWSER", "brave")
        .run(&["url", "--browser-profile", "team/new", "--role-arn", &role])
        .await;
    assert_success(&out);
    finished(dir.path(), "brave-browser");
    let argv = read(dir.path(), "brave-browser.argv");
    assert!(argv.starts_with("--profile-directory=team-new\n"), "{argv}");
}

/// `--browser-profile auto` with a profile of the config files: the browser profile is named
/// after it; the profile's fed_browser chooses the browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_browser_profile_follows_the_aws_profile() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-auto").await;
    let dir = tempfile::tempdir().expect("temp dir");
    stub_browser(dir.path(), "chromium");
    let keys = stack.credentials();
    let fed = Fed::on(&stack)
        .env("PATH", path_with(dir.path()))
        .env("AWS_ACCESS_KEY_ID", "")
        .env("AWS_SECRET_ACCESS_KEY", "");
    fed.home().write(
        "credentials",
        &format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            keys.access_key_id(),
            keys.secret_access_key()
        ),
    );
    fed.home().write(
        "config",
        &format!("[profile team-prod]\nrole_arn = {role}\nsource_profile = base\nfed_browser = chromium\n"),
    );
    let out = fed
        .run(&["url", "team-prod", "--browser-profile", "auto"])
        .await;
    assert_success(&out);
    finished(dir.path(), "chromium");
    let argv = read(dir.path(), "chromium.argv");
    assert!(
        argv.starts_with("--profile-directory=team-prod\n"),
        "{argv}"
    );

    // --open alone uses the profile's fed_browser.
    std::fs::remove_file(dir.path().join("chromium.argv")).expect("rm");
    let out = fed.run(&["url", "team-prod", "--open"]).await;
    assert_success(&out);
    finished(dir.path(), "chromium");
    assert!(read(dir.path(), "chromium.argv").starts_with("http://127.0.0.1:"));
}

/// `--container` opens Firefox on the extension's URL, which holds a one-time 127.0.0.1 link
/// (never the sign-in URL); following it once redirects to the URL that signs in; every field
/// is escaped once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containers_get_a_one_time_local_link() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-container").await;
    let dir = tempfile::tempdir().expect("temp dir");
    stub_browser(dir.path(), "firefox");
    for (format, scheme) in [
        (None, "ext+granted-containers:"),
        (Some("open-url-in-container"), "ext+container:"),
    ] {
        let mut args = vec![
            "url",
            "--container",
            "prod & co=1",
            "--container-color",
            "purple",
            "--container-icon",
            "briefcase",
            "--role-arn",
            &role,
        ];
        if let Some(format) = format {
            args.extend(["--container-format", format]);
        }
        let out = Fed::on(&stack)
            .env("PATH", path_with(dir.path()))
            .run(&args)
            .await;
        assert_success(&out);
        finished(dir.path(), "firefox");
        let argv = read(dir.path(), "firefox.argv");
        let lines: Vec<&str> = argv.lines().collect();
        assert_eq!(lines.len(), 2, "{argv}");
        assert_eq!(lines[0], "--new-tab");
        let container_url = lines[1]
            .strip_prefix(scheme)
            .unwrap_or_else(|| panic!("{argv}"));
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(container_url.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(fields[0], ("name".to_owned(), "prod & co=1".to_owned()));
        assert_eq!(fields[2], ("color".to_owned(), "purple".to_owned()));
        assert_eq!(fields[3], ("icon".to_owned(), "briefcase".to_owned()));
        let link = url::Url::parse(&fields[1].1).expect("a link");
        assert_eq!(link.host_str(), Some("127.0.0.1"), "{link}");
        no_secret_in(dir.path(), "firefox");
        let location = read(dir.path(), "firefox.location");
        let landed = follow(&url::Url::parse(location.trim()).expect("a Location")).await;
        assert!(
            landed.contains("assumed-role/fed-e2e-container/"),
            "{landed}"
        );
        // The link works once.
        let again = reqwest::get(link.as_str()).await;
        assert!(again.is_err() || again.is_ok_and(|r| r.status() != 302));
    }
}

/// A `--browser` command template gets the one-time link for `{url}` and the AWS profile for
/// `{profile}`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_templates_fill_url_and_profile() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-template").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let stub = stub_browser(dir.path(), "my browser");
    let template = format!("'{}' --window 'name={{profile}}' {{url}}", stub.display());
    let out = Fed::on(&stack)
        .env("FED_BROWSER", template)
        .run(&["url", "--open", "--role-arn", &role])
        .await;
    assert_success(&out);
    finished(dir.path(), "my browser");
    let argv = read(dir.path(), "my browser.argv");
    let lines: Vec<&str> = argv.lines().collect();
    assert_eq!(lines[..2], ["--window", "name="], "{argv}");
    assert!(lines[2].starts_with("http://127.0.0.1:"), "{argv}");
    no_secret_in(dir.path(), "my browser");
    let location = read(dir.path(), "my browser.location");
    let landed = follow(&url::Url::parse(location.trim()).expect("a Location")).await;
    assert!(
        landed.contains("assumed-role/fed-e2e-template/"),
        "{landed}"
    );
}

/// A browser that fails is named with its exit status, and the URL goes to stdout instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_browser_falls_back_to_stdout() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-badbrowser").await;
    let dir = tempfile::tempdir().expect("temp dir");
    executable(&dir.path().join("firefox"), "#!/bin/sh\nexit 3\n");
    let out = Fed::on(&stack)
        .env("PATH", path_with(dir.path()))
        .run(&["url", "--browser", "firefox", "--role-arn", &role])
        .await;
    assert_success(&out);
    assert!(stderr(&out).contains("exit status: 3"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("SigninToken="),
        "the URL is on stdout"
    );
}

/// Mistakes in where to open are usage errors before any call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_mistakes_are_named() {
    let stack = start_stack().await;
    let fed = Fed::on(&stack);
    let role = "arn:aws:iam::123456789012:role/nobody";
    type Case<'a> = (&'a [&'a str], &'a [(&'static str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            &["--browser", "netscape"],
            &[],
            "unknown browser \"netscape\"",
        ),
        (
            &["--browser", "firefox", "--browser-profile", "x"],
            &[],
            "Chromium-family",
        ),
        (
            &["--browser", "chrome", "--container", "x"],
            &[],
            "--container opens a Firefox container",
        ),
        (
            &["--browser-profile", "x"],
            &[],
            "--browser-profile needs the browser",
        ),
        (
            &["--container", "x", "--container-color", "black"],
            &[],
            "not a container colour",
        ),
        (
            &["--container", "x", "--container-icon", "fence"],
            &[],
            "not a container icon",
        ),
        (&["--container-color", "red"], &[], "--container"),
        (&["--clip", "--qr"], &[], "--qr"),
        (&["--osc52", "--json"], &[], "--json"),
        (&["--clip", "--browser", "chrome"], &[], "--browser"),
        (&["--open"], &[("FED_BROWSER", "netscape")], "FED_BROWSER"),
        (
            &["--browser-profile", "x"],
            &[("FED_BROWSER", "safari")],
            "Chromium-family",
        ),
    ];
    for (flags, vars, fragment) in cases {
        let mut fed = Fed::on(&stack);
        for (name, value) in *vars {
            fed = fed.env(name, *value);
        }
        let mut args = vec!["url", "--role-arn", role];
        args.extend_from_slice(flags);
        let out = fed.run(&args).await;
        assert_failure(&out, 2, fragment);
    }
    drop(fed);
    assert_eq!(stack.log().count(fed_local::Service::Sts, "AssumeRole"), 0);
}

/// A real headless Chromium, started by fed as `chromium` with `--browser-profile work`, opens
/// the profile's directory in its user-data directory and lands on the console page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_chromium_opens_in_the_profile() {
    let Some(real) = chromium("a_real_chromium_opens_in_the_profile") else {
        return;
    };
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-chromium").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let fed = Fed::on(&stack).env("PATH", path_with(dir.path()));
    let user_data = fed.home().path().join(".config/chromium");
    std::fs::create_dir_all(&user_data).expect("user data");
    std::fs::write(
        user_data.join("Local State"),
        r#"{"profile":{"info_cache":{"Profile 2":{"name":"work"}}}}"#,
    )
    .expect("Local State");
    // `chromium` on PATH: the real one, headless, in HOME's user-data directory, keeping the
    // DOM it ends on.
    executable(
        &dir.path().join("chromium"),
        &format!(
            "#!/bin/sh\nexec '{real}' {headless} \
             --virtual-time-budget=5000 --dump-dom --user-data-dir=\"$HOME/.config/chromium\" \"$@\" \
             > '{dir}/dom' 2>/dev/null\n",
            real = real.display(),
            headless = HEADLESS.join(" "),
            dir = dir.path().display()
        ),
    );
    let out = fed
        .run(&[
            "url",
            "--browser",
            "chromium",
            "--browser-profile",
            "work",
            "--role-arn",
            &role,
            "--session-name",
            "erin",
        ])
        .await;
    assert_success(&out);
    // fed returns once the page is read; the browser may still be loading.
    let dom_path = dir.path().join("dom");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let dom = loop {
        let dom = std::fs::read_to_string(&dom_path).unwrap_or_default();
        if dom.contains("</html>") || std::time::Instant::now() > deadline {
            break dom;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(
        dom.contains("assumed-role/fed-e2e-chromium/erin"),
        "the browser ends on the console page: {dom}"
    );
    assert!(
        user_data.join("Profile 2").is_dir(),
        "Chromium used the profile's directory"
    );
}

/// `--qr` draws a code on stdout that decodes back to a URL that signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_codes_decode_to_the_url() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-qr").await;
    let out = Fed::on(&stack)
        .run(&["url", "--qr", "--role-arn", &role])
        .await;
    assert_success(&out);
    let text = stdout(&out);
    assert!(!text.contains("SigninToken"), "only the code on stdout");
    let decoded = decode_qr(&text);
    let landed = follow(&url::Url::parse(&decoded).expect("a URL")).await;
    assert!(landed.contains("assumed-role/fed-e2e-qr/"), "{landed}");

    // Too long for a QR code: said, with other ways, and nothing on stdout.
    let long = format!("/s3/{}", "b".repeat(3000));
    let out = Fed::on(&stack)
        .run(&["url", "--qr", "--role-arn", &role, "--destination", &long])
        .await;
    assert_failure(&out, 1, "more than a QR code holds (2953)").hint_says("use --clip, --osc52");
}

/// `--osc52` writes the exact sequence to the terminal (a pseudo-terminal from `script`),
/// wrapped for tmux inside tmux; what it carries signs in. Nothing else goes to stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn osc52_writes_the_sequence_to_the_terminal() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-osc52").await;
    for tmux in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut fed = Fed::on(&stack)
            .env("SHELL", "/bin/sh")
            .env("TERM", if tmux { "tmux-256color" } else { "xterm" });
        if tmux {
            fed = fed.env("TMUX", "/tmp/tmux-1000/default,1,0");
        }
        let stdout_file = dir.path().join("stdout");
        let mut script = fed.in_terminal(
            &["url", "--osc52", "-q", "--role-arn", &role],
            Some(&stdout_file),
        );
        let out = script.output().await.expect("script runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(read(dir.path(), "stdout").is_empty(), "nothing on stdout");
        let terminal = out.stdout;
        let (start, end): (&[u8], &[u8]) = if tmux {
            (b"\x1bPtmux;\x1b\x1b]52;c;", b"\x07\x1b\\")
        } else {
            (b"\x1b]52;c;", b"\x07")
        };
        let at = terminal
            .windows(start.len())
            .position(|w| w == start)
            .unwrap_or_else(|| {
                panic!(
                    "the sequence (tmux: {tmux}) in {:?}",
                    String::from_utf8_lossy(&terminal)
                )
            });
        let rest = &terminal[at + start.len()..];
        let stop = rest
            .windows(end.len())
            .position(|w| w == end)
            .expect("terminated");
        assert!(
            rest[..stop]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b)),
            "base64 only inside"
        );
        use base64::Engine;
        let url = base64::engine::general_purpose::STANDARD
            .decode(&rest[..stop])
            .expect("base64");
        let url = String::from_utf8(url).expect("utf-8");
        let landed = follow(&url::Url::parse(&url).expect("a URL")).await;
        assert!(landed.contains("assumed-role/fed-e2e-osc52/"), "{landed}");
    }
}

/// `--clip` under a real X server (Xvfb): fed returns, the clipboard holds the URL (served by a
/// short-lived holder), and the holder exits once another program takes the clipboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clip_puts_the_url_on_the_x11_clipboard() {
    if !on_path("Xvfb") || !on_path("xclip") {
        assert!(
            std::env::var_os("CI").is_none(),
            "Xvfb and xclip are not installed"
        );
        eprintln!(
            "SKIPPED clip_puts_the_url_on_the_x11_clipboard: Xvfb and xclip are not installed"
        );
        return;
    }
    let display = format!(":{}", 90 + std::process::id() % 500);
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _xvfb = Kill(
        std::process::Command::new("Xvfb")
            .args([display.as_str(), "-nolisten", "tcp"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    let clipboard = |display: &str| {
        std::process::Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", display)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    // Wait for the X server.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", &display)
        .stderr(std::process::Stdio::piped())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stderr).contains("Can't open display"))
    {
        assert!(std::time::Instant::now() < deadline, "Xvfb did not start");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-clip").await;
    let out = Fed::on(&stack)
        .env("DISPLAY", display.clone())
        .run(&["url", "--clip", "--role-arn", &role])
        .await;
    assert_success(&out);
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(
        stderr(&out).contains("is on the clipboard"),
        "{}",
        stderr(&out)
    );
    // fed has returned; the clipboard still holds the URL, which signs in.
    let text = clipboard(&display).expect("the clipboard has text");
    let landed = follow(&url::Url::parse(text.trim()).expect("a URL")).await;
    assert!(landed.contains("assumed-role/fed-e2e-clip/"), "{landed}");
    // Marked as a secret, so clipboard histories (Klipper, and managers that honour the hint)
    // skip it.
    let targets = std::process::Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", "TARGETS"])
        .env("DISPLAY", &display)
        .output()
        .expect("xclip");
    let targets = String::from_utf8_lossy(&targets.stdout);
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "{targets}"
    );
    // The holder: fed's own program serving the clipboard of this display.
    let wanted = format!("DISPLAY={display}");
    let holders = || {
        std::fs::read_dir("/proc")
            .expect("/proc")
            .filter_map(|entry| {
                let dir = entry.ok()?.path();
                let cmdline = std::fs::read(dir.join("cmdline")).ok()?;
                // A process that is not dumpable shows its environment to root alone.
                let environ = std::fs::read(dir.join("environ")).unwrap_or_default();
                Some((cmdline, environ))
            })
            .filter(|(cmdline, environ)| {
                cmdline.ends_with(b"\0clipboard-hold\0")
                    && (environ.is_empty()
                        || environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()))
            })
            .count()
    };
    assert_eq!(holders(), 1, "one holder serves the clipboard");
    // Copying something else ends the holder: nothing is left running.
    let mut other = std::process::Command::new("xclip")
        .args(["-i", "-selection", "clipboard", "-l", "1"])
        .env("DISPLAY", &display)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("xclip");
    {
        use std::io::Write;
        other
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"something else")
            .expect("write");
    }
    let _other = Kill(other);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while clipboard(&display).as_deref() != Some("something else") {
        assert!(
            std::time::Instant::now() < deadline,
            "the clipboard was not taken"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    while holders() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the holder is still running"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Without a clipboard to use (no X display), `--clip` says so and suggests the other ways;
/// nothing on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clip_without_a_display_is_one_clear_error() {
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-noclip").await;
    let out = Fed::on(&stack)
        .run(&["url", "--clip", "--role-arn", &role])
        .await;
    assert_failure(&out, 1, "cannot use the clipboard")
        .hint_says("over SSH or without a desktop, use --osc52");
}

/// The one-time link answers another local user with 403 without being used up, over IPv4 and
/// over an IPv6 socket to `::ffff:127.0.0.1` (which the kernel lists in `/proc/net/tcp6`), and
/// the user's own browser then follows it. It needs to act as another user (`nobody`), so it
/// runs where the tests run as root with `setpriv`, and says it skipped otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_time_link_refuses_other_users() {
    if !crate::support::can_act_as_nobody() {
        eprintln!("SKIPPED the_one_time_link_refuses_other_users: needs root and setpriv");
        return;
    }
    let stack = start_stack().await;
    let role = create_role(&stack, "fed-e2e-otheruser").await;
    let dir = tempfile::tempdir().expect("temp dir");
    executable(
        &dir.path().join("firefox"),
        &format!(
            r#"#!/bin/bash
link="${{@: -1}}"
setpriv --reuid=65534 --regid=65534 --clear-groups curl -s -o /dev/null -w '%{{http_code}}' "$link" > '{dir}/other'
setpriv --reuid=65534 --regid=65534 --clear-groups curl -g -s -o /dev/null -w '%{{http_code}}' "${{link/127.0.0.1/[::ffff:127.0.0.1]}}" > '{dir}/other6'
curl -s -o /dev/null -D - "$link" | tr -d '\r' | sed -n 's/^Location: //p' > '{dir}/location'
touch '{dir}/firefox.done'
"#,
            dir = dir.path().display()
        ),
    );
    let out = Fed::on(&stack)
        .env("PATH", path_with(dir.path()))
        .run(&["url", "--browser", "firefox", "--role-arn", &role])
        .await;
    assert_success(&out);
    finished(dir.path(), "firefox");
    assert_eq!(read(dir.path(), "other"), "403", "another user is refused");
    // Without IPv6 in the kernel, the IPv6 client cannot even connect (curl says 000).
    let ipv6 = std::path::Path::new("/proc/net/if_inet6").exists();
    let other6 = read(dir.path(), "other6");
    assert!(
        other6 == "403" || (!ipv6 && other6 == "000"),
        "another user is refused over IPv6 too: {other6}"
    );
    let location = read(dir.path(), "location");
    let landed = follow(&url::Url::parse(location.trim()).expect("a Location")).await;
    assert!(
        landed.contains("assumed-role/fed-e2e-otheruser/"),
        "{landed}"
    );
}

/// A browser that is not installed is named before any AWS call, with what was looked for;
/// Safari on Linux is a usage error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_browser_is_named_before_any_call() {
    let stack = start_stack().await;
    let empty = tempfile::tempdir().expect("temp dir");
    let role = "arn:aws:iam::123456789012:role/nobody";
    let out = Fed::on(&stack)
        .env("PATH", empty.path().display().to_string())
        .run(&["url", "--browser", "vivaldi", "--role-arn", role])
        .await;
    assert_failure(
        &out,
        1,
        "vivaldi is not installed: none of vivaldi, vivaldi-stable is on PATH",
    );
    let out = Fed::on(&stack)
        .run(&["url", "--browser", "safari", "--role-arn", role])
        .await;
    assert_failure(&out, 2, "safari is not available on this system");
    assert_eq!(stack.log().count(fed_local::Service::Sts, "AssumeRole"), 0);
}
