//! Crash sweep: an install, a confirm after the reboot into the new image,
//! and the confirm that resolves a fallback are each stopped after every
//! one of their durable steps (every write — torn where it stops —,
//! every fsync, rename and counter advance), for both bootloaders, both as
//! a crashed process (writes stay) and as a power cut (writes not yet
//! followed by an fsync of their file are lost). After
//! each stop the bootloader's view is the old confirmed slot or the new
//! slot in trial, never a half-written image marked bootable, the crate's
//! record agrees with it, and the device recovers (confirm, then a fresh
//! install succeeds).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

#[path = "support/ab.rs"]
#[allow(dead_code)] // each test file uses part of the test bench
mod ab;
mod support;

use ab::{Device, Loader, check_and_boot, is_bootable, repo, verified};
use iot_update::hooks::{__crash_at_step, __power_cut_at_step, __power_cut_now, __steps_taken};
use iot_update::{Confirmation, Installer};

const LOADERS: [Loader; 2] = [Loader::UBoot, Loader::Grub];

/// How an operation stops.
#[derive(Clone, Copy, Debug)]
enum Stop {
    /// The process dies: what it wrote stays (the write it stops in torn).
    Crash,
    /// The power goes: writes not followed by an fsync of their file are
    /// lost.
    PowerCut,
}

const STOPS: [Stop; 2] = [Stop::Crash, Stop::PowerCut];

/// Runs `op` stopped at step `n`; `true` if it completed (n was past its
/// last step).
fn crash_at<T, E>(n: u32, stop: Stop, op: impl FnOnce() -> Result<T, E>) -> bool {
    match stop {
        Stop::Crash => __crash_at_step(Some(n)),
        Stop::PowerCut => __power_cut_at_step(Some(n)),
    }
    let done = op().is_ok();
    let steps = __steps_taken();
    if let Stop::PowerCut = stop {
        // also when it completed: what it left unsynced is lost
        __power_cut_now();
    }
    __crash_at_step(None);
    assert!(done || n < steps);
    done
}

fn recover(d: &Device, ctx: &str) -> String {
    let booted = check_and_boot(d, ctx);
    let mut inst = d.installer(&booted);
    let _ = inst.confirm().unwrap();
    assert_eq!(inst.status().unwrap().trial, None, "{ctx}");
    // the counter is the security counter of the confirmed image, never a
    // trial's
    let expected = if d.image_in(&booted) == Some("2.0.0") {
        2
    } else {
        1
    };
    assert_eq!(d.counter_value(), expected, "{ctx}");
    booted
}

#[test]
fn a_crash_at_any_step_of_an_install_leaves_old_confirmed_or_new_in_trial() {
    let repo = repo();
    for (loader, stop) in LOADERS.into_iter().flat_map(|l| STOPS.map(|s| (l, s))) {
        // first install (from A into the empty B), then an install over a
        // slot that was bootable (from B, confirmed, into A, the fallback)
        for (from, to) in [("A", "B"), ("B", "A")] {
            let mut completed = false;
            let mut n = 0;
            while !completed {
                let ctx = format!("{loader:?} install {from}->{to}, {stop:?} at step {n}");
                let d = Device::new(loader);
                if from == "B" {
                    let _ = d
                        .installer("A")
                        .install(verified(&repo, "fw-2.0.0.img"))
                        .unwrap();
                    assert_eq!(d.boot().as_deref(), Some("B"));
                    let _ = d.installer("B").confirm().unwrap();
                    assert!(is_bootable(&d, "A"), "{ctx}: A is the fallback");
                }
                let before = d.counter_value();
                let target = verified(&repo, "fw-2.0.0.img");
                let mut inst = d.installer(from);
                completed = crash_at(n, stop, || inst.install(target));
                // an install may settle the counter to the running,
                // confirmed image's security counter, never to the new one's
                assert!(
                    d.counter_value() <= before.max(1),
                    "{ctx}: an install moved the counter"
                );
                let trial = inst.status().unwrap().trial;
                if let Some(t) = &trial {
                    assert_eq!(t, to);
                    assert!(is_bootable(&d, to), "{ctx}");
                    assert_eq!(d.image_in(to), Some("2.0.0"), "{ctx}");
                }
                // (a crash at the last sync may leave the trial recorded)
                assert!(
                    !completed || trial.is_some(),
                    "{ctx}: completed without a trial"
                );
                let booted = recover(&d, &ctx);
                assert_eq!(booted, if trial.is_some() { to } else { from }, "{ctx}");
                // and an install works again from there
                let _ = d
                    .installer(&booted)
                    .install(verified(&repo, "fw-2.0.0.img"))
                    .unwrap();
                n += 1;
            }
            assert!(n > 6, "{loader:?}: only {n} steps");
        }
    }
}

