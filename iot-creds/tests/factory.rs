//! Factory batches (EN 303 645 5.1-1: unique per-device passwords, recorded
//! with their hashes for provisioning).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]
#![cfg(feature = "std")]

mod common;

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::ReplayRng;
use iot_creds::factory::{BatchProgress, FactoryBatch, GeneratorMode};
use iot_creds::{DevicePassword, Error, GeneratorConfig, HashParams, OsRng, verify_password};

fn cheap() -> HashParams {
    HashParams::insecure_low_cost(256, 1, 1).unwrap()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("SN-{i:06}")).collect()
}

#[test]
fn a_batch_gives_every_device_a_unique_verifiable_password() {
    let ids = ids(200);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let reports = Arc::clone(&progress);
    let manifest = FactoryBatch::new(cheap())
        .with_threads(3)
        .on_progress(move |p: &BatchProgress| reports.lock().unwrap().push(*p))
        .run(&ids, &mut OsRng::new())
        .unwrap();
    assert_eq!(manifest.mode(), GeneratorMode::Random);
    assert_eq!(manifest.hash_params(), cheap());
    let records = manifest.records();
    assert_eq!(records.len(), 200);
    let mut labels = HashSet::new();
    let mut salts = HashSet::new();
    for (record, id) in records.iter().zip(&ids) {
        assert_eq!(record.device_id(), id, "order of the ids is kept");
        assert_eq!(record.entropy_bits(), 80.0);
        assert_eq!(record.mode(), GeneratorMode::Random);
        let label = record.password().expose_secret();
        assert!(labels.insert(label.to_string()), "duplicate password");
        assert!(salts.insert(record.phc().split('$').nth(4).unwrap().to_string()));
        // C11: the hash covers the symbols, not the printed grouping.
        let symbols = record.password().expose_secret_symbols();
        assert_eq!(symbols, label.replace('-', ""));
        assert_eq!(verify_password(symbols.as_bytes(), record.phc()), Ok(()));
    }
    // Every other device's password fails against this device's hash.
    assert_eq!(
        verify_password(
            records[1].password().expose_secret_symbols().as_bytes(),
            records[0].phc()
        ),
        Err(Error::Verification)
    );
    let seen: Vec<(usize, usize)> = progress
        .lock()
        .unwrap()
        .iter()
        .map(|p| (p.done, p.total))
        .collect();
    assert_eq!(
        seen,
        (1..=200).map(|done| (done, 200)).collect::<Vec<_>>(),
        "one progress call per device, counting up"
    );
}

#[test]
fn progress_is_reported_on_the_calling_thread_one_call_at_a_time() {
    let caller = std::thread::current().id();
    let threads = Arc::new(Mutex::new(HashSet::new()));
    let seen = Arc::clone(&threads);
    FactoryBatch::new(cheap())
        .with_threads(4)
        .on_progress(move |_| {
            seen.lock().unwrap().insert(std::thread::current().id());
        })
        .run(&ids(40), &mut OsRng::new())
        .unwrap();
    assert_eq!(*threads.lock().unwrap(), HashSet::from([caller]));
}

#[test]
fn a_panic_in_the_progress_callback_propagates_out_of_run() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let batch = FactoryBatch::new(cheap())
        .with_threads(2)
        .on_progress(move |p| {
            counted.fetch_add(1, Ordering::Relaxed);
            assert!(p.done < 3, "progress bar broke");
        });
    let ids = ids(50);
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| batch.run(&ids, &mut OsRng::new())));
    let payload = outcome.expect_err("the callback's panic reaches the caller");
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap();
    assert!(message.contains("progress bar broke"), "{message}");
    assert_eq!(calls.load(Ordering::Relaxed), 3, "no call after the panic");
    // The batch stays usable, with its callback.
    let manifest = batch.run(&ids[..2], &mut OsRng::new()).unwrap();
    assert_eq!(manifest.records().len(), 2);
    assert_eq!(calls.load(Ordering::Relaxed), 5);
}

#[test]
fn the_manifest_is_written_as_csv() {
    let manifest = FactoryBatch::new(cheap())
        .run(&["AA:BB:CC:00:00:01", "lot-7/unit.2"], &mut OsRng::new())
        .unwrap();
    let mut csv = Vec::new();
    manifest.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "device_id,password,phc,entropy_bits,mode");
    assert_eq!(lines.len(), 3);
    for (line, record) in lines[1..].iter().zip(manifest.records()) {
        // The PHC string holds commas, so it is quoted.
        let expected = format!(
            "{},{},\"{}\",80.0,random",
            record.device_id(),
            record.password().expose_secret(),
            record.phc()
        );
        assert_eq!(*line, expected);
    }
}

/// A writer whose every write fails, like a full disk.
struct FullDisk;

impl std::io::Write for FullDisk {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::StorageFull.into())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_writer_is_reported_as_the_family_io_error() {
    let manifest = FactoryBatch::new(cheap())
        .run(&["SN-1"], &mut OsRng::new())
        .unwrap();
    let err = manifest.write_csv(FullDisk).unwrap_err();
    assert_eq!(
        err,
        Error::Io {
            during: "writing the csv manifest",
            kind: std::io::ErrorKind::StorageFull,
        }
    );
    assert_eq!(
        err.to_string(),
        "i/o error while writing the csv manifest: no storage space"
    );
}

