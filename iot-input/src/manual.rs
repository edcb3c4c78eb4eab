//! The manual: what the parsers defend against, how to use them at a
//! device's interfaces, and where their limits are. Documentation only;
//! nothing here is code.
//!
//! 1. [`_01_threat_model`]: the attacker who controls an input, what each
//!    parser takes away from them, and what it does not.
//! 2. [`_02_howto`]: validating at the edge, typed configurations with
//!    `json::from_slice`, telling a user which field was wrong, options,
//!    secrets, `no_std`.
//! 3. [`_03_limits`]: every bound, stack and allocation, how each parser is
//!    built (nom or by hand), what errors carry.
//! 4. [`_04_conformance`]: one row per input type, to copy into the "input
//!    validation" part of an EN 303 645 conformance file.

#[doc = include_str!("manual/01_threat_model.md")]
pub mod _01_threat_model {}

#[doc = include_str!("manual/02_howto.md")]
pub mod _02_howto {}

#[doc = include_str!("manual/03_limits.md")]
pub mod _03_limits {}

#[doc = include_str!("manual/04_conformance.md")]
pub mod _04_conformance {}
