//! The release archive of this machine's target, built by `dist build` from dist-workspace.toml
//! and unpacked: it holds `fed`, README, the licenses, the man pages and the completion scripts;
//! the `fed` in it runs, the man pages render without a warning, the scripts are what that `fed`
//! prints and register in a real bash; and `cargo binstall`'s metadata names this archive.
//!
//! dist must be on PATH in the version dist-workspace.toml names (`.ci/run` installs it), and
//! `man` must be there (man-db); without either the test fails, saying what to install.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fed_local::programs::Profile;

use crate::support::{Fed, assert_success, on_path, path_with, project_root, stdout};

/// The dist profile's optimisation turned off for this build, leaving what the archive holds as
/// it is: thin LTO over one codegen unit makes each rebuild of `fed` take minutes, and what this
/// test checks is the packaging, not the optimiser.
const QUICK_BUILD: [(&str, &str); 4] = [
    ("CARGO_PROFILE_DIST_OPT_LEVEL", "0"),
    ("CARGO_PROFILE_DIST_LTO", "false"),
    ("CARGO_PROFILE_DIST_CODEGEN_UNITS", "256"),
    ("CARGO_PROFILE_DIST_INCREMENTAL", "true"),
];

/// The shells of `fed completions`, each with its script's extension in the archive.
const SHELLS: [(&str, &str); 5] = [
    ("bash", "bash"),
    ("zsh", "zsh"),
    ("fish", "fish"),
    ("elvish", "elv"),
    ("powershell", "ps1"),
];

/// The `cargo-dist-version` of dist-workspace.toml.
fn pinned_dist_version() -> String {
    let config = std::fs::read_to_string(project_root().join("dist-workspace.toml"))
        .expect("dist-workspace.toml");
    config
        .lines()
        .find_map(|line| line.strip_prefix("cargo-dist-version = "))
        .map(|version| version.trim_matches('"').to_owned())
        .expect("dist-workspace.toml names cargo-dist-version")
}

/// Fails unless dist of the pinned version and `man` are on PATH.
fn require_tools() {
    let pinned = pinned_dist_version();
    let install = format!("cargo install cargo-dist --locked --version {pinned}");
    assert!(
        on_path("dist"),
        "dist is not on PATH: install it with `{install}` (.ci/run does)"
    );
    let out = Command::new("dist")
        .arg("--version")
        .output()
        .expect("dist runs");
    let version = stdout(&out);
    assert_eq!(
        version.trim(),
        format!("cargo-dist {pinned}"),
        "dist-workspace.toml names dist {pinned}: `{install}`"
    );
    assert!(
        on_path("man"),
        "man is not on PATH: install man-db (.ci/run does)"
    );
}

/// This machine's target triple, as rustc says.
fn host_triple() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    stdout(&out)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// Runs `dist build` for the archive of `target`, building in the target directory of this
/// test, and returns dist's manifest.
fn dist_build(target: &str) -> serde_json::Value {
    let profile = Profile::of_running_test().expect("this test binary's profile");
    let target_dir = profile.dir().parent().expect("the target directory");
    let out = Command::new("dist")
        .args([
            "build",
            "--artifacts=local",
            "--output-format=json",
            "--target",
        ])
        .arg(target)
        .current_dir(project_root())
        .env("CARGO_TARGET_DIR", target_dir)
        .envs(QUICK_BUILD)
        .stdin(Stdio::null())
        .output()
        .expect("dist runs");
    assert!(
        out.status.success(),
        "dist build failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("dist prints its manifest as JSON")
}

/// The one archive of `target` in dist's `manifest`: its path.
fn archive_of(manifest: &serde_json::Value, target: &str) -> PathBuf {
    let archives: Vec<&serde_json::Value> = manifest["artifacts"]
        .as_object()
        .expect("artifacts")
        .values()
        .filter(|artifact| artifact["kind"] == "executable-zip")
        .filter(|artifact| {
            artifact["target_triples"]
                .as_array()
                .is_some_and(|triples| triples.iter().any(|t| t == target))
        })
        .collect();
    assert_eq!(archives.len(), 1, "one archive for {target}: {archives:?}");
    PathBuf::from(archives[0]["path"].as_str().expect("the archive's path"))
}

/// Every file under `dir`, as paths relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("a directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under the root");
                out.insert(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// Reads `path`, naming it when it cannot be read.
fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// `template` of `cargo binstall`'s metadata with its `{ key }`s replaced.
fn expand(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{ {key} }}"), value)
        })
}

/// fed-cli's `[package.metadata.binstall]`.
fn binstall_metadata() -> (serde_json::Value, String) {
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(project_root().join("Cargo.toml"))
        .no_deps()
        .exec()
        .expect("cargo metadata");
    let package = meta
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == "fed-cli")
        .expect("the fed-cli package");
    let repository = package
        .repository
        .clone()
        .expect("fed-cli names its repository");
    (package.metadata["binstall"].clone(), repository)
}

