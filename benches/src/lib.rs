//! Criterion benchmarks of the `iot-*` crates. Every group compares our code
//! with a raw baseline doing the same work (for example a sealed put against a
//! bare `ring` seal of the same bytes), so each result is a ratio measured in
//! one run on one machine.
//!
//! Run a fast pass with `cargo bench -p iot-benches --bench '*' -- --quick --noplot`.
