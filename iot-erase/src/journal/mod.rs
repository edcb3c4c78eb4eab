//! The erase journal: the plan, written and `fsync`ed under the root before
//! anything is touched, then progress appended as steps complete. Once
//! finished, the journal *is* the persisted report: it is renamed to the
//! report's name and read back by `resume` until acknowledged.
//!
//! Layout (checked lines, see [`codec`]; the fields are in [`fields`]):
//!
//! ```text
//! iot-erase-journal 1 <id> <started> <n>      header
//! target <kind> <label>                       n times: the plan, in run order
//! rename <i> <name> <bytes> <linked>          file target i was overwritten and
//!                                             verified and gets that name next
//! count <i> <bytes> <files> <dirs> <links> <linked> <special> <verified>
//!                                             cumulative progress of directory target i
//! done <i> <entry fields>                     target i finished (`fields::entry_fields`)
//! finish <finished> <resumed>                 every target done; nothing follows
//! ```
//!
//! The plan part is created atomically (temporary file, `fsync`, rename,
//! `fsync` of the root), so a journal that exists has a complete plan: any
//! defect there is [`Error::Journal`]. Progress records are appended; a power
//! loss can leave the last ones torn or zero-filled (only some records are
//! `fdatasync`ed, see [`run`](crate::run)), so reading stops at the first record whose
//! check fails. A record whose check holds but whose content makes no sense
//! was written deliberately by someone else: that is [`Error::Journal`] too.
//!
//! The name a file target gets before it is unlinked is derived from the
//! erase id and the target index ([`derived_name`]): `resume` finds it
//! without a record, and a `rename` record naming anything else is rejected.

pub(crate) mod codec;
pub(crate) mod fields;
#[cfg(test)]
mod tests;

use std::path::Path;

use ring::digest;

use crate::path::{RANDOM_NAME_PREFIX, RelPath};
use crate::report::{EraseReport, Target, TargetReport};
use crate::{ErasePlan, Error};
use codec::{LineError, LineReader, LineWriter, bool_field, hex_encode, parse_bool, parse_u64};
use fields::{
    ENTRY_FIELDS, entry_fields, from_unix_seconds, is_valid_id, parse_entry, parse_target,
    target_fields,
};

/// Names this crate keeps directly under the root. They are never targets and
/// a directory walk of the root itself leaves them alone.
pub(crate) const JOURNAL_NAME: &str = ".iot-erase-journal";
pub(crate) const JOURNAL_TMP_NAME: &str = ".iot-erase-journal.tmp";
pub(crate) const REPORT_NAME: &str = ".iot-erase-report";
pub(crate) const REPORT_TMP_NAME: &str = ".iot-erase-report.tmp";
/// The empty file an erase locks (X1: not the root, which anyone who can
/// read it could lock). Created `0600` and kept.
pub(crate) const LOCK_NAME: &str = ".iot-erase-lock";
/// The files that hold the journal or the report, under one name or another.
pub(crate) const OWN_FILES: [&str; 4] =
    [JOURNAL_NAME, JOURNAL_TMP_NAME, REPORT_NAME, REPORT_TMP_NAME];
pub(crate) const RESERVED_NAMES: [&str; 5] = [
    JOURNAL_NAME,
    JOURNAL_TMP_NAME,
    REPORT_NAME,
    REPORT_TMP_NAME,
    LOCK_NAME,
];

/// A file or directory target's path: [`RelPath::parse`], and not one of
/// this crate's own files ([`RESERVED_NAMES`], only directly under the root).
///
/// # Errors
///
/// As [`RelPath::parse`], and [`Error::InvalidTarget`] for a reserved name.
pub(crate) fn target_path(path: &Path) -> Result<RelPath, Error> {
    let path = RelPath::parse(path)?;
    if let Some((last, [])) = path.split_last()
        && RESERVED_NAMES.contains(&last.as_str())
    {
        return Err(Error::InvalidTarget);
    }
    Ok(path)
}

const JOURNAL_DOMAIN: &str = "iot-erase journal v1";
const JOURNAL_MAGIC: &str = "iot-erase-journal";
const FORMAT_VERSION: &str = "1";

/// Largest journal accepted, in bytes.
pub(crate) const MAX_JOURNAL_BYTES: usize = 1 << 20;
/// Above this size no more `count` or `rename` records are written (both are
/// optional), so the `done` and `finish` records always fit; see the test
/// `the_largest_journal_fits_its_bound`.
pub(crate) const COUNT_RECORDS_LIMIT: u64 = 768 * 1024;

/// The plan as journaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JournalPlan {
    pub(crate) id: String,
    pub(crate) started: u64,
    pub(crate) targets: Vec<Target>,
}

/// A file target that was overwritten, verified and is (being) renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Renamed {
    pub(crate) name: String,
    pub(crate) bytes: u64,
    pub(crate) hard_linked: bool,
}

