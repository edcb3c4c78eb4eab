//! The manual: why this crate is built the way it is, and how to use it.
//!
//! Read in order:
//!
//! 1. [`_01_threat_model`]: what the crate protects against, and what it
//!    does not;
//! 2. [`_02_defaults`]: every default and the reason for it;
//! 3. [`_03_howto`]: mutual TLS with an MQTT broker, pin rotation with
//!    backup pins, devices without a real-time clock, pairing a phone with a
//!    device, conformance documentation;
//! 4. [`_04_limits`]: what rustls with ring cannot do (external PSK,
//!    AES-CCM, post-quantum key exchange, …) and what to do instead.
//!
//! These modules contain documentation only.

#[doc = include_str!("manual/01_threat_model.md")]
pub mod _01_threat_model {}

#[doc = include_str!("manual/02_defaults.md")]
pub mod _02_defaults {}

#[doc = include_str!("manual/03_howto.md")]
pub mod _03_howto {}

#[doc = include_str!("manual/04_limits.md")]
pub mod _04_limits {}
