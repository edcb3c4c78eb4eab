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
//!
//! Where things are: this file holds the entry points; [`engine`] the target
//! loop, the journal appender and the progress reporter; [`walk`] the
//! no-follow walk of file and directory targets, which keeps its counters in
//! a [`tally`]; [`own_files`] the lifecycle of the journal and report files.

mod engine;
mod own_files;
mod tally;
mod walk;

#[cfg(test)]
mod tests;

use std::ffi::OsStr;
use std::os::fd::AsFd;
use std::path::Path;

use ring::rand::SystemRandom;

use crate::Error;
use crate::fsops::{self, Kind};
use crate::journal::{
    self, JOURNAL_NAME, JOURNAL_TMP_NAME, JournalPlan, JournalState, MAX_JOURNAL_BYTES,
    REPORT_NAME, REPORT_TMP_NAME, RESERVED_NAMES, fields,
};
use crate::path::is_valid_label;
use crate::plan::{ErasePlan, ProgressCallback};
use crate::report::{EraseReport, Target};
use engine::{Engine, JournalFile, RunAction, into_result};

pub(crate) fn execute(plan: ErasePlan) -> Result<EraseReport, Error> {
    let ErasePlan {
        root,
        crypto,
        files,
        dirs,
        custom,
        memory,
        progress,
        #[cfg(feature = "__test-hooks")]
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
        let path = journal::target_path(&path)?;
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
            path: journal::target_path(&path)?.as_text(),
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
    if targets.len() > ErasePlan::MAX_TARGETS {
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
        started: fields::unix_seconds(fields::now()),
        targets,
    };
    let (text, writer) = plan.encode();
    let mut engine = Engine::new(root, rng, progress)?;
    #[cfg(feature = "__test-hooks")]
    {
        engine.hook = hook;
    }
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
    let mut engine = Engine::new(root, SystemRandom::new(), progress)?;
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
    let engine = Engine::new(root, SystemRandom::new(), None)?;
    engine.retire_own_file(&file, REPORT_NAME, REPORT_TMP_NAME)
}

pub(crate) fn discard_state(root: &Path) -> Result<(), Error> {
    let root = fsops::open_root(root)?;
    fsops::lock(&root)?;
    let engine = Engine::new(root, SystemRandom::new(), None)?;
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
