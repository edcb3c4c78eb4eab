//! Attacks on the erase: links to files and directories outside the root,
//! `..`, targets swapped for links between planning and execution and
//! between the check and the open, and tampered journals. In every case the
//! files outside the root must stay byte-for-byte intact.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::cell::Cell;
use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use iot_erase::{ErasePlan, Error, Method, Outcome, Phase, RefuseReason, Target};

struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

const OUTSIDE_FILE: &[u8] = b"system file outside the erase root: must survive";
const OUTSIDE_NESTED: &[u8] = b"another outside file, in a subdirectory";

/// A root and, next to it, an outside directory with files that must
/// survive everything.
fn setup() -> io::Result<Setup> {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("root");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(&root)?;
    fs::create_dir_all(outside.join("sub"))?;
    fs::write(outside.join("system.conf"), OUTSIDE_FILE)?;
    fs::write(outside.join("sub/nested.conf"), OUTSIDE_NESTED)?;
    Ok(Setup {
        _tmp: tmp,
        root,
        outside,
    })
}

impl Setup {
    /// Panics (fails the test) when anything outside changed; `Err` when
    /// it could not even be read.
    fn assert_outside_intact(&self) -> io::Result<()> {
        assert_eq!(fs::read(self.outside.join("system.conf"))?, OUTSIDE_FILE);
        assert_eq!(
            fs::read(self.outside.join("sub/nested.conf"))?,
            OUTSIDE_NESTED
        );
        let mut names = fs::read_dir(&self.outside)?
            .map(|e| Ok(e?.file_name()))
            .collect::<io::Result<Vec<_>>>()?;
        names.sort();
        assert_eq!(names, ["sub", "system.conf"]);
        Ok(())
    }
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The names left in the root, without the (empty, kept) lock file.
fn names_left(root: &Path) -> Vec<std::ffi::OsString> {
    fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != ".iot-erase-lock")
        .collect()
}

