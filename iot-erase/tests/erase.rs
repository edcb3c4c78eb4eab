//! Erasing on a real file system in temporary directories.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::cell::RefCell;
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use iot_erase::{
    ErasePlan, EraseReport, Error, FailReason, Method, Outcome, Phase, SkipReason, Target,
};

const MARKER: &[u8] = b"ORIGINAL-USER-DATA:";

/// Recognisable content: the marker repeated with a counter, so any
/// surviving 19-byte window of it is found by `contains_marker`.
fn original(len: usize, tag: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        out.extend_from_slice(MARKER);
        out.push(tag);
    }
    out.truncate(len);
    out
}

fn contains_marker(data: &[u8]) -> bool {
    data.windows(MARKER.len()).any(|w| w == MARKER)
}

/// The names in `dir`, without the erase's lock file (empty, and kept
/// under the root so that the next erase need not create it).
fn names_in(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = fs::read_dir(dir)?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.as_ref().map_or(true, |n| n != ".iot-erase-lock"))
        .collect::<io::Result<Vec<String>>>()?;
    names.sort();
    Ok(names)
}

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// Hard links to the targets, made beforehand, outside the root.
    links: PathBuf,
}

fn fixture() -> io::Result<Fixture> {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("root");
    let links = tmp.path().join("links");
    fs::create_dir_all(&root)?;
    fs::create_dir_all(&links)?;
    Ok(Fixture {
        _tmp: tmp,
        root,
        links,
    })
}

