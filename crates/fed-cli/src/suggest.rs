//! The names closest to a mistyped one: a service, a profile.

/// Up to three of `names` close to `input` (case-insensitive): at most two edits away, or
/// starting with it when it has three characters or more; the closest first.
pub(crate) fn closest<'a>(input: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let input = input.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'a str)> = names
        .into_iter()
        .filter_map(|name| {
            let lower = name.to_ascii_lowercase();
            let distance = strsim::damerau_levenshtein(&input, &lower);
            let prefix = input.len() >= 3 && lower.starts_with(&input);
            (distance <= 2 || prefix).then_some((distance, name))
        })
        .collect();
    scored.sort_unstable();
    scored.dedup();
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn close_names_come_first() {
        let names = ["default", "dev", "prod-admin", "prod-read"];
        assert_eq!(closest("prod-admn", names), ["prod-admin"]);
        assert_eq!(closest("Dev", names), ["dev"]);
        assert_eq!(closest("prod", names), ["prod-read", "prod-admin"]);
        assert!(closest("extra", names).is_empty());
    }
}