/// Cumulative progress inside a directory target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub(crate) bytes: u64,
    pub(crate) files: u64,
    pub(crate) dirs: u64,
    pub(crate) links: u64,
    pub(crate) hard_linked: u64,
    pub(crate) special: u64,
    /// No overwrite so far failed its read-back.
    pub(crate) all_verified: bool,
}

/// The last record of a finished erase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Finished {
    pub(crate) at: u64,
    pub(crate) resumed: bool,
}

/// Everything a journal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JournalState {
    pub(crate) plan: JournalPlan,
    pub(crate) renamed: Vec<Option<Renamed>>,
    pub(crate) counts: Vec<Option<Counters>>,
    pub(crate) done: Vec<Option<TargetReport>>,
    pub(crate) finished: Option<Finished>,
    /// Bytes of valid records; anything after is a torn tail to cut off
    /// before appending.
    pub(crate) valid_len: usize,
}

impl JournalPlan {
    /// The plan part of a journal, and the writer to continue its chain.
    pub(crate) fn encode(&self) -> (String, LineWriter) {
        let mut writer = LineWriter::new(JOURNAL_DOMAIN);
        let mut out = writer.line(&[
            JOURNAL_MAGIC,
            FORMAT_VERSION,
            &self.id,
            &self.started.to_string(),
            &self.targets.len().to_string(),
        ]);
        for target in &self.targets {
            let (kind, label) = target_fields(target);
            out.push_str(&writer.line(&["target", kind, &label]));
        }
        (out, writer)
    }
}

/// The name file target `index` of erase `id` gets just before it is
/// unlinked: `.iot-erase-` and 32 hex digits of SHA-256 over both. The id is
/// random, so the name cannot be guessed before the erase starts; derived,
/// so `resume` finds the file without a record that had to be synced first.
pub(crate) fn derived_name(id: &str, index: usize) -> String {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(b"iot-erase rename v1\0");
    ctx.update(id.as_bytes());
    ctx.update(&u64::try_from(index).unwrap_or(u64::MAX).to_be_bytes());
    let digest = ctx.finish();
    let bytes = digest.as_ref().get(..16).unwrap_or_default();
    format!("{RANDOM_NAME_PREFIX}{}", hex_encode(bytes))
}

/// Record encoders, continuing a chain.
pub(crate) fn rename_record(writer: &mut LineWriter, index: usize, r: &Renamed) -> String {
    writer.line(&[
        "rename",
        &index.to_string(),
        &r.name,
        &r.bytes.to_string(),
        bool_field(r.hard_linked),
    ])
}

pub(crate) fn count_record(writer: &mut LineWriter, index: usize, c: &Counters) -> String {
    writer.line(&[
        "count",
        &index.to_string(),
        &c.bytes.to_string(),
        &c.files.to_string(),
        &c.dirs.to_string(),
        &c.links.to_string(),
        &c.hard_linked.to_string(),
        &c.special.to_string(),
        bool_field(c.all_verified),
    ])
}

pub(crate) fn finish_record(writer: &mut LineWriter, finished: Finished) -> String {
    writer.line(&[
        "finish",
        &finished.at.to_string(),
        bool_field(finished.resumed),
    ])
}

pub(crate) fn done_record(writer: &mut LineWriter, index: usize, entry: &TargetReport) -> String {
    let mut fields = vec!["done".to_owned(), index.to_string()];
    fields.extend(entry_fields(entry));
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    writer.line(&refs)
}

fn index_of(field: &str, targets: &[Target]) -> Result<usize, Error> {
    parse_u64(field)
        .and_then(|i| usize::try_from(i).ok())
        .filter(|&i| i < targets.len())
        .ok_or(Error::Journal)
}

/// Reads a journal: the plan strictly, then progress up to the first torn
/// record. Returns the state and a writer that continues the chain after the
/// last valid record.
pub(crate) fn decode(data: &[u8]) -> Result<(JournalState, LineWriter), Error> {
    decode_from(LineReader::new(JOURNAL_DOMAIN, data), data.len())
}

/// [`decode`] without verifying the check chain: for the fuzz target only,
/// so it reaches the validation of record contents.
#[cfg(any(test, fuzzing))]
pub(crate) fn decode_without_checks(data: &[u8]) -> Result<JournalState, Error> {
    decode_from(LineReader::without_checks(JOURNAL_DOMAIN, data), data.len()).map(|(s, _)| s)
}

