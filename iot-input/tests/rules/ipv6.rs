//! IPv6: the RFC 4291 text forms.

use super::*;

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
