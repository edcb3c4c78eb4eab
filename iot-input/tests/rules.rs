//! One test per rule of every parser, at each boundary: lengths 0, 1, max
//! and max + 1, and each forbidden character class.

use std::net::{Ipv4Addr, Ipv6Addr};

use iot_input::mqtt::{Options, TopicFilter, TopicName};
use iot_input::{
    DeviceName, EndpointUrl, ErrorKind, FirmwareVersion, Host, Hostname, MacAddress, Scheme, Ssid,
    Timestamp, UrlPolicy, WpaPassphrase, WpaPsk, parse_ipv4, parse_ipv6,
};

/// The kind of an expected rejection.
#[allow(clippy::unwrap_used, reason = "an accepted input fails the test")]
fn kind<T: std::fmt::Debug>(r: Result<T, iot_input::Error>) -> ErrorKind {
    r.unwrap_err().kind()
}

/// The kind and offset of an expected rejection.
#[allow(clippy::unwrap_used, reason = "an accepted input fails the test")]
fn at<T: std::fmt::Debug>(r: Result<T, iot_input::Error>) -> (ErrorKind, usize) {
    let e = r.unwrap_err();
    (e.kind(), e.offset())
}

// ---------------------------------------------------------------- Hostname

#[test]
fn hostname_length_boundaries() {
    assert_eq!(kind(Hostname::parse("")), ErrorKind::Empty);
    assert_eq!(Hostname::parse("a").unwrap().as_str(), "a");
    let label63 = "a".repeat(63);
    assert!(Hostname::parse(&label63).is_ok());
    assert_eq!(
        at(Hostname::parse(&"a".repeat(64))),
        (ErrorKind::TooLong, 63)
    );
    // 253 = 63 + 1 + 63 + 1 + 63 + 1 + 61
    let max = format!("{l}.{l}.{l}.{}", "b".repeat(61), l = label63);
    assert_eq!(max.len(), 253);
    assert!(Hostname::parse(&max).is_ok());
    let over = format!("{l}.{l}.{l}.{}", "b".repeat(62), l = label63);
    assert_eq!(at(Hostname::parse(&over)), (ErrorKind::TooLong, 253));
}

#[test]
fn hostname_label_rules() {
    assert_eq!(at(Hostname::parse("-a.com")), (ErrorKind::InvalidLabel, 0));
    assert_eq!(at(Hostname::parse("a-.com")), (ErrorKind::InvalidLabel, 1));
    assert_eq!(at(Hostname::parse("a..com")), (ErrorKind::InvalidLabel, 2));
    assert_eq!(at(Hostname::parse(".a.com")), (ErrorKind::InvalidLabel, 0));
    assert_eq!(at(Hostname::parse("a.com.")), (ErrorKind::InvalidLabel, 6));
    assert_eq!(
        at(Hostname::parse("ab--cd.com")),
        (ErrorKind::InvalidLabel, 0)
    );
    assert!(Hostname::parse("a-b--c.com").is_ok()); // "--" not at 3-4
    assert!(Hostname::parse("1.2.3.example").is_ok()); // numeric labels, not last
    assert!(Hostname::parse("3com.com").is_ok());
    assert!(Hostname::parse("x.123a").is_ok());
}

#[test]
fn hostname_numeric_last_label_is_rejected() {
    assert_eq!(at(Hostname::parse("1.2.3.4")), (ErrorKind::InvalidLabel, 6));
    assert_eq!(
        at(Hostname::parse("example.123")),
        (ErrorKind::InvalidLabel, 8)
    );
    assert_eq!(
        at(Hostname::parse("example.0x1F")),
        (ErrorKind::InvalidLabel, 8)
    );
    assert_eq!(kind(Hostname::parse("0x")), ErrorKind::InvalidLabel);
    assert!(Hostname::parse("example.0xg").is_ok());
}

#[test]
fn hostname_forbidden_characters() {
    for (input, offset) in [
        ("my_host", 2),
        ("my host", 2),
        (" host", 0),
        ("host ", 4),
        ("host\t", 4),
        ("ho\0st", 2),
        ("bücher.de", 1),
        ("раураl.com", 0), // Cyrillic look-alikes
        ("host/", 4),
        ("host:80", 4),
        ("a.b@c", 3),
    ] {
        assert_eq!(
            at(Hostname::parse(input)),
            (ErrorKind::InvalidCharacter, offset),
            "{input:?}"
        );
    }
}

#[test]
fn hostname_is_case_insensitive_with_lower_case_canonical_form() {
    let h = Hostname::parse("Sensor-01.Example.COM").unwrap();
    assert_eq!(h.as_str(), "sensor-01.example.com");
    assert_eq!(h, Hostname::parse("sensor-01.example.com").unwrap());
    assert_eq!(h.to_string(), "sensor-01.example.com");
    assert_eq!(
        h.labels().collect::<Vec<_>>(),
        ["sensor-01", "example", "com"]
    );
}

