//! The error type of this crate.

use std::{fmt, io};

/// Everything that can go wrong in this crate.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Certificate or key material could not be parsed.
    Pem,
    /// The TLS handshake or session failed.
    Tls(rustls::Error),
    /// The network failed.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pem => f.write_str("malformed certificate or key"),
            Self::Tls(e) => write!(f, "tls failed: {e}"),
            Self::Io(e) => write!(f, "network i/o failed: {}", e.kind()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Tls(e) => Some(e),
            Self::Io(e) => Some(e),
            Self::Pem => None,
        }
    }
}
