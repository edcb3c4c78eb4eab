//! Arbitrary JSON through canonical JSON (`olpc-cjson`, the bytes TUF
//! signs): never panics, is deterministic, and is a fixed point whenever
//! its output parses again (OLPC canonical JSON writes control characters
//! raw, which is not JSON). It is not the identity: strings are normalised
//! to NFC (the finding that made the client trust the canonical form).
#![no_main]

use iot_update::serde_json::{self, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Some(once) = iot_update::canonical_json(&value) else {
        return;
    };
    assert_eq!(iot_update::canonical_json(&value).as_deref(), Some(&once[..]));
    if let Ok(again) = serde_json::from_slice::<Value>(&once) {
        assert_eq!(iot_update::canonical_json(&again).as_deref(), Some(&once[..]));
    }
});
