//! The error type of this crate.

use std::{fmt, io};

/// Everything that can go wrong in this crate. A missing entry is not an
/// error: [`SealedStore::get`](crate::SealedStore::get) returns `Ok(None)`.
///
/// No variant ever carries secret bytes, an entry name, a value or a path: an
/// error message is safe to log. `Display` says everything once and
/// [`source`](std::error::Error::source) is `None`, so an error chain never
/// repeats a cause.
///
/// The variants tell the recovery path: [`Integrity`](Self::Integrity) after
/// open is answered by [`SealedStore::erase_dir`](crate::SealedStore::erase_dir),
/// [`WrongRootKey`](Self::WrongRootKey) by the other root key of a rotation,
/// [`Locked`](Self::Locked) by closing the other store, and so on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Something read from the medium is not what this crate wrote under the
    /// store's keys: tampered, corrupted, truncated, extended, swapped,
    /// renamed, replayed, or a record the store's index refers to is missing.
    /// Deliberately carries no detail, so it cannot serve as an oracle.
    ///
    /// At open this fails closed: the store is not repaired or regenerated
    /// behind the caller's back. The explicit recovery is
    /// [`SealedStore::erase_dir`](crate::SealedStore::erase_dir) (everything
    /// stored is lost) followed by a fresh `open`.
    Integrity,
    /// The store on the medium is older than the monotonic counter says it
    /// must be: an old image of the store was copied back.
    RolledBack,
    /// The root key does not belong to this store. After a crash during
    /// [`SealedStore::rotate`](crate::SealedStore::rotate), the store opens
    /// with the *new* root key if the rotation had begun, else with the old one.
    WrongRootKey,
    /// An entry name outside 1..=128 bytes of `[A-Za-z0-9._/-]`, not starting
    /// with an alphanumeric, or containing `..` or `//`. See
    /// [`SealedStore::put`](crate::SealedStore::put).
    InvalidName,
    /// A value longer than the store allows
    /// ([`StoreOptions::max_value_len`](crate::StoreOptions::max_value_len)),
    /// or a stored record larger than the limit the store was opened with
    /// (but within what the format allows: an object larger than any store
    /// writes is [`Integrity`](Self::Integrity)).
    ValueTooLarge {
        /// The limit in force.
        max: usize,
    },
    /// Adding the entry would exceed
    /// [`StoreOptions::max_entries`](crate::StoreOptions::max_entries),
    /// or the store on the medium holds more entries than that limit.
    TooManyEntries {
        /// The limit in force.
        max: usize,
    },
    /// The entry was written with
    /// [`SealedStore::put_write_once`](crate::SealedStore::put_write_once): it
    /// cannot be replaced or deleted, only destroyed with the whole store.
    WriteOnce,
    /// [`SealedStore::put_write_once`](crate::SealedStore::put_write_once) on
    /// a name that already exists.
    AlreadyExists,
    /// Another `SealedStore` (in this or another process) holds the store open.
    Locked,
    /// There is no store to open, and the store was opened with
    /// [`StoreOptions::must_exist`](crate::StoreOptions::must_exist): the
    /// directory does not exist, or holds neither a manifest nor a record. A
    /// device whose factory store was deleted gets this, not a new, empty
    /// factory store.
    NoStore,
    /// The system random number generator failed.
    Random,
    /// The storage medium (or the monotonic counter's medium) failed.
    ///
    /// A [`Backend`](crate::Backend) or [`MonotonicCounter`](crate::MonotonicCounter)
    /// of the device maker's reports its own failures this way too, with
    /// `kind: e.kind()` of the `std::io::Error` it got.
    Io {
        /// The step that failed, a short lower-case phrase such as
        /// `"writing a record"` or `"syncing the store directory"`.
        during: &'static str,
        /// What the operating system reported.
        kind: io::ErrorKind,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integrity => f.write_str("stored data failed its integrity check"),
            Self::RolledBack => f.write_str("store was rolled back to an older image"),
            Self::WrongRootKey => f.write_str("root key does not open this store"),
            Self::InvalidName => f.write_str("invalid entry name"),
            Self::ValueTooLarge { max } => write!(f, "value longer than the limit of {max} bytes"),
            Self::TooManyEntries { max } => write!(f, "more than the limit of {max} entries"),
            Self::WriteOnce => f.write_str("entry is write-once"),
            Self::AlreadyExists => f.write_str("entry already exists"),
            Self::Locked => f.write_str("store is open elsewhere"),
            Self::NoStore => f.write_str("no store exists here"),
            Self::Random => f.write_str("system random generator failed"),
            Self::Io { during, kind } => write!(f, "i/o error while {during}: {kind}"),
        }
    }
}

/// The cause is in `Display`; `source()` is `None` (see the type's docs).
impl std::error::Error for Error {}

/// Names the step of a failed I/O call of this crate's own: the
/// `From<io::Error>` the family keeps private, with `during` set at each call.
pub(crate) trait IoContext<T> {
    /// Maps an I/O failure to [`Error::Io`] with this `during`.
    fn during(self, during: &'static str) -> Result<T, Error>;
}

impl<T, E: Into<io::Error>> IoContext<T> for Result<T, E> {
    fn during(self, during: &'static str) -> Result<T, Error> {
        self.map_err(|e| Error::Io {
            during,
            kind: e.into().kind(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_name_the_step_and_the_kind_once() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::PermissionDenied))
            .during("writing a record")
            .unwrap_err();
        assert_eq!(
            err,
            Error::Io {
                during: "writing a record",
                kind: io::ErrorKind::PermissionDenied
            }
        );
        assert_eq!(
            err.to_string(),
            "i/o error while writing a record: permission denied"
        );
        assert!(std::error::Error::source(&err).is_none());
    }
}
