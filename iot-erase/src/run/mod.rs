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
    self, JOURNAL_NAME, JOURNAL_TMP_NAME, JournalPlan, JournalState, MAX_JOURNAL_BYTES, OWN_FILES,
    REPORT_NAME, REPORT_TMP_NAME, fields,
};
use crate::path::is_valid_label;
use crate::plan::{ErasePlan, ProgressCallback};
use crate::report::{EraseReport, Target, TargetReport};
use engine::{Actions, Engine, JournalFile, RunAction, into_result};

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

    // The code of every step, in run order, taken before anything can
    // fail: dropping it zeroizes the memory buffers on every way out (E3).
    let mut actions = Actions::default();
    let mut crypto_names = Vec::new();
    for (name, target, method) in crypto {
        crypto_names.push(name);
        actions.0.push(Some(RunAction::Crypto(target, method)));
    }
    actions.0.extend(files.iter().chain(&dirs).map(|_| None));
    let mut custom_names = Vec::new();
    for (name, action) in custom {
        custom_names.push(name);
        actions.0.push(Some(RunAction::Custom(action)));
    }
    let mut memory_names = Vec::new();
    for (name, zeroize) in memory {
        memory_names.push(name);
        actions.0.push(Some(RunAction::Memory(zeroize)));
    }

    // Everything is validated before anything is touched.
    let label = |name: String| {
        if is_valid_label(&name) {
            Ok(name)
        } else {
            Err(Error::InvalidTarget)
        }
    };
    let mut targets = Vec::new();
    for name in crypto_names {
        targets.push(Target::CryptoErase { name: label(name)? });
    }
    for path in files {
        let path = journal::target_path(&path)?;
        if path.is_root() {
            return Err(Error::InvalidTarget);
        }
        targets.push(Target::File {
            path: path.as_text(),
        });
    }
    for path in dirs {
        targets.push(Target::Dir {
            path: journal::target_path(&path)?.as_text(),
        });
    }
    for name in custom_names {
        targets.push(Target::Custom { name: label(name)? });
    }
    for name in memory_names {
        targets.push(Target::Memory { name: label(name)? });
    }
    if targets.len() > ErasePlan::MAX_TARGETS {
        return Err(Error::InvalidTarget);
    }

    let rng = SystemRandom::new();
    let root = fsops::open_root(&root)?;
    let (_lock, moved) = fsops::lock(&root, &rng)?;
    let id = fsops::random_id(&rng)?;
    let mut engine = Engine::new(root, rng, progress)?;
    #[cfg(feature = "__test-hooks")]
    {
        engine.hook = hook;
    }
    // Squatters on this crate's names go first, and are reported first:
    // anything but a regular file under the journal's name is not a journal
    // (E2); a regular one is an interrupted erase.
    let cleared = engine.clear_reserved(moved)?;
    match fsops::classify(engine.root.as_fd(), OsStr::new(JOURNAL_NAME)) {
        Ok(Kind::Missing) => {}
        Ok(_) => return Err(Error::Pending),
        Err(e) => return Err(Error::io("looking for an interrupted erase")(e)),
    }
    let mut done: Vec<Option<TargetReport>> = cleared.into_iter().map(Some).collect();
    let mut all_targets: Vec<Target> = done
        .iter()
        .flatten()
        .map(|entry| entry.target.clone())
        .collect();
    let mut all_actions = Actions::default();
    all_actions.0.extend(done.iter().map(|_| None));
    all_actions.0.append(&mut actions.0);
    all_targets.extend(targets);
    done.resize(all_targets.len(), None);

    let plan = JournalPlan {
        id,
        started: fields::unix_seconds(fields::now()),
        targets: all_targets,
    };
    let count = plan.targets.len();
    let mut state = JournalState {
        plan,
        renamed: vec![None; count],
        counts: vec![None; count],
        done,
        finished: None,
        valid_len: 0,
    };
    engine.remove_own_file(JOURNAL_TMP_NAME);
    let (file, text, writer) = loop {
        // The plan, with the entries already done before it existed.
        let (mut text, mut writer) = state.plan.encode();
        for (index, entry) in state.done.iter().enumerate() {
            if let Some(entry) = entry {
                text.push_str(&journal::done_record(&mut writer, index, entry));
            }
        }
        let written = fsops::write_own_file_atomically(
            &engine.root,
            JOURNAL_TMP_NAME,
            JOURNAL_NAME,
            text.as_bytes(),
            "writing the erase journal",
        );
        let e = match written {
            Ok(file) => break (file, text, writer),
            Err(e) => e,
        };
        engine.remove_own_file(JOURNAL_TMP_NAME);
        // E5: on a full file system the journal must not be what blocks the
        // reset. Overwriting in place and unlinking need no new space: the
        // next file or directory target is erased now, before the journal
        // exists (a power cut here leaves no journal, and nothing was
        // confirmed), and the journal is tried again with its entry.
        let full = matches!(
            e,
            Error::Io {
                kind: std::io::ErrorKind::StorageFull,
                ..
            }
        );
        let next = state.plan.targets.iter().enumerate().position(|(i, t)| {
            matches!(t, Target::File { .. } | Target::Dir { .. })
                && state.done.get(i).is_some_and(Option::is_none)
        });
        let (true, Some(index)) = (full, next) else {
            return Err(e);
        };
        let Some(target) = state.plan.targets.get(index).cloned() else {
            return Err(e);
        };
        engine.reporter.progress.targets = state.plan.targets.len();
        engine.reporter.progress.target = index;
        let entry = engine.erase_path(target, index, &mut state, None)?;
        if let Some(slot) = state.done.get_mut(index) {
            *slot = Some(entry);
        }
    };
    state.valid_len = text.len();
    let journal = JournalFile::new(file, writer, u64::try_from(text.len()).unwrap_or(u64::MAX));
    engine.run(state, journal, all_actions, false)
}

