//! The error type of this crate.

use core::fmt;

/// Everything that can go wrong in this crate.
///
/// A failed password verification is one opaque variant whatever the cause,
/// so an attacker learns nothing from the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The password did not verify. Deliberately carries no detail.
    Verification,
    /// Parameters (hashing cost, generator configuration) outside the allowed range.
    InvalidParameters,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Verification => "password verification failed",
            Self::InvalidParameters => "invalid parameters",
        })
    }
}

impl core::error::Error for Error {}
