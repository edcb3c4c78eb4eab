//! iot-storage against raw baselines doing the same work.
//!
//! - `storage_put_get_1k`: a sealed put and get of 1 KiB on the memory backend
//!   against a bare `ring` AES-256-GCM seal and open of the same 1 KiB (with a
//!   fresh random nonce from `SystemRandom`, as any correct use of the AEAD
//!   needs). The difference is the store's bookkeeping: name check, index,
//!   header, associated data, copies into and out of the memory medium,
//!   wiping, and a fork check per nonce; the store draws its nonces from the
//!   OS 64 at a time, where the baseline makes one `getrandom` call per
//!   seal.
//! - `storage_put_4k_fsync`: a durable put of 4 KiB on the directory backend
//!   against the bare atomic-replace protocol with std (write a temporary
//!   file, fsync, rename, fsync the directory). Both pay the same two fsyncs;
//!   the store's put is exactly one such atomic write (the record carries the
//!   index, so no separate manifest write is needed) plus removing the
//!   superseded record.
// Benchmarks unwrap: a failure is a broken benchmark, not a result.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs::File;
use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iot_storage::{MemoryBackend, RootKey, SealedStore, StoreOptions};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::ExposeSecret;

fn put_get_1k(c: &mut Criterion) {
    let data = vec![0x5A_u8; 1024];
    let mut group = c.benchmark_group("storage_put_get_1k");
    group.throughput(Throughput::Bytes(1024));

    let store = SealedStore::open_backend(
        MemoryBackend::new(),
        RootKey::from_bytes([7; 32]),
        StoreOptions::default(),
    )
    .unwrap();
    group.bench_function("iot_storage_memory", |b| {
        b.iter(|| {
            store.put("bench/value", black_box(&data)).unwrap();
            let value = store.get("bench/value").unwrap().unwrap();
            black_box(value.expose_secret()[0]);
        });
    });

    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[7; 32]).unwrap());
    let rng = SystemRandom::new();
    group.bench_function("ring_raw", |b| {
        b.iter(|| {
            let mut nonce = [0u8; 12];
            rng.fill(&mut nonce).unwrap();
            let mut sealed = black_box(&data).clone();
            key.seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut sealed,
            )
            .unwrap();
            let opened = key
                .open_in_place(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::empty(),
                    &mut sealed,
                )
                .unwrap();
            black_box(opened[0]);
        });
    });
    group.finish();
}

fn put_4k_fsync(c: &mut Criterion) {
    let data = vec![0xA5_u8; 4096];
    let mut group = c.benchmark_group("storage_put_4k_fsync");
    group.throughput(Throughput::Bytes(4096));

    let store_dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = SealedStore::open(
        store_dir.path(),
        RootKey::from_bytes([7; 32]),
        StoreOptions::default(),
    )
    .unwrap();
    group.bench_function("iot_storage_dir", |b| {
        b.iter(|| store.put("bench/value", black_box(&data)).unwrap());
    });

    let raw_dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let dir = File::open(raw_dir.path()).unwrap();
    let (temp, target) = (
        raw_dir.path().join(".value.tmp"),
        raw_dir.path().join("value"),
    );
    group.bench_function("raw_atomic_write", |b| {
        b.iter(|| {
            let mut file = File::create(&temp).unwrap();
            file.write_all(black_box(&data)).unwrap();
            file.sync_all().unwrap();
            drop(file);
            std::fs::rename(&temp, &target).unwrap();
            dir.sync_all().unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, put_get_1k, put_4k_fsync);
criterion_main!(benches);
