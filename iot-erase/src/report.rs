//! The erase report: what was done to every target, and a confirmation a user
//! can read (EN 303 645 5.11-4).

use core::fmt;
use std::io;
use std::time::SystemTime;

use crate::Error;

/// The result of an erase: one entry per planned target, in the order they
/// were run.
///
/// `Display` is a short confirmation written for the user of the device
/// (English; build your own text from the fields for other languages). It
/// never claims more than the entries say: a failed, refused or interrupted
/// target makes it open with "The erase did NOT complete".
///
/// The report is persisted under the erase root until
/// [`acknowledge`](EraseReport::acknowledge)d, so that a confirmation survives
/// a power cut between the end of the erase and the moment it is shown.
///
/// ```
/// # fn main() -> Result<(), iot_erase::Error> {
/// let root = tempfile::tempdir().unwrap();
/// std::fs::write(root.path().join("wifi.conf"), b"psk=hunter2").unwrap();
/// let report = iot_erase::ErasePlan::new(root.path()).file("wifi.conf").execute()?;
/// assert!(report.is_complete());
/// assert_eq!(report.entries[0].bytes_overwritten, 11);
/// assert!(report.to_string().starts_with("Your data was erased from this device."));
/// report.acknowledge(root.path())?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct EraseReport {
    /// Identifies this erase (32 lower-case hex digits, random).
    pub id: String,
    /// When the erase started (whole seconds).
    pub started: SystemTime,
    /// When the erase finished, possibly after a restart (whole seconds).
    pub finished: SystemTime,
    /// `true` when the erase was interrupted (power loss, crash, kill) and
    /// finished by [`resume`](crate::resume).
    pub resumed: bool,
    /// One entry per planned target, in the order they were run: crypto-erase
    /// targets, files, directories, custom actions, memory buffers. They are
    /// preceded by a [`Target::Reserved`] entry for each of this crate's
    /// names under the root that something else occupied and that had to be
    /// cleared before the erase could run.
    pub entries: Vec<TargetReport>,
}

/// What was done to one planned target.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TargetReport {
    /// The target as planned.
    pub target: Target,
    /// How it was erased.
    pub method: Method,
    /// How it ended.
    pub outcome: Outcome,
    /// Bytes of file content overwritten in place (counts every pass: a file
    /// overwritten again after a power loss counts twice; holes of sparse
    /// files hold no data and are not written).
    pub bytes_overwritten: u64,
    /// `true` when every byte this target overwrote was read back after
    /// `fsync` and matched. `false` when nothing was overwritten.
    pub verified: bool,
    /// Regular files overwritten, verified and removed.
    pub files: u64,
    /// Directories removed.
    pub dirs: u64,
    /// Symbolic links removed; what they pointed to was not touched.
    pub links_removed: u64,
    /// Files that also had other names (hard links): those names still exist
    /// and now show the overwritten bytes, not the original content.
    pub hard_linked: u64,
    /// Fifos, sockets and device nodes left in place (they hold no data in
    /// the file system; a directory holding one is kept).
    pub special_skipped: u64,
}

/// A planned target.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Target {
    /// Keys destroyed so that encrypted data becomes unreadable.
    CryptoErase {
        /// The name given at planning.
        name: String,
    },
    /// A file, relative to the root.
    File {
        /// The path as planned, normalised (`a/b`).
        path: String,
    },
    /// A directory tree, relative to the root (`.` is the root's content).
    Dir {
        /// The path as planned, normalised (`a/b`, `.`).
        path: String,
    },
    /// An action of the device maker, e.g. deleting the cloud account.
    Custom {
        /// The name given at planning.
        name: String,
    },
    /// In-memory buffers zeroized.
    Memory {
        /// The name given at planning.
        name: String,
    },
    /// Not planned: one of the names this crate keeps directly under the
    /// root (its journal, report or lock file) was occupied by something
    /// that is not this crate's file (a directory, a link, a fifo), which
    /// would have blocked the erase. It was erased like a
    /// [`dir`](crate::ErasePlan::dir) target before the plan ran.
    Reserved {
        /// The reserved name, e.g. `.iot-erase-journal`.
        name: String,
    },
}

impl Target {
    /// The path or name, as planned.
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            Self::CryptoErase { name }
            | Self::Custom { name }
            | Self::Memory { name }
            | Self::Reserved { name } => name,
            Self::File { path } | Self::Dir { path } => path,
        }
    }
}

