//! Public-API behaviour of `SealedStore` on the directory and memory backends.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::os::unix::fs::PermissionsExt;

use iot_storage::{
    Algorithm, Error, FileRootKeySource, MemoryBackend, RootKey, RootKeySource, SealedStore,
    StoreOptions,
};
use secrecy::ExposeSecret;

fn root() -> RootKey {
    RootKey::from_bytes([0x11; 32])
}

fn memory_store() -> (MemoryBackend, SealedStore) {
    let medium = MemoryBackend::new();
    let store = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap();
    (medium, store)
}

fn value(store: &SealedStore, name: &str) -> Option<Vec<u8>> {
    store.get(name).unwrap().map(|v| v.expose_secret().to_vec())
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
        store.put("empty", b"").unwrap();
        assert!(store.delete("cloud/token").unwrap());
        assert!(!store.delete("cloud/token").unwrap());
    }
    let store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
    assert_eq!(value(&store, "wifi/psk").unwrap(), b"hunter3");
    assert_eq!(value(&store, "empty").unwrap(), b"");
    assert_eq!(value(&store, "cloud/token"), None);
    assert_eq!(store.names().unwrap(), ["empty", "wifi/psk"]);
    // Superseded and deleted records are gone from the medium: the manifest
    // and one record per entry remain (and the open store's lock file).
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), 4);
    drop(store);
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), 3);
}

#[test]
fn wrong_root_key_is_a_clear_error_at_open() {
    let (medium, store) = memory_store();
    store.put("a", b"1").unwrap();
    drop(store);
    let err = SealedStore::open_backend(
        medium.clone(),
        RootKey::from_bytes([0x22; 32]),
        StoreOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::WrongRootKey), "{err:?}");
    assert_eq!(err.to_string(), "root key does not open this store");
    let store = SealedStore::open_backend(medium, root(), StoreOptions::default()).unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
}

#[test]
fn write_once_entries_cannot_be_replaced_or_deleted() {
    let (medium, store) = memory_store();
    store.put_write_once("identity/key", b"factory").unwrap();
    assert!(matches!(
        store.put("identity/key", b"evil"),
        Err(Error::WriteOnce)
    ));
    assert!(matches!(
        store.put_write_once("identity/key", b"evil"),
        Err(Error::WriteOnce)
    ));
    assert!(matches!(
        store.delete("identity/key"),
        Err(Error::WriteOnce)
    ));
    store.put("normal", b"n").unwrap();
    assert!(matches!(
        store.put_write_once("normal", b"x"),
        Err(Error::AlreadyExists)
    ));
    drop(store);
    // The flag is part of the sealed record and survives reopening.
    let store = SealedStore::open_backend(medium, root(), StoreOptions::default()).unwrap();
    assert!(matches!(
        store.put("identity/key", b"evil"),
        Err(Error::WriteOnce)
    ));
    assert_eq!(value(&store, "identity/key").unwrap(), b"factory");
    assert_eq!(value(&store, "normal").unwrap(), b"n");
}

#[test]
fn invalid_names_are_rejected_everywhere() {
    let (_, store) = memory_store();
    for name in [
        "",
        "../etc/passwd",
        "a/../b",
        ".hidden",
        "a b",
        "dir/",
        &"x".repeat(129),
    ] {
        assert!(
            matches!(store.put(name, b"v"), Err(Error::InvalidName)),
            "{name:?}"
        );
        assert!(
            matches!(store.put_write_once(name, b"v"), Err(Error::InvalidName)),
            "{name:?}"
        );
        assert!(
            matches!(store.get(name), Err(Error::InvalidName)),
            "{name:?}"
        );
        assert!(
            matches!(store.delete(name), Err(Error::InvalidName)),
            "{name:?}"
        );
    }
    store.put(&"x".repeat(128), b"v").unwrap();
}

