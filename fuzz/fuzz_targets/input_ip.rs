#![no_main]
//! IPv4/IPv6: no panic, and exactly the same results as `core::net` (whose
//! grammar coincides with ours: no leading zeros, no zones, no brackets).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((v4, v6)) = iot_input::__fuzz::ip(data) {
        let text = std::str::from_utf8(data).expect("__fuzz::ip only answers for UTF-8");
        assert_eq!(v4.ok(), text.parse::<std::net::Ipv4Addr>().ok(), "{text:?}");
        assert_eq!(v6.ok(), text.parse::<std::net::Ipv6Addr>().ok(), "{text:?}");
    }
});
