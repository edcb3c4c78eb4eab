//! The engine: runs the targets of a journaled plan in order, journals each
//! outcome, and turns the finished journal into the report.
//!
//! What the engine holds for the whole erase: the root handle, the random
//! generator and overwrite pattern, the two chunk buffers, and the progress
//! reporter. File and directory targets are handed to the walk
//! ([`walk`](super::walk)); the crate's own files are handled in
//! [`own_files`](super::own_files).

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::UNIX_EPOCH;

use ring::rand::{SecureRandom, SystemRandom};
use rustix::fs as rfs;

use crate::Error;
use crate::fsops;
use crate::journal::codec::{LineWriter, sanitize_message};
use crate::journal::{
    self, Finished, JOURNAL_NAME, JournalState, MAX_JOURNAL_BYTES, REPORT_NAME, REPORT_TMP_NAME,
    fields,
};
use crate::overwrite::CHUNK;
#[cfg(feature = "__test-hooks")]
use crate::plan::Hook;
use crate::plan::{Action, CryptoEraseTarget, ProgressCallback};
use crate::progress::{Phase, Progress};
use crate::report::{EraseReport, FailReason, Method, Outcome, Target, TargetReport};

/// The code a target needs to run, when this process still has it.
pub(super) enum RunAction {
    /// A crypto-erase target and the method the report names.
    Crypto(Box<dyn CryptoEraseTarget>, Method),
    Custom(Action),
    Memory(Box<dyn FnOnce()>),
}

/// The code of every step of a plan, in run order (`None` where a target
/// needs none). Dropping it zeroizes every memory buffer that was not
/// zeroized yet (E3): the buffers were handed over to be erased, and no
/// way out of `execute` (an early error, an error that stops the erase, a
/// panicking progress callback) may keep them alive.
#[derive(Default)]
pub(super) struct Actions(pub(super) Vec<Option<RunAction>>);

impl Actions {
    /// Zeroizes every buffer not zeroized yet; a panicking `Zeroize` impl
    /// does not stop the others.
    pub(super) fn zeroize_all(&mut self) {
        for action in &mut self.0 {
            if matches!(action, Some(RunAction::Memory(_)))
                && let Some(RunAction::Memory(zeroize)) = action.take()
            {
                let _ = catch_unwind(AssertUnwindSafe(zeroize));
            }
        }
    }
}

impl Drop for Actions {
    fn drop(&mut self) {
        self.zeroize_all();
    }
}

/// `Ok` for a complete report, [`Error::Incomplete`] otherwise, so that `?`
/// can never turn an incomplete erase into a success.
pub(super) fn into_result(report: EraseReport) -> Result<EraseReport, Error> {
    if report.is_complete() {
        Ok(report)
    } else {
        Err(Error::Incomplete(Box::new(report)))
    }
}

/// The open journal, appended to with `pwrite` at its end.
pub(super) struct JournalFile {
    pub(super) file: File,
    pub(super) writer: LineWriter,
    pub(super) len: u64,
    /// Optional records (`count`, `rename`) are no longer written: one did
    /// not fit on a full file system (E5).
    pub(super) optional_off: bool,
}

impl JournalFile {
    pub(super) fn new(file: File, writer: LineWriter, len: u64) -> Self {
        Self {
            file,
            writer,
            len,
            optional_off: false,
        }
    }

    /// Appends a record the report needs (`done`, `finish`).
    pub(super) fn append(&mut self, line: &str, sync: bool) -> Result<(), Error> {
        let during = "writing the erase journal";
        if let Err(e) = self.file.write_all_at(line.as_bytes(), self.len) {
            // No torn record stays behind the last good one: the next record
            // goes where this one started, and the file ends there.
            let _ = self.file.set_len(self.len);
            return Err(Error::io(during)(e));
        }
        self.len = self
            .len
            .saturating_add(u64::try_from(line.len()).unwrap_or(u64::MAX));
        if sync {
            self.file.sync_data().map_err(Error::io(during))?;
        }
        Ok(())
    }

