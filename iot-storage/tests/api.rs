//! Public-API behaviour of `SealedStore` on the directory and memory backends.
// Tests unwrap: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iot_storage::{Error, MemoryBackend, RootKey, SealedStore, StoreOptions};
use secrecy::ExposeSecret;

fn root() -> RootKey {
    RootKey::from_bytes([0x11; 32])
}

#[test]
fn put_get_delete_survive_reopen_on_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
        store.put("wifi/psk", b"hunter2").unwrap();
        store.put("cloud/token", b"tok").unwrap();
        store.put("wifi/psk", b"hunter3").unwrap();
        assert!(store.delete("cloud/token").unwrap());
        assert!(!store.delete("cloud/token").unwrap());
    }
    let store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
    assert_eq!(
        store.get("wifi/psk").unwrap().unwrap().expose_secret(),
        b"hunter3"
    );
    assert!(store.get("cloud/token").unwrap().is_none());
    assert_eq!(store.names().unwrap(), ["wifi/psk"]);
}

#[test]
fn memory_backend_reopen_and_wrong_key() {
    let medium = MemoryBackend::new();
    let store = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap();
    store.put("a", b"1").unwrap();
    drop(store);
    let err = SealedStore::open_backend(
        medium.clone(),
        RootKey::from_bytes([0x22; 32]),
        StoreOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::WrongRootKey), "{err:?}");
    let store = SealedStore::open_backend(medium, root(), StoreOptions::default()).unwrap();
    assert_eq!(store.get("a").unwrap().unwrap().expose_secret(), b"1");
}
