//! Any text: PATCH path parsing and schema resolution never panic, and a parsed path prints back
//! to text that parses to the same path.
#![no_main]

use atlscim_core::path::PatchPath;
use atlscim_core::schema::{ATLASSIAN, RFC};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = PatchPath::parse(text) {
        assert_eq!(PatchPath::parse(&p.to_string()).as_ref(), Ok(&p), "{p}");
        for rt in [&RFC.user, &RFC.group, &ATLASSIAN.user, &ATLASSIAN.group] {
            let _ = p.resolve(rt);
        }
    }
});
