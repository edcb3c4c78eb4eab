//! Bounds of the client, with python-tuf's `UpdaterConfig` defaults.

use core::time::Duration;

/// Every bound the client enforces. The defaults are python-tuf's
/// `UpdaterConfig`; setters clamp to the `MAX_*` constants.
///
/// ```
/// use iot_update::Limits;
/// let limits = Limits::default().with_max_target_length(64 << 20);
/// assert_eq!(limits.max_target_length(), 64 << 20);
/// assert_eq!(limits.max_root_rotations(), 256);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Limits {
    max_root_rotations: u32,
    max_delegations: u32,
    root_max_length: u64,
    timestamp_max_length: u64,
    snapshot_max_length: u64,
    targets_max_length: u64,
    max_target_length: u64,
    metadata_deadline: Duration,
    target_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_root_rotations: 256,
            max_delegations: 32,
            root_max_length: 512_000,
            timestamp_max_length: 16_384,
            snapshot_max_length: 2_000_000,
            targets_max_length: 5_000_000,
            max_target_length: Self::DEFAULT_MAX_TARGET_LENGTH,
            metadata_deadline: Duration::from_secs(60),
            target_deadline: Duration::from_secs(3600),
        }
    }
}

impl Limits {
    /// Most root versions one refresh walks through.
    pub const MAX_ROOT_ROTATIONS: u32 = 4096;
    /// Most delegated roles one target search visits.
    pub const MAX_DELEGATIONS: u32 = 1024;
    /// Largest metadata file length any setter accepts (64 MiB).
    pub const MAX_METADATA_LENGTH: u64 = 64 << 20;
    /// Default bound on a target's signed length (4 GiB).
    pub const DEFAULT_MAX_TARGET_LENGTH: u64 = 4 << 30;
    /// Longest deadline any setter accepts (one day).
    pub const MAX_DEADLINE: Duration = Duration::from_secs(86_400);

    /// Most root versions one refresh walks through (default 256).
    pub fn max_root_rotations(&self) -> u32 {
        self.max_root_rotations
    }
    /// Sets [`max_root_rotations`](Self::max_root_rotations), clamped to
    /// `1..=MAX_ROOT_ROTATIONS`.
    pub fn with_max_root_rotations(mut self, n: u32) -> Self {
        self.max_root_rotations = n.clamp(1, Self::MAX_ROOT_ROTATIONS);
        self
    }
    /// Most delegated roles one target search visits (default 32).
    pub fn max_delegations(&self) -> u32 {
        self.max_delegations
    }
    /// Sets [`max_delegations`](Self::max_delegations), clamped to
    /// `1..=MAX_DELEGATIONS`.
    pub fn with_max_delegations(mut self, n: u32) -> Self {
        self.max_delegations = n.clamp(1, Self::MAX_DELEGATIONS);
        self
    }
    /// Largest root metadata file (default 512,000 bytes).
    pub fn root_max_length(&self) -> u64 {
        self.root_max_length
    }
    /// Sets [`root_max_length`](Self::root_max_length), clamped to
    /// `1..=MAX_METADATA_LENGTH`.
    pub fn with_root_max_length(mut self, n: u64) -> Self {
        self.root_max_length = n.clamp(1, Self::MAX_METADATA_LENGTH);
        self
    }
    /// Largest timestamp metadata file (default 16,384 bytes).
    pub fn timestamp_max_length(&self) -> u64 {
        self.timestamp_max_length
    }
    /// Sets [`timestamp_max_length`](Self::timestamp_max_length), clamped to
    /// `1..=MAX_METADATA_LENGTH`.
    pub fn with_timestamp_max_length(mut self, n: u64) -> Self {
        self.timestamp_max_length = n.clamp(1, Self::MAX_METADATA_LENGTH);
        self
    }
    /// Largest snapshot metadata file when timestamp lists no length
    /// (default 2,000,000 bytes).
    pub fn snapshot_max_length(&self) -> u64 {
        self.snapshot_max_length
    }
    /// Sets [`snapshot_max_length`](Self::snapshot_max_length), clamped to
    /// `1..=MAX_METADATA_LENGTH`.
    pub fn with_snapshot_max_length(mut self, n: u64) -> Self {
        self.snapshot_max_length = n.clamp(1, Self::MAX_METADATA_LENGTH);
        self
    }
    /// Largest targets metadata file when snapshot lists no length
    /// (default 5,000,000 bytes).
    pub fn targets_max_length(&self) -> u64 {
        self.targets_max_length
    }
    /// Sets [`targets_max_length`](Self::targets_max_length), clamped to
    /// `1..=MAX_METADATA_LENGTH`.
    pub fn with_targets_max_length(mut self, n: u64) -> Self {
        self.targets_max_length = n.clamp(1, Self::MAX_METADATA_LENGTH);
        self
    }
    /// Largest target the client downloads, whatever its signed length
    /// says (default [`DEFAULT_MAX_TARGET_LENGTH`](Self::DEFAULT_MAX_TARGET_LENGTH)).
    pub fn max_target_length(&self) -> u64 {
        self.max_target_length
    }
    /// Sets [`max_target_length`](Self::max_target_length) (no clamp: any
    /// bound is a bound).
    pub fn with_max_target_length(mut self, n: u64) -> Self {
        self.max_target_length = n;
        self
    }
    /// Deadline of one metadata fetch, including reading it (default 60 s).
    pub fn metadata_deadline(&self) -> Duration {
        self.metadata_deadline
    }
    /// Sets [`metadata_deadline`](Self::metadata_deadline), clamped to
    /// `1 s..=MAX_DEADLINE`.
    pub fn with_metadata_deadline(mut self, d: Duration) -> Self {
        self.metadata_deadline = d.clamp(Duration::from_secs(1), Self::MAX_DEADLINE);
        self
    }
    /// Deadline of one target download, including reading it (default 1 h).
    pub fn target_deadline(&self) -> Duration {
        self.target_deadline
    }
    /// Sets [`target_deadline`](Self::target_deadline), clamped to
    /// `1 s..=MAX_DEADLINE`.
    pub fn with_target_deadline(mut self, d: Duration) -> Self {
        self.target_deadline = d.clamp(Duration::from_secs(1), Self::MAX_DEADLINE);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_clamp() {
        let l = Limits::default()
            .with_max_root_rotations(0)
            .with_max_delegations(u32::MAX)
            .with_root_max_length(u64::MAX)
            .with_metadata_deadline(Duration::ZERO);
        assert_eq!(l.max_root_rotations(), 1);
        assert_eq!(l.max_delegations(), Limits::MAX_DELEGATIONS);
        assert_eq!(l.root_max_length(), Limits::MAX_METADATA_LENGTH);
        assert_eq!(l.metadata_deadline(), Duration::from_secs(1));
    }
}
