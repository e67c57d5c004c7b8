//! Any JSON as an identity-provider record, through every preset of the table: mapping never panics.
#![no_main]

use atlscim_core::Profile;
use atlscim_core::mapping::{Mapping, PRESETS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(record) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let profile = Profile::atlassian();
    for preset in PRESETS {
        if let Ok(mapping) = Mapping::preset(preset.name) {
            let _ = profile.map_user(&record, mapping);
        }
    }
    let _ = profile.map_group(&record, None);
});
