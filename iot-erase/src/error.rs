//! The error type of this crate.

use std::{fmt, io};

/// Everything that can go wrong in this crate.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A target lies outside the erase root (by `..` or through a link).
    OutsideRoot,
    /// The erase journal is malformed or was tampered with.
    Journal,
    /// The file system failed.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutsideRoot => f.write_str("target outside the erase root"),
            Self::Journal => f.write_str("invalid erase journal"),
            Self::Io(e) => write!(f, "file system i/o failed: {}", e.kind()),
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
