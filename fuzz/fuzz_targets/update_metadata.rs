//! Arbitrary bytes as TUF metadata: parsing as every role, verifying as a
//! self-signed root, as the next root and as a timestamp of a trusted root
//! (the python-tuf repository of the benches) must never panic, and nothing
//! but that repository's own signed content may verify.
#![no_main]

use iot_update::serde_json::{self, Value};
use libfuzzer_sys::fuzz_target;

const ROOT: &[u8] = include_bytes!("../../benches/fixtures/tuf-1k/metadata/root.json");
const TIMESTAMP: &[u8] = include_bytes!("../../benches/fixtures/tuf-1k/metadata/timestamp.json");

fn signed_canonical(data: &[u8]) -> Option<Vec<u8>> {
    let v: Value = serde_json::from_slice(data).ok()?;
    iot_update::canonical_json(v.get("signed")?)
}

fuzz_target!(|data: &[u8]| {
    if iot_update::__fuzz::metadata(data, ROOT) {
        let signed = signed_canonical(data).expect("verified metadata has a signed part");
        assert!(
            [ROOT, TIMESTAMP].iter().any(|known| signed_canonical(known).as_deref() == Some(&signed[..])),
            "something verified that the repository never signed"
        );
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Some((path, pattern)) = s.split_once('\n') {
            let _ = iot_update::__fuzz::path_pattern(path, pattern);
        }
    }
});
