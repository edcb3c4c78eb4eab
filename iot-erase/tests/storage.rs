//! Feature `storage`: crypto-erase of a real `iot_storage::SealedStore`.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::fs;

use iot_erase::iot_storage::{RootKey, SealedStore, StoreOptions};
use iot_erase::{ErasePlan, Method, Outcome, Target};

const KEY: [u8; 32] = [0x17; 32];

/// E7 (with the store's own checks): the receipt line of a sealed store.
#[test]
fn sealed_store_is_crypto_erased_first_and_cannot_be_read_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let store_dir = root.join("secrets");
    let store = SealedStore::open(
        &store_dir,
        RootKey::from_bytes(KEY),
        StoreOptions::default(),
    )
    .unwrap();
    store
        .put("wifi-psk", b"correct horse battery staple")
        .unwrap();
    store.put("cloud-token", b"tok_0123456789").unwrap();
    drop(store);
    // A copy of the store's files, as a file system snapshot or a worn-out
    // flash block might keep them.
    let snapshot = tmp.path().join("snapshot");
    fs::create_dir_all(&snapshot).unwrap();
    for entry in fs::read_dir(&store_dir).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), snapshot.join(entry.file_name())).unwrap();
    }

    let store = SealedStore::open(
        &store_dir,
        RootKey::from_bytes(KEY),
        StoreOptions::default(),
    )
    .unwrap();
    fs::write(root.join("log.txt"), b"user activity").unwrap();
    let report = ErasePlan::new(root)
        .file("log.txt")
        .sealed_store(store)
        .execute()
        .unwrap();
    assert_eq!(
        report.entries[0].target,
        Target::CryptoErase {
            name: "encrypted storage".into()
        }
    );
    assert_eq!(
        (report.entries[0].method, &report.entries[0].outcome),
        (Method::DestroyStore, &Outcome::Erased)
    );
    // E7: the receipt says what was achieved: the store's records and the
    // id its keys derive from were overwritten; the root key was kept.
    let text = report.to_string();
    assert!(!text.contains("Encryption keys destroyed"), "{text}");
    assert!(
        text.contains(
            "- Encrypted storage erased: encrypted storage (its records and the id its keys are derived from were overwritten; the device's root key was kept)."
        ),
        "{text}"
    );

    // The same key opens a new, empty store in the same place: the old
    // entries are gone.
    let reopened = SealedStore::open(
        &store_dir,
        RootKey::from_bytes(KEY),
        StoreOptions::default(),
    )
    .unwrap();
    assert!(reopened.get("wifi-psk").unwrap().is_none());
    assert!(reopened.get("cloud-token").unwrap().is_none());
    drop(reopened);

    // Even the old ciphertext, copied back, cannot be opened with the key.
    fs::remove_dir_all(&store_dir).unwrap();
    fs::create_dir_all(&store_dir).unwrap();
    for entry in fs::read_dir(&snapshot).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // Only the records: the manifest (with the store id the keys are
        // derived from) is what the crypto-erase destroyed.
        if name.to_string_lossy().contains("manifest") {
            continue;
        }
        fs::copy(entry.path(), store_dir.join(name)).unwrap();
    }
    assert!(
        SealedStore::open(
            &store_dir,
            RootKey::from_bytes(KEY),
            StoreOptions::default()
        )
        .is_err()
    );
    report.acknowledge(root).unwrap();
}
