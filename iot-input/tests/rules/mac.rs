//! MAC addresses: the three forms, uniform separators.

use super::*;

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
