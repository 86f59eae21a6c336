//! Repository hygiene and architecture invariants, checked as ordinary tests.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, PackageId};

use crate::support::project_root;

fn metadata() -> Metadata {
    MetadataCommand::new()
        .manifest_path(project_root().join("Cargo.toml"))
        .exec()
        .expect("cargo metadata runs")
}

/// The names of every package a workspace package links, transitively, through
/// normal and build dependencies (dev-dependencies do not ship).
fn shipped_dependencies(meta: &Metadata, name: &str) -> BTreeSet<String> {
    let resolve = meta.resolve.as_ref().expect("metadata has a resolve graph");
    let nodes: HashMap<&PackageId, _> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let names: HashMap<&PackageId, &str> = meta
        .packages
        .iter()
        .map(|p| (&p.id, p.name.as_str()))
        .collect();
    let start = meta
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == name)
        .unwrap_or_else(|| panic!("workspace has no package {name}"));
    let mut seen = BTreeSet::new();
    let mut stack = vec![&start.id];
    while let Some(id) = stack.pop() {
        for dep in &nodes[id].deps {
            let ships = dep
                .dep_kinds
                .iter()
                .any(|k| matches!(k.kind, DependencyKind::Normal | DependencyKind::Build));
            if ships && seen.insert(names[&dep.pkg].to_owned()) {
                stack.push(&dep.pkg);
            }
        }
    }
    seen
}

/// The AWS SDK's crates (aws-lc-rs, the crypto library, is not one of them).
const AWS_SDK: &[&str] = &[
    "aws-config",
    "aws-sdk-*",
    "aws-smithy-*",
    "aws-types",
    "aws-credential-types",
    "aws-runtime",
];

#[track_caller]
fn check_absent(meta: &Metadata, package: &str, forbidden: &[&str]) {
    let deps = shipped_dependencies(meta, package);
    let bad: Vec<&String> = deps
        .iter()
        .filter(|d| {
            forbidden
                .iter()
                .any(|f| f.strip_suffix('*').map_or(d == f, |p| d.starts_with(p)))
        })
        .collect();
    assert!(bad.is_empty(), "{package} must not depend on {bad:?}");
}

/// fed-core does no I/O: no async runtime, HTTP client or AWS SDK below it.
#[test]
fn fed_core_is_sans_io() {
    let meta = metadata();
    let deps = shipped_dependencies(&meta, "fed-core");
    assert!(
        deps.contains("url"),
        "the dependency walk sees fed-core's dependencies: {deps:?}"
    );
    check_absent(
        &meta,
        "fed-core",
        &["tokio", "reqwest", "hyper", "axum", "fed-*"],
    );
    check_absent(&meta, "fed-core", AWS_SDK);
}

/// fed-aws and fed-signin are independent adapters over fed-core.
#[test]
fn adapters_do_not_depend_on_each_other() {
    let meta = metadata();
    assert!(shipped_dependencies(&meta, "fed-aws").contains("fed-core"));
    check_absent(&meta, "fed-aws", &["fed-signin", "fed-local", "reqwest"]);
    check_absent(&meta, "fed-signin", &["fed-aws", "fed-local"]);
    check_absent(&meta, "fed-signin", AWS_SDK);
}

/// The local stack is test and demo infrastructure: the `fed` binary never links it.
#[test]
fn fed_cli_does_not_link_the_local_stack() {
    let meta = metadata();
    assert!(shipped_dependencies(&meta, "fed-cli").contains("fed-signin"));
    check_absent(&meta, "fed-cli", &["fed-local", "axum"]);
}

/// The broker is a service of its own: the `fed` binary and the library crates never link it.
#[test]
fn fed_cli_does_not_link_the_broker() {
    let meta = metadata();
    assert!(shipped_dependencies(&meta, "fed-broker").contains("fed-core"));
    for package in ["fed-cli", "fed-core", "fed-aws", "fed-signin", "fed-flow"] {
        check_absent(&meta, package, &["fed-broker"]);
    }
}

