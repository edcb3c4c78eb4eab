#![no_main]
//! json::validate: no panic or stack exhaustion on any input, tighter
//! limits never accept more, and serde_json parses every accepted document
//! (except numbers beyond the range of f64: `validate` checks the syntax
//! and length of numbers, not their range).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if iot_input::__fuzz::json(data).is_ok() {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(data) {
            assert!(
                e.to_string().starts_with("number out of range"),
                "serde_json rejects an accepted document: {e}"
            );
        }
    }
});
