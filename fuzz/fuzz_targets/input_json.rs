#![no_main]
//! `json::validate`: no panic or stack exhaustion on any input, tighter
//! limits never accept more, and serde_json parses every accepted document
//! (except numbers beyond the range of f64: `validate` checks the syntax
//! and length of numbers, not their range).
//!
//! `json::from_slice` into a configuration type: an error's `Display` is
//! made only of the type's own field and variant names, array indices, `?`,
//! the reason and the offset, so it never contains a string value or key
//! of the document.
use std::collections::BTreeMap;

use iot_input::json::{self, Limits};
use iot_input::mqtt::{TopicFilter, TopicName};
use iot_input::{DeviceName, EndpointUrl, FirmwareVersion, Hostname, Ssid, Timestamp};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Config {
    wifi: Wifi,
    broker: Option<Broker>,
    topics: Vec<TopicName>,
    #[serde(default)]
    labels: BTreeMap<String, DeviceName>,
    #[serde(default)]
    mode: Option<Mode>,
    #[serde(default)]
    window: Option<(u16, u16)>,
    #[serde(default)]
    version: Option<FirmwareVersion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Wifi {
    ssid: Ssid,
    channel: u8,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Broker {
    url: EndpointUrl,
    host: Option<Hostname>,
    at: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Mode {
    Station,
    Mesh { peers: Vec<TopicFilter> },
}

/// Every name `Config` gives a key: the only words a path may hold.
const NAMES: &[&str] = &[
    "wifi", "broker", "topics", "labels", "mode", "window", "version", "ssid", "channel", "url",
    "host", "at", "station", "mesh", "peers", "?",
];

fuzz_target!(|data: &[u8]| {
    let tight = Limits::new()
        .max_depth(4)
        .max_members(8)
        .max_string_len(16)
        .max_number_len(8);
    let strict = json::validate(data, &Limits::default());
    if json::validate(data, &tight).is_ok() {
        assert!(strict.is_ok());
    }
    if strict.is_ok() {
        match serde_json::from_slice::<serde_json::Value>(data) {
            Err(e) => assert!(
                e.to_string().starts_with("number out of range"),
                "serde_json rejects an accepted document: {e}"
            ),
            // F1: no two keys of an object fold alike, no key has a C0 control.
            Ok(document) => keys_are_distinct_under_folding(&document),
        }
    }
    // F8: a struct wants an object, never an array.
    if data.trim_ascii_start().starts_with(b"[") {
        assert!(json::from_slice::<Config>(data, &Limits::default()).is_err());
    }

    let Err(e) = json::from_slice::<Config>(data, &Limits::default()) else {
        return;
    };
    let shown = e.to_string();
    // The structure: `[path ": "] reason " at byte " offset`.
    let tail = format!("{} at byte {}", e.kind(), e.offset());
    match e.path() {
        Some(path) => {
            assert_eq!(shown, format!("{path}: {tail}"));
            for (i, segment) in path.split('.').enumerate() {
                let name = segment.split('[').next().unwrap_or_default();
                // Only a path that starts with an index has no first name.
                let root_index = i == 0 && name.is_empty() && segment.starts_with('[');
                assert!(root_index || NAMES.contains(&name), "{shown}");
                for index in segment.split('[').skip(1) {
                    let digits = index.strip_suffix(']').expect("an index ends with ]");
                    assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{shown}");
                }
            }
        }
        None => assert_eq!(shown, tail),
    }
    assert!(strict.is_ok() || e.path().is_none(), "{shown}");
    // And literally: no string of the document in Display or Debug. A value
    // of lower-case letters, digits and punctuation could spell part of a
    // reason or a name by chance; the structure above covers those.
    let debug = format!("{e:?}");
    let plain = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || " .:[]?_-,".contains(c))
    };
    if let Ok(document) = serde_json::from_slice::<serde_json::Value>(data) {
        for text in strings(&document) {
            if text.len() >= 4 && !plain(text) {
                assert!(!shown.contains(text), "{shown} shows {text:?}");
                assert!(!debug.contains(text), "{debug} shows {text:?}");
            }
        }
    }
});

/// F1: what `validate` promises about the keys of an accepted document:
/// pairwise different under ASCII case folding and under Unicode simple
/// case folding (approximated by lower(upper(c)) where both are one
/// character, dotless ı apart), and free of C0 controls.
fn keys_are_distinct_under_folding(value: &serde_json::Value) {
    fn fold(c: char) -> char {
        if c == '\u{131}' {
            return c;
        }
        let mut up = c.to_uppercase();
        let (Some(u), None) = (up.next(), up.next()) else {
            return c;
        };
        let mut low = u.to_lowercase();
        match (low.next(), low.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    }
    match value {
        serde_json::Value::Array(items) => items.iter().for_each(keys_are_distinct_under_folding),
        serde_json::Value::Object(map) => {
            let mut seen = std::collections::BTreeSet::new();
            for (key, item) in map {
                assert!(!key.chars().any(|c| c < ' '), "{key:?}");
                let folded: String = key.chars().map(fold).collect();
                assert!(seen.insert(folded), "{key:?}");
                keys_are_distinct_under_folding(item);
            }
        }
        _ => {}
    }
}

/// Every string value and key in `value`.
fn strings(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| std::iter::once(k.as_str()).chain(strings(v)))
            .collect(),
        _ => Vec::new(),
    }
}
