//! Wi-Fi: SSID, passphrase, PSK.

use super::*;

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
