//! The erase journal: the plan, written and `fsync`ed under the root before
//! anything is touched, then progress appended as steps complete. Once
//! finished, the journal *is* the persisted report: it is renamed to the
//! report's name and read back by `resume` until acknowledged.
//!
//! Layout (checked lines, see [`codec`](crate::codec)):
//!
//! ```text
//! iot-erase-journal 1 <id> <started> <n>      header
//! target <kind> <label>                       n times: the plan, in run order
//! rename <i> <name> <bytes> <linked>          file target i was overwritten and
//!                                             verified and gets that name next
//! count <i> <bytes> <files> <dirs> <links> <linked> <special> <verified>
//!                                             cumulative progress of directory target i
//! done <i> <entry fields>                     target i finished (see report.rs)
//! finish <finished> <resumed>                 every target done; nothing follows
//! ```
//!
//! The plan part is created atomically (temporary file, `fsync`, rename,
//! `fsync` of the root), so a journal that exists has a complete plan: any
//! defect there is [`Error::Journal`]. Progress records are appended; a power
//! loss can leave the last ones torn or zero-filled (only some records are
//! `fdatasync`ed, see `run`), so reading stops at the first record whose
//! check fails. A record whose check holds but whose content makes no sense
//! was written deliberately by someone else: that is [`Error::Journal`] too.
//!
//! The name a file target gets before it is unlinked is derived from the
//! erase id and the target index ([`derived_name`]): `resume` finds it
//! without a record, and a `rename` record naming anything else is rejected.

use ring::digest;

use crate::Error;

