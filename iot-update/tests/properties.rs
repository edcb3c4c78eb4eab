//! Property tests: arbitrary input never panics and never verifies;
//! canonical JSON is stable.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::serde_json::{self, Value};
use proptest::prelude::*;
use support::Repo;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary bytes as the trusted root: an error, never a panic.
    #[test]
    fn arbitrary_trusted_root_is_refused(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let repo = Repo::new();
        std::fs::write(repo.path("client/root.json"), &data).unwrap();
        prop_assert!(repo.updater().refresh().is_err());
    }

    /// Arbitrary bytes served as timestamp: refused, and the trusted
    /// timestamp stays.
    #[test]
    fn arbitrary_timestamp_is_refused(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let repo = Repo::new();
        repo.updater().refresh().unwrap();
        let before = std::fs::read(repo.path("client/timestamp.json")).unwrap();
        repo.write("timestamp.json", &data);
        prop_assert!(repo.updater().refresh().is_err());
        prop_assert_eq!(std::fs::read(repo.path("client/timestamp.json")).unwrap(), before);
    }

    /// Canonical JSON is a fixed point: parsing it and canonicalising again
    /// gives the same bytes, whatever the key order of the input.
    #[test]
    fn canonical_json_is_a_fixed_point(
        entries in proptest::collection::btree_map("[a-z\"\\\\]{0,6}", any::<i64>(), 0..8),
        reverse in any::<bool>(),
    ) {
        let mut pairs: Vec<_> = entries.into_iter().collect();
        if reverse { pairs.reverse(); }
        let obj: serde_json::Map<String, Value> = pairs.into_iter().map(|(k, v)| (k, Value::from(v))).collect();
        let value = Value::Object(obj);
        let once = iot_update::canonical_json(&value).unwrap();
        let parsed: Value = serde_json::from_slice(&once).unwrap();
        prop_assert_eq!(iot_update::canonical_json(&parsed).unwrap(), once);
    }
}
