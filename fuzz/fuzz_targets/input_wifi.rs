#![no_main]
//! SSID, WPA passphrase and PSK: no panic, round trips, bounds.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iot_input::__fuzz::wifi(data));
