//! No file of the core is over 800 lines, tests aside (issue 12): a file that grows past it has
//! more than one job and is split along its seams. (Functions are kept under 100 lines by
//! clippy's `too_many_lines`, set in clippy.toml and enabled in src/lib.rs.)

use std::path::Path;

mod common;
use common::rust_files;

const MAX_LINES: usize = 800;

/// Files allowed over the limit, each with why. The lead empties this list when their owners
/// have split them.
const ALLOWED: &[(&str, &str)] = &[];

/// The lines of a source file before its unit tests (`#[cfg(test)]` followed by `mod tests`).
fn code_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let tests =
        lines.windows(2).position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod tests"));
    tests.unwrap_or(lines.len())
}

#[test]
fn counts_the_lines_before_the_tests() {
    assert_eq!(code_lines("a\nb\n"), 2);
    assert_eq!(code_lines("a\nb\n\n#[cfg(test)]\nmod tests {\n}\n"), 3);
    // A `#[cfg(test)]` item that is not the tests module counts.
    assert_eq!(code_lines("#[cfg(test)]\nfn helper() {}\nx\n"), 3);
}

#[test]
fn no_core_file_is_over_800_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "core/src has {} files: the walk found too few", files.len());
    let mut over = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
        let n = code_lines(&std::fs::read_to_string(file).expect("read a source file"));
        let allowed = ALLOWED.iter().any(|(f, _)| *f == rel);
        if n > MAX_LINES && !allowed {
            over.push(format!("core/src/{rel}: {n} lines before its tests (at most {MAX_LINES})"));
        }
    }
    for (f, _) in ALLOWED {
        assert!(src.join(f).exists(), "the allowlist names core/src/{f}, which does not exist");
    }
    assert!(over.is_empty(), "split these files along their seams:\n{}", over.join("\n"));
}
