//! Fuzz entry points (compiled only under `cfg(fuzzing)`).

use crate::error::Role;
use crate::metadata::{Envelope, RootMd, SnapshotMd, TargetsMd, TimestampMd};
use crate::trusted::TrustedSet;

/// Parses `data` as every role and verifies it as a self-signed root and
/// as a root update of a fixed trusted root. Returns whether anything
/// verified.
pub fn metadata(data: &[u8], trusted_root: &[u8]) -> bool {
    if let Ok(env) = Envelope::parse(data, Role::Targets) {
        let _ = RootMd::parse(&env);
        let _ = TimestampMd::parse(&env);
        let _ = SnapshotMd::parse(&env);
        if let Ok(t) = TargetsMd::parse(&env, Role::Delegated) {
            if let Some(d) = &t.delegations {
                let _ = d.roles_for("a/b.txt");
            }
        }
    }
    let mut verified = TrustedSet::new(data, 0).is_ok();
    if let Ok(mut set) = TrustedSet::new(trusted_root, 0) {
        verified |= set.update_root(data).is_ok();
        verified |= set.update_timestamp(data).is_ok();
    }
    verified
}

/// Matches a path pattern (the delegation `paths` matcher).
pub fn path_pattern(path: &str, pattern: &str) -> bool {
    crate::metadata::path_matches(path, pattern)
}
