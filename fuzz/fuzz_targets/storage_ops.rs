//! Operation sequences on an iot-storage store over the memory backend,
//! checked against a `HashMap` model, with reopens and rotations between.
#![no_main]

use std::collections::HashMap;

use iot_storage::secrecy::ExposeSecret;
use iot_storage::{Error, MemoryBackend, RootKey, SealedStore, StoreOptions};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = ["a", "wifi/psk", "cloud.token", "id-1", "x/y/z", "pin"];
const MAX_VALUE: usize = 256;
const MAX_ENTRIES: usize = 8;

#[derive(Arbitrary, Debug)]
enum Op {
    Put(u8, Vec<u8>),
    PutWriteOnce(u8, Vec<u8>),
    PutAnyName(String, Vec<u8>),
    Delete(u8),
    Get(u8),
    Reopen,
    Rotate(u8),
}

fn options() -> StoreOptions {
    StoreOptions::default()
        .max_value_len(MAX_VALUE)
        .max_entries(MAX_ENTRIES)
}

/// Applies a write to the model if the store accepted it, and checks that a
/// refusal was the one the model predicts.
fn check_put(
    model: &mut HashMap<String, (Vec<u8>, bool)>,
    name: &str,
    value: &[u8],
    once: bool,
    result: Result<(), Error>,
) {
    match result {
        Ok(()) => {
            assert!(value.len() <= MAX_VALUE);
            assert!(!model.get(name).is_some_and(|(_, wo)| *wo));
            assert!(!(once && model.contains_key(name)));
            model.insert(name.to_owned(), (value.to_vec(), once));
        }
        Err(Error::InvalidName) => assert!(!NAMES.contains(&name)),
        Err(Error::ValueTooLarge { .. }) => assert!(value.len() > MAX_VALUE),
        Err(Error::WriteOnce) => assert!(model.get(name).is_some_and(|(_, wo)| *wo)),
        Err(Error::AlreadyExists) => assert!(once && model.contains_key(name)),
        Err(Error::TooManyEntries { .. }) => {
            assert!(model.len() >= MAX_ENTRIES && !model.contains_key(name))
        }
        Err(e) => panic!("unexpected {e:?}"),
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let medium = MemoryBackend::new();
    let mut root = [1u8; 32];
    let open = |root: [u8; 32]| {
        SealedStore::open_backend(medium.clone(), RootKey::from_bytes(root), options()).unwrap()
    };
    let mut store = open(root);
    let mut model: HashMap<String, (Vec<u8>, bool)> = HashMap::new();
    for op in ops.into_iter().take(64) {
        match op {
            Op::Put(n, v) => {
                let name = NAMES[usize::from(n) % NAMES.len()];
                let result = store.put(name, &v);
                check_put(&mut model, name, &v, false, result);
            }
            Op::PutWriteOnce(n, v) => {
                let name = NAMES[usize::from(n) % NAMES.len()];
                let result = store.put_write_once(name, &v);
                check_put(&mut model, name, &v, true, result);
            }
            Op::PutAnyName(name, v) => {
                let result = store.put(&name, &v);
                if result.is_ok() {
                    let read = store.get(&name).unwrap().unwrap();
                    assert_eq!(read.expose_secret(), v.as_slice());
                }
                match result {
                    Err(Error::InvalidName) => {}
                    other => check_put(&mut model, &name, &v, false, other),
                }
            }
            Op::Delete(n) => {
                let name = NAMES[usize::from(n) % NAMES.len()];
                match (store.delete(name), model.get(name)) {
                    (Ok(false), None) => {}
                    (Ok(true), Some((_, false))) => {
                        model.remove(name);
                    }
                    (Err(Error::WriteOnce), Some((_, true))) => {}
                    (result, expected) => {
                        panic!("delete {name}: {result:?} with model {expected:?}")
                    }
                }
            }
            Op::Get(n) => {
                let name = NAMES[usize::from(n) % NAMES.len()];
                let found = store.get(name).unwrap().map(|v| v.expose_secret().to_vec());
                assert_eq!(found, model.get(name).map(|(v, _)| v.clone()));
            }
            Op::Reopen => {
                drop(store);
                store = open(root);
            }
            Op::Rotate(seed) => {
                root[0] = root[0].wrapping_add(1);
                root[1] = seed;
                store.rotate(RootKey::from_bytes(root)).unwrap();
            }
        }
    }
    drop(store);
    let store = open(root);
    let mut names: Vec<String> = model.keys().cloned().collect();
    names.sort();
    assert_eq!(store.names().unwrap(), names);
    for (name, (value, _)) in &model {
        assert_eq!(
            store.get(name).unwrap().unwrap().expose_secret(),
            value.as_slice()
        );
    }
});
