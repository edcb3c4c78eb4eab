//! IPv4: strict dotted decimal.

use super::*;

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
