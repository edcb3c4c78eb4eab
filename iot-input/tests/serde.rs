//! With feature `serde`, every type deserializes through its parser, so a
//! configuration struct rejects bad input at the edge; `json::from_slice`
//! validates the document first.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![cfg(feature = "json")]

use iot_input::mqtt::{TopicFilter, TopicName};
use iot_input::{
    DeviceName, EndpointUrl, ErrorKind, FirmwareVersion, Hostname, MacAddress, Ssid, Timestamp,
    WpaPassphrase, WpaPsk, json,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
struct Config {
    ssid: Ssid,
    broker: EndpointUrl,
    topic: TopicName,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Everything {
    host: Hostname,
    mac: MacAddress,
    ssid: Ssid,
    topic: TopicName,
    filter: TopicFilter,
    url: EndpointUrl,
    version: FirmwareVersion,
    time: Timestamp,
    name: DeviceName,
}

#[derive(Deserialize)]
struct Secrets {
    passphrase: WpaPassphrase,
    psk: WpaPsk,
}

const CONFIG: &str =
    r#"{"ssid": "home", "broker": "mqtts://broker.example:8883", "topic": "devices/42/telemetry"}"#;

#[test]
fn valid_config_deserializes() {
    let config: Config = serde_json::from_str(CONFIG).unwrap();
    assert_eq!(config.ssid.as_bytes(), b"home");
    assert_eq!(config.broker.port(), Some(8883));
    assert_eq!(config.topic.as_str(), "devices/42/telemetry");
}

#[test]
fn bad_fields_are_rejected_at_the_edge() {
    for (field, bad, kind) in [
        ("ssid", r#""""#, ErrorKind::Empty),
        (
            "ssid",
            r#""0123456789abcdef0123456789abcdefX""#,
            ErrorKind::TooLong,
        ),
        (
            "broker",
            r#""mqtt://broker.example""#,
            ErrorKind::SchemeNotAllowed,
        ),
        (
            "broker",
            r#""mqtts://user:pw@broker.example""#,
            ErrorKind::Credentials,
        ),
        (
            "topic",
            r#""devices/+/telemetry""#,
            ErrorKind::InvalidWildcard,
        ),
        ("topic", "42", ErrorKind::WrongType),
    ] {
        let doc = CONFIG.replacen(
            &format!(r#""{field}": "{}""#, field_value(field)),
            &format!(r#""{field}": {bad}"#),
            1,
        );
        assert_ne!(doc, CONFIG);
        assert!(serde_json::from_str::<Config>(&doc).is_err(), "{doc}");
        let err = json::from_slice::<Config>(doc.as_bytes(), &json::Limits::default()).unwrap_err();
        // The field's own reason survives, with the field's name; the
        // offset is the value's last byte.
        assert_eq!(err.kind(), kind, "{doc}");
        assert_eq!(err.path(), Some(field), "{doc}");
        let value_last = doc.find(bad).unwrap() + bad.len() - 1;
        assert_eq!(err.offset(), value_last, "{doc}");
    }
}

fn field_value(field: &str) -> &'static str {
    match field {
        "ssid" => "home",
        "broker" => "mqtts://broker.example:8883",
        _ => "devices/42/telemetry",
    }
}

#[test]
fn serde_errors_do_not_echo_the_input() {
    let doc = r#"{"passphrase": "hunter2\u0007hunter2", "psk": "00"}"#;
    let err = serde_json::from_str::<Secrets>(doc).err().unwrap();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let err = json::from_slice::<Secrets>(doc.as_bytes(), &json::Limits::default())
        .err()
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::InvalidCharacter);
    assert!(!err.to_string().contains("hunter2"));
}

#[test]
fn secrets_deserialize_but_do_not_serialize() {
    let psk = "ab".repeat(32);
    let doc = format!(r#"{{"passphrase": "correct horse", "psk": "{psk}"}}"#);
    let secrets: Secrets = serde_json::from_str(&doc).unwrap();
    assert_eq!(secrets.passphrase.expose_secret(), "correct horse");
    assert_eq!(secrets.psk.expose_secret(), &[0xab; 32]);
    // `WpaPassphrase: Serialize` does not hold: a compile-time property,
    // documented; here we check that Debug stays redacted.
    assert!(!format!("{:?}", secrets.passphrase).contains("correct"));
}

#[test]
fn serialize_writes_the_canonical_form_and_round_trips() {
    let doc = r#"{
        "host": "Broker.Example.COM", "mac": "00-1A-2B-3C-4D-5E", "ssid": "caf\\xc3\\xa9",
        "topic": "a/b", "filter": "a/+", "url": "WSS://[::1]:443/x", "version": "1.2.3-rc.1+b",
        "time": "2024-01-01t00:00:00.500z", "name": "Küche"
    }"#;
    let all: Everything = serde_json::from_str(doc).unwrap();
    let out = serde_json::to_string(&all).unwrap();
    assert!(out.contains(r#""host":"broker.example.com""#), "{out}");
    assert!(out.contains(r#""mac":"00:1a:2b:3c:4d:5e""#), "{out}");
    assert!(out.contains(r#""url":"wss://[::1]:443/x""#), "{out}");
    assert!(out.contains(r#""time":"2024-01-01T00:00:00.5Z""#), "{out}");
    let again: Everything = serde_json::from_str(&out).unwrap();
    assert_eq!(again, all);
}

#[test]
fn from_slice_validates_before_deserializing() {
    // Into a map, serde_json alone keeps the last of two duplicate keys
    // (another parser may keep the first); from_slice refuses the document.
    let doc = r#"{"ssid": "home", "broker": "mqtts://good.example", "topic": "t", "broker": "mqtts://evil.example"}"#;
    let map: serde_json::Value = serde_json::from_str(doc).unwrap();
    assert_eq!(map["broker"], "mqtts://evil.example");
    let err = json::from_slice::<Config>(doc.as_bytes(), &json::Limits::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateKey);
    // Limits apply too.
    let err = json::from_slice::<Config>(CONFIG.as_bytes(), &json::Limits::new().max_bytes(16))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLong);
    // A missing field is named, with an offset inside the document.
    let err =
        json::from_slice::<Config>(br#"{"ssid": "home"}"#, &json::Limits::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField);
    assert_eq!(err.path(), Some("broker"));
    assert!(err.offset() <= 16);
}
