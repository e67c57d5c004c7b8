//! Any text: PATCH path parsing and schema resolution never panic, and a parsed path prints back
//! to text that parses to the same path.
#![no_main]

use atlscim_core::filter::FilterLimits;
use atlscim_core::path::PatchPath;
use atlscim_core::schema::{ATLASSIAN, RFC};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = PatchPath::parse(text) {
        // The print may be longer than the input (escaped control characters in a value filter),
        // so only the length limit is lifted for the second read, as in filter_parse.
        let reread = FilterLimits { max_length: usize::MAX, ..FilterLimits::default() };
        assert_eq!(PatchPath::parse_with(&p.to_string(), &reread).as_ref(), Ok(&p), "{p}");
        for rt in [&RFC.user, &RFC.group, &ATLASSIAN.user, &ATLASSIAN.group] {
            let _ = p.resolve(rt);
        }
    }
});