#[test]
fn erase_overwrites_through_hard_links_and_removes_everything() {
    let f = fixture().unwrap();
    let big = 600 * 1024 + 7; // more than two 256 KiB chunks
    fs::write(f.root.join("wifi.conf"), original(300, b'w')).unwrap();
    fs::create_dir_all(f.root.join("user/photos/2024")).unwrap();
    fs::create_dir_all(f.root.join("user/empty")).unwrap();
    fs::write(f.root.join("user/photos/2024/cat.jpg"), original(big, b'c')).unwrap();
    fs::write(f.root.join("user/notes.txt"), original(5000, b'n')).unwrap();
    fs::write(f.root.join("user/zero-length"), b"").unwrap();
    fs::write(f.root.join("keep.txt"), b"not planned").unwrap();
    fs::hard_link(f.root.join("wifi.conf"), f.links.join("wifi")).unwrap();
    fs::hard_link(f.root.join("user/photos/2024/cat.jpg"), f.links.join("cat")).unwrap();

    let report = ErasePlan::new(&f.root)
        .file("wifi.conf")
        .dir("user")
        .execute()
        .unwrap();

    // The bytes other names see are not the original content any more.
    for (link, len) in [("wifi", 300), ("cat", big)] {
        let seen = fs::read(f.links.join(link)).unwrap();
        assert_eq!(seen.len(), len, "same inode, overwritten in place");
        assert!(!contains_marker(&seen), "{link} still shows original bytes");
    }
    // Files, nested directories and the journal are gone; the report stays
    // until acknowledged; the unplanned file is untouched.
    assert_eq!(
        names_in(&f.root).unwrap(),
        [".iot-erase-report", "keep.txt"]
    );
    assert_eq!(fs::read(f.root.join("keep.txt")).unwrap(), b"not planned");

    // The report lists every target, with what was done.
    assert!(report.is_complete());
    assert!(!report.resumed);
    assert_eq!(report.entries.len(), 2);
    let file = &report.entries[0];
    assert_eq!(
        file.target,
        Target::File {
            path: "wifi.conf".into()
        }
    );
    assert_eq!(
        (
            file.method,
            &file.outcome,
            file.bytes_overwritten,
            file.verified
        ),
        (Method::Overwrite, &Outcome::Erased, 300, true)
    );
    assert_eq!((file.files, file.hard_linked), (1, 1));
    let dir = &report.entries[1];
    assert_eq!(
        dir.target,
        Target::Dir {
            path: "user".into()
        }
    );
    assert_eq!(
        (dir.method, &dir.outcome),
        (Method::Overwrite, &Outcome::Erased)
    );
    assert_eq!(dir.bytes_overwritten, (big + 5000) as u64);
    assert!(dir.verified);
    assert_eq!((dir.files, dir.dirs, dir.hard_linked), (3, 4, 1));
    assert!(report.started <= report.finished);

    let text = report.to_string();
    assert!(
        text.starts_with("Your data was erased from this device."),
        "{text}"
    );
    assert!(
        text.contains("Files overwritten, checked and deleted: 4"),
        "{text}"
    );
    assert!(text.contains("another name"), "{text}");

    // Persisted until the app has shown it.
    assert_eq!(iot_erase::resume(&f.root).unwrap(), Some(report.clone()));
    report.acknowledge(&f.root).unwrap();
    assert_eq!(names_in(&f.root).unwrap(), ["keep.txt"]);
    assert_eq!(iot_erase::resume(&f.root).unwrap(), None);
    // Acknowledging again is harmless.
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn the_root_itself_can_be_emptied_and_stays() {
    let f = fixture().unwrap();
    fs::create_dir_all(f.root.join("a/b")).unwrap();
    fs::write(f.root.join("a/b/c"), original(10, b'x')).unwrap();
    fs::write(f.root.join("top"), original(10, b'y')).unwrap();
    let report = ErasePlan::new(&f.root).dir(".").execute().unwrap();
    assert_eq!(report.entries[0].target, Target::Dir { path: ".".into() });
    assert_eq!((report.entries[0].files, report.entries[0].dirs), (2, 2));
    assert_eq!(names_in(&f.root).unwrap(), [".iot-erase-report"]);
    report.acknowledge(&f.root).unwrap();
    assert!(names_in(&f.root).unwrap().is_empty());
}

#[test]
fn missing_targets_are_reported_as_nothing_to_erase() {
    let f = fixture().unwrap();
    let report = ErasePlan::new(&f.root)
        .file("nope")
        .file("no/such/dir/file")
        .dir("gone")
        .execute()
        .unwrap();
    for entry in &report.entries {
        assert_eq!(
            (entry.method, &entry.outcome),
            (Method::None, &Outcome::NotFound)
        );
        assert!(!entry.verified);
    }
    assert!(report.is_complete());
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn custom_action_failure_is_reported_and_local_erase_continues() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(100, b'a')).unwrap();
    fs::write(f.root.join("b"), original(100, b'b')).unwrap();
    let second_ran = Rc::new(RefCell::new(false));
    let flag = Rc::clone(&second_ran);
    let err = ErasePlan::new(&f.root)
        .file("a")
        .custom("Cloud account deletion", || {
            Err("server unreachable\n\u{1b}[31m".to_owned())
        })
        .custom("Support ticket", move || {
            *flag.borrow_mut() = true;
            Ok(())
        })
        .file("b")
        .execute()
        .unwrap_err();

    let Error::Incomplete(report) = &err else {
        panic!("expected Incomplete, got {err:?}");
    };
    assert_eq!(
        err.to_string(),
        "erase incomplete: 1 of 4 targets not confirmed"
    );
    // Run order: files first, custom actions after, in plan order.
    let labels: Vec<&str> = report.entries.iter().map(|e| e.target.label()).collect();
    assert_eq!(
        labels,
        ["a", "b", "Cloud account deletion", "Support ticket"]
    );
    assert_eq!(report.entries[0].outcome, Outcome::Erased);
    assert_eq!(report.entries[1].outcome, Outcome::Erased);
    assert_eq!(
        report.entries[2].outcome,
        Outcome::Failed(FailReason::Action("server unreachable  [31m".into()))
    );
    assert_eq!(report.entries[3].outcome, Outcome::Erased);
    assert!(*second_ran.borrow());
    assert!(!f.root.join("a").exists() && !f.root.join("b").exists());
    let text = report.to_string();
    assert!(text.starts_with("The erase did NOT complete"), "{text}");
    assert!(
        text.contains("- Cloud account deletion: failed (server unreachable  [31m)."),
        "{text}"
    );
    assert!(text.contains("- Support ticket: done."), "{text}");

    // The incomplete report is persisted and comes back at boot as an error.
    assert_eq!(iot_erase::resume(&f.root), Err(err.clone()));
    report.acknowledge(&f.root).unwrap();
    assert_eq!(iot_erase::resume(&f.root), Ok(None));
}

