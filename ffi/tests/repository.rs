//! The repository's promises that span crates and languages: one version everywhere, and the
//! README's Rust example kept equal to the one `atlscim-core` runs as a doctest. It reads files
//! outside this crate, so it is left out of the published package (Cargo.toml `exclude`).

use std::fs;
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    fs::read_to_string(repository().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The fenced blocks of one language in a Markdown text.
fn blocks<'a>(markdown: &'a str, language: &str) -> Vec<&'a str> {
    let fence = format!("```{language}\n");
    markdown.split(fence.as_str()).skip(1).map(|rest| rest.split("```").next().unwrap_or_default()).collect()
}

#[test]
fn the_version_is_written_once() {
    let version = env!("CARGO_PKG_VERSION");
    let cargo = read("Cargo.toml");
    // The workspace's version is the one this crate inherits; the only other place Cargo needs
    // it spelled out is the core's version requirement (crates.io needs one on a path dependency).
    assert!(
        cargo.contains(&format!(r#"atlscim-core = {{ path = "core", version = "{version}" }}"#)),
        "Cargo.toml [workspace.dependencies] atlscim-core must require {version}"
    );
    for crate_dir in ["core", "ffi", "cli", "python"] {
        let manifest = read(&format!("{crate_dir}/Cargo.toml"));
        assert!(manifest.contains("version.workspace = true"), "{crate_dir}/Cargo.toml has its own version");
    }
    // The wheel takes it from Cargo.toml (maturin), never from pyproject.toml.
    let pyproject = read("python/pyproject.toml");
    assert!(pyproject.contains(r#"dynamic = ["version"]"#), "pyproject.toml must not pin a version");
    // The header's macros (ffi/src/lib.rs's unit test holds the constants to Cargo.toml; the
    // header is generated from them and test-c fails when it is stale).
    let header = read("include/atlscim.h");
    let [major, minor, patch] =
        [env!("CARGO_PKG_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MINOR"), env!("CARGO_PKG_VERSION_PATCH")];
    for (name, number) in [("MAJOR", major), ("MINOR", minor), ("PATCH", patch)] {
        let line = format!("#define ATLSCIM_VERSION_{name} {number}\n");
        assert!(header.contains(&line), "include/atlscim.h lacks {line:?}");
    }
    // atlscim.pc's Version is filled in from `cargo metadata` by the scripts that write it.
    assert!(read("ffi/atlscim.pc.in").contains("Version: @version@"));
    // A section of the changelog for the version.
    let changelog = read("CHANGELOG.md");
    assert!(
        changelog.lines().any(|l| l.starts_with(&format!("## {version} ")) || l == format!("## {version}")),
        "CHANGELOG.md has no section for {version}"
    );
    // Every `require` of the Go module in the docs names this version.
    for doc in ["README.md", "go/README.md"] {
        for line in read(doc).lines().filter(|l| l.contains("require github.com/atlscim/atlscim/go")) {
            assert!(line.trim_end().ends_with(&format!(" v{version}")), "{doc}: {line}");
        }
    }
}

#[test]
fn the_readme_rust_example_is_the_doctested_one() {
    let root = read("README.md");
    let core = read("core/README.md");
    assert_eq!(blocks(&root, "rust"), blocks(&core, "rust"), "README.md and core/README.md differ");
    assert_eq!(blocks(&root, "rust").len(), 1);
}

#[test]
fn every_crate_carries_its_readme_and_licenses() {
    for crate_dir in ["core", "ffi", "cli"] {
        for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
            let path = repository().join(crate_dir).join(file);
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
}
