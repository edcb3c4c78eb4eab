#![no_main]
//! MAC addresses: no panic, round trip.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iot_input::__fuzz::mac(data));
