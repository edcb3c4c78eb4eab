//! Arbitrary bytes as an iot-storage record: opening must fail (nobody can
//! seal under the fuzzing key) and never panic; the decoder behind the AEAD
//! must never panic either, and reading an entry (as `get` does) must accept
//! every payload that recovering the index (as `open` does) accepts, with
//! the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assert!(iot_storage::__fuzz::record_open(data).is_err());
    let as_entry = iot_storage::__fuzz::record_payload_as_entry(data);
    if let Ok(value_len) = iot_storage::__fuzz::record_payload(data) {
        assert_eq!(as_entry.ok(), Some(value_len));
    }
});
