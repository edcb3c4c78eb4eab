//! DeviceName: characters and bounds.

use super::*;

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
