//! Running a plan: `execute`, `resume`, `acknowledge`, `discard_state`.
//!
//! The protocol, and why it survives a power loss at any point:
//!
//! 1. The plan is written to a temporary file, `fsync`ed, renamed to the
//!    journal and the root `fsync`ed. Until that rename nothing was touched;
//!    after it, `resume` knows the whole plan.
//! 2. Targets run in order. Every removal is made durable by an `fsync` of
//!    its directory before the next step. Steps that cannot be redone after
//!    a restart (crypto-erase, custom action, zeroize) get an `fdatasync`ed
//!    `done` record. File and directory targets can always be looked at
//!    again, so their records are appended without a sync: a file target is
//!    renamed to a name derived from the erase id and its index, which
//!    `resume` finds without any record, and lost `count` records of a
//!    directory only make the report count less work than was done, never
//!    more.
//! 3. A `finish` record is appended and `fdatasync`ed, then the journal is
//!    renamed to the report and the root `fsync`ed: the confirmation is
//!    durable before `execute` returns it.
//!
//! `resume` redoes every file and directory target without a `done` record.
//! Overwriting again is harmless, a removed file is simply not found again,
//! so running it any number of times ends in the same state. Crypto-erase
//! targets, custom actions and memory buffers cannot be redone (their code is
//! gone with the process) and are reported as interrupted.
//!
//! The journal and the report are removed by first renaming them to their
//! temporary names (which `resume` treats as garbage), so a power cut while
//! they are overwritten never leaves a half-overwritten trusted file.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::UNIX_EPOCH;

use ring::rand::{SecureRandom, SystemRandom};
use rustix::fs as rfs;
use rustix::io::Errno;

use crate::Error;
use crate::codec::{LineWriter, sanitize_message};
use crate::fsops::{self, Kind, Parent};
use crate::journal::{
    self, COUNT_RECORDS_LIMIT, Counters, Finished, JournalPlan, JournalState, MAX_JOURNAL_BYTES,
    Renamed,
};
use crate::overwrite::{CHUNK, overwrite_and_verify};
use crate::path::{
    JOURNAL_NAME, JOURNAL_TMP_NAME, REPORT_NAME, REPORT_TMP_NAME, RESERVED_NAMES, RelPath,
    is_valid_label,
};
use crate::plan::{Action, CryptoEraseTarget, ErasePlan, Hook, MAX_TARGETS, ProgressCallback};
use crate::progress::{Phase, Progress};
use crate::report::{
    self, EraseReport, FailReason, Method, Outcome, RefuseReason, SkipReason, Target, TargetReport,
};

/// Deepest directory nesting erased below a target.
pub(crate) const MAX_TREE_DEPTH: usize = 128;
/// Names read from a directory per pass. With [`MAX_LEFT_PER_DIR`] and
/// [`MAX_TREE_DEPTH`] this bounds the names held in memory by a walk.
const NAMES_PER_PASS: usize = 256;
/// Entries one directory may keep (special files, failures) before the walk
/// gives up on it.
const MAX_LEFT_PER_DIR: usize = 1024;
/// Entries handled in one directory before the walk gives up on it (a
/// directory some other process keeps filling).
const MAX_ENTRIES_PER_DIR: usize = 1 << 22;

/// The code a target needs to run, when this process still has it.
enum RunAction {
    Crypto(Box<dyn CryptoEraseTarget>),
    Custom(Action),
    Memory(Box<dyn FnOnce()>),
}

pub(crate) fn execute(plan: ErasePlan) -> Result<EraseReport, Error> {
    let ErasePlan {
        root,
        crypto,
        files,
        dirs,
        custom,
        memory,
        progress,
        hook,
    } = plan;

    // Everything is validated before anything is touched.
    let mut targets = Vec::new();
    let mut actions = Vec::new();
    let label = |name: String| {
        if is_valid_label(&name) {
            Ok(name)
        } else {
            Err(Error::InvalidTarget)
        }
    };
    for (name, target) in crypto {
        targets.push(Target::CryptoErase { name: label(name)? });
        actions.push(Some(RunAction::Crypto(target)));
    }
    for path in files {
        let path = RelPath::parse(&path)?;
        if path.is_root() {
            return Err(Error::InvalidTarget);
        }
        targets.push(Target::File {
            path: path.as_text(),
        });
        actions.push(None);
    }
    for path in dirs {
        targets.push(Target::Dir {
            path: RelPath::parse(&path)?.as_text(),
        });
        actions.push(None);
    }
    for (name, action) in custom {
        targets.push(Target::Custom { name: label(name)? });
        actions.push(Some(RunAction::Custom(action)));
    }
    for (name, zeroize) in memory {
        targets.push(Target::Memory { name: label(name)? });
        actions.push(Some(RunAction::Memory(zeroize)));
    }
    if targets.len() > MAX_TARGETS {
        return Err(Error::InvalidTarget);
    }

    let root = fsops::open_root(&root)?;
    fsops::lock(&root)?;
    match fsops::classify(root.as_fd(), OsStr::new(JOURNAL_NAME)) {
        Ok(Kind::Missing) => {}
        Ok(_) => return Err(Error::Pending),
        Err(e) => return Err(Error::io("looking for an interrupted erase")(e)),
    }

    let rng = SystemRandom::new();
    let plan = JournalPlan {
        id: fsops::random_id(&rng)?,
        started: report::unix_seconds(report::now()),
        targets,
    };
    let (text, writer) = plan.encode();
    let mut engine = Engine::new(root, rng, progress, hook)?;
    engine.remove_own_file(JOURNAL_TMP_NAME);
    let file = fsops::write_own_file_atomically(
        &engine.root,
        JOURNAL_TMP_NAME,
        JOURNAL_NAME,
        text.as_bytes(),
        "writing the erase journal",
    );
    let file = match file {
        Ok(file) => file,
        Err(e) => {
            engine.remove_own_file(JOURNAL_TMP_NAME);
            return Err(e);
        }
    };
    let targets = plan.targets.len();
    let state = JournalState {
        plan,
        renamed: vec![None; targets],
        counts: vec![None; targets],
        done: vec![None; targets],
        finished: None,
        valid_len: text.len(),
    };
    let journal = JournalFile {
        file,
        writer,
        len: u64::try_from(text.len()).unwrap_or(u64::MAX),
    };
    engine.run(state, journal, actions, false)
}

