use std::fs;
use std::path::Path;

use super::resume;
use crate::Error;
use crate::journal::codec::LineWriter;
use crate::journal::{
    self, Finished, JOURNAL_NAME, JOURNAL_TMP_NAME, JournalPlan, REPORT_NAME, REPORT_TMP_NAME,
    Renamed,
};
use crate::report::{Method, Outcome, Target, TargetReport};

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

/// The names in `root`, without the lock file every run leaves (X1: it is
/// kept, empty, so that the next run need not create it).
fn names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != journal::LOCK_NAME)
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
    // E4: what is under the derived name is overwritten and verified again
    // before the unlink, so both passes count.
    assert_eq!(
        (entry.files, entry.bytes_overwritten, entry.verified),
        (1, 22, true)
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
