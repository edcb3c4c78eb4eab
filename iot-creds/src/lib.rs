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
pub mod manual;
mod password;
mod policy;
#[cfg(feature = "std")]
mod rng;
mod throttle;

/// The `rand_core` version whose `CryptoRng` this crate's generators and
/// hashing take. Name it as `iot_creds::rand_core` (for example to implement
/// `CryptoRng` for a hardware TRNG), so that its version always matches ours.
pub use rand_core;

pub use alphabet::Alphabet;
#[cfg(feature = "derive")]
pub use derive::FactoryKey;
pub use error::{ConfigError, EntryError, Error};
pub use hash::{
    CostLimit, HashParams, PasswordHasher, Pepper, hash_password, needs_rehash, verify_password,
};
pub use password::{DevicePassword, GeneratorConfig};
// Test hooks: only with the non-default `__test-hooks` feature, which the
// crate's own tests turn on through a dev-dependency on the crate itself.
#[cfg(feature = "__test-hooks")]
#[doc(hidden)]
pub use policy::{__known_defaults, __mirai_credentials};
pub use policy::{PasswordPolicy, PolicyViolation};
#[cfg(feature = "std")]
pub use rng::OsRng;
pub use throttle::{Attempt, ClockId, RetryAfter, Throttle, ThrottleConfig};
