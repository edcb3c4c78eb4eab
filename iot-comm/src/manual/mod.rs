//! The manual: why this crate is built the way it is, and how to use it.
