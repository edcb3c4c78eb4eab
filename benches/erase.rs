//! iot-erase against the raw baseline, in one criterion group.
//!
//! `erase_overwrite_64m`: getting rid of one 64 MiB file on the real file
//! system of the machine (a temporary directory). Both sides start from the
//! same state, prepared outside the timed part: a fresh 64 MiB file, written
//! and fsynced.
//!
//! - `raw_write_fsync` (std only): open the file, overwrite it in place in
//!   1 MiB writes, `fsync`. The bare minimum of an overwrite (`shred -n 1`
//!   without `-u`): no read-back, no removal, no record of anything.
//! - `iot_erase`: `ErasePlan::new(root).file("data.bin").execute()`, the whole
//!   product: journal written and fsynced (temporary file, fsync, rename,
//!   fsync of the directory); the file opened without following links;
//!   overwritten in place in 256 KiB chunks; fsync; page cache dropped and
//!   all 64 MiB read back from storage and compared; renamed to a random
//!   name, unlinked, directory fsynced; progress record fdatasynced; report
//!   written atomically (fsync, rename, fsync); journal retired (rename,
//!   fsync, overwrite, unlink, fsync).
//!
//! So the ratio prices verification, removal and crash safety on top of the
//! same overwrite. Reading 64 MiB back from storage is the largest extra.
//!
//! `erase_overwrite_64m_same_work` separates the two: its baseline,
//! `raw_verify_unlink`, does with std and rustix what the erase does to the
//! data itself (overwrite in 1 MiB writes, fsync, drop the page cache, read
//! back and compare, unlink, fsync the directory) but keeps no journal and
//! no report. That ratio is the price of crash safety and the persisted
//! confirmation alone.
// Benchmarks unwrap: a failure is a broken benchmark, not a result.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use iot_erase::ErasePlan;

const SIZE: usize = 64 * 1024 * 1024;
const WRITE: usize = 1024 * 1024;
const NAME: &str = "data.bin";

/// The untimed setup of both sides: a fresh, fsynced 64 MiB file.
fn fresh_file(root: &Path) {
    let chunk = vec![0xA5_u8; WRITE];
    let mut file = File::create(root.join(NAME)).unwrap();
    for _ in 0..SIZE / WRITE {
        file.write_all(&chunk).unwrap();
    }
    file.sync_all().unwrap();
}

fn erase_overwrite_64m(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut group = c.benchmark_group("erase_overwrite_64m");
    group.throughput(Throughput::Bytes(SIZE as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));

    let pattern = vec![0x3C_u8; WRITE];
    group.bench_function("raw_write_fsync", |b| {
        b.iter_batched(
            || fresh_file(root),
            |()| {
                let mut file = OpenOptions::new()
                    .write(true)
                    .open(root.join(NAME))
                    .unwrap();
                for _ in 0..SIZE / WRITE {
                    file.write_all(&pattern).unwrap();
                }
                file.sync_all().unwrap();
            },
            BatchSize::PerIteration,
        );
    });

    group.bench_function("iot_erase", |b| {
        b.iter_batched(
            || fresh_file(root),
            |()| {
                let report = ErasePlan::new(root).file(NAME).execute().unwrap();
                assert!(report.entries[0].verified);
                report
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
    let _ = fs::remove_file(root.join(NAME));
}

fn erase_overwrite_64m_same_work(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut group = c.benchmark_group("erase_overwrite_64m_same_work");
    group.throughput(Throughput::Bytes(SIZE as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));

    let pattern = vec![0x3C_u8; WRITE];
    let mut read = vec![0_u8; WRITE];
    group.bench_function("raw_verify_unlink", |b| {
        b.iter_batched(
            || fresh_file(root),
            |()| {
                let path = root.join(NAME);
                let file = OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&path)
                    .unwrap();
                for i in 0..SIZE / WRITE {
                    file.write_all_at(&pattern, (i * WRITE) as u64).unwrap();
                }
                file.sync_all().unwrap();
                rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
                for i in 0..SIZE / WRITE {
                    file.read_exact_at(&mut read, (i * WRITE) as u64).unwrap();
                    assert!(read == pattern);
                }
                drop(file);
                fs::remove_file(&path).unwrap();
                File::open(root).unwrap().sync_all().unwrap();
            },
            BatchSize::PerIteration,
        );
    });

    group.bench_function("iot_erase", |b| {
        b.iter_batched(
            || fresh_file(root),
            |()| ErasePlan::new(root).file(NAME).execute().unwrap(),
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, erase_overwrite_64m, erase_overwrite_64m_same_work);
criterion_main!(benches);
