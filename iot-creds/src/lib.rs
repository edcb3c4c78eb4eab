#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod alphabet;
#[cfg(feature = "std")]
mod calibrate;
mod check_symbol;
#[cfg(feature = "derive")]
mod derive;
mod error;
#[cfg(feature = "std")]
pub mod factory;
mod hash;
mod password;
mod policy;
#[cfg(feature = "std")]
mod rng;
mod throttle;

pub use alphabet::{Alphabet, MAX_ALPHABET_LEN};
#[cfg(feature = "derive")]
pub use derive::FactoryKey;
pub use error::{ConfigError, EntryError, Error};
pub use hash::{
    CostLimit, HashParams, MAX_PHC_LEN, MIN_M_KIB, MIN_WORK_KIB_PASSES, OUTPUT_BYTES,
    PasswordHasher, Pepper, SALT_BYTES, change_password, hash_password, needs_rehash,
    verify_password,
};
pub use password::{
    DevicePassword, GeneratorConfig, MAX_ENTRY_BYTES, MAX_SYMBOLS, MIN_ENTROPY_BITS,
};
#[doc(hidden)]
pub use policy::{__known_defaults, __mirai_credentials};
pub use policy::{
    MAX_MIN_CHARS, MAX_PASSWORD_BYTES, MIN_CHARS, PasswordPolicy, PolicyViolation,
    SINGLE_FACTOR_MIN_CHARS,
};
#[cfg(feature = "std")]
pub use rng::OsRng;
pub use throttle::{
    MAX_DELAY, MAX_FREE_ATTEMPTS, MAX_TRACKED, RetryAfter, Throttle, ThrottleConfig,
};
