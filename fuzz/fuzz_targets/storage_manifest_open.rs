//! Arbitrary bytes as an iot-storage manifest: opening must fail and never
//! panic; the decoder behind the AEAD must never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assert!(iot_storage::__fuzz::manifest_open(data).is_err());
    let _ = iot_storage::__fuzz::manifest_payload(data);
});
