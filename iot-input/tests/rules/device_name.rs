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

/// F5: names that do not look like what they are. Blank-rendering letters
/// (U+2800 like the Hangul fillers), private-use and unassigned code points
/// (tofu or blanks, depending on the font), names of combining marks only
/// and unbounded combining stacks ("Zalgo" text) are refused, at their
/// offset.
#[test]
fn f5_invisible_unassigned_and_stacked_names_are_refused() {
    for (name, at) in [
        ("\u{2800}", 0),
        ("Lamp\u{2800}", 4),
        ("\u{2800}Lamp", 0),
        ("La\u{2800}mp", 2),
        ("\u{1d159}", 0),
        ("\u{e000}", 0),
        ("x\u{f8ff}", 1),
        ("\u{f0000}", 0),
        ("\u{10fffd}", 0),
        ("x\u{0378}y", 1),
        ("x\u{2065}", 1),
        ("\u{301}", 0),
        ("\u{301}Lamp", 0),
        ("\u{20dd}", 0),
        ("a\u{301}\u{301}\u{301}\u{301}\u{301}", 9),
    ] {
        assert_eq!(
            DeviceName::parse(name).map_err(|e| (e.kind(), e.offset())),
            Err((ErrorKind::InvalidCharacter, at.min(name.len()))),
            "{name:?}"
        );
    }
    let zalgo = format!("a{}", "\u{301}".repeat(63));
    assert_eq!(kind(DeviceName::parse(&zalgo)), ErrorKind::InvalidCharacter);
    // Combining marks where scripts need them stay valid: up to
    // DeviceName::MAX_COMBINING_RUN in a row.
    for ok in [
        "Ce\u{301}line",
        "Vie\u{302}\u{301}t",
        "a\u{301}\u{302}\u{303}\u{304}",
        "कें",
        "ไม้",
        "Küche",
    ] {
        assert!(DeviceName::parse(ok).is_ok(), "{ok:?}");
    }
    assert_eq!(DeviceName::MAX_COMBINING_RUN, 4);
}
