//! Shell completion of `fed`: the script `fed completions bash` prints, registered in a real
//! bash and driven as readline drives it (`COMP_WORDS`, `COMP_CWORD`, the registered
//! function), and the entry point zsh and fish call. Profile names come from the config files
//! as they are when Tab is pressed.

use crate::support::{Fed, Home};

/// `fed` with a HOME whose config file has `config`, and keys in its credentials file.
fn fed(config: &str) -> Fed {
    let home = Home::new();
    home.write("config", config);
    home.write(
        "credentials",
        "[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n",
    );
    Fed::new().in_home(&home)
}

const CONFIG: &str = "[profile prod]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = keys\n\
                      [profile prod-ro]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\
                      [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
                      [default]\nregion = eu-west-1\n\
                      [profile staging]\ncredential_process = get-keys\n";

/// The candidates bash offers for `line` (completing its last word; a line that ends in a
/// space completes an empty word), with fed's completions registered as the README says.
fn bash_candidates(fed: &Fed, line: &str) -> Vec<String> {
    let script = r#"
        source <("$FED" completions bash) || exit 3
        spec=$(complete -p fed) || exit 4
        function=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
        read -r -a COMP_WORDS <<<"$LINE"
        if [[ "$LINE" == *" " ]]; then COMP_WORDS+=(""); fi
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="$LINE"
        COMP_POINT=${#LINE}
        COMP_TYPE=9
        "$function" fed "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let out = fed
        .wrapper("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .env("FED", fed.path())
        .env("LINE", line)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash completion of {line:?} failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_profiles_from_the_config_files_as_they_are_now() {
    let fed = fed(CONFIG);
    assert_eq!(bash_candidates(&fed, "fed url pr"), ["prod", "prod-ro"]);
    assert_eq!(
        bash_candidates(&fed, "fed url --profile "),
        ["default", "keys", "prod", "prod-ro", "staging"]
    );
    assert_eq!(bash_candidates(&fed, "fed login --profile st"), ["staging"]);
    // A profile added after the completions were set up is offered at the next Tab.
    fed.home().write(
        "config",
        &format!("{CONFIG}[profile preview]\nregion = us-east-1\n"),
    );
    assert_eq!(
        bash_candidates(&fed, "fed url pr"),
        ["preview", "prod", "prod-ro"]
    );
}

#[test]
fn bash_completes_services_policies_partitions_and_regions() {
    let fed = fed(CONFIG);
    let cases: &[(&str, &[&str])] = &[
        ("fed url --service cloudw", &["cloudwatch"]),
        ("fed url -s lamb", &["lambda"]),
        (
            "fed url --service cloudf",
            &["cloudformation", "cloudfront"],
        ),
        ("fed url --service cf", &["cf", "cfn"]),
        ("fed url --policy read", &["readonly"]),
        ("fed url --policy s3-", &["s3-full", "s3-readonly"]),
        (
            "fed url --partition aws-",
            &["aws-us-gov", "aws-cn", "aws-eusc"],
        ),
        ("fed url --region eusc", &["eusc-de-east-1"]),
        (
            "fed url --region eu-west-",
            &["eu-west-1", "eu-west-2", "eu-west-3"],
        ),
        (
            "fed url --signin-region us-gov-",
            &["us-gov-east-1", "us-gov-west-1"],
        ),
        ("fed url --region cn-", &["cn-north-1", "cn-northwest-1"]),
        (
            "fed completions ",
            &[
                "bash",
                "elvish",
                "fish",
                "powershell",
                "zsh",
                "--help",
                "--version",
            ],
        ),
        ("fed url --ser", &["--service"]),
        ("fed ser", &["services"]),
    ];
    for (line, expected) in cases {
        assert_eq!(&bash_candidates(&fed, line), expected, "{line:?}");
    }
}

#[test]
fn bash_completes_nothing_rather_than_fail_when_the_config_is_unreadable() {
    let fed = fed("[profile broken\nthis is not ini");
    assert!(bash_candidates(&fed, "fed url --profile ").is_empty());
}

/// What `COMPLETE=SHELL fed -- WORDS…` answers: the entry point the registered scripts call.
fn entry_point(fed: &Fed, shell: &str, words: &[&str], index: Option<usize>) -> String {
    let mut fed = fed.clone().env("COMPLETE", shell);
    if let Some(index) = index {
        fed = fed.env("_CLAP_COMPLETE_INDEX", index.to_string());
    }
    let args: Vec<&str> = ["--"].iter().chain(words).copied().collect();
    let out = fed.run_blocking(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn zsh_and_fish_get_the_same_candidates_with_descriptions() {
    let fed = fed(CONFIG);
    assert_eq!(
        entry_point(&fed, "fish", &["fed", "url", "--profile", "pro"], None),
        "prod\trole Admin in 111122223333\nprod-ro\tSSO ReadOnly in 111122223333\n"
    );
    assert_eq!(
        entry_point(&fed, "fish", &["fed", "url", "--service", "cloudw"], None),
        "cloudwatch\t/cloudwatch/home (regional)\n"
    );
    assert_eq!(
        entry_point(&fed, "zsh", &["fed", "url", "--policy", "viewo"], Some(3)),
        "viewonly:AWS managed policy job-function/ViewOnlyAccess"
    );
}

#[test]
fn each_shell_gets_a_script_that_calls_fed_back() {
    let fed = fed(CONFIG);
    let script = |shell: &str| {
        let out = fed.run_blocking(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let bash = script("bash");
    assert!(
        bash.contains("complete -o nospace -o bashdefault -o nosort -F _clap_complete_fed fed")
    );
    assert!(script("zsh").starts_with("#compdef fed\n"));
    assert!(script("fish").starts_with("complete --keep-order --exclusive --command fed "));
    // `COMPLETE=bash fed` prints the same script.
    let out = fed.clone().env("COMPLETE", "bash").run_blocking(&[]);
    assert_eq!(String::from_utf8(out.stdout).expect("utf-8"), bash);
}
