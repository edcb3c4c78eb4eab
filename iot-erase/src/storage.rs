//! Feature `storage`: an `iot_storage::SealedStore` as a crypto-erase target.

use crate::{CryptoEraseTarget, ErasePlan};

/// `SealedStore::destroy`: the manifest holding the store id every key is
/// derived with is overwritten and removed first, then every record. What
/// is left is ciphertext whose keys need that store id and the root key: on
/// storage where an overwrite may not reach old blocks (flash, copy-on-write),
/// destroy or rotate the root key too for a purge (see
/// [`manual::_04_limits`](crate::manual::_04_limits)).
impl CryptoEraseTarget for iot_storage::SealedStore {
    fn destroy_keys(self: Box<Self>) -> Result<(), String> {
        // iot-storage's error `Display` carries no secrets by design.
        (*self).destroy().map_err(|e| e.to_string())
    }
}

impl ErasePlan {
    /// Adds a crypto-erase of `store` ([`iot_storage::SealedStore::destroy`]),
    /// run before anything else and reported as "encrypted storage" with
    /// [`Method::DestroyStore`](crate::Method::DestroyStore): the receipt
    /// says "Encrypted storage erased: encrypted storage (its records and
    /// the id its keys are derived from were overwritten; the device's root
    /// key was kept)", not that keys were destroyed.
    ///
    /// `destroy` removes the store id the keys are derived with by
    /// overwriting the store's manifest, so it shares the limits of
    /// overwriting on flash; the root key outlives it. Where old blocks may
    /// survive, also destroy or rotate the root key in its hardware (with
    /// [`crypto_erase`](ErasePlan::crypto_erase)) to make the remnants
    /// unreadable.
    ///
    /// Plan the store's directory as a [`dir`](ErasePlan::dir) target too:
    /// if power fails during `destroy`, the crypto-erase cannot be repeated
    /// by [`resume`](crate::resume) (the open store is gone with the
    /// process) and is reported as interrupted, but the directory target
    /// still overwrites and removes whatever the store left.
    ///
    /// ```
    /// use iot_erase::iot_storage::{RootKey, SealedStore, StoreOptions};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let root = tempfile::tempdir()?;
    /// let store = SealedStore::open(root.path().join("secrets"), RootKey::from_bytes([7; 32]), StoreOptions::default())?;
    /// store.put("wifi-psk", b"hunter2")?;
    ///
    /// let report = iot_erase::ErasePlan::new(root.path())
    ///     .sealed_store(store)
    ///     .dir("secrets")
    ///     .execute()?;
    /// assert!(report.to_string().contains("- Encrypted storage erased: encrypted storage ("));
    /// assert!(!root.path().join("secrets").exists());
    /// # report.acknowledge(root.path())?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn sealed_store(self, store: iot_storage::SealedStore) -> Self {
        self.crypto_target(
            "encrypted storage",
            Box::new(store),
            crate::Method::DestroyStore,
        )
    }
}
