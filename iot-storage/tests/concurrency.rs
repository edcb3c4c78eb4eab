//! Threads putting, getting and deleting the same and different names on one
//! shared store: every read sees a value some thread wrote in full, and the
//! store reopens with the last write of each name.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::sync::Arc;
use std::thread;

use iot_storage::{Backend, DirBackend, MemoryBackend, RootKey, SealedStore, StoreOptions};
use secrecy::ExposeSecret;

const THREADS: usize = 4;

/// A value that says who wrote it and is checkable in full.
fn value(thread: usize, round: usize) -> Vec<u8> {
    let mut v = format!("t{thread}:r{round}:").into_bytes();
    let fill = u8::try_from((thread * 31 + round) % 251).unwrap();
    v.extend(std::iter::repeat_n(fill, 64 + round % 64));
    v
}

fn well_formed(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let mut parts = text.splitn(3, ':');
    let (Some(t), Some(r)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(t), Ok(r)) = (
        t.trim_start_matches('t').parse::<usize>(),
        r.trim_start_matches('r').parse::<usize>(),
    ) else {
        return false;
    };
    bytes == value(t, r).as_slice()
}

fn hammer(store: Arc<SealedStore>, rounds: usize) {
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                let own = format!("own/{t}");
                for round in 0..rounds {
                    // The same name for everyone, and one per thread.
                    store.put("shared", &value(t, round)).unwrap();
                    store.put(&own, &value(t, round)).unwrap();
                    let shared = store.get("shared").unwrap().unwrap();
                    assert!(well_formed(shared.expose_secret()));
                    let mine = store.get(&own).unwrap().unwrap();
                    assert_eq!(
                        mine.expose_secret(),
                        value(t, round).as_slice(),
                        "own entry of thread {t}"
                    );
                    if round % 5 == 4 {
                        assert!(store.delete(&own).unwrap());
                        assert!(store.get(&own).unwrap().is_none());
                        store.put(&own, &value(t, round)).unwrap();
                    }
                    assert!(store.names().unwrap().contains(&own));
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}

fn check_final(store: &SealedStore, rounds: usize) {
    assert!(well_formed(
        store.get("shared").unwrap().unwrap().expose_secret()
    ));
    for t in 0..THREADS {
        let own = store.get(&format!("own/{t}")).unwrap().unwrap();
        assert_eq!(own.expose_secret(), value(t, rounds - 1).as_slice());
    }
    assert_eq!(store.names().unwrap().len(), THREADS + 1);
}

fn run(open: impl Fn() -> Box<dyn Backend>, rounds: usize) {
    let root = || RootKey::from_bytes([0x44; 32]);
    let store =
        Arc::new(SealedStore::open_backend(open(), root(), StoreOptions::default()).unwrap());
    hammer(store.clone(), rounds);
    check_final(&store, rounds);
    drop(store);
    let store = SealedStore::open_backend(open(), root(), StoreOptions::default()).unwrap();
    check_final(&store, rounds);
}

#[test]
fn threads_share_a_memory_store() {
    let medium = MemoryBackend::new();
    run(|| Box::new(medium.clone()), 200);
}

#[test]
fn threads_share_a_directory_store() {
    let dir = tempfile::tempdir().unwrap();
    run(|| Box::new(DirBackend::open(dir.path()).unwrap()), 20);
}