#[test]
fn symlink_to_an_outside_file_inside_a_tree_is_removed_not_followed() {
    let s = setup().unwrap();
    fs::create_dir(s.root.join("conf")).unwrap();
    symlink(s.outside.join("system.conf"), s.root.join("conf/settings")).unwrap();
    let report = ErasePlan::new(&s.root).dir("conf").execute().unwrap();
    s.assert_outside_intact().unwrap();
    assert!(!s.root.join("conf").exists(), "the link itself is removed");
    let entry = &report.entries[0];
    assert_eq!(
        (entry.method, &entry.outcome),
        (Method::Overwrite, &Outcome::Erased)
    );
    assert_eq!((entry.links_removed, entry.bytes_overwritten), (1, 0));
    assert!(
        report
            .to_string()
            .contains("what they pointed to was not touched")
    );
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn symlinked_parent_directory_is_refused() {
    let s = setup().unwrap();
    symlink(&s.outside, s.root.join("data")).unwrap();
    let err = ErasePlan::new(&s.root)
        .file("data/system.conf")
        .dir("data/sub")
        .execute()
        .unwrap_err();
    s.assert_outside_intact().unwrap();
    let report = err.report().unwrap();
    for entry in &report.entries {
        assert_eq!(entry.outcome, Outcome::Refused(RefuseReason::LinkedParent));
        assert_eq!(entry.method, Method::None);
    }
    assert!(
        is_link(&s.root.join("data")),
        "a refused path is left alone"
    );
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn dotdot_and_absolute_paths_are_rejected_before_anything_is_touched() {
    let s = setup().unwrap();
    fs::write(s.root.join("mine"), b"user data").unwrap();
    let outside = s.outside.join("system.conf");
    for path in [
        "../outside/system.conf",
        "a/../../outside/system.conf",
        "mine/../mine",
        outside.to_str().unwrap(),
    ] {
        let err = ErasePlan::new(&s.root)
            .file("mine")
            .file(path)
            .execute()
            .unwrap_err();
        assert_eq!(err, Error::OutsideRoot, "{path}");
        let err = ErasePlan::new(&s.root).dir(path).execute().unwrap_err();
        assert_eq!(err, Error::OutsideRoot, "{path}");
    }
    s.assert_outside_intact().unwrap();
    assert_eq!(
        fs::read(s.root.join("mine")).unwrap(),
        b"user data",
        "nothing touched"
    );
    assert!(!s.root.join(".iot-erase-journal").exists());
}

#[test]
fn links_inside_a_tree_are_removed_not_followed() {
    let s = setup().unwrap();
    fs::create_dir_all(s.root.join("user/deep")).unwrap();
    fs::write(s.root.join("user/deep/mine"), b"user data").unwrap();
    symlink(s.outside.join("system.conf"), s.root.join("user/file-link")).unwrap();
    symlink(&s.outside, s.root.join("user/dir-link")).unwrap();
    symlink(s.outside.join("sub"), s.root.join("user/deep/sub-link")).unwrap();
    symlink(
        "../../outside/system.conf",
        s.root.join("user/relative-link"),
    )
    .unwrap();
    symlink("/nonexistent/dangling", s.root.join("user/dangling")).unwrap();
    let report = ErasePlan::new(&s.root).dir("user").execute().unwrap();
    s.assert_outside_intact().unwrap();
    assert!(!s.root.join("user").exists());
    let entry = &report.entries[0];
    assert_eq!((entry.files, entry.dirs, entry.links_removed), (1, 2, 5));
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn a_file_replaced_by_a_link_between_planning_and_execution() {
    let s = setup().unwrap();
    fs::write(s.root.join("secret"), b"user data").unwrap();
    let plan = ErasePlan::new(&s.root).file("secret");
    // The swap happens after the plan was made.
    fs::remove_file(s.root.join("secret")).unwrap();
    symlink(s.outside.join("system.conf"), s.root.join("secret")).unwrap();
    let err = plan.execute().unwrap_err();
    s.assert_outside_intact().unwrap();
    let report = err.report().unwrap();
    // E1: a planned path that is a link is refused, not reported erased.
    assert_eq!(
        report.entries[0].outcome,
        Outcome::Refused(RefuseReason::LinkedTarget)
    );
    assert!(is_link(&s.root.join("secret")));
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn a_parent_replaced_by_a_link_between_planning_and_execution() {
    let s = setup().unwrap();
    fs::create_dir_all(s.root.join("data")).unwrap();
    fs::write(s.root.join("data/system.conf"), b"user data").unwrap();
    let plan = ErasePlan::new(&s.root).file("data/system.conf");
    fs::rename(s.root.join("data"), s.root.join("moved")).unwrap();
    symlink(&s.outside, s.root.join("data")).unwrap();
    let err = plan.execute().unwrap_err();
    s.assert_outside_intact().unwrap();
    assert_eq!(
        err.report().unwrap().entries[0].outcome,
        Outcome::Refused(RefuseReason::LinkedParent)
    );
    err.report().unwrap().acknowledge(&s.root).unwrap();
}

/// Swaps `path` (inside the root) for a link to `to`, the way an attacker
/// racing the erase would.
fn swap_for_link(path: &Path, to: &Path) -> io::Result<()> {
    let parked = path.with_extension("parked");
    fs::rename(path, &parked)?;
    symlink(to, path)
}

#[test]
fn a_file_swapped_for_a_link_between_check_and_open() {
    let s = setup().unwrap();
    fs::create_dir_all(s.root.join("user")).unwrap();
    fs::write(s.root.join("user/secret"), b"user data").unwrap();
    fs::write(s.root.join("top"), b"user data").unwrap();
    let root = s.root.clone();
    let target = s.outside.join("system.conf");
    let swaps = Rc::new(Cell::new(0));
    let count = Rc::clone(&swaps);
    let err = ErasePlan::new(&s.root)
        .file("top")
        .dir("user")
        .__before_open(move |rel| {
            // Between the erase's look at the entry and its open.
            if rel == "top" || rel == "user/secret" {
                swap_for_link(&root.join(rel), &target).unwrap();
                count.set(count.get() + 1);
            }
        })
        .execute()
        .unwrap_err();
    let report = err.report().unwrap();
    assert_eq!(swaps.get(), 2, "the hook ran at both check-to-use windows");
    s.assert_outside_intact().unwrap();
    // The erase noticed: the planned path, now a link, is refused (E1);
    // the link in the tree is removed, and the parked file it found in the
    // tree erased.
    assert_eq!(
        report.entries[0].outcome,
        Outcome::Refused(RefuseReason::LinkedTarget)
    );
    assert_eq!(report.entries[1].links_removed, 1);
    assert!(!s.root.join("user").exists());
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn a_directory_swapped_for_a_link_between_check_and_open() {
    let s = setup().unwrap();
    fs::create_dir_all(s.root.join("user/sub")).unwrap();
    fs::write(s.root.join("user/sub/nested.conf"), b"user data").unwrap();
    fs::create_dir_all(s.root.join("top/system.conf")).unwrap();
    let root = s.root.clone();
    let outside = s.outside.clone();
    let err = ErasePlan::new(&s.root)
        .dir("user")
        .dir("top")
        .__before_open(move |rel| match rel {
            "user/sub" => swap_for_link(&root.join(rel), &outside.join("sub")).unwrap(),
            "top" => swap_for_link(&root.join(rel), &outside).unwrap(),
            _ => {}
        })
        .execute()
        .unwrap_err();
    let report = err.report().unwrap();
    s.assert_outside_intact().unwrap();
    assert_eq!(report.entries[0].links_removed, 1, "{report:?}");
    // E1: the planned directory, now a link, is refused.
    assert_eq!(
        report.entries[1].outcome,
        Outcome::Refused(RefuseReason::LinkedTarget)
    );
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn a_file_swapped_for_a_fifo_between_check_and_open_is_skipped() {
    let s = setup().unwrap();
    fs::write(s.root.join("secret"), b"user data").unwrap();
    let root = s.root.clone();
    let report = ErasePlan::new(&s.root)
        .file("secret")
        .__before_open(move |rel| {
            let path = root.join(rel);
            fs::rename(&path, path.with_extension("parked")).unwrap();
            let dir = rustix::fs::openat(
                rustix::fs::CWD,
                &root,
                rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY,
                rustix::fs::Mode::empty(),
            )
            .unwrap();
            rustix::fs::mknodat(
                &dir,
                rel,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .unwrap();
        })
        .execute()
        .unwrap();
    assert_eq!(report.entries[0].special_skipped, 1);
    report.acknowledge(&s.root).unwrap();
}

// Tampered journals. The journal's checks are a corruption detector; anyone
// who can write the root can recompute them, as this test does. What keeps
// `resume` inside the root is that every path is re-validated and opened
// without following links.

/// One step of the journal's check chain (see the crate's
/// `journal/codec.rs`): the first 16 bytes of SHA-256(previous ‖ body).
fn chain(previous: &mut [u8; 16], body: &[u8]) {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(previous);
    ctx.update(body);
    for (p, d) in previous.iter_mut().zip(ctx.finish().as_ref()) {
        *p = *d;
    }
}

/// One checked line of the journal format.
fn line(previous: &mut [u8; 16], fields: &[&str]) -> String {
    let body = fields.join(" ");
    chain(previous, body.as_bytes());
    let hex: String = previous.iter().map(|b| format!("{b:02x}")).collect();
    format!("{body} {hex}\n")
}

fn forged_journal(kind: &str, path: &str) -> String {
    let mut previous = [0u8; 16];
    chain(&mut previous, b"iot-erase journal v1");
    let hex_path: String = path.bytes().map(|b| format!("{b:02x}")).collect();
    let mut out = line(
        &mut previous,
        &[
            "iot-erase-journal",
            "1",
            "0123456789abcdef0123456789abcdef",
            "1",
            "1",
        ],
    );
    out.push_str(&line(&mut previous, &["target", kind, &hex_path]));
    out
}

#[test]
fn a_forged_journal_with_a_valid_chain_is_honoured_inside_the_root() {
    // Sanity check of the forging helper: a well-formed journal resumes.
    let s = setup().unwrap();
    fs::write(s.root.join("mine"), b"user data").unwrap();
    fs::write(
        s.root.join(".iot-erase-journal"),
        forged_journal("file", "mine"),
    )
    .unwrap();
    let report = iot_erase::resume(&s.root).unwrap().unwrap();
    assert!(report.resumed);
    assert!(!s.root.join("mine").exists());
    report.acknowledge(&s.root).unwrap();
}

#[test]
fn tampered_journals_never_act_outside_the_root() {
    let s = setup().unwrap();
    let outside = s.outside.join("system.conf");
    let outside_dir = s.outside.to_str().unwrap().to_owned();
    symlink(&s.outside, s.root.join("link")).unwrap();
    let cases = [
        forged_journal("file", "../outside/system.conf"),
        forged_journal("dir", "../outside"),
        forged_journal("file", outside.to_str().unwrap()),
        forged_journal("dir", &outside_dir),
        forged_journal("dir", "a/../../outside"),
        forged_journal("dir", "./../outside"),
        // Bytes edited without fixing the check.
        forged_journal("file", "mine").replace("target file", "target dir "),
    ];
    for journal in cases {
        fs::write(s.root.join(".iot-erase-journal"), &journal).unwrap();
        assert_eq!(iot_erase::resume(&s.root), Err(Error::Journal), "{journal}");
        s.assert_outside_intact().unwrap();
    }
    // A valid path through a linked parent: refused at run time.
    fs::write(
        s.root.join(".iot-erase-journal"),
        forged_journal("dir", "link/sub"),
    )
    .unwrap();
    let err = iot_erase::resume(&s.root).unwrap_err();
    assert_eq!(
        err.report().unwrap().entries[0].outcome,
        Outcome::Refused(RefuseReason::LinkedParent)
    );
    s.assert_outside_intact().unwrap();
    err.report().unwrap().acknowledge(&s.root).unwrap();
}

#[test]
fn a_journal_that_is_a_link_is_never_followed() {
    let s = setup().unwrap();
    symlink(
        s.outside.join("system.conf"),
        s.root.join(".iot-erase-journal"),
    )
    .unwrap();
    // E2: not a journal: removed (never followed), and nothing is pending.
    assert_eq!(iot_erase::resume(&s.root), Ok(None));
    s.assert_outside_intact().unwrap();
    assert!(!is_link(&s.root.join(".iot-erase-journal")));
    symlink(&s.outside, s.root.join(".iot-erase-journal")).unwrap();
    iot_erase::discard_state(&s.root).unwrap();
    s.assert_outside_intact().unwrap();
    assert!(!is_link(&s.root.join(".iot-erase-journal")));
}

#[test]
fn a_file_replaced_between_its_overwrite_and_its_removal_is_erased_too() {
    let s = setup().unwrap();
    let witness = s.root.parent().unwrap().join("witness");
    fs::write(s.root.join("secret"), b"first version").unwrap();
    let root = s.root.clone();
    let link = witness.clone();
    let swapped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&swapped);
    let report = ErasePlan::new(&s.root)
        .file("secret")
        .on_progress(move |p| {
            // Right after the overwrite was verified, before the rename: an
            // app rewrites the file the atomic way (new inode, same name).
            if p.phase == Phase::Remove && !flag.swap(true, Ordering::SeqCst) {
                fs::write(root.join("secret.tmp"), b"second version: user data").unwrap();
                fs::hard_link(root.join("secret.tmp"), &link).unwrap();
                fs::rename(root.join("secret.tmp"), root.join("secret")).unwrap();
            }
        })
        .execute()
        .unwrap();
    assert!(swapped.load(Ordering::SeqCst));
    // The new inode was not overwritten by the first pass: it must not
    // simply be unlinked (its bytes would stay on the medium while the
    // report claims an overwrite).
    let seen = fs::read(&witness).unwrap();
    assert_eq!(seen.len(), 25);
    assert_ne!(seen, b"second version: user data");
    assert!(!s.root.join("secret").exists());
    let entry = &report.entries[0];
    assert_eq!(entry.outcome, Outcome::Erased);
    assert!(entry.verified);
    assert_eq!((entry.files, entry.bytes_overwritten), (1, 13 + 25));
    report.acknowledge(&s.root).unwrap();
    assert!(names_left(&s.root).is_empty());
}

#[test]
fn a_link_replaced_by_a_file_before_its_removal_is_erased_not_just_unlinked() {
    let s = setup().unwrap();
    let witness = s.root.parent().unwrap().join("witness");
    fs::create_dir(s.root.join("conf")).unwrap();
    symlink(s.outside.join("system.conf"), s.root.join("conf/settings")).unwrap();
    let root = s.root.join("conf");
    let link = witness.clone();
    let swapped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&swapped);
    let report = ErasePlan::new(&s.root)
        .dir("conf")
        .on_progress(move |p| {
            // After the erase saw a link, before it removes it: the app
            // writes a real file there.
            if p.phase == Phase::Remove && !flag.swap(true, Ordering::SeqCst) {
                fs::write(root.join("settings.tmp"), b"psk=user data").unwrap();
                fs::hard_link(root.join("settings.tmp"), &link).unwrap();
                fs::rename(root.join("settings.tmp"), root.join("settings")).unwrap();
            }
        })
        .execute()
        .unwrap();
    assert!(swapped.load(Ordering::SeqCst));
    s.assert_outside_intact().unwrap();
    let seen = fs::read(&witness).unwrap();
    assert_eq!(seen.len(), 13);
    assert_ne!(seen, b"psk=user data", "unlinked without an overwrite");
    assert!(!s.root.join("conf").exists());
    let entry = &report.entries[0];
    assert_eq!((&entry.outcome, entry.files), (&Outcome::Erased, 1));
    assert_eq!(entry.bytes_overwritten, 13);
    report.acknowledge(&s.root).unwrap();
}

/// E1: a planned directory target that is itself a symbolic link is never
/// followed and never counted as erased: the report is not complete, says
/// why, and does not tell the user the data was erased.
#[test]
fn a_planned_directory_that_is_a_link_is_refused_not_reported_erased() {
    let s = setup().unwrap();
    symlink(&s.outside, s.root.join("user")).unwrap();
    let err = ErasePlan::new(&s.root).dir("user").execute().unwrap_err();
    let report = err.report().unwrap();
    s.assert_outside_intact().unwrap();
    assert!(!report.is_complete());
    assert_eq!(
        report.entries[0].outcome,
        Outcome::Refused(RefuseReason::LinkedTarget)
    );
    let text = report.to_string();
    assert!(!text.contains("Your data was erased"), "{text}");
    assert!(text.contains("user: refused"), "{text}");
    // The link stays, so running the reset again cannot turn the refusal
    // into "nothing to erase".
    assert!(is_link(&s.root.join("user")));
    report.acknowledge(&s.root).unwrap();
    let again = ErasePlan::new(&s.root).dir("user").execute().unwrap_err();
    assert!(!again.report().unwrap().is_complete());
}

/// E1: the same for a planned file target that is a link.
#[test]
fn a_planned_file_that_is_a_link_is_refused_not_reported_erased() {
    let s = setup().unwrap();
    symlink(s.outside.join("system.conf"), s.root.join("wifi.conf")).unwrap();
    let err = ErasePlan::new(&s.root)
        .file("wifi.conf")
        .execute()
        .unwrap_err();
    let report = err.report().unwrap();
    s.assert_outside_intact().unwrap();
    assert_eq!(
        report.entries[0].outcome,
        Outcome::Refused(RefuseReason::LinkedTarget)
    );
    assert_eq!(report.entries[0].links_removed, 0);
    assert!(!report.to_string().contains("Your data was erased"));
    report.acknowledge(&s.root).unwrap();
}

/// E4: a file swapped in right before a file target's rename is parked
/// under the derived name; when power is lost before it is overwritten,
/// `resume` overwrites and verifies it before unlinking it (it used to
/// unlink it unread and report `verified`).
#[test]
fn a_swapped_in_file_parked_under_the_derived_name_is_overwritten_on_resume() {
    let s = setup().unwrap();
    fs::write(s.root.join("f"), vec![b'o'; 4096]).unwrap();
    let witness = s.root.parent().unwrap().join("witness");
    let swapped = Arc::new(AtomicBool::new(false));
    let hooks = Rc::new(Cell::new(0));
    let (root, link, flag, calls) = (
        s.root.clone(),
        witness.clone(),
        Arc::clone(&swapped),
        Rc::clone(&hooks),
    );
    let plan = ErasePlan::new(&s.root)
        .file("f")
        .on_progress(move |p| {
            if p.phase == Phase::Remove && !flag.swap(true, Ordering::SeqCst) {
                // An app replaces the file atomically right now.
                fs::write(root.join("f.new"), b"SECRET WRITTEN DURING THE RESET").unwrap();
                fs::hard_link(root.join("f.new"), &link).unwrap();
                fs::rename(root.join("f.new"), root.join("f")).unwrap();
            }
        })
        .__before_open(move |_| {
            calls.set(calls.get() + 1);
            assert_ne!(calls.get(), 2, "power cut before the parked file is erased");
        });
    let cut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| plan.execute()));
    assert!(cut.is_err(), "the simulated power cut happened");
    assert!(swapped.load(Ordering::SeqCst));

    let report = iot_erase::resume(&s.root).unwrap().unwrap();
    let seen = fs::read(&witness).unwrap();
    assert_eq!(seen.len(), 31);
    assert_ne!(seen, b"SECRET WRITTEN DURING THE RESET", "unlinked unread");
    let entry = &report.entries[0];
    assert_eq!(entry.outcome, Outcome::Erased);
    assert!(entry.verified);
    assert!(entry.bytes_overwritten >= 4096 + 31, "{entry:?}");
    report.acknowledge(&s.root).unwrap();
    assert!(names_left(&s.root).is_empty());
}

/// E2: a directory squatting on the journal's name (a malicious app that
/// wants to survive the reset) cannot make a factory reset impossible:
/// `execute` erases it and says so in the report.
#[test]
fn a_directory_named_like_the_journal_does_not_block_execute() {
    let s = setup().unwrap();
    fs::write(s.root.join("data"), b"user data").unwrap();
    fs::create_dir(s.root.join(".iot-erase-journal")).unwrap();
    fs::write(s.root.join(".iot-erase-journal/hidden"), b"kept by an app").unwrap();
    let report = ErasePlan::new(&s.root).dir(".").execute().unwrap();
    assert!(report.is_complete(), "{report}");
    assert!(!s.root.join("data").exists());
    let reserved: Vec<_> = report
        .entries
        .iter()
        .filter(|e| matches!(e.target, Target::Reserved { .. }))
        .collect();
    assert_eq!(reserved.len(), 1, "{report:?}");
    assert_eq!(reserved[0].target.label(), ".iot-erase-journal");
    assert_eq!((reserved[0].files, reserved[0].dirs), (1, 1));
    assert!(
        report.to_string().contains(".iot-erase-journal"),
        "{report}"
    );
    report.acknowledge(&s.root).unwrap();
    assert!(names_left(&s.root).is_empty());
}

/// E2: the same squatter on every reserved name: `resume` and
/// `discard_state` (the documented way out) handle it too.
#[test]
fn directories_on_reserved_names_do_not_block_resume_or_discard_state() {
    for name in [
        ".iot-erase-journal",
        ".iot-erase-journal.tmp",
        ".iot-erase-report",
        ".iot-erase-report.tmp",
    ] {
        let s = setup().unwrap();
        fs::create_dir(s.root.join(name)).unwrap();
        fs::write(s.root.join(name).join("x"), b"kept by an app").unwrap();
        assert_eq!(iot_erase::resume(&s.root), Ok(None), "{name}");
        assert!(!s.root.join(name).exists(), "{name}");

        fs::create_dir(s.root.join(name)).unwrap();
        iot_erase::discard_state(&s.root).unwrap();
        assert!(!s.root.join(name).exists(), "{name}");

        fs::create_dir(s.root.join(name)).unwrap();
        symlink(&s.outside, s.root.join(name).join("out")).unwrap();
        fs::write(s.root.join("a"), b"user data").unwrap();
        let report = ErasePlan::new(&s.root).file("a").execute().unwrap();
        s.assert_outside_intact().unwrap();
        assert!(!s.root.join(name).is_dir(), "{name}");
        report.acknowledge(&s.root).unwrap();
        assert_eq!(iot_erase::resume(&s.root), Ok(None), "{name}");
    }
}

/// X1: a process that can merely open the root read-only (and so `flock`
/// it) cannot keep the erase `Busy`: the lock is a file only the owner can
/// open.
#[test]
fn a_reader_holding_a_lock_on_the_root_cannot_block_the_erase() {
    use rustix::fs::{FlockOperation, Mode, OFlags, flock, open};
    let s = setup().unwrap();
    fs::write(s.root.join("a"), b"user data").unwrap();
    let reader = open(&s.root, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
    flock(&reader, FlockOperation::NonBlockingLockExclusive).unwrap();
    let report = ErasePlan::new(&s.root).file("a").execute().unwrap();
    assert_eq!(iot_erase::resume(&s.root).unwrap(), Some(report.clone()));
    report.acknowledge(&s.root).unwrap();
    iot_erase::discard_state(&s.root).unwrap();
    let lock = fs::symlink_metadata(s.root.join(".iot-erase-lock")).unwrap();
    assert!(lock.file_type().is_file());
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&lock.permissions()) & 0o777,
        0o600
    );
    assert_eq!(lock.len(), 0);
}
