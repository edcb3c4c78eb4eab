//! At most one store uses a medium at a time, and nobody who can merely read
//! the store directory can take that away (review findings S5, X1).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::fs;
use std::os::unix::fs::PermissionsExt;

use iot_storage::{Error, MemoryBackend, RootKey, SealedStore, StoreOptions};
use rustix::fs::{FlockOperation, Mode, OFlags};

fn root() -> RootKey {
    RootKey::from_bytes([0x5a; 32])
}

/// S5: a second store on a clone of one `MemoryBackend` is refused while the
/// first lives, instead of both writing the same generation and silently
/// losing an acknowledged put (review probe P4).
#[test]
fn a_second_store_on_one_memory_medium_is_locked_out() {
    let medium = MemoryBackend::new();
    let a = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap();
    let b = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default());
    assert_eq!(b.err(), Some(Error::Locked));
    a.put("x", b"1").unwrap();
    drop(a);
    // Released with the first store.
    let c = SealedStore::open_backend(medium, root(), StoreOptions::default()).unwrap();
    assert_eq!(c.names().unwrap(), ["x"]);
}

/// X1: a process that can only open the store directory read-only (here: a
/// descriptor opened `O_RDONLY` and `flock`ed, exactly what any reader can
/// do) cannot keep the store `Locked`.
#[test]
fn a_reader_of_the_directory_cannot_hold_the_store_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(SealedStore::open(&dir, root(), StoreOptions::default()).unwrap());
    // As if the directory had been shared read-only with others.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let reader = rustix::fs::open(
        &dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    rustix::fs::flock(&reader, FlockOperation::NonBlockingLockExclusive).unwrap();
    let store = SealedStore::open(&dir, root(), StoreOptions::default());
    assert!(store.is_ok(), "{:?}", store.err());
    // Whatever the lock is held on, only the owner can open it.
    for entry in fs::read_dir(&dir).unwrap() {
        let mode = entry.unwrap().metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    // The store still excludes a second store.
    assert_eq!(
        SealedStore::open(&dir, root(), StoreOptions::default()).err(),
        Some(Error::Locked)
    );
}

/// X2: `open` on an existing, non-empty directory that is not a store does
/// not change its mode (pointing the store at a shared directory must not
/// silently lock others out of it). An empty directory is still tightened to
/// `0700`.
#[test]
fn open_does_not_chmod_a_foreign_non_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let shared = tmp.path().join("shared");
    fs::create_dir(&shared).unwrap();
    fs::write(shared.join("someone-elses.conf"), b"x").unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o755)).unwrap();
    drop(SealedStore::open(&shared, root(), StoreOptions::default()).unwrap());
    let mode = fs::metadata(&shared).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o755);

    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o755)).unwrap();
    drop(SealedStore::open(&empty, root(), StoreOptions::default()).unwrap());
    let mode = fs::metadata(&empty).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}
