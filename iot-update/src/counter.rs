//! A monotonic counter for anti-rollback state.

use crate::error::Error;

/// A counter that only goes up, kept where an attacker with the flash
/// cannot reset it (a hardware monotonic counter, an RPMB partition, a
/// secure element).
///
/// `iot-update` uses it for anti-rollback state beyond what TUF metadata
/// versions give (the security counter of an installed image). With feature
/// `storage`, every `iot_storage::MonotonicCounter` is one.
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

#[cfg(feature = "storage")]
impl<C: iot_storage::MonotonicCounter + ?Sized> RollbackCounter for C {
    fn read(&self) -> Result<u64, Error> {
        iot_storage::MonotonicCounter::read(self).map_err(crate::error::storage)
    }
    fn advance_to(&self, value: u64) -> Result<(), Error> {
        iot_storage::MonotonicCounter::advance_to(self, value).map_err(crate::error::storage)
    }
}
