//! docs/rules.md is generated from the rule registry; this test fails when the committed file is
//! stale. Regenerate with `make docs` (or set ATLSCIM_UPDATE_DOCS=1 and run this test).

use std::path::PathBuf;

#[test]
fn rules_md_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let generated = atlscim_core::rules::markdown();
    if std::env::var_os("ATLSCIM_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/rules.md is stale: run `make docs` and commit it");
}
