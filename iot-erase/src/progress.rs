//! Progress reports for a user interface.

/// Where an erase stands, passed to the
/// [`on_progress`](crate::ErasePlan::on_progress) callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Index of the running target in run order (see
    /// [`EraseReport::entries`](crate::EraseReport::entries)).
    pub target: usize,
    /// Number of targets in the plan.
    pub targets: usize,
    /// What is happening now.
    pub phase: Phase,
    /// Bytes overwritten so far in this run, over all targets.
    pub bytes_overwritten: u64,
    /// Bytes read back and verified so far in this run, over all targets.
    pub bytes_verified: u64,
}

/// The step an erase is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Destroying keys.
    CryptoErase,
    /// Overwriting file content.
    Overwrite,
    /// Reading overwritten content back.
    Verify,
    /// Removing files, links and directories.
    Remove,
    /// Running a custom action.
    CustomAction,
    /// Zeroizing memory.
    Zeroize,
    /// Everything ran; the report is persisted.
    Finished,
}