#[test]
fn limits_are_enforced_and_lose_nothing() {
    let medium = MemoryBackend::new();
    let options = || StoreOptions::default().max_value_len(16).max_entries(2);
    let store = SealedStore::open_backend(medium.clone(), root(), options()).unwrap();
    store.put("a", &[1; 16]).unwrap();
    assert!(matches!(
        store.put("a", &[1; 17]),
        Err(Error::ValueTooLarge { max: 16 })
    ));
    store.put("b", b"b").unwrap();
    assert!(matches!(
        store.put("c", b"c"),
        Err(Error::TooManyEntries { max: 2 })
    ));
    // Replacing an entry at the entry limit is fine.
    store.put("b", b"replaced").unwrap();
    assert_eq!(value(&store, "a").unwrap(), [1; 16]);
    drop(store);
    // Reopened with tighter limits: reading the big value fails cleanly, and
    // a larger limit reads it again.
    let tight =
        SealedStore::open_backend(medium.clone(), root(), options().max_value_len(8)).unwrap();
    assert!(matches!(
        tight.get("a"),
        Err(Error::ValueTooLarge { max: 8 })
    ));
    drop(tight);
    let fewer = SealedStore::open_backend(
        medium.clone(),
        root(),
        StoreOptions::default().max_entries(1),
    );
    assert!(matches!(fewer, Err(Error::TooManyEntries { max: 1 })));
    let store = SealedStore::open_backend(medium, root(), options()).unwrap();
    assert_eq!(value(&store, "a").unwrap(), [1; 16]);
    assert_eq!(
        DEFAULTS,
        (
            StoreOptions::DEFAULT_MAX_VALUE_LEN,
            StoreOptions::DEFAULT_MAX_ENTRIES
        )
    );
}

const DEFAULTS: (usize, usize) = (64 * 1024, 256);

#[test]
fn default_value_limit_is_64_kib() {
    let (_, store) = memory_store();
    store.put("big", &vec![7; 64 * 1024]).unwrap();
    assert_eq!(value(&store, "big").unwrap().len(), 64 * 1024);
    assert!(matches!(
        store.put("big", &vec![7; 64 * 1024 + 1]),
        Err(Error::ValueTooLarge { max: 65536 })
    ));
}

#[test]
fn a_second_open_of_the_same_directory_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap();
    let err = SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Locked), "{err:?}");
    assert!(matches!(
        SealedStore::erase_dir(dir.path()),
        Err(Error::Locked)
    ));
    drop(store);
    SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap();
}

#[test]
fn files_are_0600_and_the_directory_0700() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("new");
    let store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
    store.put("a", b"1").unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let mut files = 0;
    for entry in std::fs::read_dir(&path).unwrap() {
        assert_eq!(
            entry.unwrap().metadata().unwrap().permissions().mode() & 0o777,
            0o600
        );
        files += 1;
    }
    // The manifest, the record and the lock file.
    assert_eq!(files, 3);
    drop(store);
    // An existing directory open to others is tightened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let _store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn temporaries_left_by_a_crash_are_removed_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap();
    store.put("a", b"1").unwrap();
    drop(store);
    std::fs::write(
        dir.path().join(".0000000000000009.rec.tmp"),
        b"half a record",
    )
    .unwrap();
    std::fs::write(dir.path().join(".manifest.tmp"), b"").unwrap();
    std::fs::write(dir.path().join("unrelated.txt"), b"not ours").unwrap();
    let store = SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    // manifest, record, lock file, unrelated.txt
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    assert!(names.contains(&"unrelated.txt".to_owned()));
}

#[test]
fn rotation_reseals_everything_and_retires_the_old_root() {
    let (medium, store) = memory_store();
    store.put("a", b"1").unwrap();
    store.put_write_once("id", b"factory").unwrap();
    let before = medium.snapshot();
    let new_root = [0x77; 32];
    store.rotate(RootKey::from_bytes(new_root)).unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
    // Every object was rewritten: nothing of the old image remains.
    let after = medium.snapshot();
    assert!(
        after
            .iter()
            .all(|(name, bytes)| before.get(name) != Some(bytes))
    );
    store.put("b", b"2").unwrap();
    drop(store);

    let err =
        SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap_err();
    assert!(matches!(err, Error::WrongRootKey), "{err:?}");
    let store = SealedStore::open_backend(
        medium,
        RootKey::from_bytes(new_root),
        StoreOptions::default(),
    )
    .unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
    assert_eq!(value(&store, "b").unwrap(), b"2");
    assert_eq!(value(&store, "id").unwrap(), b"factory");
    assert!(matches!(store.delete("id"), Err(Error::WriteOnce)));
}

