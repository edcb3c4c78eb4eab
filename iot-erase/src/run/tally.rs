//! What one file or directory target has done so far (the counters of its
//! report entry and its first failure), and the journal records that keep
//! those counters across a power loss.

use std::io;

use rustix::io::Errno;

use super::engine::JournalFile;
use crate::Error;
use crate::io_kind;
use crate::journal::{self, COUNT_RECORDS_LIMIT, Counters, Renamed};
use crate::overwrite::OverwriteError;
use crate::report::{FailReason, Method, Outcome, RefuseReason, SkipReason, TargetReport};

/// One file or directory target being erased: what it has done so far, and
/// where its progress is journaled.
pub(super) struct Tally<'j> {
    pub(super) counters: Counters,
    /// The first failure; the target ends failed.
    pub(super) failure: Option<FailReason>,
    index: usize,
    /// `None` before the journal exists (a squatter on a reserved name, a
    /// target erased to make room for the journal on a full file system).
    journal: Option<&'j mut JournalFile>,
    /// Directory targets journal their counters after each entry.
    journal_counts: bool,
}

impl<'j> Tally<'j> {
    /// A tally for target `index`, starting from the `counts` an
    /// interrupted erase journaled. `journal_counts`: journal the counters
    /// after each entry (directory targets).
    pub(super) fn new(
        index: usize,
        journal: Option<&'j mut JournalFile>,
        journal_counts: bool,
        counts: Option<Counters>,
    ) -> Self {
        Self {
            counters: counts.unwrap_or(Counters {
                all_verified: true,
                ..Counters::default()
            }),
            failure: None,
            index,
            journal,
            journal_counts,
        }
    }

    pub(super) fn fail(&mut self, reason: FailReason) {
        let reason = match reason {
            FailReason::Io(kind) => FailReason::Io(io_kind::canonical(kind)),
            other => other,
        };
        self.counters.all_verified = false;
        self.failure.get_or_insert(reason);
    }

    /// A failed system call.
    pub(super) fn fail_errno(&mut self, e: Errno) {
        self.fail(FailReason::Io(io::Error::from(e).kind()));
    }

    pub(super) fn fail_overwrite(&mut self, e: OverwriteError) {
        self.fail(match e {
            OverwriteError::Io(kind) => FailReason::Io(kind),
            OverwriteError::Mismatch => FailReason::VerifyMismatch,
            OverwriteError::Changed => FailReason::ChangedDuringErase,
        });
    }

    /// Journals the counters of a directory target.
    pub(super) fn record_counts(&mut self) -> Result<(), Error> {
        let Some(file) = self.journal.as_deref_mut() else {
            return Ok(());
        };
        if !self.journal_counts || file.len > COUNT_RECORDS_LIMIT {
            return Ok(());
        }
        let (index, counters) = (self.index, self.counters);
        // Not synced: a lost count only under-reports work (see `run`).
        file.append_optional(|w| journal::count_record(w, index, &counters))
    }

    /// Announces that a file target was overwritten and verified and gets
    /// its derived name next. Not synced: `resume` looks for the derived
    /// name anyway; the record only adds the byte count for the report.
    pub(super) fn record_rename(&mut self, record: &Renamed) -> Result<(), Error> {
        // Bounded like `count` records: a device that keeps losing power on
        // the same file cannot grow the journal forever.
        let Some(file) = self.journal.as_deref_mut() else {
            return Ok(());
        };
        if file.len > COUNT_RECORDS_LIMIT {
            return Ok(());
        }
        let index = self.index;
        file.append_optional(|w| journal::rename_record(w, index, record))
    }

    pub(super) fn add_bytes(&mut self, bytes: u64, hard_linked: bool) {
        let c = &mut self.counters;
        c.bytes = c.bytes.saturating_add(bytes);
        if hard_linked {
            c.hard_linked = c.hard_linked.saturating_add(1);
        }
    }

    /// Fills in method, outcome and counters of the target's entry.
    pub(super) fn finish(&self, entry: &mut TargetReport, end: End) {
        let c = &self.counters;
        entry.bytes_overwritten = c.bytes;
        entry.verified = c.bytes > 0 && c.all_verified && self.failure.is_none();
        entry.files = c.files;
        entry.dirs = c.dirs;
        entry.links_removed = c.links;
        entry.hard_linked = c.hard_linked;
        entry.special_skipped = c.special;
        entry.method = if c.bytes > 0 || c.files > 0 || c.dirs > 0 {
            Method::Overwrite
        } else if c.links > 0 {
            Method::RemoveLink
        } else {
            Method::None
        };
        let did_anything = c.bytes > 0 || c.files > 0 || c.dirs > 0 || c.links > 0;
        entry.outcome = match (&self.failure, end) {
            (Some(reason), _) => Outcome::Failed(reason.clone()),
            (None, End::Refused(reason)) => Outcome::Refused(reason),
            (None, End::Missing) if !did_anything => Outcome::NotFound,
            (None, End::Left) if !did_anything && c.special > 0 => {
                Outcome::Skipped(SkipReason::SpecialFile)
            }
            (None, _) => Outcome::Erased,
        };
    }
}

/// How an entry ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// Nothing was there.
    Missing,
    /// It was there and is gone.
    Gone,
    /// It is still there (special file, failure).
    Left,
    /// Left alone on purpose (a planned path that is a link, E1).
    Refused(RefuseReason),
}
