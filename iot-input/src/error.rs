//! The one error type of every parser in this crate.

use core::fmt;

/// Why an input was rejected.
///
/// The set grows as parsers are added, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was empty where at least one byte is required.
    Empty,
    /// The input, or a part of it, exceeds a hard bound.
    TooLong,
    /// A byte or character outside the allowed set.
    InvalidCharacter,
}

impl ErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty input",
            Self::TooLong => "input too long",
            Self::InvalidCharacter => "invalid character",
        }
    }
}

/// A rejected input: a reason and the byte offset where it was found.
///
/// It never contains the input itself, which may be a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: usize,
}

impl Error {
    /// An error of `kind` found at byte `offset` of the input.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// Why the input was rejected.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset in the input where the problem was found.
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.as_str(), self.offset)
    }
}

impl core::error::Error for Error {}