#[test]
fn a_panicking_action_is_reported_and_the_rest_runs() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    let secret = Arc::new(Mutex::new([0x5au8; 32]));
    let err = ErasePlan::new(&f.root)
        .crypto_erase("keys", || panic!("driver bug"))
        .file("a")
        .zeroize_memory("session key", Arc::clone(&secret))
        .execute()
        .unwrap_err();
    let report = err.report().unwrap();
    assert_eq!(
        report.entries[0].outcome,
        Outcome::Failed(FailReason::Panicked)
    );
    assert_eq!(report.entries[1].outcome, Outcome::Erased);
    assert_eq!(report.entries[2].outcome, Outcome::Erased);
    assert_eq!(*secret.lock().unwrap(), [0u8; 32]);
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn crypto_erase_runs_first_and_custom_actions_last() {
    let f = fixture().unwrap();
    fs::create_dir_all(f.root.join("d")).unwrap();
    fs::write(f.root.join("d/x"), original(10, b'x')).unwrap();
    fs::write(f.root.join("f"), original(10, b'f')).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let root = f.root.clone();
    let (l1, l2, l3) = (Arc::clone(&log), Arc::clone(&log), Arc::clone(&log));
    let secret = Arc::new(Mutex::new(vec![1u8, 2, 3]));
    let seen_by_action = Arc::clone(&secret);
    // Planned in the "wrong" order on purpose: the plan fixes the order.
    let report = ErasePlan::new(&f.root)
        .custom("cloud", move || {
            // Files are gone, the secret is still there for this call.
            l1.lock().unwrap().push(format!(
                "custom files_left={} secret={:?}",
                root.join("f").exists() || root.join("d").exists(),
                seen_by_action.lock().unwrap()
            ));
            Ok(())
        })
        .zeroize_memory("token", Arc::clone(&secret))
        .dir("d")
        .file("f")
        .crypto_erase("store", {
            let root = f.root.clone();
            move || {
                l2.lock()
                    .unwrap()
                    .push(format!("crypto files_left={}", root.join("f").exists()));
                Ok(())
            }
        })
        .on_progress(move |p| {
            if p.phase == Phase::Finished {
                l3.lock().unwrap().push("finished".into());
            }
        })
        .execute()
        .unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "crypto files_left=true",
            "custom files_left=false secret=[1, 2, 3]",
            "finished"
        ]
    );
    assert!(
        secret.lock().unwrap().is_empty(),
        "Vec zeroized and cleared"
    );
    let kinds: Vec<Method> = report.entries.iter().map(|e| e.method).collect();
    assert_eq!(
        kinds,
        [
            Method::CryptoErase,
            Method::Overwrite,
            Method::Overwrite,
            Method::CustomAction,
            Method::Zeroize
        ]
    );
    let text = report.to_string();
    assert!(
        text.contains("- Encryption keys destroyed: store."),
        "{text}"
    );
    assert!(text.contains("- cloud: done."), "{text}");
    assert!(text.contains("- Secrets cleared from memory: 1."), "{text}");
    report.acknowledge(&f.root).unwrap();
}

