//! The manual: formats, threat model and design decisions (documentation only).
