//! Power loss: a child process running an erase over many files is killed
//! with SIGKILL at random moments; `resume` must then complete, leave no
//! original byte of any target, and say in the persisted report that it
//! resumed.
//!
//! The child is this test binary itself, started again by the test kit's
//! child harness with an environment variable that makes the test function
//! run the erase instead. Hard links
//! made beforehand outside the root keep every target's inode reachable, so
//! the test can read what is left of each file after the names are gone.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iot_erase::ErasePlan;
use iot_testkit::child::{self, Child, KillTimer};
use iot_testkit::tree::names_under;

const CHILD_ENV: &str = "IOT_ERASE_POWER_LOSS_CHILD";
const TEST_NAME: &str = "power_loss_at_random_moments_then_resume_completes";
/// At least this many killed erases...
const MIN_RUNS: usize = 60;
/// ...of which at least this many were killed mid-erase (not before the
/// journal existed, not after the erase had finished).
const MIN_RESUMED: usize = 40;
/// Gives up (and fails) if the kills cannot be made to land mid-erase.
const MAX_RUNS: usize = 200;
const MARKER: &[u8] = b"ORIGINAL-USER-DATA:";

fn plan(root: &Path) -> ErasePlan {
    ErasePlan::new(root)
        .file("settings/wifi.conf")
        .file("settings/account.json")
        .file("big.bin")
        .dir("user")
        .dir("cache")
}

/// Files of the plan with their sizes: small and multi-chunk ones, nested.
fn layout() -> Vec<(String, usize)> {
    let mut files = vec![
        ("settings/wifi.conf".to_owned(), 300),
        ("settings/account.json".to_owned(), 2_000),
        ("big.bin".to_owned(), 700 * 1024),
    ];
    for i in 0..16 {
        let dir = ["user/photos/2023", "user/photos/2024", "user/notes", "user"][i % 4];
        files.push((format!("{dir}/f{i}"), 1_000 + i * 9_973));
    }
    for i in 0..8 {
        files.push((format!("cache/c{}/x{i}", i % 3), 4_096 + i * 50_000));
    }
    files
}

fn original(len: usize, tag: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    while out.len() < len {
        out.extend_from_slice(MARKER);
        out.extend_from_slice(format!("{tag:04}").as_bytes());
    }
    out.truncate(len);
    out
}

fn contains_marker(data: &[u8]) -> bool {
    data.windows(MARKER.len()).any(|w| w == MARKER)
}

struct Device {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    links: PathBuf,
}

fn new_device() -> Device {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let links = tmp.path().join("links");
    fs::create_dir_all(&links).unwrap();
    for (i, (path, len)) in layout().iter().enumerate() {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, original(*len, i)).unwrap();
        fs::hard_link(&path, links.join(i.to_string())).unwrap();
    }
    fs::create_dir_all(root.join("user/empty/deeper")).unwrap();
    Device {
        _tmp: tmp,
        root,
        links,
    }
}

impl Device {
    /// Every target's inode, read through its hard link: original or not.
    fn originals_left(&self) -> usize {
        (0..layout().len())
            .filter(|i| contains_marker(&fs::read(self.links.join(i.to_string())).unwrap()))
            .count()
    }

    /// The names left under the root, without the erase's lock file (empty,
    /// and kept so that the next erase need not create it).
    fn names_left(&self) -> Vec<String> {
        names_under(&self.root)
            .into_iter()
            .filter(|n| n != ".iot-erase-lock")
            .collect()
    }
}

/// Starts this binary as a child that runs `mode` (`execute` or `resume`)
/// on `root`, and waits until it is about to start.
fn spawn(mode: &str, root: &Path) -> Child {
    let mut child = Child::spawn(TEST_NAME, CHILD_ENV, &format!("{mode}:{}", root.display()));
    assert!(
        child.wait_ready(Duration::from_secs(60)),
        "child exited before starting"
    );
    child
}

fn run_child(spec: &str) {
    let (mode, root) = spec.split_once(':').unwrap();
    let root = Path::new(root);
    child::signal_ready();
    let _ = match mode {
        "execute" => plan(root).execute().map(Some),
        _ => iot_erase::resume(root),
    };
    std::process::exit(0);
}

