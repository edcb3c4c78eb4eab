//! How a store is opened.

use std::fmt;
use std::sync::Arc;

use crate::counter::MonotonicCounter;
use crate::crypto::Algorithm;
use crate::format::{HARD_MAX_ENTRIES, HARD_MAX_VALUE_LEN, Limits};

/// Options for [`SealedStore::open`](crate::SealedStore::open).
///
/// The default is what we would ship: AES-256-GCM, values up to 64 KiB, at
/// most 256 entries, and **no** monotonic counter, because the crate cannot
/// know the device's hardware. Without a counter a copied-back old image is
/// not detected, and [`SealedStore::rollback_protection`](crate::SealedStore::rollback_protection)
/// says so.
///
/// The limits are resource bounds: a value above the ceiling is clamped to
/// it ([`MAX_VALUE_LEN`](Self::MAX_VALUE_LEN), [`MAX_ENTRIES`](Self::MAX_ENTRIES)).
/// No option weakens a check, so none is refused.
///
/// ```
/// use iot_storage::{Algorithm, FileCounter, StoreOptions};
/// # let dir = tempfile::tempdir()?;
/// let options = StoreOptions::default()
///     .counter(FileCounter::insecure_development(dir.path().join("store.counter"))?)
///     .max_value_len(8 * 1024)
///     .algorithm(Algorithm::ChaCha20Poly1305);
/// # let _ = options;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct StoreOptions {
    pub(crate) algorithm: Algorithm,
    pub(crate) max_value_len: usize,
    pub(crate) max_entries: usize,
    pub(crate) counter: Option<Arc<dyn MonotonicCounter>>,
    pub(crate) must_exist: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            algorithm: Algorithm::default(),
            max_value_len: Self::DEFAULT_MAX_VALUE_LEN,
            max_entries: Self::DEFAULT_MAX_ENTRIES,
            counter: None,
            must_exist: false,
        }
    }
}

impl StoreOptions {
    /// The default limit on a value's length: 64 KiB.
    pub const DEFAULT_MAX_VALUE_LEN: usize = 64 * 1024;
    /// The default limit on the number of entries: 256.
    pub const DEFAULT_MAX_ENTRIES: usize = 256;
    /// The ceiling of [`max_value_len`](Self::max_value_len): 16 MiB. Every
    /// length must fit the record format, and no decoder allocates more.
    pub const MAX_VALUE_LEN: usize = HARD_MAX_VALUE_LEN;
    /// The ceiling of [`max_entries`](Self::max_entries): 4096. The count
    /// must fit the index format, and every write carries the whole index.
    pub const MAX_ENTRIES: usize = HARD_MAX_ENTRIES;

    /// Enables rollback detection with `counter` (a hardware counter in
    /// production, [`FileCounter`](crate::FileCounter) while developing).
    /// Each committed write then also advances the counter; see
    /// [`MonotonicCounter`] for the rules.
    #[must_use]
    pub fn counter(mut self, counter: impl MonotonicCounter + 'static) -> Self {
        self.counter = Some(Arc::new(counter));
        self
    }

    /// The longest value `put` accepts (default
    /// [`DEFAULT_MAX_VALUE_LEN`](Self::DEFAULT_MAX_VALUE_LEN), 64 KiB). A
    /// larger number is clamped to [`MAX_VALUE_LEN`](Self::MAX_VALUE_LEN)
    /// (16 MiB). Reading a stored value longer than the limit fails with
    /// [`Error::ValueTooLarge`](crate::Error::ValueTooLarge) and loses
    /// nothing: reopen with a larger limit.
    #[must_use]
    pub fn max_value_len(mut self, max: usize) -> Self {
        self.max_value_len = max.min(Self::MAX_VALUE_LEN);
        self
    }

    /// The most entries the store holds (default
    /// [`DEFAULT_MAX_ENTRIES`](Self::DEFAULT_MAX_ENTRIES), 256). A larger
    /// number is clamped to [`MAX_ENTRIES`](Self::MAX_ENTRIES) (4096). Every
    /// committed write carries the whole index, so this also bounds the size
    /// of each write.
    #[must_use]
    pub fn max_entries(mut self, max: usize) -> Self {
        self.max_entries = max.min(Self::MAX_ENTRIES);
        self
    }