#[test]
fn a_batch_above_the_bound_is_refused_before_any_work() {
    let ids = vec!["SN-1"; FactoryBatch::MAX_DEVICES + 1];
    let err = FactoryBatch::new(cheap())
        .run(&ids, &mut OsRng::new())
        .unwrap_err();
    assert_eq!(
        err,
        Error::BatchTooLarge {
            max: FactoryBatch::MAX_DEVICES
        }
    );
}

#[cfg(feature = "serde")]
#[test]
fn the_manifest_is_written_as_json() {
    let manifest = FactoryBatch::new(cheap())
        .run(&["SN-1", "SN-2"], &mut OsRng::new())
        .unwrap();
    let json: serde_json::Value = serde_json::to_value(&manifest).unwrap();
    assert_eq!(json["mode"], "random");
    assert_eq!(json["hash_params"]["algorithm"], "argon2id");
    assert_eq!(json["hash_params"]["m_kib"], 256);
    let devices = json["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2);
    for (device, record) in devices.iter().zip(manifest.records()) {
        assert_eq!(device["device_id"], record.device_id());
        assert_eq!(device["password"], record.password().expose_secret());
        assert_eq!(device["phc"], record.phc());
        assert_eq!(device["entropy_bits"], 80.0);
        assert_eq!(device["mode"], "random");
    }
}

#[test]
fn bad_or_repeated_device_ids_are_refused_with_their_index() {
    let batch = FactoryBatch::new(cheap());
    let mut rng = OsRng::new();
    assert_eq!(
        batch
            .run(&["SN-1", "=HYPERLINK(\"x\")"], &mut rng)
            .unwrap_err(),
        Error::InvalidDeviceId { index: 1 }
    );
    assert_eq!(
        batch.run(&["SN-1", "SN-2", "SN-1"], &mut rng).unwrap_err(),
        Error::DuplicateDeviceId { index: 2 }
    );
    let empty: [&str; 0] = [];
    assert_eq!(batch.run(&empty, &mut rng).unwrap().records().len(), 0);
}

#[test]
fn a_generator_that_repeats_itself_cannot_produce_duplicate_passwords() {
    // A broken generator repeating the same 16 bytes forever (no run that
    // its health test would catch): the batch must fail rather than give two
    // devices one password.
    let mut repeating = ReplayRng::new((0..16).collect());
    let err = FactoryBatch::new(cheap())
        .run(&["SN-1", "SN-2"], &mut repeating)
        .unwrap_err();
    assert_eq!(err, Error::DuplicatePassword);
    // One stuck at a single value fails the health test first (C10).
    let mut stuck = ReplayRng::new(vec![7; 64]);
    let err = FactoryBatch::new(cheap())
        .run(&["SN-1", "SN-2"], &mut stuck)
        .unwrap_err();
    assert_eq!(err, Error::RandomSourceFailed);
}

#[test]
fn the_generator_configuration_is_used() {
    let config = GeneratorConfig::new()
        .with_length(15)
        .with_check_symbol(true);
    let manifest = FactoryBatch::new(cheap())
        .with_generator(config)
        .run(&ids(5), &mut OsRng::new())
        .unwrap();
    for record in manifest.records() {
        let label = record.password().expose_secret();
        assert!(DevicePassword::from_label_entry(label, &config).is_ok());
        assert_eq!(record.entropy_bits(), 75.0);
    }
}

#[cfg(feature = "derive")]
#[test]
fn derived_batches_are_reproducible_from_the_factory_key() {
    use iot_creds::FactoryKey;
    let key = FactoryKey::new(&[9u8; 32]).unwrap();
    let ids = ids(20);
    let manifest = FactoryBatch::new(cheap())
        .derived_from_factory_key(&key)
        .run(&ids, &mut OsRng::new())
        .unwrap();
    assert_eq!(manifest.mode(), GeneratorMode::FactoryKeyDerived);
    for (record, id) in manifest.records().iter().zip(&ids) {
        let again =
            DevicePassword::derive_from_factory_key(&key, id, &GeneratorConfig::new()).unwrap();
        assert_eq!(record.password().expose_secret(), again.expose_secret());
        assert_eq!(record.mode(), GeneratorMode::FactoryKeyDerived);
    }
}

/// C11: a hashing thread the operating system refuses is an error, not a
/// panic (0.1 used `thread::Scope::spawn`, which panics when it cannot
/// spawn). A stack larger than any address space makes spawning fail.
#[test]
fn a_thread_that_cannot_be_spawned_is_an_error() {
    let err = FactoryBatch::new(cheap())
        .with_threads(2)
        .__thread_stack_size(usize::MAX / 2)
        .run(&["SN-1", "SN-2"], &mut OsRng::new())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Io {
                during: "starting a hashing thread",
                ..
            }
        ),
        "{err:?}"
    );
}
