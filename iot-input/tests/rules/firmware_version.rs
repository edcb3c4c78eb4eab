//! FirmwareVersion: SemVer 2.0.0 and precedence.

use super::*;

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
