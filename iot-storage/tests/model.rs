//! Model test: random operation sequences on the store (memory and directory
//! backends, with reopens and rotations in between) behave exactly like a
//! `HashMap` with write-once flags.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::collections::HashMap;

use iot_storage::{Backend, DirBackend, Error, MemoryBackend, RootKey, SealedStore, StoreOptions};
use proptest::prelude::*;
use secrecy::ExposeSecret;

const NAMES: [&str; 5] = ["a", "b/c", "wifi.psk", "x-1", "identity"];

#[derive(Debug, Clone)]
enum Op {
    Put(usize, Vec<u8>),
    PutWriteOnce(usize, Vec<u8>),
    Delete(usize),
    Get(usize),
    Reopen,
    Rotate,
}

fn op() -> impl Strategy<Value = Op> {
    let name = 0..NAMES.len();
    let value = proptest::collection::vec(any::<u8>(), 0..48);
    prop_oneof![
        6 => (name.clone(), value.clone()).prop_map(|(n, v)| Op::Put(n, v)),
        1 => (name.clone(), value).prop_map(|(n, v)| Op::PutWriteOnce(n, v)),
        3 => name.clone().prop_map(Op::Delete),
        3 => name.prop_map(Op::Get),
        1 => Just(Op::Reopen),
        1 => Just(Op::Rotate),
    ]
}

/// The model: value and write-once flag by name.
type Model = HashMap<String, (Vec<u8>, bool)>;

fn check_all(store: &SealedStore, model: &Model) {
    let mut names: Vec<&String> = model.keys().collect();
    names.sort();
    assert_eq!(store.names().unwrap().iter().collect::<Vec<_>>(), names);
    for name in NAMES {
        let found = store.get(name).unwrap().map(|v| v.expose_secret().to_vec());
        assert_eq!(found, model.get(name).map(|(v, _)| v.clone()), "{name}");
    }
}

fn run(ops: &[Op], open: &dyn Fn(RootKey) -> SealedStore) {
    let mut root = [1u8; 32];
    let mut store = open(RootKey::from_bytes(root));
    let mut model = Model::new();
    for op in ops {
        match op {
            Op::Put(n, v) => {
                let name = NAMES[*n];
                let result = store.put(name, v);
                match model.get(name) {
                    Some((_, true)) => {
                        assert!(matches!(result, Err(Error::WriteOnce)), "{result:?}")
                    }
                    _ => {
                        result.unwrap();
                        model.insert(name.to_owned(), (v.clone(), false));
                    }
                }
            }
            Op::PutWriteOnce(n, v) => {
                let name = NAMES[*n];
                let result = store.put_write_once(name, v);
                match model.get(name) {
                    Some((_, true)) => {
                        assert!(matches!(result, Err(Error::WriteOnce)), "{result:?}")
                    }
                    Some((_, false)) => {
                        assert!(matches!(result, Err(Error::AlreadyExists)), "{result:?}")
                    }
                    None => {
                        result.unwrap();
                        model.insert(name.to_owned(), (v.clone(), true));
                    }
                }
            }
            Op::Delete(n) => {
                let name = NAMES[*n];
                let result = store.delete(name);
                match model.get(name) {
                    None => assert!(!result.unwrap()),
                    Some((_, true)) => {
                        assert!(matches!(result, Err(Error::WriteOnce)), "{result:?}")
                    }
                    Some((_, false)) => {
                        assert!(result.unwrap());
                        model.remove(name);
                    }
                }
            }
            Op::Get(n) => {
                let name = NAMES[*n];
                let found = store.get(name).unwrap().map(|v| v.expose_secret().to_vec());
                assert_eq!(found, model.get(name).map(|(v, _)| v.clone()));
            }
            Op::Reopen => {
                drop(store);
                store = open(RootKey::from_bytes(root));
                check_all(&store, &model);
            }
            Op::Rotate => {
                root[0] = root[0].wrapping_add(1);
                store.rotate(RootKey::from_bytes(root)).unwrap();
            }
        }
    }
    drop(store);
    let store = open(RootKey::from_bytes(root));
    check_all(&store, &model);
}

fn open_on(backend: impl Backend + 'static, root: RootKey) -> SealedStore {
    SealedStore::open_backend(backend, root, StoreOptions::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn memory_store_matches_a_hashmap_across_reopen(ops in proptest::collection::vec(op(), 1..60)) {
        let medium = MemoryBackend::new();
        run(&ops, &|root| open_on(medium.clone(), root));
    }
}

proptest! {
    // Real files and fsyncs: fewer, shorter cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn directory_store_matches_a_hashmap_across_reopen(ops in proptest::collection::vec(op(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        run(&ops, &|root| open_on(DirBackend::open(dir.path()).unwrap(), root));
    }
}
