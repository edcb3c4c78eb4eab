//! A monotonic counter for anti-rollback state.

use crate::error::Error;

/// A counter that only goes up, kept where an attacker with the flash
/// cannot reset it (a hardware monotonic counter, an RPMB partition, a
/// secure element).
///
/// `iot-update` uses it for anti-rollback state beyond what TUF metadata
/// versions give (the security counter of an installed image). With feature
/// `storage`, [`StorageCounter`] adapts any `iot_storage::MonotonicCounter`.
pub trait RollbackCounter: Send + Sync + core::fmt::Debug {
    /// The current value (0 for a counter never advanced).
    ///
    /// # Errors
    /// [`Error::Counter`] (or the medium's error).
    fn read(&self) -> Result<u64, Error>;

    /// Makes the counter at least `value`, durably, before returning. A value
    /// at or below the current one leaves it unchanged.
    ///
    /// # Errors
    /// [`Error::Counter`] (or the medium's error).
    fn advance_to(&self, value: u64) -> Result<(), Error>;
}

/// Any `iot_storage::MonotonicCounter` as a [`RollbackCounter`] (an
/// adapter, so that enabling the feature never changes which of your own
/// types implement which trait).
///
/// ```
/// use iot_update::iot_storage::FileCounter;
/// use iot_update::{RollbackCounter, StorageCounter};
/// # let dir = tempfile::tempdir()?;
/// let counter = StorageCounter(FileCounter::insecure_development(dir.path().join("counter"))?);
/// counter.advance_to(3)?;
/// assert_eq!(counter.read()?, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "storage")]
#[cfg_attr(docsrs, doc(cfg(feature = "storage")))]
#[derive(Debug)]
pub struct StorageCounter<C>(pub C);

#[cfg(feature = "storage")]
impl<C: iot_storage::MonotonicCounter> RollbackCounter for StorageCounter<C> {
    fn read(&self) -> Result<u64, Error> {
        self.0.read().map_err(crate::error::storage)
    }
    fn advance_to(&self, value: u64) -> Result<(), Error> {
        self.0.advance_to(value).map_err(crate::error::storage)
    }
}
