//! Claims of the compliance maps in `docs/` that no crate's own test proves
//! yet, proved here through the public API (the lead may move them into the
//! crate's tests; the maps cite them by path).

#![cfg(test)]

use iot_storage::secrecy::ExposeSecret;
use iot_storage::{Algorithm, RootKey, SealedStore, StoreOptions};

/// Every file below `dir`, recursively.
fn files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(std::fs::read(&path).unwrap());
        }
    }
}

#[test]
fn sealed_values_and_names_never_appear_in_plaintext_on_the_medium() {
    let value = b"correct horse battery staple: the Wi-Fi passphrase";
    let name = "wifi/passphrase-of-the-living-room";
    for algorithm in [Algorithm::Aes256Gcm, Algorithm::ChaCha20Poly1305] {
        let dir = tempfile::tempdir().unwrap();
        let store = SealedStore::open(
            dir.path().join("store"),
            RootKey::generate().unwrap(),
            StoreOptions::default().algorithm(algorithm),
        )
        .unwrap();
        store.put(name, value).unwrap();
        store.put_write_once("identity/serial", value).unwrap();
        assert_eq!(store.get(name).unwrap().unwrap().expose_secret(), value);
        drop(store);
        let mut contents = Vec::new();
        files(dir.path(), &mut contents);
        assert!(!contents.is_empty());
        for bytes in &contents {
            for needle in [
                &value[..],
                &value[..16],
                name.as_bytes(),
                b"passphrase-of-the",
            ] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{algorithm:?}: plaintext on the medium"
                );
            }
        }
    }
}
