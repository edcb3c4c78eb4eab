//! The error type of this crate.

use core::fmt;
use std::io;

use crate::report::EraseReport;

/// Everything that can go wrong when planning, running or resuming an erase.
///
/// `Display` is short and lower-case and never contains a path, a file name or
/// a message from a custom action: those belong in the [`EraseReport`], which
/// the device maker decides how to show.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A target escapes the erase root: an absolute path or a `..` component.
    /// Nothing was touched.
    OutsideRoot,
    /// A target is not acceptable: empty, too long, not UTF-8, a reserved
    /// name of this crate, or the plan has too many targets. Nothing was
    /// touched.
    InvalidTarget,
    /// The erase journal or the persisted report under the root is malformed
    /// or was tampered with. Nothing outside the root was touched; see
    /// [`discard_state`](crate::discard_state) for the way out.
    Journal,
    /// An interrupted erase is waiting under this root: call
    /// [`resume`](crate::resume) first (normally at boot).
    Pending,
    /// Another erase (in this or another process) holds the lock on the root.
    Busy,
    /// The erase ran to its end but not every target was erased, verified or
    /// confirmed (a verification failure, an i/o error, a failed custom
    /// action, a step interrupted by a power loss). The report says which;
    /// it is also persisted under the root until acknowledged.
    Incomplete(Box<EraseReport>),
    /// The file system failed on the root itself or on the journal, so the
    /// erase could not be run or recorded. `during` names the step.
    Io {
        /// What the crate was doing, e.g. `"writing the journal"`.
        during: &'static str,
        /// The kind of the underlying error.
        kind: io::ErrorKind,
    },
}

impl Error {
    /// The report carried by [`Error::Incomplete`], if this is one.
    #[must_use]
    pub fn report(&self) -> Option<&EraseReport> {
        match self {
            Self::Incomplete(report) => Some(report),
            _ => None,
        }
    }

    pub(crate) fn io(during: &'static str) -> impl FnOnce(io::Error) -> Self {
        move |e| Self::Io {
            during,
            kind: e.kind(),
        }
    }

    pub(crate) fn errno(during: &'static str) -> impl FnOnce(rustix::io::Errno) -> Self {
        move |e| Self::Io {
            during,
            kind: io::Error::from(e).kind(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutsideRoot => f.write_str("erase target outside the erase root"),
            Self::InvalidTarget => f.write_str("invalid erase target"),
            Self::Journal => f.write_str("invalid erase journal or report"),
            Self::Pending => f.write_str("an interrupted erase must be resumed first"),
            Self::Busy => f.write_str("another erase is running on this root"),
            Self::Incomplete(report) => {
                let failed = report.entries.iter().filter(|e| !e.is_complete()).count();
                write!(
                    f,
                    "erase incomplete: {failed} of {} targets not confirmed",
                    report.entries.len()
                )
            }
            Self::Io { during, kind } => write!(f, "i/o error while {during}: {kind}"),
        }
    }
}

/// No `source()`: the cause, where there is one (the i/o error kind), is part
/// of `Display`, so an error chain prints it once (the family rule).
impl core::error::Error for Error {}
