//! The manual: how the client works and what it protects against.
//! Documentation only; nothing here is code.
//!
//! 1. [`_01_threat_model`]: the attacks TUF stops, what stays the device
//!    maker's job.
//! 2. [`_02_howto`]: a device's update loop, https with iot-comm, offline
//!    media, the sealed store.
//! 3. [`_03_limits`]: every bound, its default, and the conformance suite.
//! 4. [`_04_installer`]: the A/B installer: states, anti-rollback, power
//!    loss, GRUB's one-shot trial, limits.

#[doc = include_str!("manual/01_threat_model.md")]
pub mod _01_threat_model {}

#[doc = include_str!("manual/02_howto.md")]
pub mod _02_howto {}

#[doc = include_str!("manual/03_limits.md")]
pub mod _03_limits {}

#[doc = include_str!("manual/04_installer.md")]
pub mod _04_installer {}