#[test]
fn hostname_punycode_labels_are_fully_checked() {
    for ok in [
        "xn--bcher-kva.example",    // bücher
        "XN--BCHER-KVA.example",    // case-insensitive
        "xn--mnchen-3ya.de",        // münchen
        "xn--80akhbyknj4f.example", // испытание
        "xn--wgv71a119e.jp",        // 日本語
        "xn--9n2bp8q.example",      // 한국
        "xn--d1acpjx3f.xn--p1ai",   // яндекс.рф
    ] {
        assert!(Hostname::parse(ok).is_ok(), "{ok}");
    }
    assert_eq!(
        Hostname::parse("XN--BCHER-KVA.example").unwrap().as_str(),
        "xn--bcher-kva.example"
    );
    // A bare "xn--" already breaks the hyphen rule.
    assert_eq!(
        kind(Hostname::parse("xn--.example")),
        ErrorKind::InvalidLabel
    );
    for bad in [
        "xn--a.example",           // truncated
        "xn--99999999999.example", // overflow
        "xn--zca.example",         // ß
        "xn--ls8h.example",        // emoji
        "xn--mgbh0fb.example",     // Arabic (right-to-left), outside the allowed set
        "xn--bcher-kva1.example",  // garbage after a valid encoding
    ] {
        assert_eq!(
            kind(Hostname::parse(bad)),
            ErrorKind::InvalidPunycode,
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------- IPv4

#[test]
fn ipv4_accepts_exactly_dotted_decimal() {
    assert_eq!(parse_ipv4("0.0.0.0").unwrap(), Ipv4Addr::UNSPECIFIED);
    assert_eq!(parse_ipv4("255.255.255.255").unwrap(), Ipv4Addr::BROADCAST);
    assert_eq!(parse_ipv4("10.0.0.1").unwrap(), Ipv4Addr::new(10, 0, 0, 1));
}

#[test]
fn ipv4_rejects_other_notations() {
    assert_eq!(kind(parse_ipv4("")), ErrorKind::Empty);
    assert_eq!(kind(parse_ipv4("1")), ErrorKind::UnexpectedEnd);
    assert_eq!(kind(parse_ipv4("127.1")), ErrorKind::UnexpectedEnd);
    assert_eq!(kind(parse_ipv4("2130706433")), ErrorKind::OutOfRange);
    assert_eq!(at(parse_ipv4("0177.0.0.1")), (ErrorKind::LeadingZero, 0));
    assert_eq!(at(parse_ipv4("1.00.0.1")), (ErrorKind::LeadingZero, 2));
    assert_eq!(kind(parse_ipv4("0x7f.0.0.1")), ErrorKind::InvalidSyntax);
    assert_eq!(at(parse_ipv4("256.0.0.1")), (ErrorKind::OutOfRange, 0));
    assert_eq!(at(parse_ipv4("1.2.3.1000")), (ErrorKind::OutOfRange, 6));
    assert_eq!(at(parse_ipv4("1.2.3.4/24")), (ErrorKind::TrailingInput, 7));
    assert_eq!(at(parse_ipv4("1.2.3.4:80")), (ErrorKind::TrailingInput, 7));
    assert_eq!(at(parse_ipv4("1.2.3.4 ")), (ErrorKind::TrailingInput, 7));
    assert_eq!(kind(parse_ipv4(" 1.2.3.4")), ErrorKind::InvalidSyntax);
    assert_eq!(kind(parse_ipv4("1.2.3.4.")), ErrorKind::TrailingInput);
    assert_eq!(kind(parse_ipv4("1..3.4")), ErrorKind::InvalidSyntax);
    assert_eq!(kind(parse_ipv4("١.٢.٣.٤")), ErrorKind::InvalidSyntax); // non-ASCII digits
}

// ---------------------------------------------------------------- IPv6

#[test]
fn ipv6_accepts_rfc_4291_forms() {
    let cases = [
        ("::", Ipv6Addr::UNSPECIFIED),
        ("::1", Ipv6Addr::LOCALHOST),
        ("1::", Ipv6Addr::new(1, 0, 0, 0, 0, 0, 0, 0)),
        ("1:2:3:4:5:6:7:8", Ipv6Addr::new(1, 2, 3, 4, 5, 6, 7, 8)),
        ("1:2:3:4:5:6:7::", Ipv6Addr::new(1, 2, 3, 4, 5, 6, 7, 0)),
        ("::2:3:4:5:6:7:8", Ipv6Addr::new(0, 2, 3, 4, 5, 6, 7, 8)),
        (
            "FE80::ABCD",
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0xabcd),
        ),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1".parse().unwrap()),
        (
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4".parse().unwrap(),
        ),
        ("::1.2.3.4", "::1.2.3.4".parse().unwrap()),
        (
            "0000:0000:0000:0000:0000:0000:0000:0001",
            Ipv6Addr::LOCALHOST,
        ),
    ];
    for (text, addr) in cases {
        assert_eq!(parse_ipv6(text).unwrap(), addr, "{text}");
    }
}

#[test]
fn ipv6_rejects_the_rest() {
    assert_eq!(kind(parse_ipv6("")), ErrorKind::Empty);
    assert_eq!(kind(parse_ipv6(":")), ErrorKind::InvalidSyntax);
    assert_eq!(kind(parse_ipv6(":::")), ErrorKind::TrailingInput);
    assert_eq!(kind(parse_ipv6("1::2::3")), ErrorKind::InvalidSyntax);
    assert_eq!(kind(parse_ipv6("1:2:3:4:5:6:7")), ErrorKind::UnexpectedEnd);
    assert_eq!(
        kind(parse_ipv6("1:2:3:4:5:6:7:8:9")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(parse_ipv6("1:2:3:4:5:6:7:8::")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(parse_ipv6("::1:2:3:4:5:6:7:8")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(at(parse_ipv6("12345::")), (ErrorKind::TooLong, 4));
    assert_eq!(
        at(parse_ipv6("fe80::1%eth0")),
        (ErrorKind::TrailingInput, 7)
    );
    assert_eq!(kind(parse_ipv6("[::1]")), ErrorKind::InvalidSyntax);
    assert_eq!(at(parse_ipv6("::1/128")), (ErrorKind::TrailingInput, 3));
    assert_eq!(kind(parse_ipv6("1:")), ErrorKind::UnexpectedEnd);
    assert_eq!(kind(parse_ipv6(":1")), ErrorKind::InvalidSyntax);
    assert_eq!(kind(parse_ipv6("::ffff:1.2.3")), ErrorKind::UnexpectedEnd);
    assert_eq!(kind(parse_ipv6("::ffff:01.2.3.4")), ErrorKind::LeadingZero);
    assert_eq!(kind(parse_ipv6("1.2.3.4::")), ErrorKind::InvalidSyntax);
    assert_eq!(
        kind(parse_ipv6("1:2:3:4:5:6:7:1.2.3.4")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(kind(parse_ipv6("::1 ")), ErrorKind::TrailingInput);
    assert_eq!(kind(parse_ipv6("g::")), ErrorKind::InvalidSyntax);
}

// ---------------------------------------------------------------- MAC

#[test]
fn mac_accepts_three_uniform_forms() {
    let want = [0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e];
    for text in [
        "00:1a:2b:3c:4d:5e",
        "00-1A-2B-3C-4D-5E",
        "001a.2b3c.4d5e",
        "001A.2B3C.4D5E",
    ] {
        let mac = MacAddress::parse(text).unwrap();
        assert_eq!(mac.octets(), want, "{text}");
        assert_eq!(mac.to_string(), "00:1a:2b:3c:4d:5e");
    }
    let mac = MacAddress::parse("03:00:00:00:00:00").unwrap();
    assert!(mac.is_multicast() && mac.is_locally_administered());
}

#[test]
fn mac_rejects_mixed_and_malformed() {
    assert_eq!(kind(MacAddress::parse("")), ErrorKind::Empty);
    assert_eq!(
        at(MacAddress::parse("00:1a-2b:3c:4d:5e")),
        (ErrorKind::InvalidSyntax, 5)
    );
    assert_eq!(
        at(MacAddress::parse("00-1a-2b-3c-4d:5e")),
        (ErrorKind::InvalidSyntax, 14)
    );
    assert_eq!(
        kind(MacAddress::parse("001a.2b3c:4d5e")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(MacAddress::parse("0:1a:2b:3c:4d:5e")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(MacAddress::parse("00:1a:2b:3c:4d")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(MacAddress::parse("00:1a:2b:3c:4d:5")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        at(MacAddress::parse("00:1a:2b:3c:4d:5e:")),
        (ErrorKind::TrailingInput, 17)
    );
    assert_eq!(
        kind(MacAddress::parse("001a2b3c4d5e")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(MacAddress::parse("00:1g:2b:3c:4d:5e")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(MacAddress::parse(" 00:1a:2b:3c:4d:5e")),
        ErrorKind::InvalidSyntax
    );
}

// ---------------------------------------------------------------- Wi-Fi

#[test]
fn ssid_length_boundaries() {
    assert_eq!(kind(Ssid::from_bytes(b"")), ErrorKind::Empty);
    assert_eq!(Ssid::from_bytes(b"a").unwrap().as_bytes(), b"a");
    assert!(Ssid::from_bytes(&[0xff; 32]).is_ok());
    assert_eq!(at(Ssid::from_bytes(&[b'a'; 33])), (ErrorKind::TooLong, 32));
    assert_eq!(kind(Ssid::parse("")), ErrorKind::Empty);
    assert!(Ssid::parse(&"\\x00".repeat(32)).is_ok());
    assert_eq!(kind(Ssid::parse(&"a".repeat(33))), ErrorKind::TooLong);
}

#[test]
fn ssid_display_escapes_what_is_not_printable() {
    let ssid = Ssid::from_bytes(b"a\\b\x00\x1b[31m\xff \xc3\xa9").unwrap();
    assert_eq!(ssid.to_string(), r"a\\b\x00\x1b[31m\xff \xc3\xa9");
    assert_eq!(Ssid::parse(&ssid.to_string()).unwrap(), ssid);
    assert_eq!(
        format!("{ssid:?}"),
        r#"Ssid("a\\b\x00\x1b[31m\xff \xc3\xa9")"#
    );
    assert_eq!(ssid.to_str(), None);
    assert_eq!(
        Ssid::from_bytes("Café".as_bytes()).unwrap().to_str(),
        Some("Café")
    );
}

#[test]
fn ssid_rejects_bad_escapes() {
    assert_eq!(at(Ssid::parse(r"a\")), (ErrorKind::InvalidEscape, 1));
    assert_eq!(at(Ssid::parse(r"a\n")), (ErrorKind::InvalidEscape, 1));
    assert_eq!(at(Ssid::parse(r"a\x4")), (ErrorKind::InvalidEscape, 1));
    assert_eq!(at(Ssid::parse(r"a\xzz")), (ErrorKind::InvalidEscape, 1));
}

#[test]
fn passphrase_boundaries_and_characters() {
    assert_eq!(kind(WpaPassphrase::parse("")), ErrorKind::Empty);
    assert_eq!(kind(WpaPassphrase::parse("a")), ErrorKind::TooShort);
    assert_eq!(kind(WpaPassphrase::parse("1234567")), ErrorKind::TooShort);
    assert!(WpaPassphrase::parse("12345678").is_ok());
    assert!(WpaPassphrase::parse(&"~".repeat(63)).is_ok());
    assert_eq!(
        at(WpaPassphrase::parse(&"a".repeat(64))),
        (ErrorKind::TooLong, 63)
    );
    assert!(WpaPassphrase::parse("  spaces  are fine ").is_ok());
    for bad in [
        "pass\u{7f}word",
        "pass\tword",
        "passäword",
        "pass\0word",
        "pass\nword",
    ] {
        assert_eq!(
            at(WpaPassphrase::parse(bad)),
            (ErrorKind::InvalidCharacter, 4),
            "{bad:?}"
        );
    }
}

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let pass = WpaPassphrase::parse("hunter2hunter2").unwrap();
    assert!(!format!("{pass:?}").contains("hunter2"));
    let psk = WpaPsk::parse(&"ab".repeat(32)).unwrap();
    assert!(!format!("{psk:?}").to_lowercase().contains("ab"));
    let err = WpaPassphrase::parse("hunter2\u{7}hunter").unwrap_err();
    assert!(!err.to_string().contains("hunter"));
    assert!(!format!("{err:?}").contains("hunter"));
}

#[test]
fn secrets_compare_by_value() {
    // Equality is constant-time (subtle); it must still be exact.
    let pass = |s: &str| WpaPassphrase::parse(s).unwrap();
    assert_eq!(pass("correct horse"), pass("correct horse"));
    assert_ne!(pass("correct horse"), pass("correct horsf"));
    assert_ne!(pass("correct horse"), pass("Correct horse"));
    assert_ne!(pass("correct horse"), pass("correct horse "));
    assert_ne!(pass("12345678"), pass("123456789"));
    let psk = |s: String| WpaPsk::parse(&s).unwrap();
    assert_eq!(psk("ab".repeat(32)), psk("AB".repeat(32)));
    assert_ne!(psk("ab".repeat(32)), psk(format!("{}ac", "ab".repeat(31))));
    assert_ne!(psk("ab".repeat(32)), psk(format!("ac{}", "ab".repeat(31))));
}

#[test]
fn psk_boundaries() {
    let hex = "0123456789ABCDEFabcdef".repeat(3);
    assert_eq!(kind(WpaPsk::parse("")), ErrorKind::Empty);
    assert_eq!(at(WpaPsk::parse("a")), (ErrorKind::TooShort, 1));
    assert_eq!(at(WpaPsk::parse(&hex[..63])), (ErrorKind::TooShort, 63));
    let psk = WpaPsk::parse(&hex[..64]).unwrap();
    assert_eq!(psk.expose_secret()[..4], [0x01, 0x23, 0x45, 0x67]);
    assert_eq!(at(WpaPsk::parse(&hex[..65])), (ErrorKind::TooLong, 64));
    let mut bad = hex[..64].to_string();
    bad.replace_range(10..11, "g");
    assert_eq!(at(WpaPsk::parse(&bad)), (ErrorKind::InvalidCharacter, 10));
    assert_eq!(
        at(WpaPsk::parse(&format!("{} ", &hex[..63]))),
        (ErrorKind::InvalidCharacter, 63)
    );
}

// ---------------------------------------------------------------- MQTT

#[test]
fn topic_name_boundaries() {
    assert_eq!(kind(TopicName::parse("")), ErrorKind::Empty);
    assert!(TopicName::parse("a").is_ok());
    assert!(TopicName::parse("/").is_ok());
    assert!(TopicName::parse(&"a".repeat(256)).is_ok()); // inline
    #[cfg(feature = "alloc")]
    {
        assert!(TopicName::parse(&"a".repeat(65_535)).is_ok()); // heap
        assert_eq!(
            at(TopicName::parse(&"a".repeat(65_536))),
            (ErrorKind::TooLong, 65_535)
        );
    }
    #[cfg(not(feature = "alloc"))]
    assert_eq!(
        at(TopicName::parse(&"a".repeat(257))),
        (ErrorKind::TooLong, 256)
    );
    let levels_32 = vec!["l"; 32].join("/");
    assert!(TopicName::parse(&levels_32).is_ok());
    let levels_33 = vec!["l"; 33].join("/");
    assert_eq!(
        at(TopicName::parse(&levels_33)),
        (ErrorKind::TooManyLevels, 63)
    );
    assert!(TopicName::parse_with(&levels_33, &Options::new().max_levels(33)).is_ok());
}

#[test]
fn topic_name_forbidden_characters() {
    assert_eq!(at(TopicName::parse("a/+")), (ErrorKind::InvalidWildcard, 2));
    assert_eq!(at(TopicName::parse("a/#")), (ErrorKind::InvalidWildcard, 2));
    assert_eq!(at(TopicName::parse("a+b")), (ErrorKind::InvalidWildcard, 1));
    for (text, offset) in [
        ("a\0", 1),
        ("a\u{1}", 1),
        ("a\u{1f}", 1),
        ("ab\u{7f}", 2),
        ("\u{85}", 0),
        ("a\u{ffff}", 1),
        ("\u{fdd0}", 0),
    ] {
        assert_eq!(
            at(TopicName::parse(text)),
            (ErrorKind::InvalidCharacter, offset),
            "{text:?}"
        );
    }
    let relaxed = Options::new().insecure_allow_control_characters();
    assert!(TopicName::parse_with("a\u{1}", &relaxed).is_ok());
    assert_eq!(
        kind(TopicName::parse_with("a\0", &relaxed)),
        ErrorKind::InvalidCharacter
    );
    assert!(TopicName::parse("ünïcødé/温度/ 空白 ").is_ok());
}

#[test]
fn topic_filter_wildcard_placement() {
    for ok in [
        "#", "+", "+/+", "a/+/b", "a/#", "+/#", "/#", "a//+", "$SYS/#",
    ] {
        assert!(TopicFilter::parse(ok).is_ok(), "{ok}");
    }
    for (bad, offset) in [
        ("a/#/b", 2),
        ("#/", 0),
        ("a#", 1),
        ("a/b#", 3),
        ("+a", 0),
        ("a/+b", 2),
        ("##", 0),
    ] {
        assert_eq!(
            at(TopicFilter::parse(bad)),
            (ErrorKind::InvalidWildcard, offset),
            "{bad}"
        );
    }
    assert_eq!(kind(TopicFilter::parse("")), ErrorKind::Empty);
}

#[test]
fn topic_filter_matching_follows_the_specification() {
    let m = |f: &str, t: &str| {
        TopicFilter::parse(f)
            .unwrap()
            .matches(&TopicName::parse(t).unwrap())
    };
    // MQTT 3.1.1 §4.7.1.2 / 5.0 §4.7.1.2 examples
    assert!(m("sport/tennis/player1/#", "sport/tennis/player1"));
    assert!(m("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
    assert!(m(
        "sport/tennis/player1/#",
        "sport/tennis/player1/score/wimbledon"
    ));
    assert!(m("sport/#", "sport"));
    assert!(m("#", "sport/tennis"));
    // §4.7.1.3
    assert!(m("sport/tennis/+", "sport/tennis/player1"));
    assert!(!m("sport/tennis/+", "sport/tennis/player1/ranking"));
    assert!(!m("sport/+", "sport"));
    assert!(m("sport/+", "sport/"));
    assert!(m("+/+", "/finance"));
    assert!(m("/+", "/finance"));
    assert!(!m("+", "/finance"));
    // §4.7.2: wildcards in the first level do not match `$` topics
    assert!(!m("#", "$SYS/monitor/Clients"));
    assert!(!m("+/monitor/Clients", "$SYS/monitor/Clients"));
    assert!(m("$SYS/#", "$SYS/monitor/Clients"));
    assert!(m("$SYS/monitor/+", "$SYS/monitor/Clients"));
    // case-sensitive, exact levels
    assert!(!m("Sport", "sport"));
    assert!(!m("a/b", "a/b/c"));
    assert!(!m("a/b/c", "a/b"));
    assert!(m("a//b", "a//b"));
    assert!(!m("a/+/b", "a/b"));
}

// ---------------------------------------------------------------- EndpointUrl

#[test]
fn url_accepts_the_secure_schemes_and_all_host_kinds() {
    let u = EndpointUrl::parse("https://example.com").unwrap();
    assert_eq!(
        (u.scheme(), u.port(), u.path(), u.query()),
        (Scheme::Https, None, "", None)
    );
    assert_eq!(u.port_or_default(), 443);
    let u = EndpointUrl::parse("WSS://[FE80::1]:9443/ws?token=a%20b").unwrap();
    assert_eq!(u.host(), &Host::Ipv6("fe80::1".parse().unwrap()));
    assert_eq!(u.host().to_string(), "[fe80::1]");
    assert_eq!(
        (u.port(), u.path(), u.query()),
        (Some(9443), "/ws", Some("token=a%20b"))
    );
    assert_eq!(u.to_string(), "wss://[fe80::1]:9443/ws?token=a%20b");
    let u = EndpointUrl::parse("coaps://192.0.2.1:5684").unwrap();
    assert_eq!(u.host(), &Host::Ipv4(Ipv4Addr::new(192, 0, 2, 1)));
    assert_eq!(u.port_or_default(), 5684);
    let u = EndpointUrl::parse("mqtts://broker.example?x").unwrap();
    assert_eq!((u.path(), u.query()), ("", Some("x")));
    let u = EndpointUrl::parse("https://h.example/a/b/?q=/?&r=~").unwrap();
    assert_eq!((u.path(), u.query()), ("/a/b/", Some("q=/?&r=~")));
    let u = EndpointUrl::parse("https://[::ffff:192.0.2.1]/").unwrap();
    assert_eq!(u.host().to_string(), "[::ffff:c000:201]");
}

#[test]
fn url_scheme_policy() {
    assert_eq!(kind(EndpointUrl::parse("")), ErrorKind::Empty);
    for plain in [
        "http://a.example",
        "mqtt://a.example",
        "ws://a.example",
        "coap://a.example",
    ] {
        assert_eq!(
            kind(EndpointUrl::parse(plain)),
            ErrorKind::SchemeNotAllowed,
            "{plain}"
        );
        assert!(
            EndpointUrl::parse_with(plain, &UrlPolicy::new().insecure_allow_plaintext()).is_ok()
        );
    }
    for other in [
        "ftp://a.example",
        "file://a.example",
        "javascript://a.example",
        "xhttps://a.example",
    ] {
        assert_eq!(
            kind(EndpointUrl::parse(other)),
            ErrorKind::SchemeNotAllowed,
            "{other}"
        );
    }
    let only = UrlPolicy::new().only(&[Scheme::Mqtts, Scheme::Http]);
    assert!(
        only.allows(Scheme::Mqtts) && !only.allows(Scheme::Http) && !only.allows(Scheme::Https)
    );
    assert_eq!(
        kind(EndpointUrl::parse("https:a.example")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(EndpointUrl::parse("//a.example")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(EndpointUrl::parse("a.example")),
        ErrorKind::InvalidSyntax
    );
}

#[test]
fn url_rejects_credentials_and_bad_hosts() {
    assert_eq!(
        at(EndpointUrl::parse("https://user@a.example")),
        (ErrorKind::Credentials, 12)
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://u:p@a.example/")),
        ErrorKind::Credentials
    );
    assert!(EndpointUrl::parse("https://a.example/@x").is_ok()); // `@` in the path is not userinfo
    assert_eq!(
        kind(EndpointUrl::parse("https://")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https:///path")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://127.1/")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://0x7f.0.0.1/")),
        ErrorKind::InvalidLabel
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://010.0.0.1/")),
        ErrorKind::LeadingZero
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://[fe80::1%25eth0]/")),
        ErrorKind::TrailingInput
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://[::1/")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://::1/")),
        ErrorKind::InvalidSyntax
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a_b.example/")),
        ErrorKind::InvalidCharacter
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a%2eb.example/")),
        ErrorKind::InvalidCharacter
    );
}

#[test]
fn url_ports() {
    assert_eq!(
        EndpointUrl::parse("https://a.example:1").unwrap().port(),
        Some(1)
    );
    assert_eq!(
        EndpointUrl::parse("https://a.example:65535")
            .unwrap()
            .port(),
        Some(65535)
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:0")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:65536")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:123456")),
        ErrorKind::OutOfRange
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:0443")),
        ErrorKind::LeadingZero
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:")),
        ErrorKind::UnexpectedEnd
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:8a")),
        ErrorKind::InvalidCharacter
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://a.example:80:80")),
        ErrorKind::InvalidCharacter
    );
    assert_eq!(
        kind(EndpointUrl::parse("https://[::1]x")),
        ErrorKind::InvalidSyntax
    );
}

#[test]
fn url_rejects_characters_and_bad_paths() {
    for (bad, k) in [
        ("https://a.example/a b", ErrorKind::InvalidCharacter),
        ("https://a.example/\ta", ErrorKind::InvalidCharacter),
        (
            "https://a.example\\@evil.example",
            ErrorKind::InvalidCharacter,
        ),
        ("https://a.example/#frag", ErrorKind::InvalidCharacter),
        ("https://a.example/ü", ErrorKind::InvalidCharacter),
        ("https://a.example/<script>", ErrorKind::InvalidCharacter),
        ("https://a.example/%", ErrorKind::InvalidEscape),
        ("https://a.example/%4", ErrorKind::InvalidEscape),
        ("https://a.example/%zz", ErrorKind::InvalidEscape),
        ("https://a.example/%0d%0a", ErrorKind::InvalidEscape),
        ("https://a.example/?%00", ErrorKind::InvalidEscape),
        ("https://a.example/../etc", ErrorKind::InvalidSyntax),
        ("https://a.example/a/./b", ErrorKind::InvalidSyntax),
        ("https://a.example/a/%2E%2e", ErrorKind::InvalidSyntax),
        ("https://a.example/a/..", ErrorKind::InvalidSyntax),
        (" https://a.example", ErrorKind::InvalidCharacter),
        ("https://a.example ", ErrorKind::InvalidCharacter),
    ] {
        assert_eq!(kind(EndpointUrl::parse(bad)), k, "{bad:?}");
    }
    assert!(EndpointUrl::parse("https://a.example/a/...").is_ok());
    assert!(EndpointUrl::parse("https://a.example/.well-known/x").is_ok());
}

#[test]
fn url_length_boundary() {
    let base = "https://a.example/";
    let max = format!("{base}{}", "p".repeat(EndpointUrl::MAX_LEN - base.len()));
    assert!(EndpointUrl::parse(&max).is_ok());
    let over = format!("{max}p");
    assert_eq!(
        at(EndpointUrl::parse(&over)),
        (ErrorKind::TooLong, EndpointUrl::MAX_LEN)
    );
}

// ---------------------------------------------------------------- FirmwareVersion

#[test]
fn version_syntax() {
    let v = FirmwareVersion::parse("1.2.3-rc.1+build.5").unwrap();
    assert_eq!((v.major(), v.minor(), v.patch()), (1, 2, 3));
    assert_eq!((v.pre_release(), v.build()), ("rc.1", "build.5"));
    assert!(v.is_pre_release());
    assert!(FirmwareVersion::parse("0.0.0").is_ok());
    assert!(FirmwareVersion::parse("18446744073709551615.0.0").is_ok());
    assert!(FirmwareVersion::parse("1.0.0+001").is_ok()); // build metadata may have leading zeros
    assert!(FirmwareVersion::parse("1.0.0-0a.--").is_ok());
    for (bad, k) in [
        ("", ErrorKind::Empty),
        ("1", ErrorKind::UnexpectedEnd),
        ("1.2", ErrorKind::UnexpectedEnd),
        ("v1.2.3", ErrorKind::InvalidSyntax),
        ("01.2.3", ErrorKind::LeadingZero),
        ("1.2.03", ErrorKind::LeadingZero),
        ("1.2.3-01", ErrorKind::LeadingZero),
        ("18446744073709551616.0.0", ErrorKind::OutOfRange),
        ("1.2.3-", ErrorKind::UnexpectedEnd),
        ("1.2.3+", ErrorKind::UnexpectedEnd),
        ("1.2.3-a..b", ErrorKind::InvalidSyntax),
        ("1.2.3-a_b", ErrorKind::InvalidCharacter),
        ("1.2.3 ", ErrorKind::InvalidCharacter),
        ("1.2.3.4", ErrorKind::InvalidCharacter),
        ("1.2.-3", ErrorKind::InvalidSyntax),
    ] {
        assert_eq!(kind(FirmwareVersion::parse(bad)), k, "{bad:?}");
    }
    let long = format!("1.0.0-{}", "a".repeat(FirmwareVersion::MAX_LEN - 6));
    assert!(FirmwareVersion::parse(&long).is_ok());
    assert_eq!(
        at(FirmwareVersion::parse(&format!("{long}a"))),
        (ErrorKind::TooLong, FirmwareVersion::MAX_LEN)
    );
}

#[test]
fn version_precedence_is_semver_section_11() {
    // The chain from SemVer §11.4.
    let chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
        "10.0.0",
    ];
    for pair in chain.windows(2) {
        let (a, b) = (
            FirmwareVersion::parse(pair[0]).unwrap(),
            FirmwareVersion::parse(pair[1]).unwrap(),
        );
        assert!(a < b, "{a} < {b}");
    }
    // Build metadata never changes precedence, so it cannot fake an upgrade.
    let a = FirmwareVersion::parse("1.0.0+zzz").unwrap();
    let b = FirmwareVersion::parse("1.0.0+aaa").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.cmp(&b), std::cmp::Ordering::Equal);
    assert_ne!(a.build(), b.build());
    assert_eq!(a.to_string(), "1.0.0+zzz");
}

// ---------------------------------------------------------------- Timestamp

#[test]
fn timestamp_accepts_rfc_3339_examples() {
    for (text, unix) in [
        ("1985-04-12T23:20:50.52Z", 482_196_050),
        ("1996-12-19T16:39:57-08:00", 851_042_397),
        ("1990-12-31T23:59:60Z", 662_687_999),
        ("1990-12-31T15:59:60-08:00", 662_687_999),
        ("1937-01-01T12:00:27.87+00:20", -1_041_337_173),
        ("1970-01-01T00:00:00z", 0),
        ("0000-01-01T00:00:00Z", -62_167_219_200),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2000-02-29T00:00:00Z", 951_782_400),
    ] {
        assert_eq!(
            Timestamp::parse(text).unwrap().unix_timestamp(),
            unix,
            "{text}"
        );
    }
    let t = Timestamp::parse("2024-06-01t08:30:00.123456789123z").unwrap();
    assert_eq!(t.nanosecond(), 123_456_789);
    assert_eq!(t.to_string(), "2024-06-01T08:30:00.123456789Z");
    assert_eq!(
        Timestamp::parse("2024-06-01T08:30:00-00:00")
            .unwrap()
            .to_string(),
        "2024-06-01T08:30:00-00:00"
    );
    assert_eq!(
        Timestamp::parse("2024-06-01T08:30:00+05:30")
            .unwrap()
            .offset_minutes(),
        330
    );
    assert_eq!(
        Timestamp::parse("2024-06-01T08:30:00.500Z")
            .unwrap()
            .to_string(),
        "2024-06-01T08:30:00.5Z"
    );
}

#[test]
fn timestamp_rejects_invalid_dates_and_syntax() {
    for (bad, k) in [
        ("", ErrorKind::Empty),
        ("2023-02-29T00:00:00Z", ErrorKind::InvalidDate),
        ("1900-02-29T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-04-31T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-00-01T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-13-01T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-00T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-32T00:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-01T24:00:00Z", ErrorKind::InvalidDate),
        ("2024-01-01T00:60:00Z", ErrorKind::InvalidDate),
        ("2024-01-01T00:00:61Z", ErrorKind::InvalidDate),
        ("2024-01-01T23:59:60+01:00", ErrorKind::InvalidDate), // 22:59:60 UTC
        ("2024-01-01T00:00:00+24:00", ErrorKind::InvalidDate),
        ("2024-01-01T00:00:00+01:60", ErrorKind::InvalidDate),
        ("2024-01-01 00:00:00Z", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00Z", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00:00", ErrorKind::UnexpectedEnd),
        ("2024-01-01T00:00:00.Z", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00:00+0100", ErrorKind::InvalidSyntax),
        ("2024-01-01T00:00:00Z ", ErrorKind::TrailingInput),
        ("24-01-01T00:00:00Z", ErrorKind::InvalidSyntax),
        ("+2024-01-01T00:00:00Z", ErrorKind::InvalidSyntax),
        ("2024-1-01T00:00:00Z", ErrorKind::InvalidSyntax),
    ] {
        assert_eq!(kind(Timestamp::parse(bad)), k, "{bad:?}");
    }
    let long = format!(
        "2024-01-01T00:00:00.{}Z",
        "1".repeat(Timestamp::MAX_LEN - 21)
    );
    assert_eq!(long.len(), Timestamp::MAX_LEN);
    assert!(Timestamp::parse(&long).is_ok());
    let over = format!(
        "2024-01-01T00:00:00.{}Z",
        "1".repeat(Timestamp::MAX_LEN - 20)
    );
    assert_eq!(
        at(Timestamp::parse(&over)),
        (ErrorKind::TooLong, Timestamp::MAX_LEN)
    );
}

#[test]
fn timestamp_leap_second_only_at_the_end_of_a_utc_month() {
    // RFC 3339 §5.7: second 60 only "at the end of months in which a leap
    // second occurs", at 23:59:60 UTC, shifted by the offset.
    for ok in [
        "1990-12-31T23:59:60Z",
        "1990-06-30T23:59:60Z",
        "2024-02-29T23:59:60Z",
        "2023-02-28T23:59:60Z",
        "1990-12-31T15:59:60-08:00",
        "1991-01-01T00:59:60+01:00", // 1990-12-31T23:59:60Z
        "1990-12-01T00:59:60+01:00", // 1990-11-30T23:59:60Z
        "0000-01-01T00:29:60+00:30", // the last day of year -1
        "9999-12-31T23:59:60Z",
    ] {
        assert!(Timestamp::parse(ok).unwrap().is_leap_second(), "{ok}");
    }
    for (bad, offset) in [
        ("1990-12-30T23:59:60Z", 17),
        ("2024-02-28T23:59:60Z", 17),
        ("2024-01-01T23:59:60Z", 17),
        ("1990-11-29T15:59:60-08:00", 17),
        ("1991-01-02T00:59:60+01:00", 17), // 1991-01-01T23:59:60Z
        ("1990-12-31T23:59:60+01:00", 17), // 22:59:60 UTC
    ] {
        assert_eq!(
            at(Timestamp::parse(bad)),
            (ErrorKind::InvalidDate, offset),
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------- DeviceName

#[test]
fn device_name_boundaries() {
    assert_eq!(kind(DeviceName::parse("")), ErrorKind::Empty);
    assert!(DeviceName::parse("a").is_ok());
    assert!(DeviceName::parse(&"ä".repeat(64)).is_ok());
    assert!(DeviceName::parse(&"😀".repeat(64)).is_ok()); // 256 bytes
    assert_eq!(
        at(DeviceName::parse(&"a".repeat(65))),
        (ErrorKind::TooLong, 64)
    );
    assert_eq!(
        at(DeviceName::parse(&"ä".repeat(65))),
        (ErrorKind::TooLong, 128)
    );
    assert!(DeviceName::parse("Living room lamp 2").is_ok());
    assert!(DeviceName::parse("客厅的灯").is_ok());
}

#[test]
fn device_name_forbidden_characters() {
    for (bad, offset) in [
        (" lamp", 0),
        ("lamp ", 4),
        ("\u{3000}lamp", 0),
        ("lamp\u{a0}", 4),
        ("la\nmp", 2),
        ("la\u{1b}[2Jmp", 2),
        ("la\u{85}mp", 2),
        ("la\u{202e}mp", 2), // right-to-left override
        ("la\u{2066}mp", 2), // isolate
        ("la\u{200f}mp", 2), // right-to-left mark
        ("la\u{200b}mp", 2), // zero-width space
        ("la\u{200d}mp", 2), // zero-width joiner
        ("la\u{feff}mp", 2),
        ("la\u{ad}mp", 2),    // soft hyphen
        ("la\u{2028}mp", 2),  // line separator
        ("la\u{fe0f}mp", 2),  // variation selector
        ("la\u{e0041}mp", 2), // tag character
        ("la\u{3164}mp", 2),  // Hangul filler
        ("la\u{ffff}mp", 2),  // noncharacter
    ] {
        assert_eq!(
            at(DeviceName::parse(bad)),
            (ErrorKind::InvalidCharacter, offset),
            "{bad:?}"
        );
    }
}

// ---------------------------------------------------------------- traits

#[test]
fn from_str_and_try_from_match_parse() {
    let h: Hostname = "a.example".parse().unwrap();
    assert_eq!(Hostname::try_from("a.example").unwrap(), h);
    assert_eq!(
        "bad_host".parse::<Hostname>().unwrap_err().kind(),
        ErrorKind::InvalidCharacter
    );
    let _: MacAddress = "00:00:00:00:00:01".parse().unwrap();
    let _: Ssid = "x".parse().unwrap();
    let _: WpaPassphrase = "12345678".parse().unwrap();
    let _: WpaPsk = "0".repeat(64).parse().unwrap();
    let _: TopicName = "a".parse().unwrap();
    let _: TopicFilter = "#".parse().unwrap();
    let _: EndpointUrl = "https://a.example".parse().unwrap();
    let _: FirmwareVersion = "1.0.0".parse().unwrap();
    let _: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    let _: DeviceName = "x".parse().unwrap();
    assert!(EndpointUrl::try_from("http://a.example").is_err());
}

#[test]
fn errors_display_reason_and_offset_only() {
    let e = Hostname::parse("secret_value").unwrap_err();
    assert_eq!(e.to_string(), "invalid character at byte 6");
    assert!(!format!("{e:?}").contains("secret"));
}
