//! Signature thresholds: distinct keys of the delegating role, no
//! duplicate signatures, both thresholds on a root rotation, a flipped bit
//! anywhere in signed metadata.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::serde_json::{self, Value};
use iot_update::{Error, Role};
use support::{Key, Repo, sign};

#[test]
fn metadata_signed_by_a_foreign_key_is_refused() {
    let mut repo = Repo::new();
    repo.timestamp_key = Key::new(); // not the key root trusts
    repo.bump();
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Threshold {
            role: Role::Timestamp,
            signed: 0,
            threshold: 1
        }
    );
}

#[test]
fn a_new_root_needs_the_old_and_its_own_threshold() {
    let mut repo = Repo::new();
    let old = std::mem::replace(&mut repo.root_keys, vec![Key::new()]);
    // signed by the new key only
    repo.rotate_root(&[]);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Threshold {
            role: Role::Root,
            signed: 0,
            threshold: 1
        }
    );
    // signed by the old key only
    let only_old = sign(&repo.root_signed(), &[&old[0]]);
    repo.write("2.root.json", &only_old);
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Threshold {
            role: Role::Root,
            signed: 0,
            threshold: 1
        }
    );
    assert_eq!(repo.trusted_version("root"), Some(1));
}

#[test]
fn duplicate_signatures_are_refused() {
    let mut repo = Repo::new();
    repo.bump();
    let data = std::fs::read(repo.path("metadata/timestamp.json")).unwrap();
    let mut v: Value = serde_json::from_slice(&data).unwrap();
    let sig = v["signatures"][0].clone();
    v["signatures"].as_array_mut().unwrap().push(sig);
    repo.write("timestamp.json", &serde_json::to_vec(&v).unwrap());
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::DuplicateSignature {
            role: Role::Timestamp
        }
    );
    assert_eq!(repo.trusted_version("timestamp"), None);
}

#[test]
fn one_key_under_two_key_ids_counts_once() {
    let mut repo = Repo::new();
    let key = &repo.root_keys[0];
    let mut root = repo.root_signed();
    root["version"] = 2.into();
    // the same public key listed under a second id, threshold 2
    let public = key.public_json();
    root["keys"]["second-id"] = public;
    root["roles"]["root"]["keyids"]
        .as_array_mut()
        .unwrap()
        .push("second-id".into());
    root["roles"]["root"]["threshold"] = 2.into();
    let canonical = iot_update::canonical_json(&root).unwrap();
    let data = sign(&root, &[key]);
    let mut v: Value = serde_json::from_slice(&data).unwrap();
    let sig = v["signatures"][0]["sig"].clone();
    v["signatures"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"keyid": "second-id", "sig": sig}));
    assert!(!canonical.is_empty());
    repo.write("2.root.json", &serde_json::to_vec(&v).unwrap());
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Threshold {
            role: Role::Root,
            signed: 1,
            threshold: 2
        }
    );
    repo.root_version = 1;
}

#[test]
fn a_flipped_byte_in_signed_timestamp_never_passes_unchanged_content() {
    let repo = Repo::new();
    let good = std::fs::read(repo.path("metadata/timestamp.json")).unwrap();
    let good_signed: Value = serde_json::from_slice::<Value>(&good).unwrap()["signed"].clone();
    for i in (0..good.len()).step_by(7) {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        repo.write("timestamp.json", &bad);
        let _ = std::fs::remove_file(repo.path("client/timestamp.json"));
        if repo.updater().refresh().is_ok() {
            let stored = std::fs::read(repo.path("client/timestamp.json")).unwrap();
            let signed: Value = serde_json::from_slice::<Value>(&stored).unwrap()["signed"].clone();
            assert_eq!(signed, good_signed, "byte {i}");
        }
    }
}

/// Fuzz finding (update_canonical_json, crash-d2918232): `olpc-cjson`
/// normalises strings to Unicode NFC, so raw JSON with a non-NFC string
/// and its NFC form have the same canonical bytes and the same signature.
/// What is trusted must be what was signed, so metadata with a non-NFC
/// string (which an attacker could swap for its NFC form, or back, without
/// breaking the signature) is refused.
#[test]
fn metadata_with_strings_that_are_not_nfc_is_refused() {
    let mut repo = Repo::new();
    repo.add_target("targets", "cafe\u{301}.bin", b"x", None);
    repo.bump();
    assert_eq!(
        repo.updater().refresh().unwrap_err(),
        Error::Malformed {
            role: Role::Targets,
            reason: "a string is not in unicode nfc"
        }
    );
    let mut repo = Repo::new();
    repo.add_target("targets", "caf\u{e9}.bin", b"x", None);
    repo.bump();
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    assert_eq!(updater.target("caf\u{e9}.bin").unwrap().length(), 1);
}
