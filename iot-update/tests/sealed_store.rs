//! Feature `storage`: trusted metadata in an `iot-storage` sealed store,
//! and `RollbackCounter` over its `MonotonicCounter`.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

mod support;

use iot_update::iot_storage::{FileCounter, RootKey, SealedStore, StoreOptions};
use iot_update::{
    FileTransport, FixedClock, MetadataStore, RollbackCounter, SealedMetadataStore, StorageCounter,
    Updater,
};

#[test]
fn a_refresh_keeps_its_trusted_metadata_sealed() {
    let mut repo = support::Repo::new();
    repo.delegate("targets", "../odd role?", &["*"], false);
    repo.add_target("../odd role?", "t", b"t", None);
    repo.bump();
    let dir = tempfile::tempdir().unwrap();
    let open = || {
        let counter = FileCounter::insecure_development(dir.path().join("counter")).unwrap();
        let store = SealedStore::open(
            dir.path().join("store"),
            RootKey::from_bytes([9; 32]),
            StoreOptions::default().counter(counter),
        )
        .unwrap();
        SealedMetadataStore::new(store)
    };
    let mut sealed = open();
    sealed
        .store(
            "root",
            &std::fs::read(repo.path("client/root.json")).unwrap(),
        )
        .unwrap();
    let mut updater = Updater::builder(
        repo.path("metadata").to_str().unwrap(),
        FileTransport::new(),
        sealed,
    )
    .clock(FixedClock(support::NOW))
    .build();
    updater.refresh().unwrap();
    assert_eq!(updater.target("t").unwrap().length(), 1);
    drop(updater);
    let sealed = open();
    for role in ["root", "timestamp", "snapshot", "targets", "../odd role?"] {
        assert!(sealed.load(role, 1 << 20).unwrap().is_some(), "{role}");
    }
    assert_eq!(
        sealed.load("snapshot", 10).unwrap_err(),
        iot_update::Error::Limit {
            bound: "stored metadata longer than its bound"
        }
    );
}

#[test]
fn an_iot_storage_counter_is_a_rollback_counter() {
    let dir = tempfile::tempdir().unwrap();
    let counter = StorageCounter(FileCounter::insecure_development(dir.path().join("c")).unwrap());
    let counter: &dyn RollbackCounter = &counter;
    assert_eq!(counter.read().unwrap(), 0);
    counter.advance_to(5).unwrap();
    counter.advance_to(3).unwrap();
    assert_eq!(counter.read().unwrap(), 5);
}
