//! Tags: a key and a value, as AWS puts them on role sessions (session tags) and on IAM
//! resources.

/// A tag: a key and a value.
///
/// ```
/// let tag = fed_core::Tag::new("team", "payments");
/// assert_eq!((tag.key.as_str(), tag.value.as_str()), ("team", "payments"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

impl Tag {
    /// A tag from a key and a value.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}
