//! `json::from_slice` errors name the field path and the kind, never the
//! value: an app can tell its user which field was wrong without parsing
//! twice, and the error is safe to log.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![cfg(feature = "json")]

use std::collections::BTreeMap;

use iot_input::json::{self, JsonError, Limits};
use iot_input::mqtt::TopicName;
use iot_input::{DeviceName, EndpointUrl, ErrorKind, Ssid};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Config {
    wifi: Wifi,
    broker: Broker,
    topics: Vec<TopicName>,
    #[serde(default)]
    devices: Vec<Device>,
    #[serde(default)]
    retries: Option<u8>,
    #[serde(default)]
    mode: Option<Mode>,
    #[serde(default)]
    labels: BTreeMap<String, DeviceName>,
    #[serde(default)]
    window: Option<(u16, u16)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Wifi {
    ssid: Ssid,
    channel: u8,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Broker {
    url: EndpointUrl,
    #[serde(default)]
    keepalive: u16,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Device {
    name: DeviceName,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Mode {
    Station,
    Mesh { peers: Vec<TopicName> },
}

const GOOD: &str = r#"{
  "wifi": {"ssid": "HomeNet", "channel": 6},
  "broker": {"url": "mqtts://broker.example.com:8883"},
  "topics": ["devices/1/telemetry", "devices/1/state", "devices/1/log"],
  "devices": [{"name": "Kitchen"}, {"name": "Hall"}]
}"#;

/// The document into `Config`: these tests expect an error.
fn parse(doc: &str) -> Result<Config, JsonError> {
    json::from_slice::<Config>(doc.as_bytes(), &Limits::default())
}

#[test]
fn the_good_document_deserializes() {
    let config: Config = json::from_slice(GOOD.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(config.topics.len(), 3);
}

#[test]
fn a_missing_field_is_named_by_its_path() {
    let doc = GOOD.replace(
        r#""url": "mqtts://broker.example.com:8883""#,
        r#""keepalive": 30"#,
    );
    let e = parse(&doc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    assert_eq!(e.path(), Some("broker.url"));
    // At the closing brace of the object that lacks it.
    assert_eq!(&doc[e.offset()..=e.offset()], "}");
    assert_eq!(
        e.to_string(),
        format!("broker.url: missing field at byte {}", e.offset())
    );
    // At the top level the path is the field alone.
    let e = json::from_slice::<Config>(
        br#"{"wifi": {"ssid": "a", "channel": 1}}"#,
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (ErrorKind::MissingField, Some("broker"))
    );
}

#[test]
fn an_unknown_field_is_reported_by_its_offset_never_its_text() {
    let doc = GOOD.replace(
        r#""channel": 6"#,
        r#""channel": 6, "pass\u0077ord-hunter2": "x""#,
    );
    let e = parse(&doc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownField);
    // The path names the object, the offset the key's opening quote.
    assert_eq!(e.path(), Some("wifi"));
    assert!(doc[e.offset()..].starts_with(r#""pass\u0077ord-hunter2""#));
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!shown.contains("pass"), "{shown}");
    // At the top level there is no path.
    let doc = GOOD.replacen('{', r#"{"secret-key": 1, "#, 1);
    let e = parse(&doc).unwrap_err();
    assert_eq!(
        (e.kind(), e.path(), e.offset()),
        (ErrorKind::UnknownField, None, 1)
    );
    assert_eq!(e.to_string(), "unknown field at byte 1");
}

#[test]
fn a_wrong_type_is_named_without_the_value() {
    for (from, to, path) in [
        (
            r#""channel": 6"#,
            r#""channel": "six-hunter2""#,
            "wifi.channel",
        ),
        (r#""ssid": "HomeNet""#, r#""ssid": 42"#, "wifi.ssid"),
        (
            r#""topics": ["devices/1/telemetry", "devices/1/state", "devices/1/log"]"#,
            r#""topics": {"a": "hunter2"}"#,
            "topics",
        ),
        (r#""devices/1/state""#, r#"["hunter2"]"#, "topics[1]"),
        (r#"{"name": "Hall"}"#, r#""hunter2""#, "devices[1]"),
    ] {
        let doc = GOOD.replace(from, to);
        assert_ne!(doc, GOOD);
        let e = parse(&doc).unwrap_err();
        assert_eq!(
            (e.kind(), e.path()),
            (ErrorKind::WrongType, Some(path)),
            "{doc}"
        );
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("six"),
            "{shown}"
        );
    }
}

#[test]
fn a_validator_reason_is_named_at_a_nested_field() {
    let doc = GOOD.replace("mqtts://broker", "mqtts://admin:hunter2@broker");
    let e = parse(&doc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert_eq!(e.path(), Some("broker.url"));
    // At the value's last byte.
    assert_eq!(&doc[e.offset()..=e.offset()], "\"");
    assert_eq!(
        e.to_string(),
        format!("broker.url: credentials in url at byte {}", e.offset())
    );

    let doc = GOOD.replace("Hall", "Hall\u{202e}llaH");
    let e = parse(&doc).unwrap_err();
    assert_eq!(e.path(), Some("devices[1].name"));
    assert_eq!(e.kind(), ErrorKind::InvalidCharacter);

    let doc = GOOD.replace("devices/1/log", "devices/#/log");
    let e = parse(&doc).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (ErrorKind::InvalidWildcard, Some("topics[2]"))
    );
}

#[test]
fn values_out_of_range_lengths_and_variants_have_their_own_kinds() {
    let with = |extra: &str| GOOD.replacen('{', &format!("{{{extra}, "), 1);
    for (extra, kind, path) in [
        (r#""retries": 300"#, ErrorKind::InvalidValue, "retries"),
        (r#""retries": -1"#, ErrorKind::InvalidValue, "retries"),
        (r#""retries": 1.5"#, ErrorKind::WrongType, "retries"),
        (r#""mode": "hunter2""#, ErrorKind::InvalidValue, "mode"),
        (r#""mode": 7"#, ErrorKind::WrongType, "mode"),
        (
            r#""mode": {"mesh": {"peers": ["a", "b/+"]}}"#,
            ErrorKind::InvalidWildcard,
            "mode.mesh.peers[1]",
        ),
        (
            r#""mode": {"mesh": {}}"#,
            ErrorKind::MissingField,
            "mode.mesh.peers",
        ),
        (r#""window": [1]"#, ErrorKind::WrongLength, "window"),
        (r#""window": [1, 2, 3]"#, ErrorKind::WrongLength, "window"),
        (
            r#""window": [1, "hunter2"]"#,
            ErrorKind::WrongType,
            "window[1]",
        ),
    ] {
        let doc = with(extra);
        let e = parse(&doc).unwrap_err();
        assert_eq!((e.kind(), e.path()), (kind, Some(path)), "{doc}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
}

#[test]
fn a_map_key_is_input_and_shows_as_a_question_mark() {
    let doc = GOOD.replacen(
        '{',
        r#"{"labels": {"ok": "Porch", "hunter2": "bad\u0007name"}, "#,
        1,
    );
    let e = parse(&doc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCharacter);
    assert_eq!(e.path(), Some("labels.?"));
    assert!(!format!("{e} {e:?}").contains("hunter2"));
}

#[test]
fn an_error_converts_into_the_crate_error_keeping_kind_and_offset() {
    let e = parse(&GOOD.replace("HomeNet", "")).unwrap_err();
    assert_eq!(e.path(), Some("wifi.ssid"));
    let plain: iot_input::Error = e.clone().into();
    assert_eq!((plain.kind(), plain.offset()), (e.kind(), e.offset()));
    assert_eq!(e.to_string(), format!("wifi.ssid: {plain}"));
    // `validate` errors have no path.
    let e = json::from_slice::<Config>(br#"{"a": 1,}"#, &Limits::default()).unwrap_err();
    assert_eq!((e.kind(), e.path()), (ErrorKind::InvalidSyntax, None));
}

#[test]
fn untagged_flattened_and_untyped_targets_stay_safe() {
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Either {
        Url(Box<EndpointUrl>),
        Number(u32),
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(flatten)]
        inner: Broker,
        either: Either,
    }
    let doc = br#"{"url": "mqtts://b.example", "either": "hunter2"}"#;
    let e = json::from_slice::<Outer>(doc, &Limits::default()).unwrap_err();
    assert!(!format!("{e} {e:?}").contains("hunter2"), "{e}");
    assert_eq!(e.kind(), ErrorKind::Deserialize);

    let doc = br#"{"either": 5}"#;
    let e = json::from_slice::<Outer>(doc, &Limits::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);

    // A number beyond f64: serde_json refuses it; the path still says where.
    let e =
        json::from_slice::<BTreeMap<String, Vec<f64>>>(br#"{"k": [1, 1e999]}"#, &Limits::default())
            .unwrap_err();
    assert_eq!((e.kind(), e.path()), (ErrorKind::Deserialize, Some("?[1]")));

    let value: serde_json::Value =
        json::from_slice(br#"{"a": [1, {"b": null}]}"#, &Limits::default()).unwrap();
    assert_eq!(value["a"][1]["b"], serde_json::Value::Null);
}

/// The string values of a document, in a form that `Display` could not
/// hold by coincidence: `#` and upper-case letters appear in no path (our
/// field names are lower-case) and in no reason.
fn marked() -> impl Strategy<Value = String> {
    "#[A-Z0-9]{3,12}"
}

proptest! {
    /// Whatever string values the document holds and wherever they are,
    /// neither `Display` nor `Debug` of the error contains one.
    #[test]
    fn display_never_contains_a_string_value(
        values in prop::collection::vec(marked(), 8),
        number_for in 0usize..8,
    ) {
        // Every string slot of the document gets a marked value, which each
        // validated type refuses (or, for `labels`, accepts): one slot gets
        // a number instead, so the error may be a wrong type.
        let slot = |i: usize| -> String {
            if i == number_for { "42".to_owned() } else { format!("{:?}", values[i]) }
        };
        let doc = format!(
            r#"{{"labels": {{{k:?}: {v}}}, "wifi": {{"ssid": {s}, "channel": {c}}}, "broker": {{"url": {u}}}, "topics": [{t0}, {t1}], "mode": {m}}}"#,
            k = values[0],
            v = slot(1),
            s = slot(2),
            c = slot(3),
            u = slot(4),
            t0 = slot(5),
            t1 = slot(6),
            m = slot(7),
        );
        if let Err(e) = json::from_slice::<Config>(doc.as_bytes(), &Limits::default()) {
            let shown = format!("{e} {e:?}");
            for value in &values {
                prop_assert!(!shown.contains(value.as_str()), "{shown} shows {value}");
            }
            prop_assert!(!shown.contains('#'), "{shown}");
        }
    }
}

/// F8: serde's derived structs also take an array of their fields in order,
/// so `["mqtts://x.example"]` filled `broker` without naming it. A struct
/// wants an object; an array is the wrong type, at the top and nested, and
/// for struct variants of enums.
#[test]
fn f8_an_array_is_not_a_struct() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct C {
        broker: EndpointUrl,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: C,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum E {
        V { broker: EndpointUrl },
    }
    let limits = Limits::default();
    let err = json::from_slice::<C>(br#"["mqtts://x.example"]"#, &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongType);
    let err =
        json::from_slice::<Outer>(br#"{"inner": ["mqtts://x.example"]}"#, &limits).unwrap_err();
    assert_eq!(
        (err.kind(), err.path()),
        (ErrorKind::WrongType, Some("inner"))
    );
    let err = json::from_slice::<E>(br#"{"V": ["mqtts://x.example"]}"#, &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongType);
    // Objects still work, and so do tuples and arrays where the type wants them.
    assert!(json::from_slice::<C>(br#"{"broker": "mqtts://x.example"}"#, &limits).is_ok());
    assert!(json::from_slice::<E>(br#"{"V": {"broker": "mqtts://x.example"}}"#, &limits).is_ok());
    assert!(json::from_slice::<(u8, u8)>(b"[1, 2]", &limits).is_ok());
}