    /// The AEAD for a new store, and the one [`SealedStore::rotate`](crate::SealedStore::rotate)
    /// moves an existing store to. Opening an existing store uses the
    /// algorithm recorded in it.
    #[must_use]
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Opens only a store that already exists: a missing directory, or one
    /// with neither manifest nor records, is [`Error::NoStore`](crate::Error::NoStore)
    /// instead of a first boot that creates a new, empty store. The
    /// directory is then neither created nor has its mode changed.
    ///
    /// Use it for every open after provisioning of a store that must never
    /// start over, such as the factory store holding the device identity:
    /// a device whose factory store was deleted then refuses to work
    /// instead of provisioning itself again.
    ///
    /// ```
    /// use iot_storage::{Error, RootKey, SealedStore, StoreOptions};
    /// let dir = tempfile::tempdir()?;
    /// let factory = dir.path().join("factory");
    /// let opened = SealedStore::open(&factory, RootKey::from_bytes([1; 32]), StoreOptions::default().must_exist());
    /// assert_eq!(opened.err(), Some(Error::NoStore));
    /// assert!(!factory.exists());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn must_exist(mut self) -> Self {
        self.must_exist = true;
        self
    }

    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_value_len: self.max_value_len,
            max_entries: self.max_entries,
        }
    }
}

impl fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreOptions")
            .field("algorithm", &self.algorithm)
            .field("max_value_len", &self.max_value_len)
            .field("max_entries", &self.max_entries)
            .field("counter", &self.counter)
            .field("must_exist", &self.must_exist)
            .finish()
    }
}

/// Whether a store detects a copied-back old image of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RollbackProtection {
    /// A [`MonotonicCounter`] is configured: opening an image older than the
    /// counter fails with [`Error::RolledBack`](crate::Error::RolledBack).
    /// Only as strong as the counter is out of the attacker's reach.
    MonotonicCounter,
    /// No counter: single records cannot be replayed, but an old image of
    /// the *whole* store, copied back, opens as if it were current.
    Unavailable,
}

impl RollbackProtection {
    /// `true` if rollback of the whole store is detected.
    pub fn is_available(self) -> bool {
        matches!(self, RollbackProtection::MonotonicCounter)
    }
}

/// What a store runs on, for a release build to check at start-up
/// ([`SealedStore::security_report`](crate::SealedStore::security_report)):
/// the development stand-ins are fine on a developer's desk and a defect on
/// a shipped device.
///
/// ```
/// # use iot_storage::{MemoryBackend, RootKey, SealedStore, StoreOptions};
/// let store = SealedStore::open_backend(MemoryBackend::new(), RootKey::from_bytes([1; 32]), StoreOptions::default())?;
/// let report = store.security_report();
/// assert!(!report.development_root_key);
/// assert!(!report.is_production_ready(), "no monotonic counter");
/// # Ok::<(), iot_storage::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecurityReport {
    /// Whether an old image of the whole store is detected (a counter is
    /// configured).
    pub rollback_protection: RollbackProtection,
    /// The root key came from [`FileRootKeySource::insecure_development`](crate::FileRootKeySource::insecure_development)
    /// (a key in a file, readable by whoever reads the flash).
    pub development_root_key: bool,
    /// The counter is [`FileCounter::insecure_development`](crate::FileCounter::insecure_development)
    /// (or another counter that says so through
    /// [`MonotonicCounter::is_development_only`](crate::MonotonicCounter::is_development_only)):
    /// a file can be rolled back with the store.
    pub development_counter: bool,
}

impl SecurityReport {
    /// `true` if the store runs on neither development part and detects
    /// rollback: what a release build should insist on at start-up.
    pub fn is_production_ready(&self) -> bool {
        self.rollback_protection.is_available()
            && !self.development_root_key
            && !self.development_counter
    }
}
