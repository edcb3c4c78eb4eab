#![doc = include_str!("../README.md")]

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

#[doc(hidden)]
pub mod __fuzz;

pub use backend::{Backend, DirBackend, MemoryBackend};
pub use counter::{FileCounter, MonotonicCounter};
pub use crypto::Algorithm;
pub use error::Error;
pub use key::{FileRootKeySource, ROOT_KEY_LEN, RootKey, RootKeySource};
pub use name::MAX_NAME_LEN;
pub use options::{DEFAULT_MAX_ENTRIES, DEFAULT_MAX_VALUE_LEN, RollbackProtection, StoreOptions};
pub use store::SealedStore;

/// Re-exported so that callers name the exact `secrecy` version `get` returns.
pub use secrecy;