    /// Appends a record the report can do without (a `count` of a
    /// directory target, the `rename` of a file target: both only refine
    /// what `resume` finds anyway), encoded by `encode` to continue the
    /// check chain. On a full file system it is dropped, the chain goes on
    /// from the last record written, and no optional record follows,
    /// rather than stopping the erase: the journal must not be what blocks a
    /// reset (E5).
    pub(super) fn append_optional(
        &mut self,
        encode: impl FnOnce(&mut LineWriter) -> String,
    ) -> Result<(), Error> {
        if self.optional_off {
            return Ok(());
        }
        let chain = self.writer.clone();
        let line = encode(&mut self.writer);
        match self.append(&line, false) {
            Err(Error::Io {
                kind: std::io::ErrorKind::StorageFull,
                ..
            }) => {
                self.writer = chain;
                self.optional_off = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Progress bookkeeping and the callback.
///
/// The callback runs on the erasing thread, inside the erase: a panic in it
/// unwinds out of `execute`/`resume` (see `ErasePlan::on_progress`).
pub(super) struct Reporter {
    callback: Option<ProgressCallback>,
    pub(super) progress: Progress,
}

impl Reporter {
    pub(super) fn phase(&mut self, phase: Phase) {
        self.progress.phase = phase;
        self.emit();
    }

    pub(super) fn advance(&mut self, phase: Phase, bytes: u64) {
        self.progress.phase = phase;
        match phase {
            Phase::Overwrite => {
                self.progress.bytes_overwritten =
                    self.progress.bytes_overwritten.saturating_add(bytes);
            }
            Phase::Verify => {
                self.progress.bytes_verified = self.progress.bytes_verified.saturating_add(bytes);
            }
            _ => {}
        }
        self.emit();
    }

    fn emit(&mut self) {
        if let Some(callback) = self.callback.as_mut() {
            callback(&self.progress);
        }
    }
}

pub(super) struct Engine {
    pub(super) root: OwnedFd,
    pub(super) rng: SystemRandom,
    pub(super) pattern: Vec<u8>,
    pub(super) buffer: Vec<u8>,
    pub(super) reporter: Reporter,
    /// Test hook (feature `__test-hooks`), see `ErasePlan::__before_open`.
    #[cfg(feature = "__test-hooks")]
    pub(super) hook: Option<Hook>,
    /// Erasing an entry found swapped in under a file's name after its
    /// overwrite (see `erase_swapped_in` in `walk.rs`): bounds that
    /// recovery to one level.
    pub(super) in_swap: bool,
}

impl Engine {
    pub(super) fn new(
        root: OwnedFd,
        rng: SystemRandom,
        callback: Option<ProgressCallback>,
    ) -> Result<Self, Error> {
        let mut pattern = vec![0u8; CHUNK];
        rng.fill(&mut pattern).map_err(|_| Error::Io {
            during: "reading the system random generator",
            kind: std::io::ErrorKind::Other,
        })?;
        Ok(Self {
            root,
            rng,
            pattern,
            buffer: vec![0u8; CHUNK],
            reporter: Reporter {
                callback,
                progress: Progress {
                    target: 0,
                    targets: 0,
                    phase: Phase::Remove,
                    bytes_overwritten: 0,
                    bytes_verified: 0,
                },
            },
            #[cfg(feature = "__test-hooks")]
            hook: None,
            in_swap: false,
        })
    }

    pub(super) fn run(
        &mut self,
        mut state: JournalState,
        mut journal: JournalFile,
        mut actions: Actions,
        resumed: bool,
    ) -> Result<EraseReport, Error> {
        let result = self.run_targets(&mut state, &mut journal, &mut actions.0);
        // Memory is zeroized whatever happened: the secrets were handed over
        // to be erased, and an error below must not keep them alive (a
        // panic unwinding through here zeroizes them in `Actions::drop`).
        actions.zeroize_all();
        let entries = result?;
        // The finished journal becomes the report: one synced record and a
        // rename, so the confirmation is durable before it is returned.
        let finished = Finished {
            at: fields::unix_seconds(fields::now()),
            resumed,
        };
        let line = journal::finish_record(&mut journal.writer, finished);
        journal.append(&line, true)?;
        let report = EraseReport {
            id: state.plan.id.clone(),
            started: fields::from_unix_seconds(state.plan.started).unwrap_or(UNIX_EPOCH),
            finished: fields::from_unix_seconds(finished.at).unwrap_or(UNIX_EPOCH),
            resumed,
            entries,
        };
        self.publish_report()?;
        self.reporter.phase(Phase::Finished);
        into_result(report)
    }

    /// Renames the finished journal to the report and makes that durable.
    /// An older, unacknowledged report names its targets: it is retired
    /// (overwritten and removed) first, not just replaced (E6).
    pub(super) fn publish_report(&self) -> Result<(), Error> {
        let during = "persisting the erase report";
        if let Some((old, _)) = fsops::read_own_file(&self.root, REPORT_NAME, MAX_JOURNAL_BYTES)? {
            self.retire_own_file(&old, REPORT_NAME, REPORT_TMP_NAME)?;
        }
        rfs::renameat(&self.root, JOURNAL_NAME, &self.root, REPORT_NAME)
            .map_err(Error::errno(during))?;
        fsops::fsync_dir(self.root.as_fd()).map_err(Error::errno(during))
    }

    fn run_targets(
        &mut self,
        state: &mut JournalState,
        journal: &mut JournalFile,
        actions: &mut [Option<RunAction>],
    ) -> Result<Vec<TargetReport>, Error> {
        let count = state.plan.targets.len();
        self.reporter.progress.targets = count;
        let mut entries = Vec::with_capacity(count);
        for index in 0..count {
            self.reporter.progress.target = index;
            if let Some(entry) = state.done.get_mut(index).and_then(Option::take) {
                entries.push(entry);
                continue;
            }
            let Some(target) = state.plan.targets.get(index).cloned() else {
                break;
            };
            // Steps that cannot be redone are synced: losing their record
            // would turn a done step into "interrupted". A lost record of a
            // file or directory only makes `resume` look again and find
            // nothing left (the removals themselves are fsynced).
            let sync = !matches!(target, Target::File { .. } | Target::Dir { .. });
            let action = actions.get_mut(index).and_then(Option::take);
            let entry = match (&target, action) {
                (Target::CryptoErase { .. }, Some(RunAction::Crypto(keys, method))) => self
                    .run_action(target, Phase::CryptoErase, method, move || {
                        keys.destroy_keys()
                    }),
                (Target::Custom { .. }, Some(RunAction::Custom(action))) => {
                    self.run_action(target, Phase::CustomAction, Method::CustomAction, action)
                }
                (Target::Memory { .. }, Some(RunAction::Memory(zeroize))) => {
                    self.run_action(target, Phase::Zeroize, Method::Zeroize, move || {
                        zeroize();
                        Ok(())
                    })
                }
                (Target::File { .. } | Target::Dir { .. }, _) => {
                    self.erase_path(target, index, state, Some(&mut *journal))?
                }
                // Resumed: the code of this step died with the process.
                _ => {
                    let mut entry = TargetReport::new(target);
                    entry.outcome = Outcome::Interrupted;
                    entry
                }
            };
            let line = journal::done_record(&mut journal.writer, index, &entry);
            journal.append(&line, sync)?;
            entries.push(entry);
        }
        Ok(entries)
    }

    fn run_action(
        &mut self,
        target: Target,
        phase: Phase,
        method: Method,
        action: impl FnOnce() -> Result<(), String>,
    ) -> TargetReport {
        self.reporter.phase(phase);
        let mut entry = TargetReport::new(target);
        entry.method = method;
        entry.outcome = match catch_unwind(AssertUnwindSafe(action)) {
            Ok(Ok(())) => Outcome::Erased,
            Ok(Err(message)) => Outcome::Failed(FailReason::Action(sanitize_message(&message))),
            Err(_) => Outcome::Failed(FailReason::Panicked),
        };
        entry
    }
}
