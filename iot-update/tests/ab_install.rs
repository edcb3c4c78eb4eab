//! The A/B installer end to end, against a simulated bootloader that runs
//! RAUC's U-Boot boot script and `grub.cfg` slot selection over the same
//! environment the crate writes: install → reboot → confirm, install →
//! crash loop → fallback, and the refusals (pending trial, downgrade,
//! security counter, missing metadata, corrupt environment).

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

#[path = "support/ab.rs"]
#[allow(dead_code)] // each test file uses part of the test bench
mod ab;
mod support;

use ab::{Device, Loader, is_bootable, repo, v, verified};
use iot_update::{
    Confirmation, Error, InstallProblem, InstallProgress, Phase, booted_slot_from_cmdline,
};

const LOADERS: [Loader; 2] = [Loader::UBoot, Loader::Grub];

#[test]
fn install_reboot_confirm_advances_the_counter_only_at_confirm() {
    let repo = repo();
    for loader in LOADERS {
        let d = Device::new(loader);
        assert_eq!(d.boot().as_deref(), Some("A"));
        let mut inst = d.installer("A");
        assert_eq!(inst.confirm().unwrap(), Confirmation::Good);
        assert_eq!(d.counter_value(), 1);

        let installed = inst.install(verified(&repo, "fw-2.0.0.img")).unwrap();
        assert_eq!(installed.slot, "B");
        assert_eq!(installed.security_counter, 2);
        assert_eq!(d.image_in("B"), Some("2.0.0"));
        let status = inst.status().unwrap();
        assert_eq!(status.trial.as_deref(), Some("B"));
        assert_eq!(status.primary.as_deref(), Some("B"));
        // a trial does not move the counter
        assert_eq!(d.counter_value(), 1);
        // and nothing installs over a pending trial
        let again = inst.install(verified(&repo, "fw-2.0.0.img"));
        assert_eq!(
            again.unwrap_err(),
            Error::Install {
                problem: InstallProblem::TrialPending
            }
        );

        assert_eq!(d.boot().as_deref(), Some("B"), "{loader:?}");
        let mut inst = d.installer("B");
        assert_eq!(
            inst.confirm().unwrap(),
            Confirmation::TrialEnded {
                security_counter: 2
            }
        );
        assert_eq!(d.counter_value(), 2);
        assert_eq!(inst.status().unwrap().trial, None);
        // every later good boot keeps booting B
        for _ in 0..5 {
            assert_eq!(d.boot().as_deref(), Some("B"), "{loader:?}");
            assert_eq!(d.installer("B").confirm().unwrap(), Confirmation::Good);
        }
    }
}

#[test]
fn a_crash_loop_falls_back_and_is_reported_as_a_rollback() {
    let repo = repo();
    for loader in LOADERS {
        let d = Device::new(loader);
        let mut inst = d.installer("A");
        let _ = inst.install(verified(&repo, "fw-2.0.0.img")).unwrap();
        // the new image never gets to confirm: U-Boot spends its 3 tries,
        // GRUB its one-shot TRY flag
        let mut boots = Vec::new();
        loop {
            let slot = d.boot().unwrap();
            boots.push(slot.clone());
            if slot == "A" {
                break;
            }
            assert!(boots.len() <= 3, "{loader:?}: {boots:?}");
        }
        let expected = match loader {
            Loader::UBoot => vec!["B", "B", "B", "A"],
            Loader::Grub => vec!["B", "A"],
        };
        assert_eq!(boots, expected, "{loader:?}");
        let mut inst = d.installer("A");
        assert_eq!(
            inst.confirm().unwrap(),
            Confirmation::RolledBack { failed: "B".into() }
        );
        assert_eq!(
            d.counter_value(),
            1,
            "a failed image never moves the counter"
        );
        assert!(!is_bootable(&d, "B"));
        for _ in 0..4 {
            assert_eq!(d.boot().as_deref(), Some("A"), "{loader:?}");
            assert_eq!(d.installer("A").confirm().unwrap(), Confirmation::Good);
        }
        // resolved: a new install is allowed again
        let _ = inst.install(verified(&repo, "fw-2.0.0.img")).unwrap();
    }
}

