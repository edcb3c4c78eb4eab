//! Helpers shared by the integration tests.

#![allow(dead_code)]
// each test file uses a different subset
// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use core::convert::Infallible;

use iot_creds::rand_core::{TryCryptoRng, TryRng};
use ring::digest;

/// A deterministic generator for reproducible statistics: SHA-256 of
/// `seed ‖ counter` in counter mode (the construction of NIST SP 800-90A's
/// Hash_DRBG without reseeding). Marked `TryCryptoRng` because its output is
/// unpredictable without the seed; it exists only in tests, where a fixed seed
/// makes a statistical test pass or fail the same way on every run.
pub(crate) struct TestDrbg {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl TestDrbg {
    pub(crate) fn new(seed: &[u8]) -> Self {
        let mut s = [0u8; 32];
        s.copy_from_slice(digest::digest(&digest::SHA256, seed).as_ref());
        Self {
            seed: s,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(&self.seed);
        ctx.update(&self.counter.to_be_bytes());
        self.block.copy_from_slice(ctx.finish().as_ref());
        self.counter += 1;
        self.used = 0;
    }
}

impl TryRng for TestDrbg {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            if self.used == self.block.len() {
                self.refill();
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for TestDrbg {}

/// A generator replaying fixed bytes (cycled): for proptest, which supplies
/// the bytes. Marked `TryCryptoRng` only so the API accepts it in tests.
pub(crate) struct ReplayRng {
    bytes: Vec<u8>,
    pos: usize,
}

impl ReplayRng {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        assert!(!bytes.is_empty());
        Self { bytes, pos: 0 }
    }
}

impl TryRng for ReplayRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            *byte = self.bytes[self.pos % self.bytes.len()];
            self.pos += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng {}

/// Pearson's chi-square statistic of observed counts against a uniform
/// distribution.
pub(crate) fn chi_square(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / counts.len() as f64;
    counts
        .iter()
        .map(|&c| {
            let d = c as f64 - expected;
            d * d / expected
        })
        .sum()
}
