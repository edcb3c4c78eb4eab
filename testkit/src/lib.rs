//! The test kit of the `iot-*` workspace: what tests, examples and benches
//! share, so that no helper is copied between crates. Unpublished.
//!
//! - [`pki`]: a throw-away certificate authority with good and deliberately
//!   bad certificates (expired, RSA-1024, no SAN ...), made with rcgen.
//! - [`child`]: re-runs the current test binary as a child process and kills
//!   it at a chosen moment, for power-loss and SIGKILL tests.
//! - [`tree`]: temporary device trees (a directory of files, listed back by
//!   relative name).
//!
//! Its integration tests are the repository-wide checks:
//! `tests/provision_map.rs` (every claim in the compliance maps of `docs/`,
//! one per regime, cites a test that exists), `tests/map_claims.rs` (claims
//! of the maps that no crate test covers yet) and `tests/secrets.rs` (no
//! secret type of any crate shows its bytes in `Debug` or `Display`). Run
//! them with `cargo test -p iot-testkit`.
//!
//! **Test only.** Nothing here protects anything: the CA key lives in process
//! memory, and helpers panic on failure (a failed helper is a failed test).

// The one lint allow of the workspace's shared test code: helpers panic on
// failure, exactly as `clippy.toml` lets `#[test]` functions do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod child;
pub mod pki;
pub mod provision_map;
pub mod tree;
