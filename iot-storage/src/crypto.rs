//! Key derivation and sealing, all from `ring`.
//!
//! ```text
//! prk        = HKDF-Extract(salt = store id (32 random bytes), ikm = root key)
//! data key   = HKDF-Expand(prk, "iot-storage v1 data key" | algorithm id | key version (u32 BE), 32)
//! key check  = HKDF-Expand(HKDF-Extract("iot-storage v1 key check", root key), "", 16)
//! ```
//!
//! The key check depends on the root key alone, so a damaged store id or
//! header cannot masquerade as a wrong root key: see [`crate::manual`].

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::{Error, RootKey};

/// Length of a store id.
pub(crate) const STORE_ID_LEN: usize = 32;
/// Length of the stored root-key check value.
pub(crate) const KEY_CHECK_LEN: usize = 16;
/// Length of a data key.
pub(crate) const DATA_KEY_LEN: usize = 32;
/// Length of an AEAD nonce (both algorithms).
pub(crate) const NONCE_LEN: usize = aead::NONCE_LEN;
/// Length of an AEAD tag (both algorithms).
pub(crate) const TAG_LEN: usize = 16;

const DATA_KEY_INFO: &[u8] = b"iot-storage v1 data key";
const KEY_CHECK_SALT: &[u8] = b"iot-storage v1 key check";

/// The AEAD that seals records and the manifest.
///
/// Both are 256-bit-key AEADs from `ring` with 96-bit random nonces. Pick
/// ChaCha20-Poly1305 on CPUs without AES instructions (many Cortex-M and
/// older Cortex-A cores), where it is faster and free of timing leaks from
/// table-based AES; `ring` uses constant-time code for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// AES-256-GCM (the default).
    #[default]
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305,
}

impl Algorithm {
    /// The identifier stored in headers.
    pub(crate) fn id(self) -> u8 {
        match self {
            Algorithm::Aes256Gcm => 1,
            Algorithm::ChaCha20Poly1305 => 2,
        }
    }

    pub(crate) fn from_id(id: u8) -> Option<Algorithm> {
        match id {
            1 => Some(Algorithm::Aes256Gcm),
            2 => Some(Algorithm::ChaCha20Poly1305),
            _ => None,
        }
    }

    fn ring(self) -> &'static aead::Algorithm {
        match self {
            Algorithm::Aes256Gcm => &aead::AES_256_GCM,
            Algorithm::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
        }
    }
}

/// An HKDF output length, for `ring::hkdf`.
struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// A data key: the AEAD key records and the manifest are sealed with.
pub(crate) struct DataKey {
    version: u32,
    algorithm: Algorithm,
    key: LessSafeKey,
    /// Kept only so that a rotation can carry the old key (sealed under the
    /// new one) until every record is re-sealed.
    bytes: Zeroizing<[u8; DATA_KEY_LEN]>,
}

impl DataKey {
    /// Derives the data key of `version` from the root key and store id.
    pub(crate) fn derive(
        root: &RootKey,
        store_id: &[u8; STORE_ID_LEN],
        algorithm: Algorithm,
        version: u32,
    ) -> Result<DataKey, Error> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, store_id).extract(root.expose());
        let alg_id = [algorithm.id()];
        let version_be = version.to_be_bytes();
        let info = [DATA_KEY_INFO, &alg_id, &version_be];
        let mut bytes = Zeroizing::new([0u8; DATA_KEY_LEN]);
        prk.expand(&info, Len(DATA_KEY_LEN))
            .and_then(|okm| okm.fill(bytes.as_mut()))
            .map_err(|_| Error::Integrity)?;
        DataKey::from_bytes(bytes, algorithm, version)
    }

    /// Rebuilds a data key carried in a manifest during a rotation.
    pub(crate) fn from_bytes(
        bytes: Zeroizing<[u8; DATA_KEY_LEN]>,
        algorithm: Algorithm,
        version: u32,
    ) -> Result<DataKey, Error> {
        let unbound =
            UnboundKey::new(algorithm.ring(), bytes.as_ref()).map_err(|_| Error::Integrity)?;
        Ok(DataKey {
            version,
            algorithm,
            key: LessSafeKey::new(unbound),
            bytes,
        })
    }

    pub(crate) fn version(&self) -> u32 {
        self.version
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub(crate) fn bytes(&self) -> &[u8; DATA_KEY_LEN] {
        &self.bytes
    }

    /// Seals `in_out` in place and returns the tag.
    pub(crate) fn seal(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error> {
        let tag = self
            .key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), in_out)
            // Only possible for inputs beyond 64 GiB, which the limits exclude.
            .map_err(|_| Error::Integrity)?;
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens `in_out` (ciphertext followed by the tag) in place and returns
    /// the plaintext part. Any failure is [`Error::Integrity`].
    pub(crate) fn open<'a>(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        in_out: &'a mut [u8],
    ) -> Result<&'a mut [u8], Error> {
        self.key
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad), in_out)
            .map_err(|_| Error::Integrity)
    }
}

