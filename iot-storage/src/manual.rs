//! The manual: how the store works and what it protects against.
//! Documentation only; nothing here is code.
//!
//! 1. [`_01_formats`]: the bytes on the medium (records, manifest, names, keys).
//! 2. [`_02_threat_model`]: what an attacker holding the flash image can and
//!    cannot do, with and without a hardware counter and root key.
//! 3. [`_03_durability`]: what one write makes durable, crash recovery,
//!    rollback, and why a put costs one atomic file replacement.
//! 4. [`_04_lifecycle`]: write-once entries, rotation, destroy and factory
//!    reset, and how this store compares with PSA Protected Storage, ESP-IDF
//!    NVS encryption, Tink keysets and `cocoon`.
//! 5. [`_05_howto`]: wiring the root key and the counter, opening at boot
//!    (each error's recovery path), reset, rotation, other media.
//! 6. [`_06_limits`]: sizes, the cost of a write, what is not protected, and
//!    the platform.

#[doc = include_str!("manual/01_formats.md")]
pub mod _01_formats {}

#[doc = include_str!("manual/02_threat_model.md")]
pub mod _02_threat_model {}

#[doc = include_str!("manual/03_durability.md")]
pub mod _03_durability {}

#[doc = include_str!("manual/04_lifecycle.md")]
pub mod _04_lifecycle {}

#[doc = include_str!("manual/05_howto.md")]
pub mod _05_howto {}

#[doc = include_str!("manual/06_limits.md")]
pub mod _06_limits {}