/// How a target was erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Method {
    /// Keys destroyed ([`CryptoEraseTarget::destroy_keys`](crate::CryptoEraseTarget::destroy_keys)).
    CryptoErase,
    /// An `iot-storage` store destroyed (`ErasePlan::sealed_store`, feature
    /// `storage`): its records and the store id its keys are derived from
    /// were overwritten and removed. The root key the store was opened with
    /// is kept: this is not a purge where old blocks survive (see
    /// [`manual::_04_limits`](crate::manual::_04_limits)).
    DestroyStore,
    /// File content overwritten in place with one pass of random data,
    /// `fsync`ed, read back and compared, then the file renamed to a random
    /// name, unlinked and the directory `fsync`ed. For directories: every file
    /// in the tree, depth-first, then the directories themselves.
    Overwrite,
    /// Only symbolic links were found (inside a directory target) and
    /// removed; what they pointed to was not touched. (A planned path that is
    /// itself a link is refused instead.)
    RemoveLink,
    /// A custom action was run.
    CustomAction,
    /// Memory buffers were zeroized.
    Zeroize,
    /// Nothing was done (not found, refused, skipped or interrupted).
    None,
}

/// How a target ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Outcome {
    /// Done and, where the method allows, verified.
    Erased,
    /// Nothing existed at the path: nothing to erase.
    NotFound,
    /// Deliberately left alone.
    Skipped(SkipReason),
    /// Refused for safety; nothing was touched.
    Refused(RefuseReason),
    /// Attempted and failed; the data may remain.
    Failed(FailReason),
    /// Not confirmed: an action that cannot be repeated after a restart (a
    /// crypto-erase, a custom action, zeroizing memory) had not reported
    /// success when the erase was interrupted. Repeat it.
    Interrupted,
}

/// Why a target was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SkipReason {
    /// A fifo, socket or device node: no data of its own in the file system.
    SpecialFile,
}

/// Why a target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum RefuseReason {
    /// A directory on the way to the target is a symbolic link: following it
    /// could lead outside the root.
    LinkedParent,
    /// The planned path itself is a symbolic link. It is never followed (it
    /// could lead outside the root), and it is left in place so that a
    /// second attempt is refused the same way: what it points to was not
    /// erased. Plan the real path instead.
    LinkedTarget,
}

/// Why a target failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FailReason {
    /// The file system reported an error.
    Io(#[cfg_attr(feature = "serde", serde(with = "crate::io_kind::serde_code"))] io::ErrorKind),
    /// The bytes read back after the overwrite were not the bytes written.
    VerifyMismatch,
    /// The file changed size while it was overwritten (another writer).
    ChangedDuringErase,
    /// A crypto-erase or custom action returned an error; its message,
    /// without control characters and cut to 200 bytes.
    Action(String),
    /// A crypto-erase or custom action panicked.
    Panicked,
    /// Directories nested deeper than the crate's limit.
    TooDeep,
    /// A directory kept more entries that could not be removed than the
    /// crate tracks.
    TooManyEntries,
    /// A directory inside the target is the mount point of another file
    /// system. It is not descended into (neither its content nor the mount
    /// point is touched): plan that file system's own directory as a target
    /// if it holds user data.
    OtherFileSystem,
}

impl EraseReport {
    /// `true` when every target was erased, verified where the method
    /// allows, or had nothing to erase.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.entries.iter().all(TargetReport::is_complete)
    }

    /// Removes the persisted copy of this report from under `root`: call it
    /// once the user has seen the report. Until then every
    /// [`resume`](crate::resume) returns it again, so a power cut between
    /// the erase and the screen cannot swallow the confirmation.
    ///
    /// Only the persisted report with this report's id is removed (it is
    /// overwritten first: it names the targets); a newer one, or none, is
    /// left as it is.
    ///
    /// # Errors
    ///
    /// [`Error::Busy`] while an erase runs on `root`, [`Error::Journal`] if
    /// the persisted report is damaged (see
    /// [`discard_state`](crate::discard_state)), [`Error::Io`].
    pub fn acknowledge(&self, root: impl AsRef<std::path::Path>) -> Result<(), Error> {
        crate::run::acknowledge(root.as_ref(), &self.id)
    }

    /// Total bytes overwritten over all targets.
    #[must_use]
    pub fn bytes_overwritten(&self) -> u64 {
        self.entries
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.bytes_overwritten))
    }
}