#[test]
fn old_records_do_not_open_under_the_rotated_store() {
    let (medium, store) = memory_store();
    store.put("a", b"1").unwrap();
    store.put("b", b"2").unwrap();
    let old = medium.snapshot();
    store.rotate(RootKey::from_bytes([0x78; 32])).unwrap();
    drop(store);
    let mut mixed = medium.snapshot();
    // An old record (sealed under the retired key) under a current name.
    let old_record = old
        .iter()
        .find(|(n, _)| n.ends_with(".rec"))
        .unwrap()
        .1
        .clone();
    let current = mixed.keys().find(|n| n.ends_with(".rec")).unwrap().clone();
    mixed.insert(current, old_record);
    medium.restore(mixed);
    let result = SealedStore::open_backend(
        medium,
        RootKey::from_bytes([0x78; 32]),
        StoreOptions::default(),
    )
    .and_then(|s| s.get("a").and_then(|_| s.get("b")));
    assert!(matches!(result, Err(Error::Integrity)), "{result:?}");
}

#[test]
fn chacha20_poly1305_works_and_rotation_can_switch_algorithms() {
    let medium = MemoryBackend::new();
    let chacha = || StoreOptions::default().algorithm(Algorithm::ChaCha20Poly1305);
    let store = SealedStore::open_backend(medium.clone(), root(), chacha()).unwrap();
    store.put("a", b"1").unwrap();
    drop(store);
    // The stored algorithm wins over the options when opening.
    let store = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
    // Rotation moves to the options' algorithm (AES-256-GCM here).
    store.rotate(RootKey::from_bytes([0x12; 32])).unwrap();
    drop(store);
    let store =
        SealedStore::open_backend(medium.clone(), RootKey::from_bytes([0x12; 32]), chacha())
            .unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
    assert_eq!(Algorithm::default(), Algorithm::Aes256Gcm);
}

#[test]
fn destroy_leaves_nothing_that_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
    store
        .put_write_once("identity/key", b"factory identity")
        .unwrap();
    store.put("password/hash", b"$argon2id$...").unwrap();
    store.destroy().unwrap();
    // The directory is empty: no manifest (no store id, so no key can be
    // derived even with the root key), no record, no temporary.
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
    // Opening creates a new, empty store: write-once entries died too.
    let store = SealedStore::open(&path, root(), StoreOptions::default()).unwrap();
    assert!(store.names().unwrap().is_empty());
    store
        .put_write_once("identity/key", b"new identity")
        .unwrap();
}

#[test]
fn erase_dir_is_the_explicit_recovery_from_a_damaged_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap();
    store.put("a", b"1").unwrap();
    drop(store);
    let manifest = dir.path().join("manifest");
    let mut bytes = std::fs::read(&manifest).unwrap();
    bytes[40] ^= 1;
    std::fs::write(&manifest, bytes).unwrap();
    // Fails closed, and keeps failing: nothing is regenerated behind the caller.
    for _ in 0..2 {
        assert!(matches!(
            SealedStore::open(dir.path(), root(), StoreOptions::default()),
            Err(Error::Integrity)
        ));
    }
    SealedStore::erase_dir(dir.path()).unwrap();
    let store = SealedStore::open(dir.path(), root(), StoreOptions::default()).unwrap();
    assert!(store.names().unwrap().is_empty());
}

#[test]
fn file_root_key_source_creates_then_reads_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("root.key");
    let source = FileRootKeySource::insecure_development(&key_path);
    let store = SealedStore::open(
        dir.path().join("store"),
        source.root_key().unwrap(),
        StoreOptions::default(),
    )
    .unwrap();
    store.put("a", b"1").unwrap();
    drop(store);
    assert_eq!(
        std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(std::fs::metadata(&key_path).unwrap().len(), 32);
    let store = SealedStore::open(
        dir.path().join("store"),
        source.root_key().unwrap(),
        StoreOptions::default(),
    )
    .unwrap();
    assert_eq!(value(&store, "a").unwrap(), b"1");
    for bad_len in [0, 31, 33, 4096] {
        std::fs::write(&key_path, vec![0u8; bad_len]).unwrap();
        assert!(
            matches!(source.root_key(), Err(Error::Integrity)),
            "{bad_len}"
        );
    }
}

