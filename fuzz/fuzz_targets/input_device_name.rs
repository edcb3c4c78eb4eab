#![no_main]
//! DeviceName: no panic, round trip, character bound.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iot_input::__fuzz::device_name(data));
