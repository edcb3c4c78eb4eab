//! How a store is found and opened: listings that do not report file types,
//! the "must already exist" mode, and what a release build can ask the store
//! about the parts it runs on (review findings S2, S8, S9).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::fs;

use iot_storage::{
    DirBackend, Error, FileCounter, FileRootKeySource, MemoryBackend, RollbackProtection, RootKey,
    RootKeySource, SealedStore, StoreOptions,
};
use secrecy::ExposeSecret;

fn root() -> RootKey {
    RootKey::from_bytes([0x5a; 32])
}

/// S2: on a file system whose `getdents` reports `DT_UNKNOWN` for every
/// entry (forced here through the test hook), the store opens with its
/// contents; it used to list nothing and write a new, empty store over the
/// old one (write-once identity included).
#[test]
fn a_store_listed_with_unknown_types_opens_with_its_contents() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = SealedStore::open(&dir, root(), StoreOptions::default()).unwrap();
    store
        .put_write_once("identity/key", b"factory key")
        .unwrap();
    store.put("wifi/psk", b"hunter2").unwrap();
    drop(store);
    for _ in 0..2 {
        let backend = DirBackend::open(&dir).unwrap().__pretend_unknown_d_type();
        let store = SealedStore::open_backend(backend, root(), StoreOptions::default()).unwrap();
        assert_eq!(store.names().unwrap(), ["identity/key", "wifi/psk"]);
        let key = store.get("identity/key").unwrap().unwrap();
        assert_eq!(key.expose_secret(), b"factory key");
    }
    // `destroy` through such a listing erases the records too.
    let backend = DirBackend::open(&dir).unwrap().__pretend_unknown_d_type();
    SealedStore::open_backend(backend, root(), StoreOptions::default())
        .unwrap()
        .destroy()
        .unwrap();
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
}

/// S2 (defence in depth): a store never writes a new manifest over anything
/// under the manifest's name, even if a listing missed it.
#[test]
fn a_new_store_is_never_written_over_something_named_manifest() {
    let medium = MemoryBackend::new();
    // Not listed as a manifest by this medium, but there.
    drop(SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap());
    let hiding = HidesManifest(medium.clone());
    let err = SealedStore::open_backend(hiding, root(), StoreOptions::default()).unwrap_err();
    assert_eq!(err, Error::Integrity);
    let store = SealedStore::open_backend(medium, root(), StoreOptions::default()).unwrap();
    assert!(store.names().unwrap().is_empty());
}

/// A medium whose listing misses the manifest (as `DT_UNKNOWN` did).
#[derive(Debug)]
struct HidesManifest(MemoryBackend);

impl iot_storage::Backend for HidesManifest {
    fn lock(&self) -> Result<(), Error> {
        self.0.lock()
    }
    fn unlock(&self) {
        self.0.unlock();
    }
    fn list(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .0
            .list()?
            .into_iter()
            .filter(|n| n != "manifest")
            .collect())
    }
    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        self.0.read(name, max_len)
    }
    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        self.0.write(name, data)
    }
    fn remove(&self, name: &str) -> Result<(), Error> {
        self.0.remove(name)
    }
}

/// S8: with `must_exist`, a deleted factory store is an error, not a first
/// boot that silently provisions an empty one; nothing is created.
#[test]
fn must_exist_refuses_a_missing_or_empty_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("factory");
    let must = || StoreOptions::default().must_exist();
    assert_eq!(
        SealedStore::open(&dir, root(), must()).err(),
        Some(Error::NoStore)
    );
    assert!(!dir.exists(), "nothing created");
    fs::create_dir(&dir).unwrap();
    assert_eq!(
        SealedStore::open(&dir, root(), must()).err(),
        Some(Error::NoStore)
    );
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);

    // Provisioned, it opens in that mode.
    let store = SealedStore::open(&dir, root(), StoreOptions::default()).unwrap();
    store.put_write_once("identity/key", b"k").unwrap();
    drop(store);
    let store = SealedStore::open(&dir, root(), must()).unwrap();
    assert_eq!(store.names().unwrap(), ["identity/key"]);
    // Destroyed (a factory store deleted), it is refused again.
    store.destroy().unwrap();
    assert_eq!(
        SealedStore::open(&dir, root(), must()).err(),
        Some(Error::NoStore)
    );
    assert_eq!(
        SealedStore::open_backend(MemoryBackend::new(), root(), must()).err(),
        Some(Error::NoStore)
    );
}

/// S9: a shipped build can ask the store whether it runs on a development
/// root key source or a file counter.
#[test]
fn the_security_report_names_development_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let dev_root = FileRootKeySource::insecure_development(tmp.path().join("root.key"));
    let counter = FileCounter::insecure_development(tmp.path().join("store.counter")).unwrap();
    let store = SealedStore::open(
        tmp.path().join("dev"),
        dev_root.root_key().unwrap(),
        StoreOptions::default().counter(counter),
    )
    .unwrap();
    let report = store.security_report();
    assert_eq!(
        report.rollback_protection,
        RollbackProtection::MonotonicCounter
    );
    assert!(report.development_root_key);
    assert!(report.development_counter);
    assert!(!report.is_production_ready());
    // Rotating to a hardware key clears the root key's mark.
    store.rotate(RootKey::from_bytes([0x77; 32])).unwrap();
    assert!(!store.security_report().development_root_key);

    let plain = SealedStore::open_backend(MemoryBackend::new(), root(), StoreOptions::default())
        .unwrap()
        .security_report();
    assert!(!plain.development_root_key && !plain.development_counter);
    assert!(!plain.is_production_ready(), "no counter");
}
