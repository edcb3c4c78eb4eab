//! Crash sweeps (EN 303 645 5.9-2): a sequence of puts, deletes, a write-once
//! put and a rotation is cut short after its k-th mutating step, for every k;
//! reopening must always find every entry with its old or its new value.
//!
//! Two media:
//! - a simulated disk that models what a power cut keeps (fsync'd file data,
//!   directory changes up to the last directory fsync, plus any prefix of the
//!   later ones), including the monotonic counter as one more step;
//! - the real directory backend, stopped by its fault-injection hook, which
//!   leaves the files exactly as a killed process would.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use iot_storage::{
    Backend, DirBackend, Error, FileCounter, MonotonicCounter, RootKey, SealedStore, StoreOptions,
};
use secrecy::ExposeSecret;

type Model = BTreeMap<String, Vec<u8>>;

#[derive(Debug, Clone)]
enum Op {
    Put(&'static str, &'static [u8]),
    PutWriteOnce(&'static str, &'static [u8]),
    Delete(&'static str),
    Rotate,
}

const OLD_ROOT: [u8; 32] = [0xA1; 32];
const NEW_ROOT: [u8; 32] = [0xB2; 32];

fn scenario() -> Vec<Op> {
    vec![
        Op::Put("wifi/psk", b"first"),
        Op::Put("cloud/token", b"t1"),
        Op::Put("wifi/psk", b"second"),
        Op::PutWriteOnce("identity/key", b"factory"),
        Op::Delete("cloud/token"),
        Op::Put("throttle", b"0"),
        Op::Rotate,
        Op::Put("throttle", b"1"),
        Op::Delete("wifi/psk"),
        Op::Put("cloud/token", b"t2"),
    ]
}

/// The expected content before each op, and after the last one.
fn models(ops: &[Op]) -> Vec<Model> {
    let mut model = Model::new();
    let mut out = vec![model.clone()];
    for op in ops {
        match op {
            Op::Put(n, v) | Op::PutWriteOnce(n, v) => {
                model.insert((*n).to_owned(), v.to_vec());
            }
            Op::Delete(n) => {
                model.remove(*n);
            }
            Op::Rotate => {}
        }
        out.push(model.clone());
    }
    out
}

/// Runs `ops` on an open store; returns how many completed before an error.
fn run(store: &SealedStore, ops: &[Op]) -> usize {
    for (i, op) in ops.iter().enumerate() {
        let result = match op {
            Op::Put(n, v) => store.put(n, v),
            Op::PutWriteOnce(n, v) => store.put_write_once(n, v),
            Op::Delete(n) => store.delete(n).map(|existed| assert!(existed)),
            Op::Rotate => store.rotate(RootKey::from_bytes(NEW_ROOT)),
        };
        if result.is_err() {
            return i;
        }
    }
    ops.len()
}

fn contents(store: &SealedStore) -> Model {
    store
        .names()
        .unwrap()
        .into_iter()
        .map(|n| {
            let v = store.get(&n).unwrap().unwrap().expose_secret().to_vec();
            (n, v)
        })
        .collect()
}

/// Opens with the new root key, falling back to the old one only if the
/// rotation had not begun (the documented recovery procedure).
fn reopen(open: impl Fn(RootKey) -> Result<SealedStore, Error>) -> SealedStore {
    match open(RootKey::from_bytes(NEW_ROOT)) {
        Ok(store) => store,
        Err(Error::WrongRootKey) => open(RootKey::from_bytes(OLD_ROOT)).unwrap(),
        Err(e) => panic!("reopen failed: {e:?}"),
    }
}

// ---------------------------------------------------------------------------
// The simulated disk.

#[derive(Debug, Clone)]
enum DirChange {
    Rename(String, Vec<u8>),
    Unlink(String),
}

#[derive(Debug, Default)]
struct Sim {
    /// Directory entries as a power cut would find them.
    durable: BTreeMap<String, Vec<u8>>,
    /// Directory changes since the last directory fsync, in order.
    pending: Vec<DirChange>,
    /// What a running process sees.
    visible: BTreeMap<String, Vec<u8>>,
    counter: u64,
    /// Mutating steps still allowed; `None` is unlimited.
    budget: Option<u64>,
    steps: u64,
}

impl Sim {
    fn step(&mut self) -> Result<(), Error> {
        if let Some(budget) = &mut self.budget {
            if *budget == 0 {
                return Err(Error::Io {
                    during: "simulated crash",
                    kind: std::io::ErrorKind::Other,
                });
            }
            *budget -= 1;
        }
        self.steps += 1;
        Ok(())
    }

