#![no_main]
//! IPv4/IPv6: no panic, and exactly the same results as `core::net` (whose
//! grammar coincides with ours: no leading zeros, no zones, no brackets).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let v4 = iot_input::parse_ipv4(text).ok();
    let v6 = iot_input::parse_ipv6(text).ok();
    assert_eq!(v4, text.parse::<std::net::Ipv4Addr>().ok(), "{text:?}");
    assert_eq!(v6, text.parse::<std::net::Ipv6Addr>().ok(), "{text:?}");
});
