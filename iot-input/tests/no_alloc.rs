//! The parsers allocate nothing: every call below runs under a counting
//! global allocator (the `allocation-counter` crate, which counts per
//! thread), on accepted and on rejected input.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::hint::black_box;

use iot_input::mqtt::{TopicFilter, TopicName};
use iot_input::{
    DeviceName, EndpointUrl, FirmwareVersion, Hostname, MacAddress, Ssid, Timestamp, WpaPassphrase,
    WpaPsk, json, parse_ipv4, parse_ipv6,
};

/// Runs `f` and returns how many allocations it made on this thread.
fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

#[test]
fn the_counter_sees_allocations() {
    // The instrument works: a Vec allocates, so a zero below means something.
    assert_eq!(allocations(|| drop(black_box(vec![1u8; 16]))), 1);
}

#[test]
fn parsers_allocate_nothing() {
    let psk = "ab".repeat(32);
    let doc = br#"{"wifi":{"ssid":"home","channels":[1,6,11]},"broker":"mqtts://b.example","t":1.5e3,"ok":true,"n":null,"s":"\u00e9"}"#;
    let n = allocations(|| {
        for input in [
            "xn--bcher-kva.example",
            "Broker.Example.com",
            "bad_host",
            "",
        ] {
            let _ = black_box(Hostname::parse(black_box(input)));
        }
        for input in ["192.168.1.1", "01.2.3.4", "::ffff:1.2.3.4", "1::2::3"] {
            let _ = black_box(parse_ipv4(black_box(input)));
            let _ = black_box(parse_ipv6(black_box(input)));
        }
        let _ = black_box(MacAddress::parse(black_box("00:11:22:33:44:55")));
        let _ = black_box(MacAddress::parse(black_box("00:11-22")));
        let _ = black_box(Ssid::from_bytes(black_box(b"home\x00net")));
        let _ = black_box(Ssid::parse(black_box(r"home\x00net")));
        let _ = black_box(WpaPassphrase::parse(black_box("correct horse")));
        let _ = black_box(WpaPassphrase::parse(black_box("short")));
        let _ = black_box(WpaPsk::parse(black_box(&psk)));
        let _ = black_box(TopicName::parse(black_box("home/kitchen/temperature")));
        let _ = black_box(TopicName::parse(black_box("home/+")));
        let filter = TopicFilter::parse(black_box("home/+/temperature")).unwrap();
        let name = TopicName::parse(black_box("home/kitchen/temperature")).unwrap();
        assert!(black_box(filter.matches(&name)));
        let _ = black_box(EndpointUrl::parse(black_box("mqtts://[::1]:8883/a?b=c")));
        let _ = black_box(EndpointUrl::parse(black_box("https://user@host")));
        let _ = black_box(FirmwareVersion::parse(black_box("1.2.3-rc.1+b.7")));
        let a = FirmwareVersion::parse("1.0.0-alpha.1").unwrap();
        let b = FirmwareVersion::parse("1.0.0-alpha.beta").unwrap();
        assert!(black_box(a < b));
        let _ = black_box(Timestamp::parse(black_box("2024-02-29T23:59:60.5+00:00")));
        let _ = black_box(DeviceName::parse(black_box("Küche – Thermostat")));
        let _ = black_box(DeviceName::parse(black_box("bad\u{202e}")));
        assert!(json::validate(black_box(doc), &json::Limits::default()).is_ok());
        assert!(
            json::validate(
                black_box(br#"{"a":1,"\u0061":2}"#),
                &json::Limits::default()
            )
            .is_err()
        );
        // Displaying into a fixed buffer does not allocate either.
        let mut buf = [0u8; 64];
        let mut w = &mut buf[..];
        std::io::Write::write_fmt(
            &mut w,
            format_args!("{}", Hostname::parse("a.example").unwrap()),
        )
        .unwrap();
    });
    assert_eq!(n, 0);
}

#[test]
fn only_long_mqtt_topics_allocate_and_only_for_storage() {
    // Up to the inline capacity: nothing.
    let short = "level-7/".repeat(31) + "level-88";
    assert_eq!(short.len(), TopicName::INLINE_CAPACITY);
    assert_eq!(
        allocations(|| {
            black_box(TopicName::parse(&short).unwrap());
        }),
        0
    );
    // Longer (feature `alloc`): exactly one buffer, after validation.
    #[cfg(feature = "alloc")]
    {
        let long = "a".repeat(60_000);
        let n = allocations(|| {
            black_box(TopicName::parse(&long).unwrap());
        });
        assert_eq!(n, 1);
    }
    // Rejected long input: nothing.
    let bad = "a".repeat(60_000) + "#";
    assert_eq!(
        allocations(|| {
            let _ = black_box(TopicName::parse(&bad));
        }),
        0
    );
}