#[test]
fn rollbacks_are_refused_and_a_downgrade_needs_the_policy_and_the_counter() {
    let repo = repo();
    for loader in LOADERS {
        let d = Device::new(loader);
        let _ = d
            .installer("A")
            .install(verified(&repo, "fw-2.0.0.img"))
            .unwrap();
        assert_eq!(d.boot().as_deref(), Some("B"));
        let mut inst = d.installer("B");
        let _ = inst.confirm().unwrap();
        let refused = |r: Result<iot_update::Installed, Error>, p| {
            assert_eq!(r.unwrap_err(), Error::Install { problem: p });
        };
        // the previous version: below the running one and its counter
        refused(
            inst.install(verified(&repo, "fw-1.0.0.img")),
            InstallProblem::SecurityCounterRollback,
        );
        // a newer version whose security counter is below the counter
        refused(
            inst.install(verified(&repo, "fw-3.0.0.img")),
            InstallProblem::SecurityCounterRollback,
        );
        // an older version at the counter: refused unless allowed
        refused(
            inst.install(verified(&repo, "fw-1.5.0.img")),
            InstallProblem::Downgrade,
        );
        refused(
            inst.install(verified(&repo, "no-custom.img")),
            InstallProblem::MissingCustomMetadata,
        );
        // the refusals left the running slot bootable and the other intact
        assert!(is_bootable(&d, "B"));
        let mut allowed = d.installer_with("B", |b| b.insecure_allow_downgrade());
        let done = allowed.install(verified(&repo, "fw-1.5.0.img")).unwrap();
        assert_eq!((done.slot.as_str(), done.version.as_str()), ("A", "1.5.0"));
        // the policy never lowers the counter floor
        let _ = d.installer("B").confirm().unwrap(); // fallback not involved: B still booted
    }
}

#[test]
fn the_running_version_comes_from_the_caller_or_the_environment() {
    let repo = repo();
    let d = Device::new(Loader::UBoot);
    let mut inst = d.installer_with("A", |b| b.running_version(v("1.6.0")));
    assert_eq!(
        inst.install(verified(&repo, "fw-1.5.0.img")).unwrap_err(),
        Error::Install {
            problem: InstallProblem::Downgrade
        }
    );
    // without it, the version recorded for slot A (1.0.0) is the floor
    let _ = d
        .installer("A")
        .install(verified(&repo, "fw-1.5.0.img"))
        .unwrap();
}

#[test]
fn progress_reports_the_write_and_the_read_back() {
    let repo = repo();
    let d = Device::new(Loader::UBoot);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<InstallProgress>::new()));
    let log = seen.clone();
    let mut inst = d.installer_with("A", move |b| {
        b.on_progress(move |p| log.lock().unwrap().push(*p))
    });
    let target = verified(&repo, "fw-2.0.0.img");
    let total = target.length();
    let _ = inst.install(target).unwrap();
    let seen = seen.lock().unwrap();
    let last_write = seen.iter().rfind(|p| p.phase == Phase::Writing).unwrap();
    let last_read = seen.last().unwrap();
    assert_eq!((last_write.done, last_write.total), (total, total));
    assert_eq!((last_read.phase, last_read.done), (Phase::Verifying, total));
    assert!(seen.len() > 4);
}

#[test]
fn a_corrupt_primary_uboot_copy_falls_back_and_two_corrupt_copies_are_refused() {
    let repo = repo();
    let d = Device::new(Loader::UBoot);
    let _ = d
        .installer("A")
        .install(verified(&repo, "fw-2.0.0.img"))
        .unwrap();
    let before = d.vars();
    assert_eq!(before["IOT_TRIAL"], "B");
    // corrupt the copy holding the newest environment: the other (previous
    // write: B out of the order while it was written) is read
    let newest = ["env0", "env1"]
        .into_iter()
        .max_by_key(|f| std::fs::read(d.path(f)).unwrap()[4])
        .unwrap();
    let mut bytes = std::fs::read(d.path(newest)).unwrap();
    bytes[10] ^= 0xff;
    std::fs::write(d.path(newest), &bytes).unwrap();
    let after = d.vars();
    assert_eq!(after.get("IOT_TRIAL"), None);
    assert_eq!(after["BOOT_ORDER"], "A");
    assert_eq!(d.boot().as_deref(), Some("A"));
    // both corrupt: refused, never a default environment
    for f in ["env0", "env1"] {
        let mut bytes = std::fs::read(d.path(f)).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(d.path(f), &bytes).unwrap();
    }
    let mut inst = d.installer("A");
    assert!(matches!(inst.confirm(), Err(Error::BootEnv { .. })));
    assert!(matches!(
        inst.install(verified(&repo, "fw-2.0.0.img")),
        Err(Error::BootEnv { .. })
    ));
}

#[test]
fn the_booted_slot_comes_from_the_kernel_command_line() {
    assert_eq!(
        booted_slot_from_cmdline("console=ttyS0 root=/dev/sda2 rauc.slot=B quiet\n"),
        Some("B")
    );
    assert_eq!(booted_slot_from_cmdline("console=ttyS0 quiet"), None);
}