pub(crate) fn resume(
    root: &Path,
    progress: Option<ProgressCallback>,
) -> Result<Option<EraseReport>, Error> {
    let root = fsops::open_root(root)?;
    fsops::lock(&root)?;
    let mut engine = Engine::new(root, SystemRandom::new(), progress, None)?;
    // A plan that never became the journal (nothing was touched), or a
    // report on its way out after an acknowledgement.
    engine.remove_own_file(JOURNAL_TMP_NAME);
    engine.remove_own_file(REPORT_TMP_NAME);

    let Some((file, data)) = fsops::read_own_file(&engine.root, JOURNAL_NAME, MAX_JOURNAL_BYTES)?
    else {
        return match fsops::read_own_file(&engine.root, REPORT_NAME, MAX_JOURNAL_BYTES)? {
            Some((_, data)) => into_result(journal::decode_report(&data)?).map(Some),
            None => Ok(None),
        };
    };
    let (state, writer) = journal::decode(&data)?;
    if state.finished.is_some() {
        // Finished; only the rename into the report was cut short.
        let report = state.report().ok_or(Error::Journal)?;
        engine.publish_report()?;
        return into_result(report).map(Some);
    }
    // Cut a torn tail off so new records follow the last valid one.
    let valid_len = u64::try_from(state.valid_len).unwrap_or(u64::MAX);
    if u64::try_from(data.len()).unwrap_or(u64::MAX) > valid_len {
        file.set_len(valid_len)
            .and_then(|()| file.sync_all())
            .map_err(Error::io("repairing the erase journal"))?;
    }
    let journal = JournalFile {
        file,
        writer,
        len: valid_len,
    };
    let actions = (0..state.plan.targets.len()).map(|_| None).collect();
    engine.run(state, journal, actions, true).map(Some)
}

pub(crate) fn acknowledge(root: &Path, id: &str) -> Result<(), Error> {
    let root = fsops::open_root(root)?;
    fsops::lock(&root)?;
    let Some((file, data)) = fsops::read_own_file(&root, REPORT_NAME, MAX_JOURNAL_BYTES)? else {
        return Ok(());
    };
    // Only the report that was shown is removed; a newer one stays.
    if journal::decode_report(&data)?.id != id {
        return Ok(());
    }
    let engine = Engine::new(root, SystemRandom::new(), None, None)?;
    engine.retire_own_file(&file, REPORT_NAME, REPORT_TMP_NAME)
}

pub(crate) fn discard_state(root: &Path) -> Result<(), Error> {
    let root = fsops::open_root(root)?;
    fsops::lock(&root)?;
    let engine = Engine::new(root, SystemRandom::new(), None, None)?;
    for name in RESERVED_NAMES {
        engine.remove_own_file(name);
        match fsops::classify(engine.root.as_fd(), OsStr::new(name)) {
            Ok(Kind::Missing) => {}
            Ok(_) => return Err(Error::Journal),
            Err(e) => return Err(Error::io("removing the erase journal")(e)),
        }
    }
    Ok(())
}

fn into_result(report: EraseReport) -> Result<EraseReport, Error> {
    if report.is_complete() {
        Ok(report)
    } else {
        Err(Error::Incomplete(Box::new(report)))
    }
}

/// The open journal, appended to with `pwrite` at its end.
struct JournalFile {
    file: File,
    writer: LineWriter,
    len: u64,
}

impl JournalFile {
    fn append(&mut self, line: &str, sync: bool) -> Result<(), Error> {
        let during = "writing the erase journal";
        self.file
            .write_all_at(line.as_bytes(), self.len)
            .map_err(Error::io(during))?;
        self.len = self
            .len
            .saturating_add(u64::try_from(line.len()).unwrap_or(u64::MAX));
        if sync {
            self.file.sync_data().map_err(Error::io(during))?;
        }
        Ok(())
    }
}

