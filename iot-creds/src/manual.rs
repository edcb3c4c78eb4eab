//! The manual: what the crate protects against, how to use it on the factory
//! line and in the device, and where its limits are. Documentation only;
//! nothing here is code.
//!
//! 1. [`_01_threat_model`]: who the attackers are (a botnet trying default
//!    passwords, an online guesser, someone holding a leaked hash database,
//!    firmware or factory manifest) and what each part of the crate does
//!    against them.
//! 2. [`_02_howto`]: per-device passwords at the factory, verifying a login
//!    behind the throttle, letting the user change the password, calibrating
//!    the hash parameters, peppering, and plugging in a hardware TRNG.
//! 3. [`_03_limits`]: every bound of the crate in one table, and what it does
//!    not guarantee.

#[doc = include_str!("manual/01_threat_model.md")]
pub mod _01_threat_model {}

#[doc = include_str!("manual/02_howto.md")]
pub mod _02_howto {}

#[doc = include_str!("manual/03_limits.md")]
pub mod _03_limits {}
