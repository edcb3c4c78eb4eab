//! The shared trait implementations.

use super::*;

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