/// Progress bookkeeping and the callback.
struct Reporter {
    callback: Option<ProgressCallback>,
    progress: Progress,
}

impl Reporter {
    fn phase(&mut self, phase: Phase) {
        self.progress.phase = phase;
        self.emit();
    }

    fn advance(&mut self, phase: Phase, bytes: u64) {
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

/// What one file or directory target has done so far.
#[derive(Debug, Default)]
struct Tally {
    counters: Counters,
    failure: Option<FailReason>,
}

impl Tally {
    fn fail(&mut self, reason: FailReason) {
        self.counters.all_verified = false;
        self.failure.get_or_insert(reason);
    }
}

/// How an entry ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Nothing was there.
    Missing,
    /// It was there and is gone.
    Gone,
    /// It is still there (special file, failure).
    Left,
}

/// An attempt on an entry that found it changed under it.
enum Step {
    Done(End),
    LookAgain,
}

struct Engine {
    root: OwnedFd,
    rng: SystemRandom,
    pattern: Vec<u8>,
    buffer: Vec<u8>,
    reporter: Reporter,
    hook: Option<Hook>,
    /// Erasing an entry found swapped in under a file's name after its
    /// overwrite (see `erase_file`): bounds that recovery to one level.
    in_swap: bool,
}

impl Engine {
    fn new(
        root: OwnedFd,
        rng: SystemRandom,
        callback: Option<ProgressCallback>,
        hook: Option<Hook>,
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
            hook,
            in_swap: false,
        })
    }

    fn run(
        &mut self,
        mut state: JournalState,
        mut journal: JournalFile,
        mut actions: Vec<Option<RunAction>>,
        resumed: bool,
    ) -> Result<EraseReport, Error> {
        let result = self.run_targets(&mut state, &mut journal, &mut actions);
        // Memory is zeroized whatever happened: the secrets were handed over
        // to be erased, and an error below must not keep them alive.
        for action in actions.iter_mut() {
            if let Some(RunAction::Memory(zeroize)) = action.take() {
                let _ = catch_unwind(AssertUnwindSafe(zeroize));
            }
        }
        let entries = result?;
        // The finished journal becomes the report: one synced record and a
        // rename, so the confirmation is durable before it is returned.
        let finished = Finished {
            at: report::unix_seconds(report::now()),
            resumed,
        };
        let line = journal::finish_record(&mut journal.writer, finished);
        journal.append(&line, true)?;
        let report = EraseReport {
            id: state.plan.id.clone(),
            started: report::from_unix_seconds(state.plan.started).unwrap_or(UNIX_EPOCH),
            finished: report::from_unix_seconds(finished.at).unwrap_or(UNIX_EPOCH),
            resumed,
            entries,
        };
        self.publish_report()?;
        self.reporter.phase(Phase::Finished);
        into_result(report)
    }

    /// Renames the finished journal to the report (replacing an older,
    /// unacknowledged one) and makes that durable.
    fn publish_report(&self) -> Result<(), Error> {
        let during = "persisting the erase report";
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
                (Target::CryptoErase { .. }, Some(RunAction::Crypto(keys))) => {
                    self.run_action(target, Phase::CryptoErase, Method::CryptoErase, move || {
                        keys.destroy_keys()
                    })
                }
                (Target::Custom { .. }, Some(RunAction::Custom(action))) => {
                    self.run_action(target, Phase::CustomAction, Method::CustomAction, action)
                }
                (Target::Memory { .. }, Some(RunAction::Memory(zeroize))) => {
                    self.run_action(target, Phase::Zeroize, Method::Zeroize, move || {
                        zeroize();
                        Ok(())
                    })
                }
                (Target::File { path } | Target::Dir { path }, _) => {
                    let renamed = state.renamed.get_mut(index).and_then(Option::take);
                    let counts = state.counts.get(index).copied().flatten();
                    let path = RelPath::parse_text(path)?;
                    let derived = journal::derived_name(&state.plan.id, index);
                    let ctx = Walk {
                        index,
                        journal,
                        journal_counts: matches!(target, Target::Dir { .. }),
                    };
                    self.erase_path(target.clone(), &path, &derived, renamed, counts, ctx)?
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

    /// A file or directory target. `derived` is the name a file target gets
    /// before it is unlinked.
    fn erase_path(
        &mut self,
        target: Target,
        path: &RelPath,
        derived: &str,
        renamed: Option<Renamed>,
        counts: Option<Counters>,
        mut ctx: Walk<'_>,
    ) -> Result<TargetReport, Error> {
        let mut entry = TargetReport::new(target);
        let mut tally = Tally {
            counters: counts.unwrap_or(Counters {
                all_verified: true,
                ..Counters::default()
            }),
            failure: None,
        };
        let is_file_target = matches!(entry.target, Target::File { .. });

        let Some((last, parents)) = path.split_last() else {
            // `.`: the root's content; the root itself stays.
            let end = match fsops::open_parent(&self.root, &[]) {
                Parent::Open(dir) => {
                    if self.erase_tree(&dir, 0, true, ".", &mut tally, &mut ctx)? {
                        End::Gone
                    } else {
                        End::Left
                    }
                }
                Parent::Failed(kind) => {
                    tally.fail(FailReason::Io(kind));
                    End::Left
                }
                Parent::Missing | Parent::Linked => End::Missing,
            };
            finish_entry(&mut entry, &tally, end);
            return Ok(entry);
        };
        let parent = match fsops::open_parent(&self.root, parents) {
            Parent::Open(fd) => fd,
            Parent::Missing => {
                finish_entry(&mut entry, &tally, End::Missing);
                return Ok(entry);
            }
            Parent::Linked => {
                entry.outcome = Outcome::Refused(RefuseReason::LinkedParent);
                return Ok(entry);
            }
            Parent::Failed(kind) => {
                tally.fail(FailReason::Io(kind));
                finish_entry(&mut entry, &tally, End::Left);
                return Ok(entry);
            }
        };
        let name = OsStr::new(last.as_str());
        let rel = path.as_text();
        if !is_file_target {
            let end =
                self.erase_entry(parent.as_fd(), name, 0, &rel, &mut tally, &mut ctx, None)?;
            finish_entry(&mut entry, &tally, end);
            return Ok(entry);
        }

        // A file target of a resumed erase may have been overwritten,
        // verified and renamed to its derived name already (the `rename`
        // record says so, when it reached the journal): finish that first.
        let earlier = self.remove_derived(parent.as_fd(), OsStr::new(derived), &mut tally);
        if let Some(renamed) = &renamed {
            let c = &mut tally.counters;
            c.bytes = c.bytes.saturating_add(renamed.bytes);
            if renamed.hard_linked {
                c.hard_linked = c.hard_linked.saturating_add(1);
            }
        } else if let Some((bytes, hard_linked)) = earlier {
            let c = &mut tally.counters;
            c.bytes = c.bytes.saturating_add(bytes);
            if hard_linked {
                c.hard_linked = c.hard_linked.saturating_add(1);
            }
        }
        let end = self.erase_entry(
            parent.as_fd(),
            name,
            0,
            &rel,
            &mut tally,
            &mut ctx,
            Some(derived),
        )?;
        // Gone under its original name, and erased by this erase before.
        let end = if end == End::Missing && (renamed.is_some() || earlier.is_some()) {
            if tally.failure.is_none() {
                tally.counters.files = tally.counters.files.saturating_add(1);
            }
            End::Gone
        } else {
            end
        };
        finish_entry(&mut entry, &tally, end);
        Ok(entry)
    }

    /// Removes a file left under its derived name by an interrupted erase
    /// (only ever given that name after its overwrite was verified). Returns
    /// its size and whether it had other names, if it was there.
    fn remove_derived(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        tally: &mut Tally,
    ) -> Option<(u64, bool)> {
        let stat = match rfs::statat(dir, name, rfs::AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(Errno::NOENT) => return None,
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                return None;
            }
        };
        if fsops::kind_of(stat.st_mode) == Kind::Dir {
            tally.fail(FailReason::ChangedDuringErase);
            return None;
        }
        self.reporter.phase(Phase::Remove);
        match fsops::unlink(dir, name).and_then(|()| fsops::fsync_dir(dir)) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                return None;
            }
        }
        if fsops::kind_of(stat.st_mode) != Kind::Regular {
            // Not ours (a link or a fifo planted under that name): removed,
            // not counted.
            return None;
        }
        #[allow(clippy::useless_conversion)] // nlink is u32 or u64 by platform
        let hard_linked = u64::from(stat.st_nlink) > 1;
        Some((u64::try_from(stat.st_size).unwrap_or(0), hard_linked))
    }

    /// Erases whatever `name` is in `dir`, looking again (a bounded number
    /// of times) when it changes type between the look and the open.
    #[allow(clippy::too_many_arguments)]
    fn erase_entry(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        depth: usize,
        rel: &str,
        tally: &mut Tally,
        ctx: &mut Walk<'_>,
        rename_to: Option<&str>,
    ) -> Result<End, Error> {
        for _ in 0..4 {
            let kind = match fsops::classify(dir, name) {
                Ok(kind) => kind,
                Err(e) => {
                    tally.fail(FailReason::Io(e.kind()));
                    return Ok(End::Left);
                }
            };
            let step = match kind {
                Kind::Missing => Step::Done(End::Missing),
                Kind::Link => self.remove_link(dir, name, depth, rel, tally, ctx)?,
                Kind::Special => {
                    tally.counters.special = tally.counters.special.saturating_add(1);
                    Step::Done(End::Left)
                }
                Kind::Regular => self.erase_file(dir, name, depth, rel, tally, ctx, rename_to)?,
                Kind::Dir => self.erase_dir(dir, name, depth, rel, tally, ctx)?,
            };
            if let Step::Done(end) = step {
                return Ok(end);
            }
        }
        tally.fail(FailReason::ChangedDuringErase);
        Ok(End::Left)
    }

    fn call_hook(&mut self, rel: &str) {
        if let Some(hook) = self.hook.as_mut() {
            hook(rel);
        }
    }

    /// Overwrite, `fsync`, verify, rename to a random name, unlink, `fsync`
    /// the directory. A file whose overwrite failed is left in place.
    #[allow(clippy::too_many_arguments)]
    fn erase_file(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        depth: usize,
        rel: &str,
        tally: &mut Tally,
        ctx: &mut Walk<'_>,
        rename_to: Option<&str>,
    ) -> Result<Step, Error> {
        self.call_hook(rel);
        let file = match fsops::open_for_overwrite(dir, name) {
            Ok(file) => file,
            // Gone, or no longer a regular file (a link, a directory, a
            // device without a driver): look again.
            Err(Errno::NOENT | Errno::LOOP | Errno::ISDIR | Errno::NXIO | Errno::NOTDIR) => {
                return Ok(Step::LookAgain);
            }
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                return Ok(Step::Done(End::Left));
            }
        };
        let stat = match rfs::fstat(&file) {
            Ok(stat) => stat,
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                return Ok(Step::Done(End::Left));
            }
        };
        if fsops::kind_of(stat.st_mode) != Kind::Regular {
            // A fifo or device swapped in after the look: opened without
            // blocking, never written.
            return Ok(Step::LookAgain);
        }
        let len = u64::try_from(stat.st_size).unwrap_or(0);
        #[allow(clippy::useless_conversion)] // nlink is u32 or u64 by platform
        let hard_linked = u64::from(stat.st_nlink) > 1;

        let mut written = 0u64;
        let reporter = &mut self.reporter;
        let result = overwrite_and_verify(
            &file,
            len,
            &self.pattern,
            &mut self.buffer,
            &mut |phase, bytes| {
                if phase == Phase::Overwrite {
                    written = written.saturating_add(bytes);
                }
                reporter.advance(phase, bytes);
            },
        );
        let c = &mut tally.counters;
        c.bytes = c.bytes.saturating_add(written);
        if hard_linked {
            c.hard_linked = c.hard_linked.saturating_add(1);
        }
        if let Err(reason) = result {
            tally.fail(reason);
            return Ok(Step::Done(End::Left));
        }
        drop(file);

        self.reporter.phase(Phase::Remove);
        let random = match rename_to {
            // A file target: its derived name, announced in the journal. Not
            // synced: `resume` looks for the derived name anyway; the record
            // only adds the byte count for the report.
            Some(derived) => {
                let record = Renamed {
                    name: derived.to_owned(),
                    bytes: len,
                    hard_linked,
                };
                // Bounded like `count` records: a device that keeps losing
                // power on the same file cannot grow the journal forever.
                if ctx.journal.len <= COUNT_RECORDS_LIMIT {
                    let line = journal::rename_record(&mut ctx.journal.writer, ctx.index, &record);
                    ctx.journal.append(&line, false)?;
                }
                derived.to_owned()
            }
            None => fsops::random_name(&self.rng)?,
        };
        let random = OsString::from(random);
        // Only the inode that was overwritten may be unlinked.
        let moved = set_aside(dir, name, &random)
            .map(|now| (now.st_dev, now.st_ino) == (stat.st_dev, stat.st_ino));
        if let Ok(false) = moved {
            // E.g. an app replaced the file atomically after the overwrite.
            // The inode overwritten above lives on elsewhere, overwritten.
            return self.erase_swapped_in(dir, &random, depth, rel, tally, ctx);
        }
        // NOENT: someone removed it after the overwrite; it is gone all the
        // same. Either way the directory is fsynced.
        let removed = match moved.and_then(|_| fsops::unlink(dir, &random)) {
            Ok(()) | Err(Errno::NOENT) => fsops::fsync_dir(dir),
            Err(e) => Err(e),
        };
        match removed {
            Ok(()) => {
                tally.counters.files = tally.counters.files.saturating_add(1);
                ctx.record_counts(tally)?;
                Ok(Step::Done(End::Gone))
            }
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                Ok(Step::Done(End::Left))
            }
        }
    }

    /// Removes a symbolic link (never following it). It is first set aside
    /// under a random name, so that a file put under the name after the look
    /// is erased, not just unlinked.
    #[allow(clippy::too_many_arguments)]
    fn remove_link(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        depth: usize,
        rel: &str,
        tally: &mut Tally,
        ctx: &mut Walk<'_>,
    ) -> Result<Step, Error> {
        self.reporter.phase(Phase::Remove);
        let random = OsString::from(fsops::random_name(&self.rng)?);
        match set_aside(dir, name, &random) {
            Ok(now) if fsops::kind_of(now.st_mode) == Kind::Link => {}
            Ok(_) => return self.erase_swapped_in(dir, &random, depth, rel, tally, ctx),
            Err(Errno::NOENT) => return Ok(Step::LookAgain),
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                return Ok(Step::Done(End::Left));
            }
        }
        match fsops::unlink(dir, &random).and_then(|()| fsops::fsync_dir(dir)) {
            Ok(()) => {
                tally.counters.links = tally.counters.links.saturating_add(1);
                Ok(Step::Done(End::Gone))
            }
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                Ok(Step::Done(End::Left))
            }
        }
    }

    /// Something else was put under a name between the erase's look (or
    /// overwrite) and the removal, and was set aside as `random`: its bytes
    /// were not overwritten, so it is erased under that name rather than
    /// unlinked. Once: a second swap is a failure, left under its name.
    fn erase_swapped_in(
        &mut self,
        dir: BorrowedFd<'_>,
        random: &OsStr,
        depth: usize,
        rel: &str,
        tally: &mut Tally,
        ctx: &mut Walk<'_>,
    ) -> Result<Step, Error> {
        if self.in_swap {
            tally.fail(FailReason::ChangedDuringErase);
            return Ok(Step::Done(End::Left));
        }
        self.in_swap = true;
        let end = self.erase_entry(dir, random, depth, rel, tally, ctx, None);
        self.in_swap = false;
        end.map(Step::Done)
    }

    /// Empties a directory depth-first, then removes it (renamed to a random
    /// name first, like files).
    #[allow(clippy::too_many_arguments)]
    fn erase_dir(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &OsStr,
        depth: usize,
        rel: &str,
        tally: &mut Tally,
        ctx: &mut Walk<'_>,
    ) -> Result<Step, Error> {
        if depth >= MAX_TREE_DEPTH {
            tally.fail(FailReason::TooDeep);
            return Ok(Step::Done(End::Left));
        }
        self.call_hook(rel);
        let child = match fsops::open_dir(dir, name) {
            Ok(fd) => fd,
            Err(Errno::NOENT | Errno::LOOP | Errno::NOTDIR) => return Ok(Step::LookAgain),
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                return Ok(Step::Done(End::Left));
            }
        };
        let emptied = self.erase_tree(&child, depth + 1, false, rel, tally, ctx)?;
        drop(child);
        if !emptied {
            return Ok(Step::Done(End::Left));
        }
        self.reporter.phase(Phase::Remove);
        let random = OsString::from(fsops::random_name(&self.rng)?);
        let removed =
            match fsops::rename(dir, name, &random).and_then(|()| fsops::rmdir(dir, &random)) {
                Ok(()) | Err(Errno::NOENT) => fsops::fsync_dir(dir),
                Err(e) => Err(e),
            };
        match removed {
            Ok(()) => {
                tally.counters.dirs = tally.counters.dirs.saturating_add(1);
                ctx.record_counts(tally)?;
                Ok(Step::Done(End::Gone))
            }
            Err(e) => {
                tally.fail(FailReason::Io(std::io::Error::from(e).kind()));
                Ok(Step::Done(End::Left))
            }
        }
    }

    /// Erases every entry of `dir`. `true` when it is empty afterwards.
    fn erase_tree(
        &mut self,
        dir: &OwnedFd,
        depth: usize,
        at_root: bool,
        rel: &str,
        tally: &mut Tally,
        ctx: &mut Walk<'_>,
    ) -> Result<bool, Error> {
        let mut left: HashSet<OsString> = HashSet::new();
        let mut handled = 0usize;
        loop {
            let names = match fsops::read_names(dir, at_root, NAMES_PER_PASS, |n| !left.contains(n))
            {
                Ok(names) => names,
                Err(e) => {
                    tally.fail(FailReason::Io(e.kind()));
                    return Ok(false);
                }
            };
            if names.is_empty() {
                return Ok(left.is_empty());
            }
            for name in names {
                handled += 1;
                if handled > MAX_ENTRIES_PER_DIR {
                    tally.fail(FailReason::TooManyEntries);
                    return Ok(false);
                }
                let child_rel = if rel == "." {
                    name.to_string_lossy().into_owned()
                } else {
                    format!("{rel}/{}", name.to_string_lossy())
                };
                let end =
                    self.erase_entry(dir.as_fd(), &name, depth, &child_rel, tally, ctx, None)?;
                if end == End::Left {
                    if left.len() >= MAX_LEFT_PER_DIR {
                        tally.fail(FailReason::TooManyEntries);
                        return Ok(false);
                    }
                    left.insert(name);
                }
            }
        }
    }

    /// Removes the journal or the report, which `resume` trusts: first
    /// renamed to its temporary name (which `resume` treats as garbage) and
    /// the root `fsync`ed, so a power cut during the overwrite can never
    /// leave a half-overwritten file under the trusted name.
    fn retire_own_file(&self, file: &File, name: &str, tmp: &str) -> Result<(), Error> {
        let during = "removing the erase journal";
        match rfs::renameat(&self.root, name, &self.root, tmp) {
            Ok(()) => {}
            Err(Errno::NOENT) => return Ok(()),
            Err(e) => return Err(Error::errno(during)(e)),
        }
        fsops::fsync_dir(self.root.as_fd()).map_err(Error::errno(during))?;
        self.erase_own_file_checked(file, tmp)
    }

    fn erase_own_file_checked(&self, file: &File, name: &str) -> Result<(), Error> {
        let during = "removing the erase journal";
        let len = file.metadata().map_err(Error::io(during))?.len();
        let mut buffer = vec![0u8; CHUNK];
        overwrite_and_verify(file, len, &self.pattern, &mut buffer, &mut |_, _| {}).map_err(
            |reason| Error::Io {
                during,
                kind: match reason {
                    FailReason::Io(kind) => kind,
                    _ => std::io::ErrorKind::InvalidData,
                },
            },
        )?;
        match fsops::unlink(self.root.as_fd(), OsStr::new(name)) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => return Err(Error::errno(during)(e)),
        }
        fsops::fsync_dir(self.root.as_fd()).map_err(Error::errno(during))
    }

    /// Removes one of this crate's files if it exists: overwritten when it is
    /// a regular file (it may hold target names), otherwise just unlinked.
    fn remove_own_file(&self, name: &str) {
        let os_name = OsStr::new(name);
        match fsops::classify(self.root.as_fd(), os_name) {
            Ok(Kind::Missing) | Err(_) => {}
            Ok(Kind::Regular) => {
                if let Ok(Some((file, _))) =
                    fsops::read_own_file(&self.root, name, MAX_JOURNAL_BYTES)
                {
                    let _ = self.erase_own_file_checked(&file, name);
                } else {
                    let _ = fsops::unlink(self.root.as_fd(), os_name);
                }
            }
            Ok(Kind::Dir) => {}
            Ok(Kind::Link | Kind::Special) => {
                let _ = fsops::unlink(self.root.as_fd(), os_name);
            }
        }
    }
}

