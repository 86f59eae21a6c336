//! `--browser` values: a browser fed knows by name, or a command template.

use std::fmt;

/// A browser fed knows how to start, per platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    Chrome,
    Chromium,
    Brave,
    Edge,
    Vivaldi,
    Firefox,
    Safari,
}

impl Named {
    pub(crate) const ALL: [Named; 7] = [
        Named::Chrome,
        Named::Chromium,
        Named::Brave,
        Named::Edge,
        Named::Vivaldi,
        Named::Firefox,
        Named::Safari,
    ];

    /// The name `--browser` takes.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Named::Chrome => "chrome",
            Named::Chromium => "chromium",
            Named::Brave => "brave",
            Named::Edge => "edge",
            Named::Vivaldi => "vivaldi",
            Named::Firefox => "firefox",
            Named::Safari => "safari",
        }
    }

    /// Whether it is of the Chromium family, whose profiles `--browser-profile` picks.
    pub(crate) fn is_chromium(self) -> bool {
        !matches!(self, Named::Firefox | Named::Safari)
    }
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What `--browser` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Browser {
    /// A browser fed knows.
    Named(Named),
    /// A command line with `{url}` (and maybe `{profile}`), split as a shell would, run without
    /// a shell.
    Template(Vec<String>),
}

impl Browser {
    /// Parses a `--browser` value (or `FED_BROWSER`, or a profile's `fed_browser`).
    pub(crate) fn parse(value: &str) -> Result<Browser, String> {
        let trimmed = value.trim();
        if let Some(named) = Named::ALL
            .iter()
            .find(|n| n.name().eq_ignore_ascii_case(trimmed))
        {
            return Ok(Browser::Named(*named));
        }
        let allowed = format!(
            "{}, or a command with {{url}} such as 'firefox -P work {{url}}'",
            Named::ALL.map(Named::name).join(", ")
        );
        if !trimmed.contains("{url}") {
            return Err(format!("unknown browser {value:?}; allowed: {allowed}"));
        }
        let words = shell_words::split(trimmed)
            .map_err(|e| format!("cannot split {value:?} into words ({e}); allowed: {allowed}"))?;
        if words.is_empty() || words[0].contains("{url}") {
            return Err(format!(
                "{value:?} does not start with a program; allowed: {allowed}"
            ));
        }
        Ok(Browser::Template(words))
    }
}