    fn sync_dir(&mut self) -> Result<(), Error> {
        self.step()?;
        for change in self.pending.drain(..) {
            apply(&mut self.durable, change);
        }
        Ok(())
    }

    /// The disk after a power cut that kept the first `kept` pending changes.
    fn power_cut(&self, kept: usize) -> Sim {
        let mut durable = self.durable.clone();
        for change in self.pending.iter().take(kept).cloned() {
            apply(&mut durable, change);
        }
        Sim {
            visible: durable.clone(),
            durable,
            counter: self.counter,
            ..Sim::default()
        }
    }

    /// The disk as a restarted process finds it without a power cut.
    fn process_restart(&self) -> Sim {
        Sim {
            durable: self.durable.clone(),
            pending: self.pending.clone(),
            visible: self.visible.clone(),
            counter: self.counter,
            ..Sim::default()
        }
    }
}

fn apply(entries: &mut BTreeMap<String, Vec<u8>>, change: DirChange) {
    match change {
        DirChange::Rename(name, data) => {
            entries.insert(name, data);
        }
        DirChange::Unlink(name) => {
            entries.remove(&name);
        }
    }
}

#[derive(Debug, Clone)]
struct SimDisk(Arc<Mutex<Sim>>);

impl Backend for SimDisk {
    /// One store at a time by construction: a "restart" is a new process
    /// whose predecessor (and its lock) died with the power cut.
    fn lock(&self) -> Result<(), Error> {
        Ok(())
    }

    fn list(&self) -> Result<Vec<String>, Error> {
        Ok(self.0.lock().unwrap().visible.keys().cloned().collect())
    }

    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        match self.0.lock().unwrap().visible.get(name) {
            Some(d) if d.len() > max_len => Err(Error::ValueTooLarge { max: max_len }),
            other => Ok(other.cloned()),
        }
    }

    /// The directory backend's protocol: write the temporary file, fsync it,
    /// rename it over the object, fsync the directory.
    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        let mut sim = self.0.lock().unwrap();
        sim.step()?; // temporary written (invisible, lost on a cut)
        sim.step()?; // temporary fsync'd
        sim.step()?; // rename
        sim.visible.insert(name.to_owned(), data.to_vec());
        sim.pending
            .push(DirChange::Rename(name.to_owned(), data.to_vec()));
        sim.sync_dir()
    }

    fn remove(&self, name: &str) -> Result<(), Error> {
        let mut sim = self.0.lock().unwrap();
        sim.step()?;
        sim.visible.remove(name);
        sim.pending.push(DirChange::Unlink(name.to_owned()));
        Ok(())
    }

    fn sync(&self) -> Result<(), Error> {
        self.0.lock().unwrap().sync_dir()
    }
}

#[derive(Debug, Clone)]
struct SimCounter(Arc<Mutex<Sim>>);

impl MonotonicCounter for SimCounter {
    fn read(&self) -> Result<u64, Error> {
        Ok(self.0.lock().unwrap().counter)
    }

    fn advance_to(&self, value: u64) -> Result<(), Error> {
        let mut sim = self.0.lock().unwrap();
        sim.step()?;
        sim.counter = sim.counter.max(value);
        Ok(())
    }
}

fn open_sim(sim: &Arc<Mutex<Sim>>, root: RootKey) -> Result<SealedStore, Error> {
    let options = StoreOptions::default().counter(SimCounter(sim.clone()));
    SealedStore::open_backend(SimDisk(sim.clone()), root, options)
}

