//! The crate's one error type.
//!
//! Every variant names the check that failed (which role, which rule) and
//! never the content that failed it: role names of delegations, target paths,
//! key ids and URLs come from the repository and are not echoed.

use core::fmt;

/// A TUF metadata role, as far as an error message may name it.
///
/// Delegated roles are not named: their names come from the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// `root.json`
    Root,
    /// `timestamp.json`
    Timestamp,
    /// `snapshot.json`
    Snapshot,
    /// The top-level `targets.json`.
    Targets,
    /// A delegated targets role.
    Delegated,
}

impl Role {
    pub(crate) fn of_targets(name: &str) -> Role {
        if name == "targets" {
            Role::Targets
        } else {
            Role::Delegated
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Root => "root",
            Role::Timestamp => "timestamp",
            Role::Snapshot => "snapshot",
            Role::Targets => "targets",
            Role::Delegated => "delegated targets",
        })
    }
}

/// What a length or hash check was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Subject {
    /// The metadata file of a role.
    Metadata(Role),
    /// A target file.
    Target,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Metadata(role) => write!(f, "{role} metadata"),
            Subject::Target => f.write_str("target"),
        }
    }
}

/// Which version rule a piece of metadata broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VersionRule {
    /// A new root must have exactly the trusted version + 1.
    RootNotSuccessor,
    /// The version is lower than the trusted one (rollback).
    Rollback,
    /// The version differs from the one the referring metadata lists
    /// (snapshot in timestamp, targets roles in snapshot).
    NotAsListed,
    /// The snapshot version listed in a new timestamp is lower than the one
    /// listed in the trusted timestamp.
    ListedSnapshotRollback,
    /// A new snapshot lists a lower version of a targets role than the
    /// trusted snapshot (or drops the role).
    ListedTargetsRollback,
}

impl fmt::Display for VersionRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VersionRule::RootNotSuccessor => "not the successor of the trusted root",
            VersionRule::Rollback => "lower than the trusted version",
            VersionRule::NotAsListed => "not the version the referring metadata lists",
            VersionRule::ListedSnapshotRollback => {
                "lists a lower snapshot version than the trusted timestamp"
            }
            VersionRule::ListedTargetsRollback => {
                "lists a lower (or no) version of a targets role than the trusted snapshot"
            }
        })
    }
}

/// Which integrity rule a file broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IntegrityRule {
    /// Its length differs from the signed length.
    Length,
    /// A hash differs from the signed hash.
    Hash,
    /// The signed metadata names a hash algorithm this crate does not
    /// implement (sha256 and sha512 are implemented); every listed hash
    /// must be checked.
    UnknownHashAlgorithm,
    /// The file is longer than the configured bound.
    TooLong,
}

impl fmt::Display for IntegrityRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IntegrityRule::Length => "length differs from the signed length",
            IntegrityRule::Hash => "hash differs from the signed hash",
            IntegrityRule::UnknownHashAlgorithm => "unknown hash algorithm in the signed hashes",
            IntegrityRule::TooLong => "longer than the configured bound",
        })
    }
}

/// Why a fetch through a [`Transport`](crate::Transport) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchProblem {
    /// The server answered 403 or 404 (the file does not exist): for the
    /// next root version, this ends the root rotation normally.
    NotFound,
    /// Another HTTP status.
    Status(u16),
    /// The deadline of the fetch passed.
    Deadline,
    /// The URL is not one this transport serves (scheme, `..` segments).
    UnsupportedUrl,
    /// The TLS connection failed (certificate, pin, protocol).
    Tls,
    /// The connection failed or broke.
    Connection,
    /// Reading the response failed.
    Io(std::io::ErrorKind),
}

impl fmt::Display for FetchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchProblem::NotFound => f.write_str("not found"),
            FetchProblem::Status(code) => write!(f, "http status {code}"),
            FetchProblem::Deadline => f.write_str("deadline passed"),
            FetchProblem::UnsupportedUrl => f.write_str("unsupported url"),
            FetchProblem::Tls => f.write_str("tls failure"),
            FetchProblem::Connection => f.write_str("connection failure"),
            FetchProblem::Io(kind) => write!(f, "i/o error: {kind}"),
        }
    }
}

