//! A device with two file-backed slots, a file-backed boot environment, a
//! file-backed rollback counter, and a simulated bootloader running RAUC's
//! U-Boot boot script and `grub.cfg` slot selection over that environment.

use std::path::PathBuf;

use iot_update::iot_input::FirmwareVersion;
use iot_update::iot_storage::FileCounter;
use iot_update::serde_json::json;
use iot_update::{
    BootControl, EnvLocation, GrubEnv, Installer, RollbackCounter, Slot, StorageCounter, UBootEnv,
    Vars, VerifiedTarget,
};

use crate::support::Repo;

pub(crate) const ENV_SIZE: usize = 0x2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loader {
    UBoot,
    Grub,
}

/// The images of the test repository: path, content, version, security counter.
pub(crate) const IMAGES: &[(&str, &str, u64)] = &[
    ("fw-1.0.0.img", "1.0.0", 1),
    ("fw-2.0.0.img", "2.0.0", 2),
    ("fw-1.5.0.img", "1.5.0", 2),
    ("fw-3.0.0.img", "3.0.0", 0),
];

pub(crate) fn content(path: &str) -> Vec<u8> {
    // a few chunks long, so a write has several steps
    let mut v = Vec::new();
    while v.len() < 150_000 {
        v.extend_from_slice(path.as_bytes());
        v.extend_from_slice(&(v.len() as u32).to_le_bytes());
    }
    v
}

pub(crate) fn repo() -> Repo {
    let mut repo = Repo::new();
    for (path, version, sec) in IMAGES {
        repo.add_target(
            "targets",
            path,
            &content(path),
            Some(json!({"version": version, "security_counter": sec})),
        );
    }
    repo.add_target("targets", "no-custom.img", b"plain", None);
    repo.bump();
    repo
}

pub(crate) fn verified(repo: &Repo, path: &str) -> VerifiedTarget {
    let mut updater = repo.updater();
    updater.refresh().unwrap();
    let info = updater.target(path).unwrap();
    let dir = repo.path("download");
    updater.download_target(&info, &dir).unwrap()
}

pub(crate) struct Device {
    root: PathBuf,
    _tmp: Option<tempfile::TempDir>,
    pub(crate) loader: Loader,
}

impl Device {
    /// A factory-fresh device: slot A holds 1.0.0 (confirmed), slot B is
    /// empty and out of the boot order.
    pub(crate) fn new(loader: Loader) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let d = Device {
            root: dir.path().to_owned(),
            _tmp: Some(dir),
            loader,
        };
        std::fs::write(d.slot_path("A"), content("fw-1.0.0.img")).unwrap();
        std::fs::write(d.slot_path("B"), b"").unwrap();
        let mut vars = Vars::new();
        match loader {
            Loader::UBoot => {
                for f in ["env0", "env1"] {
                    std::fs::write(d.path(f), vec![0u8; ENV_SIZE]).unwrap();
                }
                vars.insert("BOOT_ORDER".into(), "A".into());
                vars.insert("BOOT_A_LEFT".into(), "3".into());
                vars.insert("BOOT_B_LEFT".into(), "0".into());
                vars.insert("IOT_A_VERSION".into(), "1.0.0".into());
                vars.insert("IOT_A_SECURITY".into(), "1".into());
                d.uboot().format(&vars).unwrap();
            }
            Loader::Grub => {
                vars.insert("ORDER".into(), "A".into());
                vars.insert("A_OK".into(), "1".into());
                vars.insert("A_TRY".into(), "0".into());
                vars.insert("B_OK".into(), "0".into());
                vars.insert("B_TRY".into(), "0".into());
                vars.insert("IOT_A_VERSION".into(), "1.0.0".into());
                vars.insert("IOT_A_SECURITY".into(), "1".into());
                d.grub().write(&vars).unwrap();
            }
        }
        d
    }

    /// The device in `root`, made by [`Device::new`] (in another process).
    pub(crate) fn open(root: &std::path::Path, loader: Loader) -> Device {
        Device {
            root: root.to_owned(),
            _tmp: None,
            loader,
        }
    }

    pub(crate) fn root(&self) -> &std::path::Path {
        &self.root
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
    pub(crate) fn slot_path(&self, slot: &str) -> PathBuf {
        self.path(&format!("slot-{slot}"))
    }
    pub(crate) fn uboot(&self) -> UBootEnv {
        UBootEnv::redundant(
            EnvLocation::new(self.path("env0"), 0, ENV_SIZE),
            EnvLocation::new(self.path("env1"), 0, ENV_SIZE),
        )
        .unwrap()
    }
    pub(crate) fn grub(&self) -> GrubEnv {
        GrubEnv::new(self.path("grubenv"))
    }
    pub(crate) fn vars(&self) -> Vars {
        match self.loader {
            Loader::UBoot => self.uboot().read().unwrap(),
            Loader::Grub => self.grub().read().unwrap(),
        }
    }
    pub(crate) fn counter(&self) -> StorageCounter<FileCounter> {
        StorageCounter(FileCounter::insecure_development(self.path("counter")).unwrap())
    }
    pub(crate) fn counter_value(&self) -> u64 {
        self.counter().read().unwrap()
    }
    pub(crate) fn slots(&self) -> [Slot; 2] {
        [
            Slot::new("A", self.slot_path("A")).unwrap(),
            Slot::new("B", self.slot_path("B")).unwrap(),
        ]
    }

    /// The installer of the system running from `booted`.
    pub(crate) fn installer(&self, booted: &str) -> Installer {
        self.installer_with(booted, |b| b)
    }

    pub(crate) fn installer_with(
        &self,
        booted: &str,
        f: impl FnOnce(iot_update::InstallerBuilder) -> iot_update::InstallerBuilder,
    ) -> Installer {
        let b = match self.loader {
            Loader::UBoot => Installer::builder(self.uboot(), self.slots(), self.counter()),
            Loader::Grub => Installer::builder(self.grub(), self.slots(), self.counter()),
        };
        f(b.booted(booted)).build().unwrap()
    }

    /// Powers on: the simulated bootloader picks a slot (and saves its
    /// environment as the script does). `None`: nothing bootable (U-Boot
    /// resets the tries and the board; GRUB boots its rescue entry).
    pub(crate) fn boot(&self) -> Option<String> {
        match self.loader {
            Loader::UBoot => uboot_script(&self.uboot()),
            Loader::Grub => grub_cfg(&self.grub()),
        }
    }

    /// Which image a slot holds, if it is a whole image of the repository.
    pub(crate) fn image_in(&self, slot: &str) -> Option<&'static str> {
        let data = std::fs::read(self.slot_path(slot)).unwrap();
        IMAGES
            .iter()
            .find(|(p, _, _)| content(p) == data)
            .map(|(_, v, _)| *v)
    }
}

