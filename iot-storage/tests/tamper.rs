//! Tamper sweep (EN 303 645 5.4-1): whatever an attacker with the flash image
//! does to a record or the manifest (flip any bit, truncate, extend, swap,
//! rename, replay, transplant from another store) is an integrity error at
//! open or on read: never wrong data, never a panic.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::collections::BTreeMap;

use iot_storage::{Error, MemoryBackend, RootKey, SealedStore, StoreOptions};
use secrecy::ExposeSecret;

type Image = BTreeMap<String, Vec<u8>>;

fn root() -> RootKey {
    RootKey::from_bytes([0x5A; 32])
}

fn open(image: &Image) -> Result<SealedStore, Error> {
    let medium = MemoryBackend::new();
    medium.restore(image.clone());
    SealedStore::open_backend(medium, root(), StoreOptions::default())
}

/// A store whose manifest is older than its newest record, so that both a
/// "head" record (carrying the index) and older records are covered.
fn build() -> (Image, BTreeMap<String, Vec<u8>>) {
    let medium = MemoryBackend::new();
    let store = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap();
    store.put("wifi/psk", b"passphrase").unwrap();
    store.put_write_once("identity", b"factory-key").unwrap();
    store.put("gone", b"x").unwrap();
    store.delete("gone").unwrap(); // rewrites the manifest
    store.put("cloud/token", b"token-1").unwrap(); // the newest record
    let expected = BTreeMap::from([
        ("wifi/psk".to_owned(), b"passphrase".to_vec()),
        ("identity".to_owned(), b"factory-key".to_vec()),
        ("cloud/token".to_owned(), b"token-1".to_vec()),
    ]);
    (medium.snapshot(), expected)
}

/// The damaged image must fail with `Error::Integrity`, at open or on reading
/// at least one entry; every entry that does read must be exactly right.
fn assert_detected(image: &Image, expected: &BTreeMap<String, Vec<u8>>, what: &str) {
    let store = match open(image) {
        Err(Error::Integrity) => return,
        Err(e) => panic!("{what}: open failed with {e:?}, not Integrity"),
        Ok(store) => store,
    };
    let mut detected = false;
    for (name, value) in expected {
        match store.get(name) {
            Ok(Some(found)) => assert_eq!(
                found.expose_secret(),
                value.as_slice(),
                "{what}: wrong data for {name}"
            ),
            Err(Error::Integrity) => detected = true,
            other => panic!("{what}: {name} read as {other:?}"),
        }
    }
    assert!(detected, "{what}: not detected");
}

fn objects(image: &Image) -> Vec<String> {
    image.keys().cloned().collect()
}

#[test]
fn the_untouched_image_opens() {
    let (image, expected) = build();
    let store = open(&image).unwrap();
    for (name, value) in &expected {
        assert_eq!(
            store.get(name).unwrap().unwrap().expose_secret(),
            value.as_slice()
        );
    }
    assert_eq!(
        image.len(),
        4,
        "manifest and three records: {:?}",
        objects(&image)
    );
}

#[test]
fn every_bit_flip_of_every_object_is_detected() {
    let (image, expected) = build();
    let mut flips = 0;
    for object in objects(&image) {
        for byte in 0..image[&object].len() {
            for bit in 0..8 {
                let mut damaged = image.clone();
                damaged.get_mut(&object).unwrap()[byte] ^= 1 << bit;
                assert_detected(
                    &damaged,
                    &expected,
                    &format!("{object} byte {byte} bit {bit}"),
                );
                flips += 1;
            }
        }
    }
    assert!(flips > 2000, "{flips}");
}

#[test]
fn every_truncation_and_extensions_are_detected() {
    let (image, expected) = build();
    for object in objects(&image) {
        let len = image[&object].len();
        for cut in 0..len {
            let mut damaged = image.clone();
            damaged.get_mut(&object).unwrap().truncate(cut);
            assert_detected(&damaged, &expected, &format!("{object} cut to {cut}"));
        }
        for extra in [&[0u8][..], &[0xFF; 16], &[0x41; 1000]] {
            let mut damaged = image.clone();
            damaged.get_mut(&object).unwrap().extend_from_slice(extra);
            assert_detected(
                &damaged,
                &expected,
                &format!("{object} extended by {}", extra.len()),
            );
        }
    }
}

#[test]
fn swapped_records_are_detected() {
    let (image, expected) = build();
    let records: Vec<String> = objects(&image)
        .into_iter()
        .filter(|o| o.ends_with(".rec"))
        .collect();
    for a in &records {
        for b in &records {
            if a < b {
                let mut damaged = image.clone();
                let (va, vb) = (image[a].clone(), image[b].clone());
                damaged.insert(a.clone(), vb);
                damaged.insert(b.clone(), va);
                assert_detected(&damaged, &expected, &format!("swap {a} {b}"));
            }
        }
    }
}

