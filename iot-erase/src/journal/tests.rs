use proptest::prelude::*;

use super::codec::text_field;
use super::fields::unix_seconds;
use super::*;
use crate::report::{Method, Outcome};

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
    let golden_journal = include_str!("../../tests/data/journal-v1.txt");
    let golden_report = include_str!("../../tests/data/report-v1.txt");
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
    assert_eq!(unix_seconds(report.finished), 1_700_000_100);
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
        targets: vec![Target::File { path: long }; ErasePlan::MAX_TARGETS],
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
        text.push_str(&count_record(
            &mut w2,
            ErasePlan::MAX_TARGETS - 1,
            &counters,
        ));
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
fn own_files_are_never_targets() {
    for name in RESERVED_NAMES {
        assert_eq!(target_path(Path::new(name)), Err(Error::InvalidTarget));
        assert_eq!(
            target_path(&Path::new(".").join(name)),
            Err(Error::InvalidTarget)
        );
    }
    // Reserved names are only reserved directly under the root.
    assert_eq!(
        target_path(Path::new("sub/.iot-erase-journal")).map(|p| p.as_text()),
        Ok("sub/.iot-erase-journal".to_owned())
    );
    assert_eq!(target_path(Path::new("../x")), Err(Error::OutsideRoot));
}

#[test]
fn journal_paths_that_escape_are_rejected() {
    for path in [
        "../x",
        "/etc/passwd",
        "a/../b",
        "a//b",
        "./a",
        ".iot-erase-journal",
    ] {
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
    path.components()
        .iter()
        .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('/') && !c.contains('\0'))
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