#[test]
fn generated_root_keys_differ() {
    let a = RootKey::generate().unwrap();
    let b = RootKey::generate().unwrap();
    let medium = MemoryBackend::new();
    drop(SealedStore::open_backend(medium.clone(), a, StoreOptions::default()).unwrap());
    assert!(matches!(
        SealedStore::open_backend(medium, b, StoreOptions::default()),
        Err(Error::WrongRootKey)
    ));
}

#[test]
fn nothing_secret_shows_in_debug_or_errors() {
    let (_, store) = memory_store();
    store.put("wifi/psk", b"SECRET-VALUE").unwrap();
    let rendered = format!(
        "{store:?} {:?} {:?} {:?}",
        RootKey::from_bytes([0xEE; 32]),
        store.get("wifi/psk").unwrap().unwrap(),
        StoreOptions::default()
    );
    assert!(!rendered.contains("SECRET"), "{rendered}");
    assert!(!rendered.contains("wifi"), "{rendered}");
    assert!(rendered.contains("REDACTED"));
    let err = store.put("bad name", b"SECRET").unwrap_err();
    assert!(!format!("{err} {err:?}").contains("bad name"));
}

#[test]
fn store_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SealedStore>();
    check::<MemoryBackend>();
    check::<iot_storage::DirBackend>();
    check::<iot_storage::FileCounter>();
    check::<Error>();
}

#[test]
fn records_without_a_manifest_do_not_become_a_new_store() {
    let (medium, store) = memory_store();
    store.put("a", b"1").unwrap();
    drop(store);
    let mut image = medium.snapshot();
    image.remove("manifest");
    medium.restore(image);
    assert!(matches!(
        SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()),
        Err(Error::Integrity)
    ));
    SealedStore::erase_backend(&medium).unwrap();
    assert!(medium.snapshot().is_empty());
}

#[test]
fn limits_above_their_ceiling_are_clamped_to_it() {
    let options = StoreOptions::default()
        .max_value_len(usize::MAX)
        .max_entries(usize::MAX);
    let shown = format!("{options:?}");
    assert!(
        shown.contains(&format!("max_value_len: {}", StoreOptions::MAX_VALUE_LEN)),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("max_entries: {}", StoreOptions::MAX_ENTRIES)),
        "{shown}"
    );
    assert_eq!(
        (StoreOptions::MAX_VALUE_LEN, StoreOptions::MAX_ENTRIES),
        (16 * 1024 * 1024, 4096)
    );
    let store = SealedStore::open_backend(
        MemoryBackend::new(),
        root(),
        options.max_value_len(usize::MAX),
    )
    .unwrap();
    assert_eq!(
        store.put("big", &vec![0; StoreOptions::MAX_VALUE_LEN + 1]),
        Err(Error::ValueTooLarge {
            max: StoreOptions::MAX_VALUE_LEN
        })
    );
}

#[test]
fn io_errors_name_the_failed_step() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("store.counter");
    let err = iot_storage::FileCounter::insecure_development(&missing).unwrap_err();
    assert_eq!(
        err,
        Error::Io {
            during: "opening the counter file's directory",
            kind: std::io::ErrorKind::NotFound
        }
    );
    assert_eq!(
        err.to_string(),
        "i/o error while opening the counter file's directory: entity not found"
    );
    assert!(std::error::Error::source(&err).is_none());

    // The fault-injection hook fails a step with that step's own `during`.
    let steps = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
    let backend = iot_storage::DirBackend::open(dir.path().join("store"))
        .unwrap()
        .__stop_after_steps(steps.clone());
    let store = SealedStore::open_backend(backend, root(), StoreOptions::default()).unwrap();
    for (allowed, during) in [
        (0, "writing a record"),
        (1, "syncing a record"),
        (2, "renaming a record into place"),
        (3, "syncing the store directory"),
    ] {
        steps.store(allowed, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            store.put("a", b"1"),
            Err(Error::Io {
                during,
                kind: std::io::ErrorKind::Other
            })
        );
    }
    steps.store(u64::MAX, std::sync::atomic::Ordering::SeqCst);
    store.put("a", b"1").unwrap();
    steps.store(0, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        store.delete("a"),
        Err(Error::Io {
            during: "writing the manifest",
            kind: std::io::ErrorKind::Other
        })
    );
}