fn newest_record(image: &Image) -> String {
    objects(image)
        .into_iter()
        .filter(|o| o.ends_with(".rec"))
        .max()
        .unwrap()
}

#[test]
fn renamed_or_missing_records_are_detected() {
    let (image, expected) = build();
    let newest = newest_record(&image);
    let mut checked = 0;
    for object in objects(&image).into_iter().filter(|o| o.ends_with(".rec")) {
        let mut renamed = image.clone();
        let data = renamed.remove(&object).unwrap();
        renamed.insert("00000000000000ff.rec".into(), data.clone());
        assert_detected(
            &renamed,
            &expected,
            &format!("{object} renamed to a newer generation"),
        );
        if object == newest {
            // Removing the newest write is a rollback by one write: see
            // `removing_the_newest_record_is_a_rollback`.
            continue;
        }
        renamed.remove("00000000000000ff.rec");
        assert_detected(&renamed, &expected, &format!("{object} removed"));
        renamed.insert("0000000000000000.rec".into(), data);
        assert_detected(
            &renamed,
            &expected,
            &format!("{object} renamed to an older generation"),
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
}

/// A counter shared between opens, standing in for hardware.
#[derive(Debug, Clone, Default)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl iot_storage::MonotonicCounter for Counter {
    fn read(&self) -> Result<u64, Error> {
        Ok(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
    fn advance_to(&self, value: u64) -> Result<(), Error> {
        self.0.fetch_max(value, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn removing_the_newest_record_is_a_rollback() {
    let counter = Counter::default();
    let medium = MemoryBackend::new();
    let options = || StoreOptions::default().counter(counter.clone());
    let store = SealedStore::open_backend(medium.clone(), root(), options()).unwrap();
    store.put("wifi/psk", b"passphrase").unwrap();
    store.put("cloud/token", b"token-1").unwrap();
    drop(store);
    let mut image = medium.snapshot();
    let newest = newest_record(&image);
    image.remove(&newest);

    // With a counter: detected.
    let rolled_back = MemoryBackend::new();
    rolled_back.restore(image.clone());
    let err = SealedStore::open_backend(rolled_back, root(), options()).unwrap_err();
    assert!(matches!(err, Error::RolledBack), "{err:?}");

    // Without one: the store is exactly as before the last write, which is
    // all an attacker without the key can achieve (and what
    // `rollback_protection()` warns about).
    let store = open(&image).unwrap();
    assert_eq!(store.names().unwrap(), ["wifi/psk"]);
    assert_eq!(
        store.get("wifi/psk").unwrap().unwrap().expose_secret(),
        b"passphrase"
    );
}

#[test]
fn a_missing_manifest_is_not_a_new_store() {
    let (mut image, _) = build();
    image.remove("manifest");
    assert!(matches!(open(&image), Err(Error::Integrity)));
}

#[test]
fn replaying_an_older_record_of_the_same_name_is_detected() {
    let medium = MemoryBackend::new();
    let store = SealedStore::open_backend(medium.clone(), root(), StoreOptions::default()).unwrap();
    store.put("pin", b"1234").unwrap();
    store.put("other", b"o").unwrap();
    let old = medium.snapshot();
    store.put("pin", b"9876").unwrap();
    store.put("other", b"p").unwrap(); // the head is no longer the pin's record
    drop(store);
    let new = medium.snapshot();
    let expected = BTreeMap::from([
        ("pin".to_owned(), b"9876".to_vec()),
        ("other".to_owned(), b"p".to_vec()),
    ]);

    let old_pin = old
        .keys()
        .find(|o| o.ends_with(".rec") && !new.contains_key(*o))
        .unwrap()
        .clone();
    let old_pin_bytes = old[&old_pin].clone();
    // Replay under the current record's name.
    for current in new.keys().filter(|o| o.ends_with(".rec")) {
        let mut replayed = new.clone();
        replayed.insert(current.clone(), old_pin_bytes.clone());
        assert_detected(
            &replayed,
            &expected,
            &format!("old pin record over {current}"),
        );
    }
    // Replay under its own (old) name next to the current ones: ignored as
    // garbage, the current value wins.
    let mut replayed = new.clone();
    replayed.insert(old_pin.clone(), old_pin_bytes);
    let store = open(&replayed).unwrap();
    assert_eq!(store.get("pin").unwrap().unwrap().expose_secret(), b"9876");
}

#[test]
fn records_from_another_store_with_the_same_root_key_are_detected() {
    let (image, expected) = build();
    let (other, _) = build(); // same names, same root key, different store id
    for object in objects(&image).into_iter().filter(|o| o.ends_with(".rec")) {
        if let Some(foreign) = other.get(&object) {
            let mut damaged = image.clone();
            damaged.insert(object.clone(), foreign.clone());
            assert_detected(&damaged, &expected, &format!("{object} from another store"));
        }
    }
    let mut damaged = image.clone();
    damaged.insert("manifest".into(), other["manifest"].clone());
    assert_detected(&damaged, &expected, "manifest from another store");
}
