//! A real process writing to the store in a loop is killed with SIGKILL at
//! random moments, 60 times; after every kill the store opens (no integrity
//! error, no false rollback alarm with a counter) and every entry is intact
//! and never older than what an earlier check saw.
//!
//! The writer is this test binary itself, re-executed by the test kit's
//! child harness with an environment variable that makes
//! `sigkill_child_writer` run the write loop.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use iot_storage::{FileCounter, RootKey, SealedStore, StoreOptions};
use iot_testkit::child::{self, Child, KillTimer};
use secrecy::ExposeSecret;

/// The child's role variable: `STORE_DIR|COUNTER_FILE`.
const ROLE: &str = "IOT_STORAGE_SIGKILL_WRITER";
const NAMES: [&str; 6] = [
    "wifi/psk",
    "cloud/token",
    "throttle",
    "tls/key",
    "pin",
    "log/last",
];
const KILLS: usize = 60;

fn open(store: &Path, counter: &Path) -> SealedStore {
    let options =
        StoreOptions::default().counter(FileCounter::insecure_development(counter).unwrap());
    SealedStore::open(store, RootKey::from_bytes([0x99; 32]), options).unwrap()
}

/// The value written at `seq`: self-describing and checkable in full, and of
/// varying size (up to a few KiB) so that writes take a while.
fn value(name: &str, seq: u64) -> Vec<u8> {
    let mut v = format!("{name}|{seq}|").into_bytes();
    let len = usize::try_from(seq * 397 % 4000).unwrap();
    v.extend((0..len).map(|i| u8::try_from((i as u64 + seq) % 256).unwrap()));
    v
}

/// The sequence number of a stored value, if it is exactly what the writer
/// writes for `name`.
fn parse(name: &str, bytes: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(bytes.get(..bytes.len().min(64))?);
    let mut parts = text.splitn(3, '|');
    (parts.next()? == name).then_some(())?;
    let seq = parts.next()?.parse().ok()?;
    (bytes == value(name, seq).as_slice()).then_some(seq)
}

#[test]
#[ignore = "child process of sigkill_during_writes_leaves_every_entry_intact; does nothing unless that test spawns it"]
fn sigkill_child_writer() {
    let Some(paths) = child::role(ROLE) else {
        return;
    };
    let (store, counter) = paths.split_once('|').unwrap();
    let store = open(Path::new(store), Path::new(counter));
    // Tells the parent that the store is open and the write loop starts.
    child::signal_ready();
    let mut seq = NAMES
        .iter()
        .filter_map(|n| {
            store
                .get(n)
                .unwrap()
                .and_then(|v| parse(n, v.expose_secret()))
        })
        .max()
        .unwrap_or(0);
    loop {
        seq += 1;
        let name = NAMES[usize::try_from(seq % 6).unwrap()];
        if seq % 7 == 0 {
            store.delete(name).unwrap();
        } else {
            store.put(name, &value(name, seq)).unwrap();
        }
    }
}

#[test]
fn sigkill_during_writes_leaves_every_entry_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let store_dir = tmp.path().join("store");
    let counter = tmp.path().join("counter");
    let mut timer = KillTimer::from_env_or_clock("IOT_STORAGE_SIGKILL_SEED");
    let seed = timer.seed();
    let role = format!("{}|{}", store_dir.display(), counter.display());

    let mut seen: BTreeMap<&str, u64> = BTreeMap::new();
    let mut newest = 0;
    let mut rounds_with_progress = 0;
    let mut in_write_loop = 0;
    for round in 0..KILLS {
        let mut child = Child::spawn("sigkill_child_writer", ROLE, &role);
        let kill_window = Duration::from_millis(40);
        if round % 4 == 3 {
            // Some kills land anywhere, start-up and open included.
            std::thread::sleep(timer.below(kill_window));
        } else {
            // Most land in the write loop: wait until the store is open (with
            // a watchdog, so a writer that hangs fails instead of blocking).
            assert!(
                child.wait_ready(Duration::from_secs(30)),
                "seed {seed} round {round}: the writer did not open the store"
            );
            in_write_loop += 1;
            std::thread::sleep(timer.below(kill_window));
        }
        assert!(
            child.kill(),
            "seed {seed} round {round}: the writer exited by itself"
        );

        let store = open(&store_dir, &counter);
        let mut round_newest = 0;
        for name in store.names().unwrap() {
            let name = NAMES
                .iter()
                .find(|n| **n == name)
                .unwrap_or_else(|| panic!("unknown entry {name}"));
            let bytes = store.get(name).unwrap().unwrap();
            let seq = parse(name, bytes.expose_secret()).unwrap_or_else(|| {
                panic!("seed {seed} round {round}: {name} is not a value the writer wrote")
            });
            if let Some(&before) = seen.get(name) {
                assert!(
                    seq >= before,
                    "seed {seed} round {round}: {name} went back from {before} to {seq}"
                );
            }
            seen.insert(name, seq);
            round_newest = round_newest.max(seq);
        }
        // Entries absent now were deleted by the writer.
        seen.retain(|name, _| store.names().unwrap().iter().any(|n| n == name));
        if round_newest > newest {
            rounds_with_progress += 1;
            newest = round_newest;
        }
    }
    // Most kills landed while the writer was in its write loop, and it did
    // write (how much depends on the machine's fsync latency).
    assert_eq!(in_write_loop, KILLS - KILLS / 4);
    assert!(
        rounds_with_progress > 0 && newest > 0,
        "seed {seed}: the writer never wrote"
    );
}
