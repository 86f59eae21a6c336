//! Tests of loading the rules: both files read and compiled together, with their digests; a
//! mistake in either is an error, so a reload keeps the previous rules whole.

use std::path::Path;

use super::*;

const ENTITLEMENTS: &str = "[[role]]\nname = \"R\"\narn = \"arn:aws:iam::111122223333:role/R\"\ngroups = [\"engineering\"]\naccess = \"request\"\napprovers = [\"leads\"]\n";
const EXTRA: &str = "@id(\"auditors\")\npermit (principal in Group::\"auditors\", action == Action::\"use\", resource);\n";

/// A configuration in `dir` naming `entitlements.toml` and, when `policies`, `extra.cedar`,
/// with the audit store that roles on request need.
fn config(dir: &Path, policies: bool) -> Config {
    config_with(dir, policies, "[audit]\ndatabase_url_env = \"DB\"\n")
}

fn config_with(dir: &Path, policies: bool, extra: &str) -> Config {
    let policies = if policies {
        "policies = \"extra.cedar\"\n"
    } else {
        ""
    };
    Config::parse(
        &format!(
            "listen = \"127.0.0.1:0\"\npublic_url = \"http://127.0.0.1:8080\"\nentitlements = \"entitlements.toml\"\n{policies}\
             [oidc]\nissuer = \"http://127.0.0.1:9\"\nclient_id = \"c\"\nclient_secret_env = \"S\"\ngroups_claim = \"groups\"\n\
             [session]\nkeys_env = \"K\"\n{extra}"
        ),
        dir,
    )
    .expect("a configuration")
}

#[test]
fn roles_on_request_and_break_glass_need_the_store() {
    let dir = tempfile::tempdir().expect("a directory");
    let without = config_with(dir.path(), false, "");
    for (entitlements, key) in [
        (ENTITLEMENTS.to_owned(), "role[0].access"),
        (
            "[[role]]\nname = \"B\"\narn = \"arn:aws:iam::111122223333:role/B\"\ngroups = [\"oncall\"]\nbreak_glass = true\n".to_owned(),
            "role[0].break_glass",
        ),
    ] {
        std::fs::write(dir.path().join("entitlements.toml"), &entitlements).expect("write");
        let err = Rules::load(&without).expect_err("no store").to_string();
        assert!(err.contains(key) && err.contains("database_url_env"), "{err}");
        assert!(Rules::load(&config(dir.path(), false)).is_ok());
    }
}

#[test]
fn both_files_are_loaded_together_with_their_digests() {
    let dir = tempfile::tempdir().expect("a directory");
    std::fs::write(dir.path().join("entitlements.toml"), ENTITLEMENTS).expect("write");
    std::fs::write(dir.path().join("extra.cedar"), EXTRA).expect("write");

    let (rules, digests) = Rules::load(&config(dir.path(), true)).expect("rules");
    assert_eq!(rules.entitlements().len(), 1);
    assert_eq!(
        (rules.policies().len(), rules.policies().extra_len()),
        (5, 1)
    );
    assert_eq!(digests.entitlements, sha256(ENTITLEMENTS));
    assert_eq!(digests.policies, Some(sha256(EXTRA)));
    assert_eq!(
        sha256("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // Sessions keep the groups of roles, of approvers and of extra policies, and no other.
    for (group, kept) in [
        ("engineering", true),
        ("leads", true),
        ("auditors", true),
        ("marketing", false),
    ] {
        assert_eq!(rules.names_group(group), kept, "{group}");
    }

    let (rules, digests) = Rules::load(&config(dir.path(), false)).expect("rules");
    assert_eq!(rules.policies().extra_len(), 0);
    assert_eq!(digests.policies, None);
    assert!(!rules.names_group("auditors"));
}

#[test]
fn a_mistake_in_either_file_is_an_error() {
    let dir = tempfile::tempdir().expect("a directory");
    let config = config(dir.path(), true);
    std::fs::write(dir.path().join("entitlements.toml"), ENTITLEMENTS).expect("write");
    let missing = Rules::load(&config)
        .expect_err("no policies file")
        .to_string();
    assert!(
        missing.starts_with(&format!(
            "cannot read {}",
            dir.path().join("extra.cedar").display()
        )),
        "{missing}"
    );
    std::fs::write(
        dir.path().join("extra.cedar"),
        "permit (principal, action, resource)\n",
    )
    .expect("write");
    let broken = Rules::load(&config).expect_err("no `;`").to_string();
    assert!(
        broken.starts_with(&format!(
            "{}, line ",
            dir.path().join("extra.cedar").display()
        )),
        "{broken}"
    );
    std::fs::write(dir.path().join("extra.cedar"), EXTRA).expect("write");
    std::fs::write(
        dir.path().join("entitlements.toml"),
        ENTITLEMENTS.replace("approvers = [\"leads\"]\n", ""),
    )
    .expect("write");
    let entitlements = Rules::load(&config).expect_err("no approvers").to_string();
    assert!(entitlements.contains("role[0].approvers"), "{entitlements}");
    std::fs::write(
        dir.path().join("extra.cedar"),
        vec![b'/'; crate::policy::MAX_EXTRA_BYTES + 1],
    )
    .expect("write");
    std::fs::write(dir.path().join("entitlements.toml"), ENTITLEMENTS).expect("write");
    let big = Rules::load(&config).expect_err("too big").to_string();
    assert!(big.ends_with("it is over 1024 KiB"), "{big}");
}