#[test]
fn a_crash_at_any_step_of_a_confirm_keeps_the_new_slot_and_completes_next_boot() {
    let repo = repo();
    for (loader, stop) in LOADERS.into_iter().flat_map(|l| STOPS.map(|s| (l, s))) {
        let mut completed = false;
        let mut n = 0;
        while !completed {
            let ctx = format!("{loader:?} confirm, {stop:?} at step {n}");
            let d = Device::new(loader);
            let _ = d
                .installer("A")
                .install(verified(&repo, "fw-2.0.0.img"))
                .unwrap();
            assert_eq!(d.boot().as_deref(), Some("B"));
            let mut inst = d.installer("B");
            completed = crash_at(n, stop, || inst.confirm());
            // GRUB's one-shot trial: a confirm cut before its environment
            // write means the next boot is the fallback, which is allowed
            let booted = recover(&d, &ctx);
            if booted == "A" {
                assert_eq!(loader, Loader::Grub, "{ctx}");
                assert!(!is_bootable(&d, "B"), "{ctx}");
            }
            n += 1;
        }
        assert!(n >= 3, "{loader:?}: only {n} steps");
    }
}

#[test]
fn a_crash_at_any_step_of_a_fallback_resolution_stays_on_the_old_slot() {
    let repo = repo();
    for (loader, stop) in LOADERS.into_iter().flat_map(|l| STOPS.map(|s| (l, s))) {
        let mut completed = false;
        let mut n = 0;
        while !completed {
            let ctx = format!("{loader:?} fallback, {stop:?} at step {n}");
            let d = Device::new(loader);
            let _ = d
                .installer("A")
                .install(verified(&repo, "fw-2.0.0.img"))
                .unwrap();
            while d.boot().unwrap() != "A" {}
            let mut inst: Installer = d.installer("A");
            completed = crash_at(n, stop, || inst.confirm());
            let booted = check_and_boot(&d, &ctx);
            if booted == "B" {
                // GRUB only: the fallback boot of A was cut before its
                // confirm, so every TRY flag was set, the rescue entry ran
                // and grub.cfg reset the flags; the new image, still whole
                // and in trial, gets another try (RAUC's GRUB semantics)
                assert_eq!(loader, Loader::Grub, "{ctx}");
                assert_eq!(d.image_in("B"), Some("2.0.0"), "{ctx}");
                assert_eq!(
                    d.installer("B").confirm().unwrap(),
                    Confirmation::TrialEnded {
                        security_counter: 2
                    },
                    "{ctx}"
                );
                n += 1;
                continue;
            }
            assert_eq!(booted, "A", "{ctx}");
            let outcome = d.installer("A").confirm().unwrap();
            // the resolution either happened before the stop or happens now
            assert!(
                matches!(
                    outcome,
                    Confirmation::Good | Confirmation::RolledBack { .. }
                ),
                "{ctx}"
            );
            assert!(!is_bootable(&d, "B"), "{ctx}");
            assert_eq!(d.counter_value(), 1, "{ctx}");
            n += 1;
        }
    }
}
