//! iot-update against raw baselines.
//!
//! - `update_target_verify_64m`: a verified download of a 64 MiB target from
//!   the file transport (stream into a temporary file in the destination
//!   directory, SHA-256 and length as the bytes arrive, fsync, rename, fsync
//!   of the directory) against the same I/O without TUF: read the source,
//!   write and fsync a temporary file, ring SHA-256 over the stream, rename
//!   and fsync the directory. The difference is the client's bookkeeping
//!   (deadline checks, the hash map of the metadata, the cache probe of the
//!   final name). Goal: ratio ≤ 1.10.
//! - `update_refresh_1k`: a full refresh from an empty trusted state (only
//!   the root) of the python-tuf repository in `fixtures/tuf-1k/` (1,000
//!   targets in 8 delegated roles, made by `fixtures/tuf-1k/make_repo.py`),
//!   then one lookup per delegated role so that all 8 are fetched and
//!   verified. Reported as a time; there is no baseline.
// Benchmarks unwrap: a failure is a broken benchmark, not a result.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs::File;
use std::hint::black_box;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use iot_update::serde_json::{self, Value, json};
use iot_update::{DirectoryStore, FileTransport, FixedClock, MetadataStore, Updater};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

/// 2030-01-01: "now" for both benches.
const NOW: i64 = 1_893_456_000;
const SIZE: usize = 64 << 20;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn sign(signed: &Value, key: &Ed25519KeyPair, keyid: &str) -> Vec<u8> {
    let canonical = iot_update::canonical_json(signed).unwrap();
    let sig = hex(key.sign(&canonical).as_ref());
    serde_json::to_vec(&json!({"signed": signed, "signatures": [{"keyid": keyid, "sig": sig}]}))
        .unwrap()
}

/// A one-key repository with one 64 MiB target `big.bin` in `dir`.
fn big_repository(dir: &Path) {
    let key = Ed25519KeyPair::from_pkcs8(
        Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .unwrap()
            .as_ref(),
    )
    .unwrap();
    let id = "k";
    let public = json!({"keytype": "ed25519", "scheme": "ed25519",
                        "keyval": {"public": hex(key.public_key().as_ref())}});
    let role = json!({"keyids": [id], "threshold": 1});
    let expires = "2040-01-01T00:00:00Z";
    let common = |kind: &str| json!({"_type": kind, "spec_version": "1.0.31", "version": 1, "expires": expires});
    let mut root = common("root");
    root["consistent_snapshot"] = false.into();
    root["keys"] = json!({ id: public });
    root["roles"] = json!({"root": role, "timestamp": role, "snapshot": role, "targets": role});
    let content: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let digest = hex(ring::digest::digest(&ring::digest::SHA256, &content).as_ref());
    let mut targets = common("targets");
    targets["targets"] = json!({"big.bin": {"length": SIZE, "hashes": {"sha256": digest}}});
    let mut snapshot = common("snapshot");
    snapshot["meta"] = json!({"targets.json": {"version": 1}});
    let mut timestamp = common("timestamp");
    timestamp["meta"] = json!({"snapshot.json": {"version": 1}});
    for sub in ["metadata", "targets", "client", "download"] {
        std::fs::create_dir(dir.join(sub)).unwrap();
    }
    let md = dir.join("metadata");
    let root = sign(&root, &key, id);
    std::fs::write(md.join("root.json"), &root).unwrap();
    std::fs::write(dir.join("client/root.json"), &root).unwrap();
    std::fs::write(md.join("targets.json"), sign(&targets, &key, id)).unwrap();
    std::fs::write(md.join("snapshot.json"), sign(&snapshot, &key, id)).unwrap();
    std::fs::write(md.join("timestamp.json"), sign(&timestamp, &key, id)).unwrap();
    std::fs::write(dir.join("targets/big.bin"), &content).unwrap();
}

fn target_verify_64m(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    big_repository(dir);
    let download = dir.join("download");
    let mut updater = Updater::builder(
        dir.join("metadata").to_str().unwrap(),
        FileTransport::new(),
        DirectoryStore::open(dir.join("client")).unwrap(),
    )
    .targets_url(dir.join("targets").to_str().unwrap())
    .clock(FixedClock(NOW))
    .build();
    updater.refresh().unwrap();
    let info = updater.target("big.bin").unwrap();

    let mut group = c.benchmark_group("update_target_verify_64m");
    group.throughput(Throughput::Bytes(SIZE as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let final_path = download.join("big.bin");
    group.bench_function("iot_update_file_transport", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&final_path);
            },
            |()| {
                let verified = updater.download_target(&info, &download).unwrap();
                assert!(verified.was_downloaded());
            },
            BatchSize::PerIteration,
        );
    });

    let source = dir.join("targets/big.bin");
    let expected = info.hashes()["sha256"].clone();
    group.bench_function("raw_read_write_fsync_sha256", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&final_path);
            },
            |()| {
                let mut input = File::open(&source).unwrap();
                let tmp_path = download.join(".raw.part");
                let mut out = File::create(&tmp_path).unwrap();
                let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
                let mut buf = vec![0u8; 64 * 1024];
                let mut len = 0usize;
                loop {
                    let n = input.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    len += n;
                    ctx.update(&buf[..n]);
                    out.write_all(&buf[..n]).unwrap();
                }
                out.sync_all().unwrap();
                assert_eq!(len, SIZE);
                assert_eq!(hex(ctx.finish().as_ref()), expected);
                std::fs::rename(&tmp_path, &final_path).unwrap();
                File::open(&download).unwrap().sync_all().unwrap();
                black_box(len);
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn refresh_1k(c: &mut Criterion) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tuf-1k/metadata");
    let root = std::fs::read(fixture.join("root.json")).unwrap();
    let mut group = c.benchmark_group("update_refresh_1k");
    group.sample_size(20);
    group.bench_function("iot_update_full_refresh_8_roles", |b| {
        b.iter_batched(
            || {
                let client = tempfile::tempdir().unwrap();
                DirectoryStore::open(client.path())
                    .unwrap()
                    .store("root", &root)
                    .unwrap();
                client
            },
            |client| {
                let mut updater = Updater::builder(
                    fixture.to_str().unwrap(),
                    FileTransport::new(),
                    DirectoryStore::open(client.path()).unwrap(),
                )
                .clock(FixedClock(NOW))
                .build();
                updater.refresh().unwrap();
                for r in 0..8 {
                    let info = updater
                        .target(&format!("role-{r}/file-{r:04}.bin"))
                        .unwrap();
                    black_box(info.length());
                }
                client
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, target_verify_64m, refresh_1k);
criterion_main!(benches);
