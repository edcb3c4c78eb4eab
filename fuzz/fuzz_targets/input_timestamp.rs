#![no_main]
//! Timestamp: no panic, round trip, instant within the representable years.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iot_input::__fuzz::timestamp(data));
