//! The mapping layer: `map_user` of a typical Microsoft Graph user through the `entra` preset
//! (mapping, normalizers and the check of the result), and the normalizers alone.
//!
//! Run: `cargo bench -p atlscim-core --bench mapping`

use std::hint::black_box;

use atlscim_core::Profile;
use atlscim_core::mapping::{Mapping, normalize_locale, normalize_timezone, split_display_name};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

fn bench(c: &mut Criterion) {
    let record = json!({
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "accountEnabled": true,
        "businessPhones": ["+1 425 555 0109"],
        "companyName": "Contoso",
        "department": "Retail",
        "displayName": "Adele Vance",
        "givenName": "Adele",
        "jobTitle": "Retail Manager",
        "mail": "AdeleV@contoso.com",
        "mobilePhone": "+1 425 555 0110",
        "preferredLanguage": "en-US",
        "surname": "Vance",
        "userPrincipalName": "AdeleV@contoso.com",
        "mailboxSettings": {"timeZone": "Pacific Standard Time"}
    });
    let profile = Profile::atlassian();
    let entra = Mapping::preset("entra").expect("preset");
    let mut g = c.benchmark_group("mapping");
    g.bench_function("map_user_entra", |b| b.iter(|| black_box(profile.map_user(black_box(&record), entra))));
    g.bench_function("normalize_timezone_windows", |b| {
        b.iter(|| black_box(normalize_timezone(black_box("Pacific Standard Time"))))
    });
    g.bench_function("normalize_timezone_iana", |b| {
        b.iter(|| black_box(normalize_timezone(black_box("america/los_angeles"))))
    });
    g.bench_function("normalize_locale", |b| b.iter(|| black_box(normalize_locale(black_box("en_us")))));
    g.bench_function("split_display_name", |b| {
        b.iter(|| black_box(split_display_name(black_box("Dr. Ludwig van Beethoven"))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
