//! A real process running the device's update loop (boot through the
//! simulated bootloader, confirm, install the other image) is killed with
//! SIGKILL at random moments, 30 times per bootloader; after every kill
//! every slot the bootloader may pick holds the whole image the crate
//! recorded for it, the bootloader boots a whole image, and a confirm from
//! there succeeds.
//!
//! The loop is this test binary itself, re-executed by the test kit's child
//! harness with an environment variable that makes `sigkill_child_updater`
//! run it.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

#[path = "support/ab.rs"]
#[allow(dead_code)] // each test file uses part of the test bench
mod ab;
mod support;

use std::path::Path;
use std::time::Duration;

use ab::{Device, Loader, check_and_boot, repo, verified};
use iot_testkit::child::{self, Child, KillTimer};

/// The child's role variable: `uboot|DIR` or `grub|DIR`.
const ROLE: &str = "IOT_UPDATE_SIGKILL_UPDATER";
const KILLS: usize = 30;

fn loader(name: &str) -> Loader {
    if name == "grub" {
        Loader::Grub
    } else {
        Loader::UBoot
    }
}

#[test]
#[ignore = "child process of sigkill_during_updates_never_leaves_a_half_written_bootable_slot; does nothing unless that test spawns it"]
fn sigkill_child_updater() {
    let Some(role) = child::role(ROLE) else {
        return;
    };
    let (name, dir) = role.split_once('|').unwrap();
    let d = Device::open(Path::new(dir), loader(name));
    let repo = repo();
    // both images at the same security counter, alternated: the loop never
    // runs out of allowed installs
    let images = ["fw-2.0.0.img", "fw-1.5.0.img"];
    // the repository is made and refreshed once before the kills start
    drop(verified(&repo, images[0]));
    child::signal_ready();
    let mut i = 0;
    loop {
        let booted = d.boot().unwrap_or_else(|| d.boot().unwrap());
        let mut inst = d.installer_with(&booted, |b| b.insecure_allow_downgrade());
        let _ = inst.confirm().unwrap();
        i += 1;
        let _ = inst.install(verified(&repo, images[i % 2])).unwrap();
    }
}

#[test]
fn sigkill_during_updates_never_leaves_a_half_written_bootable_slot() {
    let mut timer = KillTimer::from_env_or_clock("IOT_UPDATE_SIGKILL_SEED");
    let seed = timer.seed();
    for (name, l) in [("uboot", Loader::UBoot), ("grub", Loader::Grub)] {
        let d = Device::new(l);
        let role = format!("{name}|{}", d.root().display());
        let mut slots_seen = std::collections::BTreeSet::new();
        for round in 0..KILLS {
            let mut updater = Child::spawn("sigkill_child_updater", ROLE, &role);
            assert!(
                updater.wait_ready(Duration::from_secs(60)),
                "seed {seed} round {round}: the updater did not start"
            );
            std::thread::sleep(timer.below(Duration::from_millis(60)));
            assert!(
                updater.kill(),
                "seed {seed} round {round}: the updater exited by itself"
            );
            let ctx = format!("{name} seed {seed} round {round}");
            let booted = check_and_boot(&d, &ctx);
            let mut inst = d.installer_with(&booted, |b| b.insecure_allow_downgrade());
            let _ = inst.confirm().unwrap();
            assert_eq!(inst.status().unwrap().trial, None, "{ctx}");
            slots_seen.insert(booted);
        }
        assert_eq!(
            slots_seen.len(),
            2,
            "{name} seed {seed}: the updater never switched slots"
        );
    }
}
