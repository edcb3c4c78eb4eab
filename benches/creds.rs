//! iot-creds against raw baselines: hashing a password with OWASP
//! parameters (our `hash_password` vs the `argon2` crate directly, same
//! parameters, password and salt size), and generating a default password vs
//! the same random generator filling the same 16 bytes.
// Benches unwrap: a failure is a broken benchmark, not something to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, Version};
use criterion::{Criterion, criterion_group, criterion_main};
use iot_creds::rand_core::Rng;
use iot_creds::{DevicePassword, HashParams, OsRng, hash_password};

const PASSWORD: &[u8] = b"K7QM-X3PZ-9RTA-CW4H";

fn hash_owasp(c: &mut Criterion) {
    let mut group = c.benchmark_group("creds_hash_owasp");
    group.sample_size(20);
    let params = HashParams::owasp();
    let mut rng = OsRng::new();
    // One hash before measuring: the allocator's first 19 MiB allocation
    // (fresh pages from the kernel) would otherwise be charged to whichever
    // benchmark runs first.
    hash_password(PASSWORD, &params, &mut rng).unwrap();
    group.bench_function("iot_creds", |b| {
        b.iter(|| hash_password(black_box(PASSWORD), &params, &mut rng).unwrap());
    });
    // The same work without this crate: a fresh 16-byte salt from the same
    // generator, Argon2id v19 with m = 19 MiB, t = 2, p = 1, 32-byte output,
    // encoded as a PHC string.
    let argon2 = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, Some(32)).unwrap(),
    );
    group.bench_function("argon2_raw", |b| {
        b.iter(|| {
            let mut salt = [0u8; 16];
            rng.fill_bytes(&mut salt);
            argon2
                .hash_password_with_salt(black_box(PASSWORD), &salt)
                .unwrap()
                .to_string()
        });
    });
    group.finish();
}

fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("creds_generate");
    let mut rng = OsRng::new();
    group.bench_function("iot_creds", |b| {
        b.iter(|| DevicePassword::generate(&mut rng));
    });
    group.bench_function("rng_fill", |b| {
        b.iter(|| {
            let mut bytes = [0u8; 16];
            rng.fill_bytes(&mut bytes);
            bytes
        });
    });
    group.finish();
}

criterion_group!(benches, hash_owasp, generate);
criterion_main!(benches);
