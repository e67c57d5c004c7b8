//! Any text: parsing never panics; what parses prints to text that parses to the same filter, and
//! evaluating it against a fixed user never panics.
#![no_main]

use atlscim_core::filter::{self, FilterLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for lenient in [true, false] {
        let limits = FilterLimits { lenient, ..FilterLimits::default() };
        if let Ok(f) = filter::parse_with(text, &limits) {
            let printed = f.to_string();
            // The print may be longer than the input (escaped control characters), so only the
            // length limit is lifted for the second read.
            let reread = FilterLimits { max_length: usize::MAX, ..FilterLimits::default() };
            let again = filter::parse_with(&printed, &reread).expect("a printed filter parses");
            assert_eq!(again, f, "{printed}");
            let user = serde_json::json!({"userName": "bjensen", "emails": [{"type": "work", "value": "b@example.com"}], "active": true,
                "meta": {"created": "2024-01-15T18:30:45Z"}, "n": 3});
            let _ = filter::matches(&f, &user);
        }
    }
});