/// The value stored in the manifest that tells a wrong root key apart from
/// damage. It reveals nothing usable about the key (a 128-bit HKDF output).
pub(crate) fn key_check(root: &RootKey) -> Result<[u8; KEY_CHECK_LEN], Error> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, KEY_CHECK_SALT).extract(root.expose());
    let mut out = [0u8; KEY_CHECK_LEN];
    prk.expand(&[], Len(KEY_CHECK_LEN))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| Error::Integrity)?;
    Ok(out)
}

/// Nonces drawn per call to the OS random generator.
const NONCES_PER_REFILL: usize = 64;

/// Fresh random nonces, drawn from the OS random generator in batches.
///
/// Every nonce is 96 bits of fresh OS randomness used once; random nonces
/// keep the collision probability under 2^-32 for 2^32 writes under one key,
/// and a rotation starts a new key. Drawing sixty-four at a time saves 63
/// `getrandom` system calls out of 64, which is most of what a sealed
/// put costs on the memory backend. The batch is tied to the process id: a
/// forked child that inherited it draws its own instead of repeating the
/// parent's nonces (a repeated nonce under one key would break AES-GCM).
/// Nonces are public (they are stored in the headers), so the batch needs
/// no wiping.
pub(crate) struct NonceSource {
    pool: [u8; NONCE_LEN * NONCES_PER_REFILL],
    next: usize,
    pid: u32,
}

impl NonceSource {
    pub(crate) fn new() -> NonceSource {
        NonceSource {
            pool: [0; NONCE_LEN * NONCES_PER_REFILL],
            next: NONCES_PER_REFILL,
            pid: 0,
        }
    }

    /// The next unused nonce.
    pub(crate) fn next(&mut self, rng: &SystemRandom) -> Result<[u8; NONCE_LEN], Error> {
        let pid = std::process::id();
        if self.next >= NONCES_PER_REFILL || pid != self.pid {
            // Mark the pool spent first, so a failed refill is retried.
            self.next = NONCES_PER_REFILL;
            rng.fill(&mut self.pool).map_err(|_| Error::Random)?;
            self.next = 0;
            self.pid = pid;
        }
        let start = self.next * NONCE_LEN;
        let nonce = self
            .pool
            .get(start..start + NONCE_LEN)
            .and_then(|n| <[u8; NONCE_LEN]>::try_from(n).ok())
            .ok_or(Error::Random)?;
        self.next += 1;
        Ok(nonce)
    }
}

/// A fresh random store id.
pub(crate) fn random_store_id(rng: &SystemRandom) -> Result<[u8; STORE_ID_LEN], Error> {
    let mut id = [0u8; STORE_ID_LEN];
    rng.fill(&mut id).map_err(|_| Error::Random)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn nonces_are_never_repeated_across_refills() {
        let rng = SystemRandom::new();
        let mut source = NonceSource::new();
        let nonces: HashSet<_> = (0..10 * NONCES_PER_REFILL)
            .map(|_| source.next(&rng).unwrap())
            .collect();
        assert_eq!(nonces.len(), 10 * NONCES_PER_REFILL);
    }

    #[test]
    fn another_process_id_forces_a_refill() {
        let rng = SystemRandom::new();
        let mut source = NonceSource::new();
        let first = source.next(&rng).unwrap();
        // As if this state had been inherited by a forked child.
        source.pid = source.pid.wrapping_add(1);
        let _ = source.next(&rng).unwrap();
        assert_eq!(source.next, 1, "the pool was refilled");
        assert_ne!(source.pool.get(..NONCE_LEN).unwrap(), first.as_slice());
    }
}