/// RAUC's `contrib/uboot.sh` over the environment.
pub(crate) fn uboot_script(env: &UBootEnv) -> Option<String> {
    let mut vars = env.read().unwrap();
    for (k, v) in [
        ("BOOT_ORDER", "A B"),
        ("BOOT_A_LEFT", "3"),
        ("BOOT_B_LEFT", "3"),
    ] {
        if vars.get(k).is_none_or(|x| x.is_empty()) {
            vars.insert(k.into(), v.into());
        }
    }
    let order: Vec<String> = vars["BOOT_ORDER"]
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut booted = None;
    for slot in order {
        if booted.is_some() {
            continue;
        }
        let key = format!("BOOT_{slot}_LEFT");
        let Some(left) = vars.get(&key) else { continue };
        // `test 0x${BOOT_A_LEFT} -gt 0`; setexpr writes hex
        let left = u64::from_str_radix(left, 16).unwrap();
        if left > 0 {
            vars.insert(key, format!("{:x}", left - 1));
            booted = Some(slot);
        }
    }
    if booted.is_none() {
        vars.insert("BOOT_A_LEFT".into(), "3".into());
        vars.insert("BOOT_B_LEFT".into(), "3".into());
    }
    env.write(&vars).unwrap();
    booted
}

/// RAUC's `contrib/grub.conf` slot selection over the environment.
pub(crate) fn grub_cfg(env: &GrubEnv) -> Option<String> {
    let mut vars: Vars = [
        ("ORDER", "A B"),
        ("A_OK", "0"),
        ("B_OK", "0"),
        ("A_TRY", "0"),
        ("B_TRY", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    vars.extend(env.read().unwrap());
    let mut default = None;
    for slot in vars["ORDER"].clone().split_whitespace() {
        if slot != "A" && slot != "B" {
            continue;
        }
        let ok = vars[&format!("{slot}_OK")] == "1";
        let tried = vars[&format!("{slot}_TRY")] == "1";
        vars.insert(format!("{slot}_TRY"), "1".into());
        if ok && !tried {
            default = Some(slot.to_owned());
            break;
        }
    }
    if default.is_none() {
        for slot in ["A", "B"] {
            if vars[&format!("{slot}_OK")] == "1" && vars[&format!("{slot}_TRY")] == "1" {
                vars.insert(format!("{slot}_TRY"), "0".into());
            }
        }
    }
    // save_env A_TRY A_OK B_TRY B_OK ORDER: the other variables stay
    let mut saved = env.read().unwrap();
    for k in ["A_TRY", "A_OK", "B_TRY", "B_OK", "ORDER"] {
        saved.insert(k.into(), vars[k].clone());
    }
    env.write(&saved).unwrap();
    default
}

pub(crate) fn v(s: &str) -> FirmwareVersion {
    FirmwareVersion::parse(s).unwrap()
}

pub(crate) fn is_bootable(d: &Device, slot: &str) -> bool {
    let vars = d.vars();
    match d.loader {
        Loader::UBoot => d.uboot().is_bootable(&vars, slot),
        Loader::Grub => d.grub().is_bootable(&vars, slot),
    }
}

/// The power-loss invariant, checked right after a crash and before the
/// next boot: every slot the bootloader may pick holds a whole image, the
/// one the crate recorded for it; then the bootloader boots a slot holding
/// a whole image. Returns the booted slot.
pub(crate) fn check_and_boot(d: &Device, ctx: &str) -> String {
    let vars = d.vars();
    for slot in ["A", "B"] {
        if is_bootable(d, slot) {
            let image = d
                .image_in(slot)
                .unwrap_or_else(|| panic!("{ctx}: slot {slot} is bootable but half-written"));
            if let Some(recorded) = vars.get(&format!("IOT_{slot}_VERSION")) {
                assert_eq!(
                    image, recorded,
                    "{ctx}: slot {slot} is not what the crate recorded"
                );
            }
        }
    }
    // GRUB boots its rescue entry when every slot's TRY flag is set (its
    // grub.cfg then resets the flags): the rescue system reboots
    let booted = d
        .boot()
        .or_else(|| (d.loader == Loader::Grub).then(|| d.boot()).flatten())
        .unwrap_or_else(|| panic!("{ctx}: nothing bootable"));
    assert!(
        d.image_in(&booted).is_some(),
        "{ctx}: booted a half-written slot"
    );
    booted
}