#[test]
fn power_loss_at_random_moments_then_resume_completes() {
    if let Some(spec) = child::role(CHILD_ENV) {
        run_child(&spec);
        return;
    }

    // How long an uninterrupted erase takes on this machine.
    let calibration = new_device();
    let start = Instant::now();
    let status = spawn("execute", &calibration.root).wait();
    let full = start.elapsed();
    assert!(status.success());
    assert_eq!(calibration.originals_left(), 0);
    let report = iot_erase::resume(&calibration.root).unwrap().unwrap();
    assert!(!report.resumed && report.is_complete());

    let mut delays = KillTimer::from_env_or_clock("IOT_ERASE_POWER_LOSS_SEED");
    let seed = delays.seed();
    eprintln!("power loss test: seed {seed}, uninterrupted erase {full:?}");
    let (mut before_start, mut resumed, mut finished, mut double_kills) = (0, 0, 0, 0);

    // The kill moment is drawn from [0, window); the window adapts when kills
    // land after the end or before the start, so most runs hit mid-erase on
    // fast and slow machines alike.
    let mut window = full;
    let mut run = 0;
    while run < MIN_RUNS || (resumed < MIN_RESUMED && run < MAX_RUNS) {
        let device = new_device();
        let child = spawn("execute", &device.root);
        std::thread::sleep(delays.below(window));
        child.kill(); // SIGKILL, unless it had finished

        // Every third run, the power fails again during the resume.
        let killed_twice = run % 3 == 2 && device.root.join(".iot-erase-journal").exists();
        if killed_twice {
            let child = spawn("resume", &device.root);
            std::thread::sleep(delays.below(window));
            child.kill();
            double_kills += 1;
        }

        let result = iot_erase::resume(&device.root);
        let context = format!("run {run}, seed {seed}: {result:?}");
        match result {
            Ok(None) => {
                // Killed before the journal existed: nothing was touched.
                assert_eq!(device.originals_left(), layout().len(), "{context}");
                before_start += 1;
            }
            Ok(Some(report)) => {
                if report.resumed {
                    resumed += 1;
                    window = window.mul_f64(1.05).min(full * 2);
                } else {
                    // The kill came after the end: aim earlier.
                    finished += 1;
                    window = window.mul_f64(0.8).max(full / 20);
                }
                assert!(report.is_complete(), "{context}");
                assert_eq!(report.entries.len(), 5, "{context}");
                assert_eq!(
                    device.originals_left(),
                    0,
                    "no original byte survives: {context}"
                );
                // Exact for file targets (their derived name or `rename`
                // record shows they were erased); inside directories the file
                // in flight when the process died may go uncounted (never
                // counted twice): at most one per kill.
                let files: u64 = report.entries.iter().map(|e| e.files).sum();
                let planned = layout().len() as u64;
                let kills = if killed_twice { 2 } else { 1 };
                assert!(
                    files <= planned && files + kills >= planned,
                    "{files}: {context}"
                );
                assert!(
                    report.entries[..3].iter().all(|e| e.files == 1),
                    "{context}"
                );
                // The persisted report is the one returned, until acknowledged.
                assert_eq!(
                    iot_erase::resume(&device.root).unwrap(),
                    Some(report.clone())
                );
                // `settings` itself was not a target, only two files in it.
                assert_eq!(
                    device.names_left(),
                    [".iot-erase-report", "settings"],
                    "{context}"
                );
                report.acknowledge(&device.root).unwrap();
                assert_eq!(device.names_left(), ["settings"], "{context}");
            }
            Err(e) => panic!("resume failed: {e}, {context}"),
        }
        run += 1;
    }
    eprintln!(
        "power loss test: {run} runs: {resumed} resumed mid-erase ({double_kills} also killed \
         during resume), {finished} had finished, {before_start} killed before the journal"
    );
    assert!(run >= MIN_RUNS);
    assert!(
        resumed >= MIN_RESUMED,
        "too few kills landed mid-erase ({resumed}/{run}); the test did not exercise resume"
    );
}
