//! Rollback: an old image of the store directory copied back is detected with
//! a monotonic counter, and reported as unprotected without one; a crash
//! between a write and the counter update is recovered, not called a rollback.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use iot_storage::{
    Error, FileCounter, MonotonicCounter, RollbackProtection, RootKey, SealedStore, StoreOptions,
};
use secrecy::ExposeSecret;

fn root() -> RootKey {
    RootKey::from_bytes([0x3C; 32])
}

/// Copies the files of a (flat) store directory.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn replace_dir(store: &Path, image: &Path) {
    std::fs::remove_dir_all(store).unwrap();
    copy_dir(image, store);
}

fn value(store: &SealedStore, name: &str) -> Option<Vec<u8>> {
    store.get(name).unwrap().map(|v| v.expose_secret().to_vec())
}

#[test]
fn copying_back_an_old_directory_is_rolled_back_with_a_counter() {
    let tmp = tempfile::tempdir().unwrap();
    let (store_dir, image, counter_file) = (
        tmp.path().join("store"),
        tmp.path().join("image"),
        tmp.path().join("counter"),
    );
    let options = || {
        StoreOptions::default().counter(FileCounter::insecure_development(&counter_file).unwrap())
    };

    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    assert_eq!(
        store.rollback_protection(),
        RollbackProtection::MonotonicCounter
    );
    assert!(store.rollback_protection().is_available());
    store.put("throttle", b"failures=0").unwrap();
    drop(store);
    copy_dir(&store_dir, &image);

    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    store.put("throttle", b"failures=5").unwrap();
    drop(store);

    replace_dir(&store_dir, &image);
    let err = SealedStore::open(&store_dir, root(), options()).unwrap_err();
    assert!(matches!(err, Error::RolledBack), "{err:?}");
    // Failing closed changed nothing: still rolled back on a second try.
    assert!(matches!(
        SealedStore::open(&store_dir, root(), options()),
        Err(Error::RolledBack)
    ));
}

#[test]
fn without_a_counter_rollback_is_reported_unavailable_and_not_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let (store_dir, image) = (tmp.path().join("store"), tmp.path().join("image"));
    let store = SealedStore::open(&store_dir, root(), StoreOptions::default()).unwrap();
    assert_eq!(store.rollback_protection(), RollbackProtection::Unavailable);
    assert!(!store.rollback_protection().is_available());
    store.put("throttle", b"failures=0").unwrap();
    drop(store);
    copy_dir(&store_dir, &image);
    let store = SealedStore::open(&store_dir, root(), StoreOptions::default()).unwrap();
    store.put("throttle", b"failures=5").unwrap();
    drop(store);
    replace_dir(&store_dir, &image);
    // The documented limitation: the old image opens as if it were current.
    let store = SealedStore::open(&store_dir, root(), StoreOptions::default()).unwrap();
    assert_eq!(value(&store, "throttle").unwrap(), b"failures=0");
}

/// A counter whose next advance fails once when armed: a crash between the
/// store's write and the counter update.
#[derive(Debug)]
struct CrashingCounter {
    inner: FileCounter,
    fail_next: Arc<AtomicBool>,
}

impl MonotonicCounter for CrashingCounter {
    fn read(&self) -> Result<u64, Error> {
        self.inner.read()
    }
    fn advance_to(&self, value: u64) -> Result<(), Error> {
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(Error::Io {
                during: "power cut before the counter update",
                kind: std::io::ErrorKind::Other,
            });
        }
        self.inner.advance_to(value)
    }
}

#[test]
fn a_crash_between_write_and_counter_update_is_recovered() {
    let tmp = tempfile::tempdir().unwrap();
    let (store_dir, counter_file) = (tmp.path().join("store"), tmp.path().join("counter"));
    let fail_next = Arc::new(AtomicBool::new(false));
    let options = || {
        let counter = CrashingCounter {
            inner: FileCounter::insecure_development(&counter_file).unwrap(),
            fail_next: fail_next.clone(),
        };
        StoreOptions::default().counter(counter)
    };
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    store.put("a", b"1").unwrap();
    store.put("b", b"2").unwrap();
    let before = FileCounter::insecure_development(&counter_file)
        .unwrap()
        .read()
        .unwrap();

    // A put (record write) whose counter update is lost.
    fail_next.store(true, Ordering::SeqCst);
    assert!(matches!(store.put("a", b"new"), Err(Error::Io { .. })));
    drop(store);
    assert_eq!(
        FileCounter::insecure_development(&counter_file)
            .unwrap()
            .read()
            .unwrap(),
        before
    );
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"new");
    assert_eq!(
        FileCounter::insecure_development(&counter_file)
            .unwrap()
            .read()
            .unwrap(),
        before + 1,
        "open catches the counter up"
    );

    // A delete (manifest write) whose counter update is lost.
    fail_next.store(true, Ordering::SeqCst);
    assert!(matches!(store.delete("b"), Err(Error::Io { .. })));
    drop(store);
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    assert_eq!(value(&store, "b"), None);
    assert_eq!(value(&store, "a").unwrap(), b"new");
}

#[test]
fn a_destroyed_store_is_recreated_above_the_counter_and_old_images_stay_rolled_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (store_dir, image, counter_file) = (
        tmp.path().join("store"),
        tmp.path().join("image"),
        tmp.path().join("counter"),
    );
    let options = || {
        StoreOptions::default().counter(FileCounter::insecure_development(&counter_file).unwrap())
    };
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    store.put("identity", b"old").unwrap();
    drop(store);
    copy_dir(&store_dir, &image);
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    store.put("identity", b"newer").unwrap();
    store.destroy().unwrap();

    // A new store on the same counter works.
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    assert!(store.names().unwrap().is_empty());
    store.put("identity", b"fresh").unwrap();
    drop(store);
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    assert_eq!(value(&store, "identity").unwrap(), b"fresh");
    drop(store);

    // The pre-destroy image is still a rollback.
    replace_dir(&store_dir, &image);
    assert!(matches!(
        SealedStore::open(&store_dir, root(), options()),
        Err(Error::RolledBack)
    ));
}

#[test]
fn the_last_image_before_destroy_is_rolled_back_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (store_dir, image, counter_file) = (
        tmp.path().join("store"),
        tmp.path().join("image"),
        tmp.path().join("counter"),
    );
    let options = || {
        StoreOptions::default().counter(FileCounter::insecure_development(&counter_file).unwrap())
    };
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    store.put("cloud/token", b"owner's token").unwrap();
    drop(store);
    // The store's final state, as an attacker (or a file system snapshot)
    // keeps it: nothing is written between this copy and the destroy.
    copy_dir(&store_dir, &image);
    let store = SealedStore::open(&store_dir, root(), options()).unwrap();
    store.destroy().unwrap();

    // Copied back before the device opens the store again, the image must
    // not bring the destroyed secrets back.
    replace_dir(&store_dir, &image);
    let result = SealedStore::open(&store_dir, root(), options());
    assert!(matches!(result, Err(Error::RolledBack)), "{result:?}");
}
