//! Chromium-family profiles by display name: the browser's `Local State` file maps each
//! profile directory (`Profile 3`) to the name people see (`work`). fed reads it and never
//! writes it.

use std::path::Path;

/// The directory of the profile called `display_name` in the browser whose user-data
/// directory is `user_data`; the name itself (made safe as a directory name) when there is no
/// such profile, so that the browser creates it on first use.
pub(crate) fn profile_directory(user_data: &Path, display_name: &str) -> String {
    let wanted = display_name.replace('/', "-");
    std::fs::read(user_data.join("Local State"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|state| {
            let cache = state.get("profile")?.get("info_cache")?.as_object()?;
            let mut matches: Vec<&String> = cache
                .iter()
                .filter(|(_, info)| info.get("name").and_then(|n| n.as_str()) == Some(&wanted))
                .map(|(dir, _)| dir)
                .collect();
            matches.sort();
            matches.first().map(|dir| (*dir).clone())
        })
        .unwrap_or(wanted)
}