/// Why the A/B installer refused or stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InstallProblem {
    /// A trial boot of a new install is unresolved: call
    /// [`Installer::confirm`](crate::Installer::confirm) first (from the new
    /// slot it ends the trial; from the old one it reports the fallback).
    TrialPending,
    /// The target's signed `custom` metadata lacks a valid `version`
    /// (SemVer) or `security_counter` (an unsigned integer).
    MissingCustomMetadata,
    /// The target's security counter is below the rollback counter.
    SecurityCounterRollback,
    /// The target's version is below the running one (and downgrades are
    /// not allowed).
    Downgrade,
    /// Neither the caller nor the boot environment gives the running
    /// firmware's version.
    UnknownRunningVersion,
    /// The booted slot is not one of the installer's slots.
    UnknownBootedSlot,
    /// The image is larger than the slot's block device.
    SlotTooSmall,
    /// Reading the slot back (from the medium, not the page cache) did not
    /// give the verified image.
    ReadBack,
}

impl fmt::Display for InstallProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InstallProblem::TrialPending => "a trial boot is unresolved: confirm first",
            InstallProblem::MissingCustomMetadata => {
                "the target's custom metadata lacks a version or security counter"
            }
            InstallProblem::SecurityCounterRollback => {
                "the target's security counter is below the rollback counter"
            }
            InstallProblem::Downgrade => "the target's version is below the running version",
            InstallProblem::UnknownRunningVersion => "the running version is unknown",
            InstallProblem::UnknownBootedSlot => "the booted slot is not a known slot",
            InstallProblem::SlotTooSmall => "the image does not fit the slot",
            InstallProblem::ReadBack => "the slot read back differs from the verified image",
        })
    }
}

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Metadata is not valid TUF metadata (JSON, canonical form, required
    /// fields, types); `reason` is a fixed phrase of this crate.
    Malformed {
        /// The role the metadata was loaded as.
        role: Role,
        /// What is wrong, in this crate's words.
        reason: &'static str,
    },
    /// The metadata's `_type` is not the role it was loaded as.
    WrongType {
        /// The role the metadata was loaded as.
        role: Role,
    },
    /// Two signatures carry the same key id (the specification forbids it).
    DuplicateSignature {
        /// The role of the metadata.
        role: Role,
    },
    /// Fewer distinct keys of the delegating role signed the metadata than its
    /// threshold.
    Threshold {
        /// The role of the metadata.
        role: Role,
        /// Distinct valid signatures found.
        signed: usize,
        /// The threshold the delegating role sets.
        threshold: u64,
    },
    /// A version rule failed.
    Version {
        /// The role of the metadata.
        role: Role,
        /// The rule.
        rule: VersionRule,
    },
    /// The metadata expired (compared with the clock).
    Expired {
        /// The role of the metadata.
        role: Role,
    },
    /// A length or hash check failed.
    Integrity {
        /// What was checked.
        of: Subject,
        /// The rule.
        rule: IntegrityRule,
    },
    /// Snapshot metadata does not list a targets role that is needed
    /// (delegated, or the top-level one).
    NotInSnapshot {
        /// The role.
        role: Role,
    },
    /// A bound of [`Limits`](crate::Limits) was reached.
    Limit {
        /// Which bound (a fixed phrase).
        bound: &'static str,
    },
    /// No trusted root is in the metadata store.
    NoTrustedRoot,
    /// No trusted role delegates the requested target path.
    TargetNotFound,
    /// A call that needs an earlier step came first (e.g. a download before
    /// a successful refresh).
    Order {
        /// The missing step.
        missing: &'static str,
    },
    /// The clock cannot be read.
    ClockUnavailable,
    /// The clock reads earlier than the clock floor: set the clock (NTP,
    /// GNSS, a trusted peer) and retry.
    ClockBeforeFloor,
    /// Fetching a file failed.
    Fetch {
        /// What was being fetched.
        of: Subject,
        /// Why.
        problem: FetchProblem,
    },
    /// A local I/O operation failed.
    Io {
        /// The step (a fixed phrase).
        during: &'static str,
        /// The kind of the I/O error.
        kind: std::io::ErrorKind,
    },
    /// A configuration value is refused.
    InvalidConfig {
        /// What is wrong (a fixed phrase).
        reason: &'static str,
    },
    /// The rollback counter refuses the value (it is above it already), or
    /// its medium failed.
    Counter {
        /// What failed (a fixed phrase).
        reason: &'static str,
    },
    /// The boot environment cannot be read or written as it is (both
    /// U-Boot copies corrupt, not an environment, variables that do not fit).
    BootEnv {
        /// What is wrong (a fixed phrase).
        reason: &'static str,
    },
    /// The A/B installer refused or stopped.
    Install {
        /// Why.
        problem: InstallProblem,
    },
    /// The sealed metadata store or the `iot-storage` counter failed;
    /// `cause` is that error's `Display` (`iot_storage::Error` is neither
    /// `Clone` nor `Eq`).
    #[cfg(feature = "storage")]
    #[cfg_attr(docsrs, doc(cfg(feature = "storage")))]
    Storage {
        /// The `iot-storage` error, displayed.
        cause: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed { role, reason } => write!(f, "malformed {role} metadata: {reason}"),
            Error::WrongType { role } => write!(f, "{role} metadata has the wrong type"),
            Error::DuplicateSignature { role } => {
                write!(f, "{role} metadata has two signatures with the same key id")
            }
            Error::Threshold {
                role,
                signed,
                threshold,
            } => write!(
                f,
                "{role} metadata is signed by {signed} of the {threshold} keys its threshold needs"
            ),
            Error::Version { role, rule } => write!(f, "bad version of {role} metadata: {rule}"),
            Error::Expired { role } => write!(f, "{role} metadata has expired"),
            Error::Integrity { of, rule } => write!(f, "{of} failed its integrity check: {rule}"),
            Error::NotInSnapshot { role } => {
                write!(f, "snapshot metadata does not list the {role} role")
            }
            Error::Limit { bound } => write!(f, "limit reached: {bound}"),
            Error::NoTrustedRoot => f.write_str("no trusted root metadata in the store"),
            Error::TargetNotFound => f.write_str("no trusted role lists the target"),
            Error::Order { missing } => write!(f, "called too early: {missing} first"),
            Error::ClockUnavailable => f.write_str("the clock cannot be read"),
            Error::ClockBeforeFloor => {
                f.write_str("the clock reads earlier than the clock floor: set the time first")
            }
            Error::Fetch { of, problem } => write!(f, "fetching {of} failed: {problem}"),
            Error::Io { during, kind } => write!(f, "i/o error while {during}: {kind}"),
            Error::InvalidConfig { reason } => write!(f, "invalid configuration: {reason}"),
            Error::Counter { reason } => write!(f, "rollback counter: {reason}"),
            Error::BootEnv { reason } => write!(f, "boot environment: {reason}"),
            Error::Install { problem } => write!(f, "install refused: {problem}"),
            #[cfg(feature = "storage")]
            Error::Storage { cause } => write!(f, "iot-storage: {cause}"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "storage")]
pub(crate) fn storage(e: iot_storage::Error) -> Error {
    Error::Storage {
        cause: e.to_string(),
    }
}

/// Builds an [`Error::Io`] from a step and an I/O error.
pub(crate) fn io(during: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::Io {
        during,
        kind: e.kind(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_lower_case_and_names_the_check() {
        let e = Error::Threshold {
            role: Role::Snapshot,
            signed: 1,
            threshold: 3,
        };
        assert_eq!(
            e.to_string(),
            "snapshot metadata is signed by 1 of the 3 keys its threshold needs"
        );
        let e = Error::Version {
            role: Role::Delegated,
            rule: VersionRule::Rollback,
        };
        assert_eq!(
            e.to_string(),
            "bad version of delegated targets metadata: lower than the trusted version"
        );
        let e = Error::Io {
            during: "writing a target",
            kind: std::io::ErrorKind::PermissionDenied,
        };
        assert_eq!(
            e.to_string(),
            "i/o error while writing a target: permission denied"
        );
    }
}