pub(crate) fn resume(
    root: &Path,
    progress: Option<ProgressCallback>,
) -> Result<Option<EraseReport>, Error> {
    let rng = SystemRandom::new();
    let root = fsops::open_root(root)?;
    let (_lock, moved) = fsops::lock(&root, &rng)?;
    let mut engine = Engine::new(root, rng, progress)?;
    // Anything under this crate's names that is not its file (E2).
    engine.clear_reserved(moved)?;
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
    let journal = JournalFile::new(file, writer, valid_len);
    let mut actions = Actions::default();
    actions
        .0
        .extend((0..state.plan.targets.len()).map(|_| None));
    engine.run(state, journal, actions, true).map(Some)
}

pub(crate) fn acknowledge(root: &Path, id: &str) -> Result<(), Error> {
    let rng = SystemRandom::new();
    let root = fsops::open_root(root)?;
    let (_lock, moved) = fsops::lock(&root, &rng)?;
    let mut engine = Engine::new(root, rng, None)?;
    engine.clear_reserved(moved)?;
    let Some((file, data)) = fsops::read_own_file(&engine.root, REPORT_NAME, MAX_JOURNAL_BYTES)?
    else {
        return Ok(());
    };
    // Only the report that was shown is removed; a newer one stays.
    if journal::decode_report(&data)?.id != id {
        return Ok(());
    }
    engine.retire_own_file(&file, REPORT_NAME, REPORT_TMP_NAME)
}

pub(crate) fn discard_state(root: &Path) -> Result<(), Error> {
    let rng = SystemRandom::new();
    let root = fsops::open_root(root)?;
    let (_lock, moved) = fsops::lock(&root, &rng)?;
    let mut engine = Engine::new(root, rng, None)?;
    engine.clear_reserved(moved)?;
    for name in OWN_FILES {
        engine.remove_own_file(name);
        match fsops::classify(engine.root.as_fd(), OsStr::new(name)) {
            Ok(Kind::Missing) => {}
            Ok(_) => {
                return Err(Error::Io {
                    during: "removing the erase journal",
                    kind: std::io::ErrorKind::Other,
                });
            }
            Err(e) => return Err(Error::io("removing the erase journal")(e)),
        }
    }
    Ok(())
}