/// What `ErasePlan::on_progress` documents for a panic in the callback: it
/// unwinds out of `execute`, the journal stays as after a power loss, and
/// `resume` finishes the erase, reporting the custom action that never ran
/// as interrupted.
#[test]
fn a_panic_in_the_progress_callback_unwinds_and_resume_finishes_the_erase() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(1000, b'a')).unwrap();
    fs::hard_link(f.root.join("a"), f.links.join("a")).unwrap();
    fs::write(f.root.join("b"), original(1000, b'b')).unwrap();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ErasePlan::new(&f.root)
            .file("a")
            .file("b")
            .custom("cloud", || Ok(()))
            .on_progress(|p| {
                assert_ne!(p.phase, Phase::Verify, "a bug in the progress screen");
            })
            .execute()
    }));
    assert!(panicked.is_err(), "the panic is not caught");
    assert!(f.root.join("b").exists(), "the erase stopped at the panic");

    let err = iot_erase::resume(&f.root).unwrap_err();
    let report = err.report().unwrap();
    assert!(report.resumed);
    let outcomes: Vec<&Outcome> = report.entries.iter().map(|e| &e.outcome).collect();
    assert_eq!(
        outcomes,
        [&Outcome::Erased, &Outcome::Erased, &Outcome::Interrupted]
    );
    assert!(!contains_marker(&fs::read(f.links.join("a")).unwrap()));
    assert_eq!(names_in(&f.root).unwrap(), [".iot-erase-report"]);
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn progress_reports_every_byte_written_and_verified() {
    let f = fixture().unwrap();
    let len = 3 * 256 * 1024 + 100;
    fs::write(f.root.join("big"), original(len, b'b')).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let report = ErasePlan::new(&f.root)
        .file("big")
        .on_progress(move |p| sink.lock().unwrap().push(*p))
        .execute()
        .unwrap();
    let seen = seen.lock().unwrap();
    let last = seen.last().unwrap();
    assert_eq!(last.phase, Phase::Finished);
    assert_eq!(
        (last.bytes_overwritten, last.bytes_verified),
        (len as u64, len as u64)
    );
    assert_eq!(last.targets, 1);
    let overwrite_steps = seen.iter().filter(|p| p.phase == Phase::Overwrite).count();
    assert_eq!(overwrite_steps, 4, "bounded 256 KiB chunks");
    // Monotonic.
    assert!(
        seen.windows(2)
            .all(|w| w[0].bytes_overwritten <= w[1].bytes_overwritten)
    );
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn read_only_files_are_erased_too() {
    let f = fixture().unwrap();
    fs::create_dir_all(f.root.join("d")).unwrap();
    let path = f.root.join("d/ro");
    fs::write(&path, original(100, b'r')).unwrap();
    fs::hard_link(&path, f.links.join("ro")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    let report = ErasePlan::new(&f.root).dir("d").execute().unwrap();
    assert_eq!(report.entries[0].files, 1);
    assert!(!contains_marker(&fs::read(f.links.join("ro")).unwrap()));
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn fifos_and_sockets_are_skipped_and_recorded() {
    let f = fixture().unwrap();
    fs::create_dir_all(f.root.join("d")).unwrap();
    fs::write(f.root.join("d/data"), original(100, b'd')).unwrap();
    let dir = rustix::fs::openat(
        rustix::fs::CWD,
        &f.root,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY,
        rustix::fs::Mode::empty(),
    )
    .unwrap();
    rustix::fs::mknodat(
        &dir,
        "d/fifo",
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    rustix::fs::mknodat(
        &dir,
        "top-fifo",
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(f.root.join("d/sock")).unwrap();

    let report = ErasePlan::new(&f.root)
        .file("top-fifo")
        .dir("d")
        .execute()
        .unwrap();
    let fifo = &report.entries[0];
    assert_eq!(fifo.outcome, Outcome::Skipped(SkipReason::SpecialFile));
    assert_eq!(fifo.special_skipped, 1);
    let d = &report.entries[1];
    // The data is erased; the directory stays because it holds two special
    // files, and the report says so.
    assert_eq!(
        (&d.outcome, d.files, d.dirs, d.special_skipped),
        (&Outcome::Erased, 1, 0, 2)
    );
    assert_eq!(names_in(&f.root.join("d")).unwrap(), ["fifo", "sock"]);
    assert!(
        report.to_string().contains("Note: 3 special file(s)"),
        "{report}"
    );
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn invalid_plans_touch_nothing() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    let cases: Vec<(ErasePlan, Error)> = vec![
        (
            ErasePlan::new(&f.root).file("a").file("../x"),
            Error::OutsideRoot,
        ),
        (
            ErasePlan::new(&f.root).file("a").dir("/etc"),
            Error::OutsideRoot,
        ),
        (
            ErasePlan::new(&f.root).file("a").file("."),
            Error::InvalidTarget,
        ),
        (
            ErasePlan::new(&f.root).file("a").file(".iot-erase-journal"),
            Error::InvalidTarget,
        ),
        (
            ErasePlan::new(&f.root).file("a").custom("", || Ok(())),
            Error::InvalidTarget,
        ),
        (
            ErasePlan::new(&f.root).file("a").custom("a\nb", || Ok(())),
            Error::InvalidTarget,
        ),
    ];
    for (plan, expected) in cases {
        assert_eq!(plan.execute().unwrap_err(), expected);
        assert_eq!(
            names_in(&f.root).unwrap(),
            ["a"],
            "nothing touched, no journal"
        );
    }
    let mut plan = ErasePlan::new(&f.root);
    for i in 0..=ErasePlan::MAX_TARGETS {
        plan = plan.file(format!("f{i}"));
    }
    assert_eq!(plan.execute().unwrap_err(), Error::InvalidTarget);
    assert_eq!(fs::read(f.root.join("a")).unwrap(), original(10, b'a'));
}

#[test]
fn a_second_erase_on_the_same_root_is_busy() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    let root = f.root.clone();
    let inner = Rc::new(RefCell::new(None));
    let sink = Rc::clone(&inner);
    let report = ErasePlan::new(&f.root)
        .file("a")
        .__before_open(move |_| {
            *sink.borrow_mut() = Some((
                ErasePlan::new(&root).execute().map(|_| ()),
                iot_erase::resume(&root).map(|_| ()),
            ));
        })
        .execute()
        .unwrap();
    assert_eq!(*inner.borrow(), Some((Err(Error::Busy), Err(Error::Busy))));
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn a_damaged_journal_blocks_until_discarded() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    fs::write(
        f.root.join(".iot-erase-journal"),
        b"iot-erase-journal 1 garbage\n",
    )
    .unwrap();
    assert_eq!(
        ErasePlan::new(&f.root).file("a").execute().unwrap_err(),
        Error::Pending
    );
    assert_eq!(iot_erase::resume(&f.root), Err(Error::Journal));
    assert_eq!(fs::read(f.root.join("a")).unwrap(), original(10, b'a'));
    iot_erase::discard_state(&f.root).unwrap();
    assert_eq!(names_in(&f.root).unwrap(), ["a"]);
    let report = ErasePlan::new(&f.root).file("a").execute().unwrap();
    report.acknowledge(&f.root).unwrap();
    assert!(names_in(&f.root).unwrap().is_empty());
}

#[test]
fn a_damaged_report_is_an_error_not_a_confirmation() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    let report = ErasePlan::new(&f.root).file("a").execute().unwrap();
    let path = f.root.join(".iot-erase-report");
    let mut bytes = fs::read(&path).unwrap();
    let i = bytes.iter().position(|&b| b == b' ').unwrap() + 1;
    bytes[i] ^= 1;
    fs::write(&path, bytes).unwrap();
    assert_eq!(iot_erase::resume(&f.root), Err(Error::Journal));
    assert_eq!(report.acknowledge(&f.root), Err(Error::Journal));
    iot_erase::discard_state(&f.root).unwrap();
    assert_eq!(iot_erase::resume(&f.root), Ok(None));
}

#[test]
fn acknowledging_an_older_report_keeps_the_newer_one() {
    let f = fixture().unwrap();
    let first = ErasePlan::new(&f.root).execute().unwrap();
    let second = ErasePlan::new(&f.root).execute().unwrap();
    assert_ne!(first.id, second.id);
    first.acknowledge(&f.root).unwrap();
    assert_eq!(iot_erase::resume(&f.root).unwrap(), Some(second.clone()));
    second.acknowledge(&f.root).unwrap();
    assert_eq!(iot_erase::resume(&f.root).unwrap(), None);
}

#[test]
fn report_serializes_for_apps() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    let report: EraseReport = ErasePlan::new(&f.root)
        .file("a")
        .custom("cloud", || Err("offline".into()))
        .execute()
        .unwrap_err()
        .report()
        .cloned()
        .unwrap();
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        json.contains(r#""outcome":{"Failed":{"Action":"offline"}}"#),
        "{json}"
    );
    let back: EraseReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
    // A deserialized report can acknowledge the persisted one.
    back.acknowledge(&f.root).unwrap();
    assert_eq!(iot_erase::resume(&f.root), Ok(None));
}

#[test]
fn errors_and_reports_do_not_leak_into_error_display() {
    let f = fixture().unwrap();
    let err = ErasePlan::new(&f.root)
        .custom("secret-name-42", || Err("token=abc".into()))
        .execute()
        .unwrap_err();
    let shown = format!("{err}");
    assert!(
        !shown.contains("secret-name-42") && !shown.contains("token"),
        "{shown}"
    );
    err.report().unwrap().acknowledge(&f.root).unwrap();
}

#[test]
fn io_errors_are_reported_per_target() {
    let f = fixture().unwrap();
    fs::create_dir_all(f.root.join("locked")).unwrap();
    fs::write(f.root.join("locked/file"), original(10, b'l')).unwrap();
    fs::set_permissions(f.root.join("locked"), fs::Permissions::from_mode(0o500)).unwrap();
    // Permissions do not bind root (as in some CI containers): detect it.
    let is_root_user = fs::write(f.root.join("locked/probe"), b"").is_ok();
    let _ = fs::remove_file(f.root.join("locked/probe"));
    let result = ErasePlan::new(&f.root).dir("locked").execute();
    if is_root_user {
        // The erase simply succeeds; `too_deep_trees_fail_and_the_rest_continues`
        // covers a per-target failure on this machine.
        result.unwrap().acknowledge(&f.root).unwrap();
        return;
    }
    fs::set_permissions(f.root.join("locked"), fs::Permissions::from_mode(0o700)).unwrap();
    let err = result.unwrap_err();
    let entry = &err.report().unwrap().entries[0];
    assert!(
        matches!(entry.outcome, Outcome::Failed(FailReason::Io(_))),
        "{entry:?}"
    );
    // The file could be overwritten (it is writable) but not unlinked.
    assert!(!contains_marker(
        &fs::read(f.root.join("locked/file")).unwrap_or_default()
    ));
    err.report().unwrap().acknowledge(&f.root).unwrap();
}

#[test]
fn too_deep_trees_fail_and_the_rest_continues() {
    let f = fixture().unwrap();
    let mut deep = f.root.join("deep");
    for _ in 0..140 {
        deep.push("d");
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom"), original(10, b'b')).unwrap();
    fs::write(f.root.join("deep/top"), original(10, b't')).unwrap();
    fs::write(f.root.join("other"), original(10, b'o')).unwrap();
    let err = ErasePlan::new(&f.root)
        .dir("deep")
        .file("other")
        .execute()
        .unwrap_err();
    let report = err.report().unwrap();
    let labels: Vec<&str> = report.entries.iter().map(|e| e.target.label()).collect();
    assert_eq!(labels, ["other", "deep"]);
    assert_eq!(report.entries[0].outcome, Outcome::Erased);
    let deep_entry = &report.entries[1];
    assert_eq!(deep_entry.outcome, Outcome::Failed(FailReason::TooDeep));
    assert!(
        !deep_entry.verified,
        "a failed target never claims verification"
    );
    assert_eq!(deep_entry.files, 1, "what could be erased was erased");
    assert!(!f.root.join("deep/top").exists());
    assert!(f.root.join("deep").exists());
    assert!(
        report
            .to_string()
            .contains("- deep: folders are nested too deeply.")
    );
    report.acknowledge(&f.root).unwrap();
}

#[test]
fn a_sparse_file_costs_its_data_not_its_size() {
    use std::os::unix::fs::{FileExt, MetadataExt};
    let f = fixture().unwrap();
    // 1 GiB as `ls` shows it, one small stretch of data in the middle (a
    // download or database preallocated with `set_len`). Writing the holes
    // would allocate 1 GiB, and on a small device fill it, for no data.
    let size = 1u64 << 30;
    let at = size / 2 + 123;
    let file = fs::File::create(f.root.join("sparse")).unwrap();
    file.set_len(size).unwrap();
    file.write_all_at(&original(5000, b's'), at).unwrap();
    file.sync_all().unwrap();
    drop(file);
    fs::hard_link(f.root.join("sparse"), f.links.join("sparse")).unwrap();
    let stored = fs::metadata(f.root.join("sparse")).unwrap().blocks();

    let report = ErasePlan::new(&f.root).file("sparse").execute().unwrap();
    let entry = &report.entries[0];
    assert_eq!((&entry.outcome, entry.files), (&Outcome::Erased, 1));
    assert!(entry.verified);
    // Every stored byte (the file system's blocks around the data), not
    // the holes.
    assert!(
        (5000..=64 * 1024).contains(&entry.bytes_overwritten),
        "{}",
        entry.bytes_overwritten
    );
    let seen = fs::File::open(f.links.join("sparse")).unwrap();
    assert_eq!(seen.metadata().unwrap().len(), size);
    assert!(
        seen.metadata().unwrap().blocks() <= stored,
        "no hole filled"
    );
    let mut around = vec![0u8; 5000 + 2 * 4096];
    seen.read_exact_at(&mut around, at - 4096).unwrap();
    assert!(!contains_marker(&around));
    report.acknowledge(&f.root).unwrap();
}

/// E3: buffers registered with `zeroize_memory` are wiped on every way out
/// of `execute`, also when it fails before running anything.
#[test]
fn memory_is_zeroized_when_execute_fails_early() {
    let f = fixture().unwrap();
    let secret = || Arc::new(Mutex::new(vec![0x42u8; 32]));
    let wiped = |s: &Arc<Mutex<Vec<u8>>>| s.lock().unwrap().iter().all(|&b| b == 0);

    // A path outside the root.
    let s = secret();
    let r = ErasePlan::new(&f.root)
        .file("../etc/passwd")
        .zeroize_memory("cloud token", Arc::clone(&s))
        .execute();
    assert_eq!(r.unwrap_err(), Error::OutsideRoot);
    assert!(wiped(&s));

    // An invalid name of the memory target itself.
    let s = secret();
    let r = ErasePlan::new(&f.root)
        .zeroize_memory("bad\nname", Arc::clone(&s))
        .execute();
    assert_eq!(r.unwrap_err(), Error::InvalidTarget);
    assert!(wiped(&s));

    // A root that cannot be opened.
    let s = secret();
    let r = ErasePlan::new(f.root.join("missing"))
        .zeroize_memory("cloud token", Arc::clone(&s))
        .execute();
    assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    assert!(wiped(&s));

    // An interrupted erase waiting for `resume`.
    fs::write(f.root.join(".iot-erase-journal"), b"x").unwrap();
    let s = secret();
    let r = ErasePlan::new(&f.root)
        .zeroize_memory("cloud token", Arc::clone(&s))
        .execute();
    assert_eq!(r.unwrap_err(), Error::Pending);
    assert!(wiped(&s));
    fs::remove_file(f.root.join(".iot-erase-journal")).unwrap();

    // Another erase running on the root.
    let s = secret();
    let inner = Arc::clone(&s);
    let root = f.root.clone();
    let busy = Rc::new(RefCell::new(None));
    let sink = Rc::clone(&busy);
    fs::write(f.root.join("a"), original(10, b'a')).unwrap();
    let report = ErasePlan::new(&f.root)
        .file("a")
        .__before_open(move |_| {
            let r = ErasePlan::new(&root)
                .zeroize_memory("cloud token", Arc::clone(&inner))
                .execute();
            *sink.borrow_mut() = Some(r.map(|_| ()));
        })
        .execute()
        .unwrap();
    assert_eq!(*busy.borrow(), Some(Err(Error::Busy)));
    assert!(wiped(&s));
    report.acknowledge(&f.root).unwrap();
}

/// E3: a panicking progress callback unwinds out of `execute`, and the
/// registered buffers are zeroized on the way.
#[test]
fn memory_is_zeroized_when_the_progress_callback_panics() {
    let f = fixture().unwrap();
    fs::write(f.root.join("a"), original(1000, b'a')).unwrap();
    let secret = Arc::new(Mutex::new(vec![0x42u8; 32]));
    let plan = ErasePlan::new(&f.root)
        .file("a")
        .zeroize_memory("cloud token", Arc::clone(&secret))
        .on_progress(|p| assert_ne!(p.phase, Phase::Verify, "a bug in the progress screen"));
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| plan.execute()));
    assert!(panicked.is_err());
    assert!(secret.lock().unwrap().iter().all(|&b| b == 0));
    // The rest of the documented behaviour: `resume` finishes the erase; the
    // buffer's step had not recorded its end, so the report does not claim
    // it (it under-reports, never over-reports).
    let err = iot_erase::resume(&f.root).unwrap_err();
    let report = err.report().unwrap();
    assert_eq!(report.entries[1].outcome, Outcome::Interrupted);
    assert!(!f.root.join("a").exists());
    report.acknowledge(&f.root).unwrap();
}

/// E6: an unacknowledged older report names the targets: it is
/// overwritten before a newer report takes its name.
#[test]
fn an_unacknowledged_older_report_is_overwritten_before_it_is_replaced() {
    let f = fixture().unwrap();
    fs::write(f.root.join("wifi.conf"), b"psk").unwrap();
    let first = ErasePlan::new(&f.root).file("wifi.conf").execute().unwrap();
    // A second name for the report's inode, as its old blocks would keep it.
    fs::hard_link(f.root.join(".iot-erase-report"), f.links.join("old")).unwrap();
    let old = fs::read(f.links.join("old")).unwrap();
    let named = |data: &[u8]| {
        // Targets are hex-encoded in the report: "wifi.conf".
        data.windows(18).any(|w| w == b"776966692e636f6e66")
    };
    assert!(named(&old));
    let second = ErasePlan::new(&f.root).execute().unwrap();
    let seen = fs::read(f.links.join("old")).unwrap();
    assert_eq!(seen.len(), old.len());
    assert!(!named(&seen), "not overwritten");
    assert!(!seen.windows(32).any(|w| w == first.id.as_bytes()));
    assert_ne!(first.id, second.id);
    assert_eq!(iot_erase::resume(&f.root).unwrap(), Some(second.clone()));
    second.acknowledge(&f.root).unwrap();
}