use crate::codec::{
    LineError, LineReader, LineWriter, bool_field, hex_encode, parse_bool, parse_u64,
};
use crate::path::{RANDOM_NAME_PREFIX, RelPath};
use crate::plan::MAX_TARGETS;
use crate::report::{
    ENTRY_FIELDS, EraseReport, Target, TargetReport, entry_fields, from_unix_seconds, is_valid_id,
    parse_entry, parse_target, target_fields,
};

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
        .filter(|&c| c <= MAX_TARGETS)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::text_field;
    use crate::report;
    use crate::report::{Method, Outcome};
    use proptest::prelude::*;

    fn plan() -> JournalPlan {
        JournalPlan {
            id: "00112233445566778899aabbccddeeff".into(),
            started: 1_700_000_000,
            targets: vec![
                Target::CryptoErase {
                    name: "store".into(),
                },
                Target::File { path: "a/b".into() },
                Target::Dir { path: ".".into() },
                Target::Custom {
                    name: "cloud".into(),
                },
            ],
        }
    }

    fn full_journal() -> String {
        let (mut text, mut w) = plan().encode();
        let mut crypto = TargetReport::new(plan().targets[0].clone());
        crypto.method = Method::CryptoErase;
        crypto.outcome = Outcome::Erased;
        text.push_str(&done_record(&mut w, 0, &crypto));
        text.push_str(&rename_record(
            &mut w,
            1,
            &Renamed {
                name: derived_name(&plan().id, 1),
                bytes: 10,
                hard_linked: true,
            },
        ));
        text.push_str(&count_record(
            &mut w,
            2,
            &Counters {
                bytes: 5,
                files: 1,
                all_verified: true,
                ..Counters::default()
            },
        ));
        text
    }

    /// The plan, progress records and `done` records of the golden files in
    /// `tests/data/`: every record kind, every target kind and every
    /// outcome code.
    fn golden_records() -> (String, String) {
        use crate::report::{FailReason, RefuseReason, SkipReason};
        let plan = JournalPlan {
            id: "00112233445566778899aabbccddeeff".into(),
            started: 1_700_000_000,
            targets: vec![
                Target::CryptoErase {
                    name: "secure element key".into(),
                },
                Target::File {
                    path: "wifi.conf".into(),
                },
                Target::File {
                    path: "a/b.txt".into(),
                },
                Target::Dir {
                    path: "user".into(),
                },
                Target::Dir { path: ".".into() },
                Target::Dir { path: "dev".into() },
                Target::File {
                    path: "link".into(),
                },
                Target::Dir {
                    path: "through/link".into(),
                },
                Target::Custom {
                    name: "Cloud account deletion".into(),
                },
                Target::Custom {
                    name: "crashy".into(),
                },
                Target::Memory {
                    name: "session key é".into(),
                },
                Target::File {
                    path: "grows".into(),
                },
                Target::Dir {
                    path: "full".into(),
                },
            ],
        };
        let outcomes = [
            (Method::CryptoErase, Outcome::Erased),
            (
                Method::Overwrite,
                Outcome::Failed(FailReason::VerifyMismatch),
            ),
            (Method::None, Outcome::NotFound),
            (
                Method::Overwrite,
                Outcome::Failed(FailReason::Io(std::io::ErrorKind::StorageFull)),
            ),
            (Method::Overwrite, Outcome::Failed(FailReason::TooDeep)),
            (Method::None, Outcome::Skipped(SkipReason::SpecialFile)),
            (Method::RemoveLink, Outcome::Erased),
            (Method::None, Outcome::Refused(RefuseReason::LinkedParent)),
            (
                Method::CustomAction,
                Outcome::Failed(FailReason::Action("server unreachable".into())),
            ),
            (Method::CustomAction, Outcome::Failed(FailReason::Panicked)),
            (Method::None, Outcome::Interrupted),
            (
                Method::Overwrite,
                Outcome::Failed(FailReason::ChangedDuringErase),
            ),
            (
                Method::Overwrite,
                Outcome::Failed(FailReason::TooManyEntries),
            ),
        ];
        let (mut journal, mut w) = plan.encode();
        journal.push_str(&rename_record(
            &mut w,
            1,
            &Renamed {
                name: derived_name(&plan.id, 1),
                bytes: 11,
                hard_linked: true,
            },
        ));
        journal.push_str(&count_record(
            &mut w,
            3,
            &Counters {
                bytes: 300,
                files: 2,
                dirs: 1,
                links: 1,
                hard_linked: 0,
                special: 1,
                all_verified: true,
            },
        ));
        let mut report = journal.clone();
        for (i, (method, outcome)) in outcomes.into_iter().enumerate() {
            let n = i as u64;
            let mut entry = TargetReport::new(plan.targets[i].clone());
            entry.method = method;
            entry.outcome = outcome;
            entry.bytes_overwritten = n * 7;
            entry.verified = i % 2 == 0;
            entry.files = n;
            entry.dirs = 1;
            entry.links_removed = 2;
            entry.hard_linked = 3;
            entry.special_skipped = 4;
            report.push_str(&done_record(&mut w, i, &entry));
        }
        report.push_str(&finish_record(
            &mut w,
            Finished {
                at: 1_700_000_100,
                resumed: true,
            },
        ));
        (journal, report)
    }

    /// The journal is a persisted format: journals and reports written by
    /// earlier versions must still decode, and the records this version
    /// writes must be byte-for-byte those of the golden files.
    #[test]
    fn the_format_matches_the_golden_files() {
        let golden_journal = include_str!("../tests/data/journal-v1.txt");
        let golden_report = include_str!("../tests/data/report-v1.txt");
        let (journal, report) = golden_records();
        assert_eq!(journal, golden_journal);
        assert_eq!(report, golden_report);

        let (state, _) = decode(golden_journal.as_bytes()).unwrap();
        assert_eq!(state.valid_len, golden_journal.len());
        assert_eq!(state.renamed[1].as_ref().unwrap().bytes, 11);
        assert_eq!(state.counts[3].unwrap().bytes, 300);
        assert!(state.done.iter().all(Option::is_none));

        let decoded = decode_report(golden_report.as_bytes()).unwrap();
        assert_eq!(decoded.entries.len(), 13);
        assert!(decoded.resumed && !decoded.is_complete());
        assert_eq!(
            decoded.entries[8].outcome,
            Outcome::Failed(crate::FailReason::Action("server unreachable".into()))
        );
        assert_eq!(
            decoded.entries[3].outcome,
            Outcome::Failed(crate::FailReason::Io(std::io::ErrorKind::StorageFull))
        );
    }

    #[test]
    fn journal_round_trips() {
        let text = full_journal();
        let (state, _) = decode(text.as_bytes()).unwrap();
        assert_eq!(state.plan, plan());
        assert_eq!(state.done[0].as_ref().unwrap().outcome, Outcome::Erased);
        assert_eq!(state.renamed[1].as_ref().unwrap().bytes, 10);
        assert_eq!(state.counts[2].unwrap().files, 1);
        assert_eq!(state.valid_len, text.len());
    }

    fn finished_journal() -> String {
        let (mut text, mut w) = plan().encode();
        for (i, target) in plan().targets.iter().enumerate() {
            let mut entry = TargetReport::new(target.clone());
            entry.outcome = Outcome::Erased;
            text.push_str(&done_record(&mut w, i, &entry));
        }
        text.push_str(&finish_record(
            &mut w,
            Finished {
                at: 1_700_000_100,
                resumed: true,
            },
        ));
        text
    }

    #[test]
    fn a_finished_journal_is_the_report() {
        let text = finished_journal();
        let report = decode_report(text.as_bytes()).unwrap();
        assert_eq!(report.id, plan().id);
        assert!(report.resumed && report.is_complete());
        assert_eq!(report.entries.len(), plan().targets.len());
        assert_eq!(report::unix_seconds(report.finished), 1_700_000_100);
        // A report is strict: nothing may follow, nothing may be missing.
        assert_eq!(
            decode_report(format!("{text}x").as_bytes()),
            Err(Error::Journal)
        );
        assert_eq!(
            decode_report(&text.as_bytes()[..text.len() - 1]),
            Err(Error::Journal)
        );
        assert_eq!(
            decode_report(full_journal().as_bytes()),
            Err(Error::Journal)
        );
        for i in (0..text.len()).step_by(11) {
            let mut bytes = text.clone().into_bytes();
            bytes[i] ^= 0x01;
            assert_eq!(decode_report(&bytes), Err(Error::Journal), "byte {i}");
        }
    }

    #[test]
    fn the_largest_journal_fits_its_bound() {
        // The largest plan: every target a file with the longest path.
        let long = vec!["n".repeat(200); 5].join("/");
        assert_eq!(long.len(), 1004);
        let plan = JournalPlan {
            id: "00112233445566778899aabbccddeeff".into(),
            started: u64::MAX,
            targets: vec![Target::File { path: long }; MAX_TARGETS],
        };
        let (mut text, mut w) = plan.encode();
        assert!(text.len() as u64 <= COUNT_RECORDS_LIMIT);
        // Optional records up to the limit, plus one that crosses it.
        let counters = Counters {
            bytes: u64::MAX,
            files: u64::MAX,
            dirs: u64::MAX,
            links: u64::MAX,
            hard_linked: u64::MAX,
            special: u64::MAX,
            all_verified: true,
        };
        while text.len() as u64 <= COUNT_RECORDS_LIMIT {
            let mut w2 = w.clone();
            text.push_str(&count_record(&mut w2, MAX_TARGETS - 1, &counters));
        }
        // Then every target's largest `done` record and `finish`.
        let mut tail = String::new();
        for (i, target) in plan.targets.iter().enumerate() {
            let mut entry = TargetReport::new(target.clone());
            entry.outcome = Outcome::Failed(crate::FailReason::Action("é".repeat(200)));
            entry.bytes_overwritten = u64::MAX;
            tail.push_str(&done_record(&mut w, i, &entry));
        }
        tail.push_str(&finish_record(
            &mut w,
            Finished {
                at: u64::MAX,
                resumed: true,
            },
        ));
        assert!(
            text.len() + tail.len() <= MAX_JOURNAL_BYTES,
            "{}",
            text.len() + tail.len()
        );
    }

    #[test]
    fn a_torn_tail_is_cut_and_the_chain_continues() {
        let text = full_journal();
        let cut = text.len() - 5;
        let (state, mut w) = decode(&text.as_bytes()[..cut]).unwrap();
        assert!(state.counts[2].is_none(), "torn record ignored");
        assert!(state.valid_len < cut);
        // Appending after the valid part yields a readable journal.
        let mut repaired = text.as_bytes()[..state.valid_len].to_vec();
        let entry = TargetReport::new(plan().targets[3].clone());
        repaired.extend_from_slice(done_record(&mut w, 3, &entry).as_bytes());
        let (again, _) = decode(&repaired).unwrap();
        assert!(again.done[3].is_some());
    }

    #[test]
    fn zero_filled_tail_is_a_torn_tail() {
        let mut bytes = full_journal().into_bytes();
        bytes.extend_from_slice(&[0u8; 300]);
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn a_damaged_plan_is_rejected() {
        let (text, _) = plan().encode();
        for cut in [0, 10, text.len() - 1] {
            assert_eq!(decode(&text.as_bytes()[..cut]).err(), Some(Error::Journal));
        }
    }

    #[test]
    fn records_that_make_no_sense_are_rejected() {
        let (text, w) = plan().encode();
        let bad = |record: &dyn Fn(&mut LineWriter) -> String| {
            let mut w = w.clone();
            let data = format!("{text}{}", record(&mut w));
            decode(data.as_bytes()).err()
        };
        let renamed = Renamed {
            name: derived_name(&plan().id, 1),
            bytes: 1,
            hard_linked: false,
        };
        // rename of a directory target, an index out of range, a name that
        // is not one of ours, a double done, an unknown record.
        assert_eq!(
            bad(&|w| rename_record(w, 2, &renamed)),
            Some(Error::Journal)
        );
        assert_eq!(
            bad(&|w| rename_record(w, 9, &renamed)),
            Some(Error::Journal)
        );
        let outside = Renamed {
            name: "../../etc/passwd".into(),
            ..renamed.clone()
        };
        assert_eq!(
            bad(&|w| rename_record(w, 1, &outside)),
            Some(Error::Journal)
        );
        let entry = TargetReport::new(plan().targets[1].clone());
        assert_eq!(
            bad(&|w| {
                let first = done_record(w, 1, &entry);
                first + &done_record(w, 1, &entry)
            }),
            Some(Error::Journal)
        );
        assert_eq!(bad(&|w| w.line(&["format", "c:"])), Some(Error::Journal));
    }

    #[test]
    fn journal_paths_that_escape_are_rejected() {
        for path in ["../x", "/etc/passwd", "a/../b", "a//b", "./a"] {
            let mut w = LineWriter::new(JOURNAL_DOMAIN);
            let mut text = w.line(&[
                JOURNAL_MAGIC,
                "1",
                "00112233445566778899aabbccddeeff",
                "1",
                "1",
            ]);
            text.push_str(&w.line(&["target", "file", &text_field(path)]));
            assert_eq!(
                decode(text.as_bytes()).err(),
                Some(Error::Journal),
                "{path}"
            );
        }
    }

    fn confined(path: &RelPath) -> bool {
        path.components().iter().all(|c| {
            !c.is_empty() && c != "." && c != ".." && !c.contains('/') && !c.contains('\0')
        })
    }

    fn arb_target() -> impl Strategy<Value = Target> {
        let name = "[a-zA-Z0-9 é._-]{1,24}";
        let path = proptest::collection::vec("[a-z0-9._-]{1,8}", 1..5).prop_filter_map(
            "plain names only",
            |parts| {
                let text = parts.join("/");
                RelPath::parse_text(&text)
                    .ok()
                    .filter(|p| !p.is_root())
                    .map(|p| p.as_text())
            },
        );
        prop_oneof![
            name.prop_map(|name| Target::CryptoErase { name }),
            path.clone().prop_map(|path| Target::File { path }),
            path.prop_map(|path| Target::Dir { path }),
            Just(Target::Dir { path: ".".into() }),
            name.prop_map(|name| Target::Custom { name }),
            name.prop_map(|name| Target::Memory { name }),
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_and_never_escape(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok((state, _)) = decode(&data) {
                prop_assert!(state.paths().iter().all(confined));
            }
            if let Ok(state) = decode_without_checks(&data) {
                prop_assert!(state.paths().iter().all(confined));
            }
        }

        #[test]
        fn edited_journals_are_rejected_or_stay_confined(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        ) {
            let mut data = full_journal().into_bytes();
            for (at, byte) in edits {
                let i = at.index(data.len());
                data[i] = byte;
            }
            if let Ok((state, _)) = decode(&data) {
                prop_assert!(state.paths().iter().all(confined));
                prop_assert!(state.valid_len <= data.len());
            }
            if let Ok(state) = decode_without_checks(&data) {
                prop_assert!(state.paths().iter().all(confined));
            }
        }

        #[test]
        fn plans_round_trip(
            id in "[0-9a-f]{32}",
            started in any::<u64>(),
            targets in proptest::collection::vec(arb_target(), 0..24),
        ) {
            let plan = JournalPlan { id, started, targets };
            let (text, _) = plan.encode();
            let (state, _) = decode(text.as_bytes()).unwrap();
            prop_assert_eq!(state.plan, plan);
            prop_assert_eq!(state.valid_len, text.len());
        }
    }
}
