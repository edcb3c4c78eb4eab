//! Interop with the real tools (`.ci/run` installs `libubootenv-tool` and
//! `grub-common`): what the crate writes, `fw_printenv` and `grub-editenv
//! list` read; what `fw_setenv` and `grub-editenv set` write (as a boot
//! script or an operator would), the crate reads; a corrupted primary
//! U-Boot copy falls back to the redundant one in both.

// Test code throughout: clippy.toml lets it panic, helpers included.
#![cfg(test)]

#[path = "support/ab.rs"]
#[allow(dead_code)] // each test file uses part of the test bench
mod ab;
mod support;

use std::collections::BTreeMap;
use std::process::Command;

use ab::{Device, ENV_SIZE, Loader, repo, verified};
use iot_update::{Confirmation, GrubEnv, UBootEnv, Vars};

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn parse_list(text: &str) -> Vars {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn fw_config(d: &Device) -> std::path::PathBuf {
    let cfg = d.path("fw_env.config");
    std::fs::write(
        &cfg,
        format!(
            "{} 0x0 {ENV_SIZE:#x}\n{} 0x0 {ENV_SIZE:#x}\n",
            d.path("env0").display(),
            d.path("env1").display()
        ),
    )
    .unwrap();
    cfg
}

#[test]
fn the_fw_env_config_of_the_interop_tests_describes_the_same_pair() {
    let d = Device::new(Loader::UBoot);
    let text = std::fs::read_to_string(fw_config(&d)).unwrap();
    let parsed = UBootEnv::from_fw_env_config(&format!("# a comment\n{text}\n")).unwrap();
    assert_eq!(parsed.copies(), d.uboot().copies());
    assert_eq!(parsed.read().unwrap(), d.vars());
    assert!(UBootEnv::from_fw_env_config("/dev/mtd1 0x0 0x4000\n").is_err());
    assert!(UBootEnv::from_fw_env_config("/dev/mtd1 zero 0x4000\n/dev/mtd2 0 0x4000").is_err());
}

fn fw_printenv(d: &Device) -> Vars {
    parse_list(&run(Command::new("fw_printenv")
        .arg("-c")
        .arg(fw_config(d))))
}

#[test]
#[ignore = "interop: needs fw_printenv/grub-editenv; run by .ci/run"]
fn interop_uboot_env_both_directions_with_libubootenv() {
    let repo = repo();
    let d = Device::new(Loader::UBoot);
    let _ = d
        .installer("A")
        .install(verified(&repo, "fw-2.0.0.img"))
        .unwrap();
    // ours → fw_printenv
    let theirs = fw_printenv(&d);
    assert_eq!(theirs, d.vars());
    assert_eq!(theirs["BOOT_ORDER"], "B A");
    assert_eq!(theirs["BOOT_B_LEFT"], "3");
    assert_eq!(theirs["IOT_TRIAL"], "B");

    // fw_setenv (the boot script's saveenv, as an operator would) → ours
    let cfg = fw_config(&d);
    run(Command::new("fw_setenv")
        .arg("-c")
        .arg(&cfg)
        .args(["BOOT_B_LEFT", "2"]));
    assert_eq!(d.vars()["BOOT_B_LEFT"], "2");
    // the slot booted from the script's view, then the crate confirms it
    assert_eq!(d.boot().as_deref(), Some("B"));
    assert_eq!(
        d.installer("B").confirm().unwrap(),
        Confirmation::TrialEnded {
            security_counter: 2
        }
    );
    let theirs = fw_printenv(&d);
    assert_eq!(theirs.get("IOT_TRIAL"), None);
    assert_eq!(theirs["BOOT_B_LEFT"], "3");
    assert_eq!(theirs, d.vars());
}

#[test]
#[ignore = "interop: needs fw_printenv/grub-editenv; run by .ci/run"]
fn interop_uboot_corrupt_primary_copy_falls_back_like_libubootenv() {
    let d = Device::new(Loader::UBoot);
    let cfg = fw_config(&d);
    run(Command::new("fw_setenv")
        .arg("-c")
        .arg(&cfg)
        .args(["STEP", "one"]));
    run(Command::new("fw_setenv")
        .arg("-c")
        .arg(&cfg)
        .args(["STEP", "two"]));
    assert_eq!(d.vars()["STEP"], "two");
    // corrupt the current copy (the higher flags byte)
    let current = ["env0", "env1"]
        .into_iter()
        .max_by_key(|f| std::fs::read(d.path(f)).unwrap()[4])
        .unwrap();
    let mut bytes = std::fs::read(d.path(current)).unwrap();
    bytes[8] ^= 0x55;
    std::fs::write(d.path(current), &bytes).unwrap();
    assert_eq!(fw_printenv(&d)["STEP"], "one");
    assert_eq!(d.vars()["STEP"], "one");
    // and our next write goes over the corrupt copy, which both read
    let mut vars = d.vars();
    vars.insert("STEP".into(), "three".into());
    d.uboot().write(&vars).unwrap();
    assert_eq!(fw_printenv(&d)["STEP"], "three");
}

#[test]
#[ignore = "interop: needs fw_printenv/grub-editenv; run by .ci/run"]
fn interop_grub_envblk_both_directions_with_grub_editenv() {
    let repo = repo();
    let d = Device::new(Loader::Grub);
    let list = |d: &Device| {
        parse_list(&run(Command::new("grub-editenv")
            .arg(d.path("grubenv"))
            .arg("list")))
    };
    let _ = d
        .installer("A")
        .install(verified(&repo, "fw-2.0.0.img"))
        .unwrap();
    let theirs = list(&d);
    assert_eq!(theirs, d.vars());
    assert_eq!(theirs["ORDER"], "B A");
    assert_eq!(
        (theirs["B_OK"].as_str(), theirs["B_TRY"].as_str()),
        ("1", "0")
    );
    // grub.cfg's save_env, as grub-editenv set does it
    run(Command::new("grub-editenv")
        .arg(d.path("grubenv"))
        .args(["set", "B_TRY=1", "A_TRY=0"]));
    assert_eq!(d.vars()["B_TRY"], "1");
    assert_eq!(
        d.installer("B").confirm().unwrap(),
        Confirmation::TrialEnded {
            security_counter: 2
        }
    );
    assert_eq!(list(&d)["B_TRY"], "0");
    // a block grub-editenv created is read as it is
    let fresh = d.path("fresh");
    run(Command::new("grub-editenv").arg(&fresh).arg("create"));
    run(Command::new("grub-editenv")
        .arg(&fresh)
        .args(["set", "ORDER=A B", "A_OK=1"]));
    let ours = GrubEnv::new(&fresh).read().unwrap();
    let expected: BTreeMap<String, String> = [("ORDER", "A B"), ("A_OK", "1")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(ours, expected);
    // byte for byte the same block for the same variables
    GrubEnv::new(d.path("ours")).write(&expected).unwrap();
    let mut theirs = std::fs::read(&fresh).unwrap();
    let ours = std::fs::read(d.path("ours")).unwrap();
    // grub-editenv keeps insertion order, ours is sorted: compare as sets
    theirs.sort_unstable();
    let mut ours_sorted = ours.clone();
    ours_sorted.sort_unstable();
    assert_eq!(theirs, ours_sorted);
    assert_eq!(ours.len(), 1024);
}
