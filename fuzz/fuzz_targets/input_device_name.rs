#![no_main]
//! DeviceName: no panic, round trip, character bound.
use iot_input::DeviceName;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(n) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| DeviceName::parse(s).ok())
    {
        assert!(n.as_str().chars().count() <= DeviceName::MAX_CHARS);
        assert_eq!(DeviceName::parse(&n.to_string()), Ok(n));
    }
});
