//! docs/rules.md is generated from the rule registry, and the README's "Config" table from the
//! config table; these tests fail when the committed text is stale. Regenerate with `make docs`
//! (or set ATLSCIM_UPDATE_DOCS=1 and run this test).

use std::path::PathBuf;

fn repository_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(name)
}

fn update() -> bool {
    std::env::var_os("ATLSCIM_UPDATE_DOCS").is_some()
}

#[test]
fn rules_md_is_current() {
    let path = repository_file("docs/rules.md");
    let generated = atlscim_core::rules::markdown();
    if update() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/rules.md is stale: run `make docs` and commit it");
}

const BEGIN: &str = "<!-- config:begin -->\n";
const END: &str = "<!-- config:end -->\n";

#[test]
fn readme_config_table_is_current() {
    let path = repository_file("README.md");
    let readme = std::fs::read_to_string(&path).expect("read README.md");
    let start = readme.find(BEGIN).expect("README.md has the config:begin marker") + BEGIN.len();
    let end = readme[start..].find(END).expect("README.md has the config:end marker") + start;
    let generated = atlscim_core::profile::config::markdown();
    if update() {
        let updated = format!("{}{}{}", &readme[..start], generated, &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    assert!(readme[start..end] == generated, "README.md's Config table is stale: run `make docs` and commit it");
}
