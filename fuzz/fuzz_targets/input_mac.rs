#![no_main]
//! MAC addresses: no panic, round trip.
use iot_input::MacAddress;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(mac) = std::str::from_utf8(data)
        .ok()
        .and_then(|s| MacAddress::parse(s).ok())
    {
        assert_eq!(MacAddress::parse(&mac.to_string()), Ok(mac));
    }
});
