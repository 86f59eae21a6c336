//! Firefox containers: the `ext+granted-containers:` and `ext+container:` URLs that the
//! Granted Containers and "Open external links in a container" extensions open in a named
//! container.
//!
//! Both extensions decode the whole URI once (`decodeURIComponent`) and then read it as a
//! query string, so every value is query-escaped exactly once: a container named `dev&test`
//! or `a=b` survives.

use std::fmt;

/// The container colours both extensions accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Color {
    Blue,
    Turquoise,
    Green,
    Yellow,
    Orange,
    Red,
    Pink,
    Purple,
}

/// The container icons both extensions accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Icon {
    Fingerprint,
    Briefcase,
    Dollar,
    Cart,
    Circle,
    Gift,
    Vacation,
    Food,
    Fruit,
    Pet,
    Tree,
    Chill,
}

macro_rules! names {
    ($type:ty, $flag:literal, $($variant:ident => $name:literal),+ $(,)?) => {
        impl $type {
            pub(crate) const ALL: &'static [$type] = &[$(<$type>::$variant),+];

            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $name),+
                }
            }

            /// Parses the value of its flag, naming the allowed values when it is not one.
            pub(crate) fn parse(value: &str) -> Result<$type, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name().eq_ignore_ascii_case(value.trim()))
                    .ok_or_else(|| {
                        let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
                        format!("{value:?} is not a container {}; allowed: {}", $flag, names.join(", "))
                    })
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

names!(Color, "colour",
    Blue => "blue", Turquoise => "turquoise", Green => "green", Yellow => "yellow",
    Orange => "orange", Red => "red", Pink => "pink", Purple => "purple",
);

names!(Icon, "icon",
    Fingerprint => "fingerprint", Briefcase => "briefcase", Dollar => "dollar", Cart => "cart",
    Circle => "circle", Gift => "gift", Vacation => "vacation", Food => "food",
    Fruit => "fruit", Pet => "pet", Tree => "tree", Chill => "chill",
);

/// Which extension's URL format to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum ContainerFormat {
    /// `ext+granted-containers:`, for the Granted Containers extension.
    #[default]
    Granted,
    /// `ext+container:`, for "Open external links in a container".
    OpenUrlInContainer,
}

/// A Firefox container to open a page in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Container {
    pub(crate) name: String,
    pub(crate) color: Option<Color>,
    pub(crate) icon: Option<Icon>,
    pub(crate) format: ContainerFormat,
}

impl Container {
    /// The extension URL that opens `target` in this container.
    pub(crate) fn url(&self, target: &str) -> String {
        let scheme = match self.format {
            ContainerFormat::Granted => "ext+granted-containers:",
            ContainerFormat::OpenUrlInContainer => "ext+container:",
        };
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("name", &self.name);
        query.append_pair("url", target);
        if let Some(color) = self.color {
            query.append_pair("color", color.name());
        }
        if let Some(icon) = self.icon {
            query.append_pair("icon", icon.name());
        }
        // form_urlencoded writes a space as `+`, which decodeURIComponent keeps as `+`.
        format!("{scheme}{}", query.finish().replace('+', "%20"))
    }
}
