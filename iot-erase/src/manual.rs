//! The manual: what an erase protects against, how it runs, how to build a
//! factory reset with it, and what it cannot do. Documentation only; nothing
//! here is code.
//!
//! 1. [`_01_threat_model`]: what is protected, against whom (the next
//!    holder of the device, a chip-off attacker, a hostile app in the data
//!    directory, a power cut), and what is trusted.
//! 2. [`_02_how_an_erase_runs`]: the order of the steps, the journal,
//!    `resume` after a power loss, locking and progress.
//! 3. [`_03_howto`]: a factory-reset button (boot path and handler),
//!    choosing the plan, erasing data no longer needed, translating the
//!    receipt.
//! 4. [`_04_limits`]: what overwriting cannot guarantee on flash and
//!    copy-on-write storage, why crypto-erase is the guarantee there, and the
//!    crate's other limits and bounds.

#[doc = include_str!("manual/01_threat_model.md")]
pub mod _01_threat_model {}

#[doc = include_str!("manual/02_how_an_erase_runs.md")]
pub mod _02_how_an_erase_runs {}

#[doc = include_str!("manual/03_howto.md")]
pub mod _03_howto {}

#[doc = include_str!("manual/04_limits.md")]
pub mod _04_limits {}