fn decode_from(
    mut reader: LineReader<'_>,
    len: usize,
) -> Result<(JournalState, LineWriter), Error> {
    if len > MAX_JOURNAL_BYTES {
        return Err(Error::Journal);
    }
    let mut strict = || -> Result<Vec<&str>, Error> {
        reader
            .next_line()
            .ok_or(Error::Journal)?
            .map_err(|_| Error::Journal)
    };
    let header = strict()?;
    let [magic, version, id, started, count] = header.as_slice() else {
        return Err(Error::Journal);
    };
    if *magic != JOURNAL_MAGIC || *version != FORMAT_VERSION || !is_valid_id(id) {
        return Err(Error::Journal);
    }
    let started = parse_u64(started).ok_or(Error::Journal)?;
    let count = parse_u64(count)
        .and_then(|c| usize::try_from(c).ok())
        .filter(|&c| c <= ErasePlan::MAX_TARGETS)
        .ok_or(Error::Journal)?;
    let mut targets = Vec::with_capacity(count);
    for _ in 0..count {
        let fields = strict()?;
        let ["target", kind, label] = fields.as_slice() else {
            return Err(Error::Journal);
        };
        targets.push(parse_target(kind, label)?);
    }
    let plan = JournalPlan {
        id: (*id).to_owned(),
        started,
        targets,
    };
    let mut state = JournalState {
        renamed: vec![None; count],
        counts: vec![None; count],
        done: vec![None; count],
        finished: None,
        valid_len: 0,
        plan,
    };
    loop {
        let fields = match reader.next_line() {
            None => break,
            Some(Ok(fields)) => fields,
            // A torn or zero-filled tail after a power loss: everything the
            // erase `fsync`ed before it is intact, the rest is redone.
            Some(Err(LineError::Torn | LineError::Bad)) => break,
        };
        apply(&mut state, &fields)?;
    }
    state.valid_len = reader.position();
    let writer = LineWriter::continue_after(&reader);
    Ok((state, writer))
}

fn apply(state: &mut JournalState, fields: &[&str]) -> Result<(), Error> {
    if state.finished.is_some() {
        // Nothing is ever written after `finish`.
        return Err(Error::Journal);
    }
    let targets = &state.plan.targets;
    match fields {
        ["rename", index, name, bytes, linked] => {
            let i = index_of(index, targets)?;
            let is_file = matches!(targets.get(i), Some(Target::File { .. }));
            if !is_file
                || *name != derived_name(&state.plan.id, i)
                || state.done.get(i).is_some_and(Option::is_some)
            {
                return Err(Error::Journal);
            }
            let renamed = Renamed {
                name: (*name).to_owned(),
                bytes: parse_u64(bytes).ok_or(Error::Journal)?,
                hard_linked: parse_bool(linked).ok_or(Error::Journal)?,
            };
            if let Some(slot) = state.renamed.get_mut(i) {
                *slot = Some(renamed);
            }
        }
        [
            "count",
            index,
            bytes,
            files,
            dirs,
            links,
            linked,
            special,
            verified,
        ] => {
            let i = index_of(index, targets)?;
            let is_dir = matches!(targets.get(i), Some(Target::Dir { .. }));
            if !is_dir || state.done.get(i).is_some_and(Option::is_some) {
                return Err(Error::Journal);
            }
            let number = |f: &str| parse_u64(f).ok_or(Error::Journal);
            let counters = Counters {
                bytes: number(bytes)?,
                files: number(files)?,
                dirs: number(dirs)?,
                links: number(links)?,
                hard_linked: number(linked)?,
                special: number(special)?,
                all_verified: parse_bool(verified).ok_or(Error::Journal)?,
            };
            if let Some(slot) = state.counts.get_mut(i) {
                *slot = Some(counters);
            }
        }
        ["done", index, rest @ ..] if rest.len() == ENTRY_FIELDS => {
            let i = index_of(index, targets)?;
            let target = targets.get(i).cloned().ok_or(Error::Journal)?;
            let entry = parse_entry(target, rest)?;
            match state.done.get_mut(i) {
                Some(slot @ None) => *slot = Some(entry),
                _ => return Err(Error::Journal),
            }
        }
        ["finish", at, resumed] => {
            if state.done.iter().any(Option::is_none) {
                return Err(Error::Journal);
            }
            state.finished = Some(Finished {
                at: parse_u64(at).ok_or(Error::Journal)?,
                resumed: parse_bool(resumed).ok_or(Error::Journal)?,
            });
        }
        _ => return Err(Error::Journal),
    }
    Ok(())
}

/// Reads a persisted report: a finished journal, every byte valid.
pub(crate) fn decode_report(data: &[u8]) -> Result<EraseReport, Error> {
    let (state, _) = decode(data)?;
    if state.valid_len != data.len() {
        return Err(Error::Journal);
    }
    state.report().ok_or(Error::Journal)
}

impl JournalState {
    /// The report of a finished journal.
    pub(crate) fn report(&self) -> Option<EraseReport> {
        let finished = self.finished?;
        Some(EraseReport {
            id: self.plan.id.clone(),
            started: from_unix_seconds(self.plan.started)?,
            finished: from_unix_seconds(finished.at)?,
            resumed: finished.resumed,
            entries: self.done.iter().cloned().collect::<Option<Vec<_>>>()?,
        })
    }

    /// The paths a resume would act on (fuzzing and tests): every one is a
    /// validated path relative to the root.
    #[cfg(any(test, fuzzing))]
    pub(crate) fn paths(&self) -> Vec<RelPath> {
        self.plan
            .targets
            .iter()
            .filter_map(|t| match t {
                Target::File { path } | Target::Dir { path } => RelPath::parse_text(path).ok(),
                _ => None,
            })
            .collect()
    }
}
