//! Arbitrary bytes as an iot-storage record: opening must fail (nobody can
//! seal under the fuzzing key) and never panic; the decoder behind the AEAD
//! must never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assert!(iot_storage::__fuzz::record_open(data).is_err());
    let _ = iot_storage::__fuzz::record_payload(data);
});