impl TargetReport {
    pub(crate) fn new(target: Target) -> Self {
        Self {
            target,
            method: Method::None,
            outcome: Outcome::NotFound,
            bytes_overwritten: 0,
            verified: false,
            files: 0,
            dirs: 0,
            links_removed: 0,
            hard_linked: 0,
            special_skipped: 0,
        }
    }

    /// `true` for [`Outcome::Erased`], [`Outcome::NotFound`] and
    /// [`Outcome::Skipped`].
    #[must_use]
    pub fn is_complete(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Erased | Outcome::NotFound | Outcome::Skipped(_)
        )
    }
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(kind) => write!(f, "storage error ({kind})"),
            Self::VerifyMismatch => f.write_str("the overwrite could not be verified"),
            Self::ChangedDuringErase => f.write_str("the file changed during the erase"),
            Self::Action(message) if message.is_empty() => f.write_str("failed"),
            Self::Action(message) => write!(f, "failed ({message})"),
            Self::Panicked => f.write_str("failed unexpectedly"),
            Self::TooDeep => f.write_str("folders are nested too deeply"),
            Self::TooManyEntries => f.write_str("too many entries could not be removed"),
            Self::OtherFileSystem => {
                f.write_str("it holds another file system (a mount point), which was not erased")
            }
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Erased => f.write_str("erased"),
            Self::NotFound => f.write_str("nothing to erase"),
            Self::Skipped(SkipReason::SpecialFile) => {
                f.write_str("skipped (special file, no data)")
            }
            Self::Refused(RefuseReason::LinkedParent) => {
                f.write_str("refused: it is reached through a link")
            }
            Self::Refused(RefuseReason::LinkedTarget) => {
                f.write_str("refused: it is a link, and what it points to was not erased")
            }
            Self::Failed(reason) => reason.fmt(f),
            Self::Interrupted => {
                f.write_str("not confirmed: interrupted by a restart, please repeat it")
            }
        }
    }
}

impl fmt::Display for TargetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.target.label(), self.outcome)
    }
}

/// `1.5 MiB`-style sizes for people.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
        if self.0 < 1024 {
            return write!(f, "{} bytes", self.0);
        }
        // Tenths of the unit, in integers: no float formatting surprises.
        let mut value = self.0;
        let mut unit = "KiB";
        for candidate in UNITS {
            unit = candidate;
            if value < 1024 * 1024 {
                break;
            }
            value /= 1024;
        }
        let tenths = value.saturating_mul(10) / 1024;
        write!(f, "{}.{} {unit}", tenths / 10, tenths % 10)
    }
}

