//! The error type of this crate.

use std::{fmt, io};

/// Everything that can go wrong in this crate. A missing entry is not an
/// error: lookups return `Ok(None)`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A record or the manifest failed authentication: tampered, corrupted,
    /// swapped, or sealed under another key. Deliberately carries no detail.
    Integrity,
    /// The store on the medium is older than the monotonic counter says it
    /// must be: an old image was copied back.
    RolledBack,
    /// An entry name outside the allowed length or character set.
    InvalidName,
    /// The storage medium failed.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integrity => f.write_str("integrity check failed"),
            Self::RolledBack => f.write_str("store was rolled back"),
            Self::InvalidName => f.write_str("invalid entry name"),
            Self::Io(e) => write!(f, "storage i/o failed: {}", e.kind()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}
