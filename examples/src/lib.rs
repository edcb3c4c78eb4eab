//! Runnable examples of the `iot-*` crates: run them from the workspace root
//! with `cargo run --example NAME`. This library target holds what several
//! examples share.
//!
//! The integration test `tests/provision_map.rs` checks the workspace's
//! `docs/PROVISIONS.md` against the sources.

pub mod pki;
