//! Trusted metadata in an `iot-storage` sealed store.

use iot_storage::SealedStore;
use iot_storage::secrecy::ExposeSecret;

use crate::error::Error;
use crate::store::MetadataStore;

/// Keeps the trusted metadata in an [`iot_storage::SealedStore`]: sealed
/// (authenticated encryption under the device's root key) and, when the
/// store was opened with a monotonic counter
/// (`StoreOptions::with_counter`), protected against an attacker who writes
/// an older copy of the flash back (EN 303 645 5.4-1; the rollback defence
/// of TUF then does not depend on the file system).
///
/// Entries are named `tuf/<role>` (roles with other characters than
/// `A-Z a-z 0-9 . _ -`, or long names, by a SHA-256 of the name).
#[derive(Debug)]
pub struct SealedMetadataStore {
    store: SealedStore,
}

impl SealedMetadataStore {
    /// Wraps an open sealed store.
    #[must_use]
    pub fn new(store: SealedStore) -> Self {
        SealedMetadataStore { store }
    }

    /// The sealed store.
    pub fn into_inner(self) -> SealedStore {
        self.store
    }

    fn name(role: &str) -> String {
        let plain = role.len() <= 64
            && !role.is_empty()
            && role
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && !role.starts_with('.');
        if plain {
            format!("tuf/{role}")
        } else {
            format!(
                "tuf/h-{}",
                crate::crypto::hex_encode(&crate::crypto::sha256(role.as_bytes()))
            )
        }
    }
}

impl MetadataStore for SealedMetadataStore {
    fn load(&self, role: &str, max_len: u64) -> Result<Option<Vec<u8>>, Error> {
        let Some(value) = self
            .store
            .get(&Self::name(role))
            .map_err(crate::error::storage)?
        else {
            return Ok(None);
        };
        let bytes = value.expose_secret();
        if bytes.len() as u64 > max_len {
            return Err(Error::Limit {
                bound: "stored metadata longer than its bound",
            });
        }
        Ok(Some(bytes.to_vec()))
    }

    fn store(&mut self, role: &str, data: &[u8]) -> Result<(), Error> {
        self.store
            .put(&Self::name(role), data)
            .map_err(crate::error::storage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_store_names() {
        assert_eq!(SealedMetadataStore::name("root"), "tuf/root");
        assert_eq!(SealedMetadataStore::name("bin-0a"), "tuf/bin-0a");
        assert!(SealedMetadataStore::name("../x").starts_with("tuf/h-"));
        assert!(SealedMetadataStore::name("?").starts_with("tuf/h-"));
        assert!(SealedMetadataStore::name(&"a".repeat(100)).len() <= SealedStore::MAX_NAME_LEN);
    }
}