#[test]
fn the_release_archive_holds_a_fed_that_runs_with_its_man_pages_and_completions() {
    require_tools();
    let target = host_triple();
    let manifest = dist_build(&target);
    let archive = archive_of(&manifest, &target);
    let name = archive
        .file_name()
        .and_then(|n| n.to_str())
        .expect("the archive's name")
        .to_owned();
    let root_name = name
        .strip_suffix(".tar.xz")
        .unwrap_or_else(|| panic!("{name} is a .tar.xz"));
    assert_eq!(root_name, format!("fed-cli-{target}"));

    let unpacked = tempfile::tempdir().expect("temp dir");
    let out = Command::new("tar")
        .arg("-xJf")
        .arg(&archive)
        .arg("-C")
        .arg(unpacked.path())
        .output()
        .expect("tar runs");
    assert_success(&out);
    let dir = unpacked.path().join(root_name);

    // What the archive holds: fed, README and the licenses of fed-cli, and crates/fed-cli/assets
    // as it is (the man pages and the scripts, which a test of fed-cli keeps up to date).
    let assets = project_root().join("crates/fed-cli/assets");
    let mut expected: BTreeSet<String> = ["fed", "README.md", "LICENSE-APACHE", "LICENSE-MIT"]
        .map(String::from)
        .into();
    expected.extend(files(&assets));
    assert_eq!(files(&dir), expected);
    for asset in files(&assets) {
        assert!(
            read(&dir.join(&asset)) == read(&assets.join(&asset)),
            "{asset}"
        );
    }
    for doc in ["README.md", "LICENSE-APACHE", "LICENSE-MIT"] {
        let source = project_root().join("crates/fed-cli").join(doc);
        assert!(read(&dir.join(doc)) == read(&source), "{doc}");
    }
    for page in ["fed.1", "fed-url.1", "fed-services.1", "fed-completions.1"] {
        assert!(expected.contains(&format!("man/{page}")), "man/{page}");
    }

    // The unpacked fed runs, as `fed` found on PATH.
    let fed = Fed::new().env("PATH", path_with(&dir));
    let out = fed
        .wrapper("fed")
        .arg("--version")
        .output()
        .expect("fed runs");
    assert_success(&out);
    assert_eq!(stdout(&out), format!("fed {}\n", env!("CARGO_PKG_VERSION")));
    let out = fed.wrapper("fed").arg("--help").output().expect("fed runs");
    assert_success(&out);
    assert!(stdout(&out).contains("url"), "{}", stdout(&out));

    // Each script is what this fed prints for its shell.
    for (shell, extension) in SHELLS {
        let out = fed
            .wrapper("fed")
            .args(["completions", shell])
            .output()
            .expect("fed runs");
        assert_success(&out);
        let script = dir.join(format!("completions/fed.{extension}"));
        assert!(
            out.stdout == read(&script),
            "{} is not what `fed completions {shell}` prints",
            script.display()
        );
    }

    // The man pages render without a warning in a UTF-8 locale (`fed url`'s has an ellipsis),
    // and `fed url`'s names its flags.
    for page in files(&dir.join("man")) {
        let out = fed
            .wrapper("man")
            .args(["--warnings", "-l"])
            .arg(dir.join("man").join(&page))
            .env("LANG", "C.UTF-8")
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .expect("man runs");
        assert_success(&out);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "man warns about {page}"
        );
        let text = stdout(&out);
        match page.as_str() {
            "fed.1" => assert!(text.contains("fed-url(1)"), "{text}"),
            "fed-url.1" => {
                for flag in ["--profile", "--role-arn", "--duration", "--open"] {
                    assert!(text.contains(flag), "{page} has no {flag}:\n{text}");
                }
            }
            _ => {}
        }
    }

    // The bash script registers fed's completion, which calls the unpacked fed back.
    let script = r#"
        source "$DIR/completions/fed.bash" || exit 3
        complete -p fed || exit 4
        COMP_WORDS=(fed url --regi)
        COMP_CWORD=2
        COMP_LINE="fed url --regi"
        COMP_POINT=${#COMP_LINE}
        COMP_TYPE=9
        _clap_complete_fed fed --regi url
        printf 'candidate %s\n' "${COMPREPLY[@]}"
    "#;
    let out = fed
        .wrapper("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .env("DIR", &dir)
        .output()
        .expect("bash runs");
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains(" -F _clap_complete_fed fed"),
        "the script registers a completion for fed:\n{text}"
    );
    assert!(
        text.lines().any(|line| line == "candidate --region"),
        "bash completes `fed url --regi`:\n{text}"
    );

    // `cargo binstall fed-cli` downloads this archive from the release dist's manifest names,
    // and finds fed where it is in it.
    let (binstall, repository) = binstall_metadata();
    let version = env!("CARGO_PKG_VERSION");
    let values = [
        ("repo", repository.as_str()),
        ("version", version),
        ("name", "fed-cli"),
        ("target", target.as_str()),
        ("archive-suffix", ".tar.xz"),
        ("bin", "fed"),
        ("binary-ext", ""),
    ];
    assert_eq!(binstall["pkg-fmt"], "txz");
    let github = &manifest["releases"][0]["hosting"]["github"];
    let release = format!(
        "{}{}",
        github["artifact_base_url"]
            .as_str()
            .expect("the release's host"),
        github["artifact_download_path"]
            .as_str()
            .expect("the release's path")
    );
    assert_eq!(
        release,
        format!("{repository}/releases/download/v{version}")
    );
    assert_eq!(
        expand(binstall["pkg-url"].as_str().expect("pkg-url"), &values),
        format!("{release}/{name}")
    );
    let bin = expand(binstall["bin-dir"].as_str().expect("bin-dir"), &values);
    assert!(unpacked.path().join(&bin).is_file(), "no {bin} in {name}");
}
