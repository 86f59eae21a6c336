//! Tests of browser names, command lines per browser and platform, container URLs and
//! `Local State` lookups.

use std::path::Path;

use super::*;

fn launch(browser: &str, platform: Platform, page: &Page<'_>) -> Result<Launch, String> {
    let browser = Browser::parse(browser)?;
    // Every program is installed, except the first Linux name of chrome, so the second is used.
    command_line(&browser, platform, page, &|program| {
        program != "google-chrome"
    })
}

fn page(target: &str) -> Page<'_> {
    Page {
        target,
        profile_directory: None,
        container: None,
        aws_profile: None,
    }
}

fn rendered(launch: &Launch) -> String {
    std::iter::once(launch.program.as_str())
        .chain(launch.args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn each_browser_on_each_platform() {
    const T: &str = "file:///run/user/1000/fed-open-x/signin.html";
    let cases: &[(&str, Platform, &str)] = &[
        ("chrome", Platform::Linux, "google-chrome-stable | T"),
        ("chromium", Platform::Linux, "chromium | T"),
        ("brave", Platform::Linux, "brave-browser | T"),
        ("edge", Platform::Linux, "microsoft-edge | T"),
        ("vivaldi", Platform::Linux, "vivaldi | T"),
        ("firefox", Platform::Linux, "firefox | --new-tab | T"),
        (
            "Chrome",
            Platform::MacOs,
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome | T",
        ),
        (
            "brave",
            Platform::MacOs,
            "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser | T",
        ),
        (
            "edge",
            Platform::MacOs,
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge | T",
        ),
        (
            "firefox",
            Platform::MacOs,
            "/Applications/Firefox.app/Contents/MacOS/firefox | --new-tab | T",
        ),
        ("safari", Platform::MacOs, "/usr/bin/open | -a | Safari | T"),
    ];
    for (name, platform, expected) in cases {
        let got = launch(name, *platform, &page(T)).expect(name);
        assert_eq!(
            rendered(&got),
            expected.replace('T', T),
            "{name} on {platform:?}"
        );
    }
    assert_eq!(
        launch("safari", Platform::Linux, &page(T)).unwrap_err(),
        "safari is not available on this system"
    );
    let none = command_line(
        &Browser::parse("vivaldi").unwrap(),
        Platform::Linux,
        &page(T),
        &|_| false,
    );
    assert_eq!(
        none.unwrap_err(),
        "vivaldi is not installed: none of vivaldi, vivaldi-stable is on PATH"
    );
}

#[test]
fn a_profile_directory_and_a_container() {
    let mut with_profile = page("file:///p.html");
    with_profile.profile_directory = Some("Profile 3");
    assert_eq!(
        rendered(&launch("chromium", Platform::Linux, &with_profile).unwrap()),
        "chromium | --profile-directory=Profile 3 | --no-first-run | --no-default-browser-check | file:///p.html"
    );
    let container = Container {
        name: "prod".to_owned(),
        color: Some(Color::Red),
        icon: None,
        format: ContainerFormat::Granted,
    };
    let mut in_container = page("http://127.0.0.1:4000/abc");
    in_container.container = Some(&container);
    assert_eq!(
        rendered(&launch("firefox", Platform::Linux, &in_container).unwrap()),
        "firefox | --new-tab | ext+granted-containers:name=prod&url=http%3A%2F%2F127.0.0.1%3A4000%2Fabc&color=red"
    );
}

#[test]
fn templates_fill_url_and_profile_as_whole_words() {
    let mut with_profile = page("http://127.0.0.1:4000/abc");
    with_profile.aws_profile = Some("prod admin");
    let got = launch(
        "'/opt/my browser/run' --new-window {url} --title='AWS {profile}'",
        Platform::Linux,
        &with_profile,
    )
    .unwrap();
    assert_eq!(
        rendered(&got),
        "/opt/my browser/run | --new-window | http://127.0.0.1:4000/abc | --title=AWS prod admin"
    );
}

#[test]
fn bad_browsers_name_what_is_allowed() {
    let err = Browser::parse("netscape").unwrap_err();
    assert!(err.starts_with("unknown browser \"netscape\"; allowed: chrome, chromium, brave, edge, vivaldi, firefox, safari, or a command with {url}"), "{err}");
    assert!(
        Browser::parse("{url} firefox")
            .unwrap_err()
            .contains("does not start with a program")
    );
    assert!(
        Browser::parse("firefox '{url}")
            .unwrap_err()
            .contains("cannot split")
    );
}

/// Decodes a container URL as the extensions do. Firefox hands the extension the URI
/// percent-encoded once more, which the extension undoes with `decodeURIComponent`, then it
/// reads the rest after the scheme with `URLSearchParams`: `form_urlencoded::parse` here.
fn decoded(url: &str) -> Vec<(String, String)> {
    let (_, query) = url.split_once(':').expect("a scheme");
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

#[test]
fn container_urls_escape_every_field_once() {
    let target = "http://127.0.0.1:4000/abc?x=1&y=2";
    for name in [
        "prod",
        "dev&test",
        "a=b",
        "100% sure",
        "prod+admin",
        "naïve/ü",
        "#1 ? yes",
    ] {
        for format in [
            ContainerFormat::Granted,
            ContainerFormat::OpenUrlInContainer,
        ] {
            for (color, icon) in [(None, None), (Some(Color::Purple), Some(Icon::Briefcase))] {
                let container = Container {
                    name: name.to_owned(),
                    color,
                    icon,
                    format,
                };
                let url = container.url(target);
                let scheme = match format {
                    ContainerFormat::Granted => "ext+granted-containers:",
                    ContainerFormat::OpenUrlInContainer => "ext+container:",
                };
                assert!(url.starts_with(scheme), "{url}");
                assert!(!url[scheme.len()..].contains(['+', ' ', '#', '?']), "{url}");
                let mut expected = vec![
                    ("name".to_owned(), name.to_owned()),
                    ("url".to_owned(), target.to_owned()),
                ];
                if let Some(color) = color {
                    expected.push(("color".to_owned(), color.name().to_owned()));
                }
                if let Some(icon) = icon {
                    expected.push(("icon".to_owned(), icon.name().to_owned()));
                }
                assert_eq!(decoded(&url), expected, "{url}");
            }
        }
    }
}

#[test]
fn colours_and_icons_are_checked() {
    assert_eq!(Color::parse("Turquoise"), Ok(Color::Turquoise));
    assert_eq!(Icon::parse("pet"), Ok(Icon::Pet));
    assert_eq!(
        Color::parse("black").unwrap_err(),
        "\"black\" is not a container colour; allowed: blue, turquoise, green, yellow, orange, red, pink, purple"
    );
    assert_eq!(
        Icon::parse("fence").unwrap_err(),
        "\"fence\" is not a container icon; allowed: fingerprint, briefcase, dollar, cart, circle, gift, vacation, food, fruit, pet, tree, chill"
    );
}

#[test]
fn profiles_are_found_by_display_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Local State"),
        r#"{"profile": {"info_cache": {
            "Default": {"name": "Person 1"},
            "Profile 3": {"name": "work"},
            "Profile 7": {"name": "team-prod"}
        }}}"#,
    )
    .expect("Local State");
    let before = std::fs::read(dir.path().join("Local State")).expect("read");
    assert_eq!(profile_directory(dir.path(), "work"), "Profile 3");
    assert_eq!(profile_directory(dir.path(), "team/prod"), "Profile 7");
    assert_eq!(profile_directory(dir.path(), "new one"), "new one");
    assert_eq!(profile_directory(Path::new("/nonexistent"), "work"), "work");
    assert_eq!(
        std::fs::read(dir.path().join("Local State")).expect("read"),
        before,
        "Local State is never written"
    );
}

#[test]
fn user_data_dirs() {
    let home = Path::new("/home/u");
    assert_eq!(
        user_data_dir(Named::Chrome, Platform::Linux, home).unwrap(),
        Path::new("/home/u/.config/google-chrome")
    );
    assert_eq!(
        user_data_dir(Named::Edge, Platform::MacOs, home).unwrap(),
        Path::new("/home/u/Library/Application Support/Microsoft Edge")
    );
    assert!(user_data_dir(Named::Firefox, Platform::Linux, home).is_none());
}
