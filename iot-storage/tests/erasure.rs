//! `destroy` and `erase_dir` leave nothing of the store, stay bounded on
//! hostile files, and cannot be blocked by what sits under the manifest's
//! name (review findings S1, S3, S4, S7).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use iot_storage::{DirBackend, Error, RootKey, SealedStore, StoreOptions};

fn root() -> RootKey {
    RootKey::from_bytes([0x5a; 32])
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// S1: the temporaries of a failed rotation step (`.manifest.tmp`, holding
/// the store id and the old data key) and of a failed put (`.<gen>.rec.tmp`,
/// the sealed value) do not survive `destroy`, so nobody holding the root key
/// can revive the destroyed store from them (review probe P1).
#[test]
fn destroy_after_failed_writes_leaves_no_temporary_to_revive() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let steps = Arc::new(AtomicU64::new(u64::MAX));
    let backend = DirBackend::open(&dir)
        .unwrap()
        .__stop_after_steps(Arc::clone(&steps));
    let store = SealedStore::open_backend(backend, root(), StoreOptions::default()).unwrap();
    store.put("a", b"1").unwrap();
    // Each write fails at the temporary's fsync, after its bytes were written.
    steps.store(1, Ordering::SeqCst);
    assert!(store.rotate(root()).is_err());
    steps.store(1, Ordering::SeqCst);
    assert!(store.put("wifi/psk", b"hunter2-destroyed").is_err());
    steps.store(u64::MAX, Ordering::SeqCst);

    store.destroy().unwrap();
    assert_eq!(names(&dir), Vec::<String>::new());
}

/// S1: a failed write removes its own temporary (review probe P1b: one failed
/// put, then `destroy`, left a sealed copy of the value).
#[test]
fn a_failed_write_removes_its_temporary_and_erase_dir_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let steps = Arc::new(AtomicU64::new(u64::MAX));
    let backend = DirBackend::open(&dir)
        .unwrap()
        .__stop_after_steps(Arc::clone(&steps));
    let store = SealedStore::open_backend(backend, root(), StoreOptions::default()).unwrap();
    store.put("a", b"1").unwrap();
    steps.store(1, Ordering::SeqCst);
    assert!(store.put("wifi/psk", b"secret").is_err());
    steps.store(u64::MAX, Ordering::SeqCst);
    let left = names(&dir);
    assert!(!left.iter().any(|n| n.ends_with(".tmp")), "{left:?}");
    drop(store);

    // A temporary that a crash left (no error path ran) is erased too.
    fs::write(dir.join(".00000000000000aa.rec.tmp"), b"sealed bytes").unwrap();
    fs::write(dir.join(".manifest.tmp"), b"store id and keys").unwrap();
    SealedStore::erase_dir(&dir).unwrap();
    assert_eq!(names(&dir), Vec::<String>::new());
}

/// S3: the documented recovery never writes through a hard link into a file
/// outside the store, nor fills a sparse file: a planted 64 MiB sparse file
/// hard-linked under a record name keeps its 0 allocated bytes (review probe
/// P2). S7: `open` reports the planted object as `Integrity` (damage), not
/// `ValueTooLarge` ("reopen with a larger limit").
#[test]
fn erase_dir_does_not_fill_a_planted_sparse_hard_linked_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(SealedStore::open(&dir, root(), StoreOptions::default()).unwrap());
    let victim = tmp.path().join("victim");
    let f = fs::File::create(&victim).unwrap();
    f.set_len(64 << 20).unwrap();
    drop(f);
    let before = fs::metadata(&victim).unwrap().blocks();
    fs::hard_link(&victim, dir.join("00000000000000ff.rec")).unwrap();

    let err = SealedStore::open(&dir, root(), StoreOptions::default()).unwrap_err();
    assert_eq!(err, Error::Integrity);

    SealedStore::erase_dir(&dir).unwrap();
    assert_eq!(fs::metadata(&victim).unwrap().blocks(), before);
    assert_eq!(names(&dir), Vec::<String>::new());
}

/// S3: a sparse file under a record name, not linked elsewhere, larger than
/// any object the format allows, is unlinked without being written.
#[test]
fn erase_dir_unlinks_an_oversized_object_without_writing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    drop(SealedStore::open(&dir, root(), StoreOptions::default()).unwrap());
    let planted = dir.join("00000000000000ff.rec");
    let f = fs::File::create(&planted).unwrap();
    f.set_len(1 << 40).unwrap(); // 1 TiB apparent
    // Keep a descriptor to see what happened to the inode after the unlink.
    let witness = fs::File::open(&planted).unwrap();
    drop(f);
    SealedStore::erase_dir(&dir).unwrap();
    assert_eq!(witness.metadata().unwrap().blocks(), 0);
    assert_eq!(names(&dir), Vec::<String>::new());
}

/// S4: a symlink named `manifest` blocks neither `open`'s clear error nor the
/// recovery: `erase_dir` removes the link (without following it) and erases
/// the records (review probe P3).
#[test]
fn a_symlink_named_manifest_does_not_block_erase_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let store = SealedStore::open(&dir, root(), StoreOptions::default()).unwrap();
    store.put("identity/key", b"k").unwrap();
    drop(store);
    let target = tmp.path().join("elsewhere");
    fs::write(&target, b"not the store's").unwrap();
    fs::remove_file(dir.join("manifest")).unwrap();
    std::os::unix::fs::symlink(&target, dir.join("manifest")).unwrap();
    assert_eq!(
        SealedStore::open(&dir, root(), StoreOptions::default()).unwrap_err(),
        Error::Integrity
    );
    SealedStore::erase_dir(&dir).unwrap();
    assert_eq!(names(&dir), Vec::<String>::new());
    assert_eq!(fs::read(&target).unwrap(), b"not the store's");
    // The recovery worked: a fresh store opens.
    drop(SealedStore::open(&dir, root(), StoreOptions::default()).unwrap());
}

/// S4: a directory named `manifest`: an empty one is removed; one with
/// content is refused with a clear error, and the records are erased all the
/// same (review probe P3).
#[test]
fn a_directory_named_manifest_does_not_keep_the_records() {
    for with_content in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let store = SealedStore::open(&dir, root(), StoreOptions::default()).unwrap();
        store.put("identity/key", b"k").unwrap();
        drop(store);
        fs::remove_file(dir.join("manifest")).unwrap();
        fs::create_dir(dir.join("manifest")).unwrap();
        if with_content {
            fs::write(dir.join("manifest/file"), b"x").unwrap();
        }
        let erased = SealedStore::erase_dir(&dir);
        let left = names(&dir);
        if with_content {
            assert_eq!(
                erased,
                Err(Error::Io {
                    during: "removing a directory in the manifest's place",
                    kind: std::io::ErrorKind::DirectoryNotEmpty,
                })
            );
            assert_eq!(left, ["manifest"]);
        } else {
            assert_eq!(erased, Ok(()));
            assert_eq!(left, Vec::<String>::new());
        }
    }
}