/// Renames `name` to `to` in `dir` and looks at what arrived there, without
/// following it. The rename goes by name, so it moves whatever is under the
/// name *now*: the caller checks it is what it meant to remove.
fn set_aside(dir: BorrowedFd<'_>, name: &OsStr, to: &OsStr) -> Result<rfs::Stat, Errno> {
    fsops::rename(dir, name, to)?;
    rfs::statat(dir, to, rfs::AtFlags::SYMLINK_NOFOLLOW)
}

/// Where progress of the running target is journaled.
struct Walk<'j> {
    index: usize,
    journal: &'j mut JournalFile,
    /// Directory targets journal their counters after each entry.
    journal_counts: bool,
}

impl Walk<'_> {
    fn record_counts(&mut self, tally: &Tally) -> Result<(), Error> {
        if !self.journal_counts || self.journal.len > COUNT_RECORDS_LIMIT {
            return Ok(());
        }
        let line = journal::count_record(&mut self.journal.writer, self.index, &tally.counters);
        // Not synced: a lost count only under-reports work (see module docs).
        self.journal.append(&line, false)
    }
}

/// Fills in method, outcome and counters of a file or directory entry.
fn finish_entry(entry: &mut TargetReport, tally: &Tally, end: End) {
    let c = &tally.counters;
    entry.bytes_overwritten = c.bytes;
    entry.verified = c.bytes > 0 && c.all_verified && tally.failure.is_none();
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
    entry.outcome = match (&tally.failure, end) {
        (Some(reason), _) => Outcome::Failed(reason.clone()),
        (None, End::Missing) if !did_anything => Outcome::NotFound,
        (None, End::Left) if !did_anything && c.special > 0 => {
            Outcome::Skipped(SkipReason::SpecialFile)
        }
        (None, _) => Outcome::Erased,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const ID: &str = "00112233445566778899aabbccddeeff";

    fn derived(index: usize) -> String {
        journal::derived_name(ID, index)
    }

    /// Writes a journal as an interrupted erase would have left it.
    fn journal(root: &Path, targets: Vec<Target>, records: impl FnOnce(&mut LineWriter) -> String) {
        let plan = JournalPlan {
            id: ID.into(),
            started: 1_700_000_000,
            targets,
        };
        let (mut text, mut writer) = plan.encode();
        text.push_str(&records(&mut writer));
        fs::write(root.join(JOURNAL_NAME), text).unwrap();
    }

    fn renamed(bytes: u64) -> Renamed {
        Renamed {
            name: derived(0),
            bytes,
            hard_linked: false,
        }
    }

    fn file(path: &str) -> Target {
        Target::File { path: path.into() }
    }

    fn names(root: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn resume_removes_a_file_left_under_its_derived_name() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("d")).unwrap();
        fs::write(tmp.path().join("d").join(derived(0)), b"overwritten").unwrap();
        journal(tmp.path(), vec![file("d/f")], |w| {
            journal::rename_record(w, 0, &renamed(11))
        });
        let report = resume(tmp.path(), None).unwrap().unwrap();
        assert!(report.resumed);
        let entry = &report.entries[0];
        assert_eq!(
            (entry.files, entry.bytes_overwritten, entry.verified),
            (1, 11, true)
        );
        assert_eq!(entry.outcome, Outcome::Erased);
        assert!(names(&tmp.path().join("d")).is_empty());
        assert_eq!(names(tmp.path()), [REPORT_NAME, "d"]);
    }

    #[test]
    fn resume_finds_the_derived_name_even_when_the_record_was_lost() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(derived(0)), b"overwritten").unwrap();
        journal(tmp.path(), vec![file("f")], |_| String::new());
        let report = resume(tmp.path(), None).unwrap().unwrap();
        let entry = &report.entries[0];
        assert_eq!((entry.files, entry.bytes_overwritten), (1, 11));
        assert_eq!(names(tmp.path()), [REPORT_NAME]);
    }

    #[test]
    fn resume_redoes_a_file_whose_rename_did_not_happen() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("f"), b"0123456789").unwrap();
        journal(tmp.path(), vec![file("f")], |w| {
            journal::rename_record(w, 0, &renamed(10))
        });
        let report = resume(tmp.path(), None).unwrap().unwrap();
        let entry = &report.entries[0];
        // Two overwrite passes, one file.
        assert_eq!((entry.files, entry.bytes_overwritten), (1, 20));
        assert!(!tmp.path().join("f").exists());
    }

    #[test]
    fn resume_after_the_unlink_counts_the_file_from_the_journal() {
        let tmp = tempfile::tempdir().unwrap();
        journal(tmp.path(), vec![file("f")], |w| {
            journal::rename_record(w, 0, &renamed(10))
        });
        let report = resume(tmp.path(), None).unwrap().unwrap();
        let entry = &report.entries[0];
        assert_eq!(
            (entry.files, entry.bytes_overwritten, &entry.outcome),
            (1, 10, &Outcome::Erased)
        );
    }

    #[test]
    fn without_any_trace_a_missing_file_is_nothing_to_erase() {
        let tmp = tempfile::tempdir().unwrap();
        journal(tmp.path(), vec![file("f")], |_| String::new());
        let report = resume(tmp.path(), None).unwrap().unwrap();
        assert_eq!(report.entries[0].outcome, Outcome::NotFound);
    }

    #[test]
    fn steps_that_cannot_be_redone_are_reported_interrupted() {
        let tmp = tempfile::tempdir().unwrap();
        let targets = vec![
            Target::CryptoErase {
                name: "keys".into(),
            },
            Target::CryptoErase {
                name: "more keys".into(),
            },
            Target::Custom {
                name: "cloud".into(),
            },
            Target::Memory {
                name: "token".into(),
            },
        ];
        let done_crypto = {
            let mut e = TargetReport::new(targets[0].clone());
            e.method = Method::CryptoErase;
            e.outcome = Outcome::Erased;
            e
        };
        journal(tmp.path(), targets, |w| {
            journal::done_record(w, 0, &done_crypto)
        });
        let err = resume(tmp.path(), None).unwrap_err();
        let report = err.report().unwrap();
        assert_eq!(report.entries[0], done_crypto);
        for entry in &report.entries[1..] {
            assert_eq!(entry.outcome, Outcome::Interrupted);
        }
        let text = report.to_string();
        assert!(
            text.contains("- cloud: not confirmed: interrupted by a restart, please repeat it."),
            "{text}"
        );
        // Persisted: the next boot shows the same thing.
        assert_eq!(resume(tmp.path(), None), Err(err));
    }

    #[test]
    fn a_torn_tail_is_cut_before_resuming() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("f"), b"data").unwrap();
        let cut = std::cell::Cell::new(0);
        journal(tmp.path(), vec![file("f"), file("g")], |w| {
            let done = TargetReport::new(file("g"));
            let mut record = journal::done_record(w, 1, &done);
            record.truncate(record.len() / 2);
            cut.set(record.len());
            record
        });
        let report = resume(tmp.path(), None).unwrap().unwrap();
        assert_eq!(
            (report.entries[0].files, report.entries[0].bytes_overwritten),
            (1, 4)
        );
        assert!(!tmp.path().join("f").exists());
        // The persisted report parses strictly: the torn bytes are gone.
        let data = fs::read(tmp.path().join(REPORT_NAME)).unwrap();
        assert_eq!(journal::decode_report(&data), Ok(report));
    }

    #[test]
    fn a_finished_journal_is_published_without_running_again() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("f"), b"still here").unwrap();
        let mut entry = TargetReport::new(file("f"));
        entry.outcome = Outcome::Erased;
        let done = entry.clone();
        journal(tmp.path(), vec![file("f")], |w| {
            journal::done_record(w, 0, &done)
                + &journal::finish_record(
                    w,
                    Finished {
                        at: 1_700_000_009,
                        resumed: false,
                    },
                )
        });
        let report = resume(tmp.path(), None).unwrap().unwrap();
        assert_eq!(
            (report.entries.clone(), report.resumed),
            (vec![entry], false)
        );
        assert_eq!(
            names(tmp.path()),
            [REPORT_NAME, "f"],
            "the plan is not run again"
        );
        assert_eq!(resume(tmp.path(), None).unwrap(), Some(report));
    }

    #[test]
    fn stale_temporary_files_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(JOURNAL_TMP_NAME), b"half a plan").unwrap();
        fs::write(tmp.path().join(REPORT_TMP_NAME), b"half a report").unwrap();
        assert_eq!(resume(tmp.path(), None), Ok(None));
        assert!(names(tmp.path()).is_empty());
    }

    #[test]
    fn an_unfinished_journal_is_never_taken_for_a_report() {
        let tmp = tempfile::tempdir().unwrap();
        journal(tmp.path(), vec![file("f")], |_| String::new());
        fs::rename(tmp.path().join(JOURNAL_NAME), tmp.path().join(REPORT_NAME)).unwrap();
        assert_eq!(resume(tmp.path(), None), Err(Error::Journal));
    }
}
