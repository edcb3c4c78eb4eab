#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod counter;
mod crypto;
mod error;
mod format;
mod fsio;
mod key;
mod name;
mod options;
mod store;

pub mod manual;

// Fuzz entry points: only in cargo-fuzz builds (and this crate's unit tests,
// which check them). Not an API.
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub mod __fuzz;

pub use backend::{Backend, DirBackend, MemoryBackend};
pub use counter::{FileCounter, MonotonicCounter};
pub use crypto::Algorithm;
pub use error::Error;
pub use key::{FileRootKeySource, RootKey, RootKeySource};
pub use options::{RollbackProtection, SecurityReport, StoreOptions};
pub use store::SealedStore;

/// Re-exported so that callers name the exact `secrecy` version `get` returns.
pub use secrecy;
