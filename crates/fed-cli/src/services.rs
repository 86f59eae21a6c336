//! `--service` values: the closest names to a mistyped one, and the `fed services` list.

use fed_core::Service;

/// `--service`'s value parser: a shortcut or alias of the catalogue, or an error that names
/// the closest ones, with a tip that clap's error keeps.
pub(crate) fn parse(s: &str) -> Result<Service, String> {
    Service::from_name(s).map_err(|_| {
        let close = closest(s);
        let tip = if close.is_empty() {
            "`fed services` lists the services and their aliases".to_owned()
        } else {
            format!(
                "did you mean {}? `fed services` lists them all",
                close.join(" or ")
            )
        };
        format!("unknown service {s:?}\n  tip: {tip}")
    })
}

/// Up to three shortcuts or aliases close to `input`.
fn closest(input: &str) -> Vec<&'static str> {
    crate::suggest::closest(
        input,
        Service::all()
            .map(Service::name)
            .chain(Service::aliases().map(|(alias, _)| alias)),
    )
}

/// The lines of `fed services`: each shortcut, whether it is global or regional, its console
/// path and its aliases.
pub(crate) fn lines() -> Vec<String> {
    let width = Service::all().map(|s| s.name().len()).max().unwrap_or(0);
    Service::all()
        .map(|service| {
            let aliases: Vec<&str> = Service::aliases()
                .filter(|(_, s)| *s == service)
                .map(|(alias, _)| alias)
                .collect();
            let scope = if service.is_global() {
                "global"
            } else {
                "regional"
            };
            let line = format!("{:width$}  {scope:8}  {}", service.name(), service.path());
            if aliases.is_empty() {
                line
            } else {
                format!("{line}  (also {})", aliases.join(", "))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_suggest_the_closest_names() {
        assert_eq!(closest("cloudwatc"), ["cloudwatch"]);
        assert_eq!(closest("lamda"), ["lambda"]);
        assert_eq!(closest("dynamo"), ["dynamodb"]);
        assert!(closest("teleporter").is_empty());
    }

    #[test]
    fn the_error_keeps_a_tip() {
        let err = parse("cloudwatc").unwrap_err();
        assert_eq!(
            err,
            "unknown service \"cloudwatc\"\n  tip: did you mean cloudwatch? `fed services` lists them all"
        );
        assert_eq!(parse("CFN").unwrap().name(), "cloudformation");
    }

    #[test]
    fn the_list_has_every_shortcut_once() {
        let lines = lines();
        assert_eq!(lines.len(), Service::all().count());
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("iam ") && l.contains(" global "))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("cloudformation ") && l.ends_with("(also cfn)"))
        );
    }
}