/// Reopens a crashed disk, checks old-or-new, then checks that the store is
/// healthy: it takes a write, and survives a further power cut.
fn check_recovery(sim: Sim, before: &Model, after: &Model, what: &str) {
    let sim = Arc::new(Mutex::new(sim));
    let store = reopen(|root| open_sim(&sim, root));
    let found = contents(&store);
    // Each commit is one atomic write, so the whole store is old or new.
    assert!(
        &found == before || &found == after,
        "{what}: found {found:?}, expected {before:?} or {after:?}"
    );
    drop(store);
    // What an open has shown is durable: a cut right after it changes nothing
    // (and the counter, advanced by that open, must not call it a rollback).
    let cut = sim.lock().unwrap().power_cut(0);
    let sim = Arc::new(Mutex::new(cut));
    let store = reopen(|root| open_sim(&sim, root));
    assert_eq!(
        contents(&store),
        found,
        "{what}: after a cut right after reopening"
    );
    store.put("health/check", b"ok").unwrap();
    drop(store);
    let cut = sim.lock().unwrap().power_cut(0);
    let sim = Arc::new(Mutex::new(cut));
    let store = reopen(|root| open_sim(&sim, root));
    let mut expected = found.clone();
    expected.insert("health/check".into(), b"ok".to_vec());
    assert_eq!(contents(&store), expected, "{what}: after a second cut");
}

#[test]
fn power_cut_after_every_step_keeps_old_or_new() {
    let ops = scenario();
    let models = models(&ops);

    // Count the steps of an uninterrupted run.
    let full = Arc::new(Mutex::new(Sim::default()));
    let store = open_sim(&full, RootKey::from_bytes(OLD_ROOT)).unwrap();
    assert_eq!(run(&store, &ops), ops.len());
    assert_eq!(contents(&store), *models.last().unwrap());
    drop(store);
    let total = full.lock().unwrap().steps;
    assert!(
        total > 60,
        "the scenario should take many steps, took {total}"
    );

    let mut checked = 0;
    for k in 0..=total {
        let sim = Arc::new(Mutex::new(Sim {
            budget: Some(k),
            ..Sim::default()
        }));
        let (before, after) = match open_sim(&sim, RootKey::from_bytes(OLD_ROOT)) {
            Ok(store) => {
                let done = run(&store, &ops);
                (&models[done], &models[(done + 1).min(ops.len())])
            }
            // The crash hit the creation of the store: nothing was in it.
            Err(_) => (&models[0], &models[0]),
        };
        let crashed = sim.lock().unwrap();
        for kept in 0..=crashed.pending.len() {
            check_recovery(
                crashed.power_cut(kept),
                before,
                after,
                &format!("step {k}, cut keeping {kept}"),
            );
            checked += 1;
        }
        check_recovery(
            crashed.process_restart(),
            before,
            after,
            &format!("step {k}, process restart"),
        );
        checked += 1;
    }
    assert!(checked as u64 > total);
    println!("power-cut sweep: {total} steps, {checked} recoveries checked");
}

// ---------------------------------------------------------------------------
// The real directory backend.

#[test]
fn directory_backend_stopped_after_every_step_keeps_old_or_new() {
    let ops = scenario();
    let models = models(&ops);
    let counter_dir = tempfile::tempdir().unwrap();

    let mut k = 0u64;
    loop {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let counter_path = counter_dir.path().join(format!("counter-{k}"));
        let options = || {
            StoreOptions::default()
                .counter(FileCounter::insecure_development(&counter_path).unwrap())
        };
        let steps = Arc::new(AtomicU64::new(k));
        let (before, after, finished) = {
            let backend = DirBackend::open(&path)
                .unwrap()
                .__stop_after_steps(steps.clone());
            match SealedStore::open_backend(backend, RootKey::from_bytes(OLD_ROOT), options()) {
                Ok(store) => {
                    let done = run(&store, &ops);
                    (
                        &models[done],
                        &models[(done + 1).min(ops.len())],
                        done == ops.len(),
                    )
                }
                Err(_) => (&models[0], &models[0], false),
            }
        };
        let store = reopen(|root| SealedStore::open(&path, root, options()));
        let found = contents(&store);
        assert!(
            &found == before || &found == after,
            "step {k}: found {found:?}"
        );
        // No temporary survives a reopen.
        let leftovers: Vec<_> = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "step {k}: {leftovers:?}");
        store.put("health/check", b"ok").unwrap();
        drop(store);
        if finished {
            assert!(k > 40, "the scenario should take many steps, took {k}");
            println!("directory sweep: stopped after each of {k} steps");
            break;
        }
        k += 1;
    }
}
