//! Entry points for the cargo-fuzz targets in `fuzz/`. Not a public API:
//! hidden, unstable, compiled only under `cfg(fuzzing)` (and in this crate's
//! unit tests, which check them), and only here because the decoders are
//! private. They are thin: the properties are asserted in the targets.
//!
//! The record and manifest entry points use a fixed fuzzing root key that no
//! committed seed is sealed under, so opening any input must fail (the AEAD
//! cannot be forged); the `*_payload` entry points reach the decoders behind
//! the AEAD directly.

use crate::crypto::{Algorithm, DataKey};
use crate::format::{self, KeyRing, Limits, RecordUse};
use crate::{Error, RootKey, StoreOptions};

const FUZZ_ROOT: [u8; 32] = [0xF0; 32];
const FUZZ_STORE_ID: [u8; 32] = [0x0F; 32];

fn limits() -> Limits {
    StoreOptions::default().limits()
}

fn keys() -> Result<KeyRing, Error> {
    let root = RootKey::from_bytes(FUZZ_ROOT);
    Ok(KeyRing {
        current: DataKey::derive(&root, &FUZZ_STORE_ID, Algorithm::Aes256Gcm, 2)?,
        previous: Some(DataKey::derive(
            &root,
            &FUZZ_STORE_ID,
            Algorithm::ChaCha20Poly1305,
            1,
        )?),
    })
}

/// Opens `data` as a record of the fuzzing store: header checks, AEAD, then
/// the payload decoder. Must always be an error.
pub fn record_open(data: &[u8]) -> Result<(), Error> {
    let header = format::parse_record_header(data)?;
    let keys = keys()?;
    format::open_record(
        &keys,
        header.generation,
        RecordUse::Index,
        limits(),
        data.to_vec(),
    )
    .map(|_| ())
}

/// Decodes `data` as the plaintext of a record (what follows a successful
/// AEAD open) as `open` does, checking the whole index; the first 9 bytes
/// choose the generation and flags. Returns the value length on success.
pub fn record_payload(data: &[u8]) -> Result<usize, Error> {
    let (generation, flags, rest) = split_u64_u8(data).ok_or(Error::Integrity)?;
    let (_, value) =
        format::parse_record_payload(rest, generation, flags, RecordUse::Index, limits())?;
    Ok(value.len())
}

/// Decodes the same bytes as [`record_payload`] the way `get` does, asking
/// for the entry the payload names (when that name is a valid one). The
/// targets check that it accepts whatever `record_payload` accepts, with the
/// same value.
pub fn record_payload_as_entry(data: &[u8]) -> Result<usize, Error> {
    let (generation, flags, rest) = split_u64_u8(data).ok_or(Error::Integrity)?;
    let (&name_len, after) = rest.split_first().ok_or(Error::Integrity)?;
    let name = after.get(..usize::from(name_len)).ok_or(Error::Integrity)?;
    let name = std::str::from_utf8(name).map_err(|_| Error::InvalidName)?;
    crate::name::validate(name)?;
    let (_, value) =
        format::parse_record_payload(rest, generation, flags, RecordUse::Entry(name), limits())?;
    Ok(value.len())
}

/// Opens `data` as a manifest under keys derived from the fuzzing root key
/// and the store id in `data`. Must always be an error.
pub fn manifest_open(data: &[u8]) -> Result<(), Error> {
    let header = format::parse_manifest_header(data)?;
    let root = RootKey::from_bytes(FUZZ_ROOT);
    let key = DataKey::derive(
        &root,
        &header.store_id,
        header.algorithm,
        header.key_version,
    )?;
    format::open_manifest(&header, &key, limits(), data.to_vec()).map(|_| ())
}

/// Decodes `data` as the plaintext of a manifest; the first 12 bytes choose
/// the generation and key version. Returns the number of entries on success.
pub fn manifest_payload(data: &[u8]) -> Result<usize, Error> {
    let (generation, rest) = data.split_first_chunk::<8>().ok_or(Error::Integrity)?;
    let (key_version, rest) = rest.split_first_chunk::<4>().ok_or(Error::Integrity)?;
    let body = format::parse_manifest_payload(
        rest,
        u64::from_be_bytes(*generation),
        u32::from_be_bytes(*key_version),
        limits(),
    )?;
    Ok(body.table.len())
}

fn split_u64_u8(data: &[u8]) -> Option<(u64, u8, &[u8])> {
    let (generation, rest) = data.split_first_chunk::<8>()?;
    let (flags, rest) = rest.split_first()?;
    Some((u64::from_be_bytes(*generation), *flags, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryBackend, SealedStore};

    #[test]
    fn payload_entry_points_decode_well_formed_payloads() {
        // generation 5, flags 0 | name "a" | table {a: 5} | value "v"
        let mut record = 5u64.to_be_bytes().to_vec();
        record.extend_from_slice(&[0, 1, b'a', 0, 1, 1, b'a']);
        record.extend_from_slice(&5u64.to_be_bytes());
        record.extend_from_slice(&[0, b'v']);
        assert_eq!(record_payload(&record).unwrap(), 1);
        assert_eq!(record_payload_as_entry(&record).unwrap(), 1);
        // The record's own entry must match its generation.
        record[7] = 6;
        assert!(matches!(record_payload(&record), Err(Error::Integrity)));
        assert!(matches!(
            record_payload_as_entry(&record),
            Err(Error::Integrity)
        ));

        // generation 9, key version 1 | no rotation | table {a: 5}
        let mut manifest = 9u64.to_be_bytes().to_vec();
        manifest.extend_from_slice(&1u32.to_be_bytes());
        manifest.extend_from_slice(&[0, 0, 1, 1, b'a']);
        manifest.extend_from_slice(&5u64.to_be_bytes());
        manifest.push(0);
        assert_eq!(manifest_payload(&manifest).unwrap(), 1);
        manifest.push(0);
        assert!(matches!(manifest_payload(&manifest), Err(Error::Integrity)));
    }

    #[test]
    fn open_entry_points_reject_real_objects_of_other_stores() {
        let medium = MemoryBackend::new();
        let store = SealedStore::open_backend(
            medium.clone(),
            RootKey::from_bytes([3; 32]),
            StoreOptions::default(),
        )
        .unwrap();
        store.put("a", b"1").unwrap();
        for (name, bytes) in medium.snapshot() {
            if name == "manifest" {
                assert!(matches!(manifest_open(&bytes), Err(Error::Integrity)));
            } else {
                assert!(matches!(record_open(&bytes), Err(Error::Integrity)));
            }
        }
        assert!(record_open(&[]).is_err());
        assert!(manifest_open(&[]).is_err());
    }
}