impl fmt::Display for EraseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_complete() {
            writeln!(f, "Your data was erased from this device.")?;
        } else {
            writeln!(
                f,
                "The erase did NOT complete: some data may remain. Please try again."
            )?;
        }
        if self.resumed {
            writeln!(
                f,
                "It was interrupted (for example by a power cut) and finished when the device restarted."
            )?;
        }
        let erased = |e: &&TargetReport| e.outcome == Outcome::Erased;
        let keys: Vec<&str> = self
            .entries
            .iter()
            .filter(erased)
            .filter(|e| matches!(e.target, Target::CryptoErase { .. }))
            .filter(|e| e.method == Method::CryptoErase)
            .map(|e| e.target.label())
            .collect();
        if !keys.is_empty() {
            writeln!(f, "- Encryption keys destroyed: {}.", keys.join(", "))?;
        }
        let stores: Vec<&str> = self
            .entries
            .iter()
            .filter(erased)
            .filter(|e| e.method == Method::DestroyStore)
            .map(|e| e.target.label())
            .collect();
        if !stores.is_empty() {
            writeln!(
                f,
                "- Encrypted storage erased: {} (its records and the id its keys are derived from were overwritten; the device's root key was kept).",
                stores.join(", ")
            )?;
        }
        let sum = |field: fn(&TargetReport) -> u64| {
            self.entries
                .iter()
                .fold(0u64, |s, e| s.saturating_add(field(e)))
        };
        let files = sum(|e| e.files);
        if files > 0 {
            writeln!(
                f,
                "- Files overwritten, checked and deleted: {files} ({}).",
                Size(self.bytes_overwritten())
            )?;
        }
        let dirs = sum(|e| e.dirs);
        if dirs > 0 {
            writeln!(f, "- Folders deleted: {dirs}.")?;
        }
        let links = sum(|e| e.links_removed);
        if links > 0 {
            writeln!(
                f,
                "- Links removed: {links} (what they pointed to was not touched)."
            )?;
        }
        for entry in self.entries.iter().filter(erased) {
            if let Target::Custom { name } = &entry.target {
                writeln!(f, "- {name}: done.")?;
            }
        }
        let memory = self
            .entries
            .iter()
            .filter(erased)
            .filter(|e| matches!(e.target, Target::Memory { .. }))
            .count();
        if memory > 0 {
            writeln!(f, "- Secrets cleared from memory: {memory}.")?;
        }
        let problems: Vec<&TargetReport> =
            self.entries.iter().filter(|e| !e.is_complete()).collect();
        if !problems.is_empty() {
            writeln!(f, "Not done:")?;
            for entry in problems {
                writeln!(f, "- {entry}.")?;
            }
        }
        let hard_linked = sum(|e| e.hard_linked);
        if hard_linked > 0 {
            writeln!(
                f,
                "Note: {hard_linked} file(s) also had another name on this device; that name now shows only overwritten data."
            )?;
        }
        let reserved: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| matches!(e.target, Target::Reserved { .. }))
            .map(|e| e.target.label())
            .collect();
        if !reserved.is_empty() {
            writeln!(
                f,
                "Note: something else occupied the erase's own file name(s) {} and was erased with the rest.",
                reserved.join(", ")
            )?;
        }
        let special = sum(|e| e.special_skipped);
        if special > 0 {
            writeln!(
                f,
                "Note: {special} special file(s) holding no data were left in place."
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn sample() -> EraseReport {
        let mut file = TargetReport::new(Target::File {
            path: "a/b.txt".into(),
        });
        file.method = Method::Overwrite;
        file.outcome = Outcome::Erased;
        file.bytes_overwritten = 3 * 1024 * 1024 + 200 * 1024;
        file.verified = true;
        file.files = 1;
        file.hard_linked = 1;
        let mut custom = TargetReport::new(Target::Custom {
            name: "Cloud account".into(),
        });
        custom.method = Method::CustomAction;
        custom.outcome = Outcome::Failed(FailReason::Action("server unreachable".into()));
        let mut io = TargetReport::new(Target::Dir { path: ".".into() });
        io.outcome = Outcome::Failed(FailReason::Io(io::ErrorKind::PermissionDenied));
        EraseReport {
            id: "0123456789abcdef0123456789abcdef".into(),
            started: at(1_700_000_000),
            finished: at(1_700_000_005),
            resumed: true,
            entries: vec![file, custom, io],
        }
    }

    #[test]
    fn display_is_honest_about_failures() {
        let text = sample().to_string();
        assert!(text.starts_with("The erase did NOT complete"), "{text}");
        assert!(
            text.contains("finished when the device restarted"),
            "{text}"
        );
        assert!(
            text.contains("Files overwritten, checked and deleted: 1 (3.1 MiB)"),
            "{text}"
        );
        assert!(
            text.contains("- Cloud account: failed (server unreachable)."),
            "{text}"
        );
        assert!(
            text.contains("- .: storage error (permission denied)."),
            "{text}"
        );
        assert!(text.contains("another name"), "{text}");
    }

    #[test]
    fn display_of_a_complete_report() {
        let mut report = sample();
        report.entries.truncate(1);
        report.resumed = false;
        let text = report.to_string();
        assert!(
            text.starts_with("Your data was erased from this device.\n"),
            "{text}"
        );
        assert!(!text.contains("Not done"), "{text}");
        assert!(!text.contains("restarted"), "{text}");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(Size(0).to_string(), "0 bytes");
        assert_eq!(Size(1023).to_string(), "1023 bytes");
        assert_eq!(Size(1536).to_string(), "1.5 KiB");
        assert_eq!(Size(64 << 20).to_string(), "64.0 MiB");
        assert_eq!(Size(5 << 30).to_string(), "5.0 GiB");
    }
}
