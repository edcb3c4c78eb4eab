#![no_main]
//! MQTT topic names and filters: no panic, round trips, a name matches
//! itself as a filter, `#` matches every name not starting with `$`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iot_input::__fuzz::mqtt(data));