/// The names of every package `package` links when it is built on its own (as `cargo build -p`
/// resolves its features, not unified with the rest of the workspace's), on any platform.
fn dependencies_built_alone(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .current_dir(project_root())
        .args([
            "tree", "--target", "all", "--prefix", "none", "--format", "{p}",
        ])
        .args(["-e", "normal,build", "-p", package])
        .output()
        .expect("cargo tree runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo tree failed: {stderr}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The `fed` binary never calls IAM. fed-aws has it only behind its `iam` feature, which xtask
/// turns on (the demo's roles), and fed-flow's `revocation` feature (fed-broker's deny policies);
/// fed-cli turns on neither, so it does not link aws-sdk-iam, nor does fed-flow by default.
#[test]
fn fed_cli_does_not_link_iam() {
    let deps = dependencies_built_alone("fed-cli");
    assert!(
        deps.contains("aws-sdk-sts"),
        "the dependency walk sees fed's AWS SDK crates: {deps:?}"
    );
    // The name is spelled as the walk sees it: xtask, which manages the demo's roles, links it.
    assert!(dependencies_built_alone("xtask").contains("aws-sdk-iam"));
    assert!(dependencies_built_alone("fed-broker").contains("aws-sdk-iam"));
    for package in ["fed-cli", "fed-flow", "fed-aws", "fed-signin", "fed-core"] {
        let deps = dependencies_built_alone(package);
        assert!(
            !deps.contains("aws-sdk-iam"),
            "{package} links aws-sdk-iam: {deps:?}"
        );
    }
}

/// The flow sits on the adapters, below the binaries: it never links the local stack or a
/// binary's crates.
#[test]
fn the_flow_is_a_library_over_the_adapters() {
    let meta = metadata();
    let deps = shipped_dependencies(&meta, "fed-flow");
    for adapter in ["fed-core", "fed-aws", "fed-signin"] {
        assert!(deps.contains(adapter), "fed-flow uses {adapter}: {deps:?}");
    }
    check_absent(
        &meta,
        "fed-flow",
        &["fed-local", "fed-cli", "anyhow", "clap", "axum"],
    );
    assert!(shipped_dependencies(&meta, "fed-cli").contains("fed-flow"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | ".git" | "snapshots") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Every Rust file says what it is about in a `//!` header, and none keeps a `dbg!`.
#[test]
fn every_rust_file_has_a_module_doc_and_no_dbg() {
    let root = project_root();
    let mut files = Vec::new();
    for dir in ["crates", "xtask", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {} Rust files", files.len());
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable file");
        let shown = file.strip_prefix(&root).unwrap_or(file).display();
        if !text.starts_with("//!") {
            problems.push(format!("{shown}: does not start with a //! comment"));
        }
        if text.contains(concat!("dbg", "!(")) {
            problems.push(format!("{shown}: contains dbg!"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The library crates' dependency counts recorded in docs/dependencies.md are not exceeded: a
/// new dependency is a decision that updates the record.
#[test]
fn dependency_counts_stay_within_the_record() {
    let meta = metadata();
    let record = std::fs::read_to_string(project_root().join("docs/dependencies.md"))
        .expect("docs/dependencies.md");
    let mut checked = Vec::new();
    let mut over = Vec::new();
    for line in record.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, name, count, ..] = cells.as_slice() else {
            continue;
        };
        let (Some(name), Ok(recorded)) = (
            name.strip_prefix('`').and_then(|n| n.strip_suffix('`')),
            count.parse::<usize>(),
        ) else {
            continue;
        };
        let actual = shipped_dependencies(&meta, name).len();
        if actual > recorded {
            over.push(format!("{name} has {actual} (recorded: {recorded})"));
        }
        checked.push(name.to_owned());
    }
    assert!(
        over.is_empty(),
        "more dependencies than docs/dependencies.md records: {}",
        over.join(", ")
    );
    for crate_name in [
        "fed-core",
        "fed-aws",
        "fed-signin",
        "fed-flow",
        "fed-local",
        "fed-cli",
    ] {
        assert!(
            checked.iter().any(|c| c == crate_name),
            "docs/dependencies.md records no count for {crate_name}"
        );
    }
}

/// Every path dependency of a published crate, dev-dependencies included, names a version:
/// `cargo package` drops one without, and the packaged tests would no longer compile.
#[test]
fn published_crates_depend_on_versions() {
    let meta = metadata();
    let mut published = 0;
    for package in meta.workspace_packages() {
        if package.publish.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        published += 1;
        for dep in &package.dependencies {
            assert!(
                dep.path.is_none() || dep.req.to_string() != "*",
                "{} depends on {} by path without a version",
                package.name,
                dep.name
            );
        }
    }
    assert!(published >= 6, "only {published} published crates found");
}

/// The broker's Dockerfile builds a binary the workspace has, with a Rust at least its
/// rust-version, from the lock file, and the build context leaves the target directory and
/// npm's packages out.
#[test]
fn the_dockerfile_builds_the_broker_of_this_workspace() {
    let dockerfile =
        std::fs::read_to_string(project_root().join("Dockerfile")).expect("Dockerfile");
    let meta = metadata();
    let broker = meta
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == "fed-broker")
        .expect("the fed-broker package");
    assert!(
        broker
            .targets
            .iter()
            .any(|t| t.is_bin() && t.name == "fed-broker"),
        "fed-broker has a fed-broker binary"
    );
    assert!(
        dockerfile.contains("cargo build --release --locked -p fed-broker --bin fed-broker"),
        "{dockerfile}"
    );
    let version = |text: &str| -> (u64, u64) {
        let mut parts = text.split('.').map(|p| p.parse::<u64>().expect("a number"));
        (parts.next().expect("major"), parts.next().expect("minor"))
    };
    let image = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ARG RUST_VERSION="))
        .expect("ARG RUST_VERSION");
    let required = broker
        .rust_version
        .as_ref()
        .expect("rust-version")
        .to_string();
    assert!(
        version(image) >= version(&required),
        "the image's Rust {image} is older than the workspace's rust-version {required}"
    );
    let ignored =
        std::fs::read_to_string(project_root().join(".dockerignore")).expect(".dockerignore");
    for entry in ["target", "**/node_modules", ".git"] {
        assert!(
            ignored.lines().any(|l| l.trim() == entry),
            ".dockerignore leaves out {entry}"
        );
    }
}

/// The names a workspace package declares as normal or build dependencies (its own manifest;
/// dev-dependencies aside).
fn direct_dependencies(meta: &Metadata, name: &str) -> BTreeSet<String> {
    meta.workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == name)
        .unwrap_or_else(|| panic!("workspace has no package {name}"))
        .dependencies
        .iter()
        .filter(|d| matches!(d.kind, DependencyKind::Normal | DependencyKind::Build))
        .map(|d| d.name.clone())
        .collect()
}

/// The product binaries use the flow and the core only: fed-flow is the one door to AWS, so no
/// decision of a sign-in is made again, differently, in a binary.
#[test]
fn product_binaries_reach_aws_only_through_the_flow() {
    let meta = metadata();
    for binary in ["fed-cli", "fed-broker"] {
        let direct = direct_dependencies(&meta, binary);
        assert!(
            direct.contains("fed-flow") && direct.contains("fed-core"),
            "{binary} uses fed-flow and fed-core: {direct:?}"
        );
        let past: Vec<&String> = direct
            .iter()
            .filter(|d| {
                ["fed-aws", "fed-signin", "fed-local"].contains(&d.as_str())
                    || d.starts_with("aws-")
            })
            .collect();
        assert!(
            past.is_empty(),
            "{binary} reaches past fed-flow: it depends on {past:?} directly"
        );
    }
}
