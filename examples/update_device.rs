//! One device updates its firmware: a verified TUF download, a power-loss-
//! safe A/B install, a trial boot through the bootloader, a confirm that
//! advances the anti-rollback counter, and a rollback refused. Each step
//! names the EN 303 645 provisions it demonstrates.
//!
//! ```sh
//! cargo run --example update_device              # in a temporary directory
//! cargo run --example update_device -- --dir d   # keep the files in ./d
//! ```
//!
//! 1. **Factory**: slot A holds firmware 1.0.0, slot B is empty; a
//!    redundant U-Boot environment (two copies with CRC, as `fw_printenv`
//!    reads them) boots A; the TUF root of the repository is shipped.
//! 2. **Download**: the device refreshes the committed TUF repository
//!    (`examples/fixtures/update-repo`, made by python-tuf with
//!    `make_repo.py`) and downloads firmware 2.0.0 as a `VerifiedTarget`.
//! 3. **Install**: into slot B, streamed and hashed, read back from the
//!    medium, then first in the boot order in trial.
//! 4. **Reboot and confirm**: the bootloader (RAUC's U-Boot boot script,
//!    simulated over the same environment) boots B; the new system
//!    confirms, which ends the trial and advances the security counter.
//! 5. **Rollback refused**: the signed, verified previous version 1.0.0 is
//!    refused by the security counter; the device keeps booting 2.0.0.
//!
//! Where a real device uses hardware, this example uses files and says so:
//! the slots and the environment are files (partitions or MTD devices on a
//! device) and the rollback counter is a `FileCounter` (a hardware
//! monotonic counter, RPMB or a secure element on a device).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::fmt::Display;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use iot_update::iot_storage::FileCounter;
use iot_update::{
    Confirmation, DirectoryStore, EnvLocation, FileTransport, InstallProblem, Installer,
    MetadataStore, Phase, RollbackCounter, Slot, StorageCounter, UBootEnv, Updater, Vars,
    VerifiedTarget,
};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Size of each U-Boot environment copy (`CONFIG_ENV_SIZE`).
const ENV_SIZE: usize = 0x4000;
const FACTORY_IMAGE: &str = "cam-3000/fw-1.0.0.img";
const UPDATE_IMAGE: &str = "cam-3000/fw-2.0.0.img";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/update-repo")
}

/// The device's files.
struct Device {
    base: PathBuf,
}

impl Device {
    fn path(&self, name: &str) -> PathBuf {
        self.base.join(name)
    }
    fn env(&self) -> Result<UBootEnv> {
        Ok(UBootEnv::redundant(
            EnvLocation::new(self.path("uboot-env.0"), 0, ENV_SIZE),
            EnvLocation::new(self.path("uboot-env.1"), 0, ENV_SIZE),
        )?)
    }
    fn counter(&self) -> Result<StorageCounter<FileCounter>> {
        Ok(StorageCounter(FileCounter::insecure_development(
            self.path("rollback.counter"),
        )?))
    }
    fn slots(&self) -> Result<[Slot; 2]> {
        Ok([
            Slot::new("A", self.path("slot-a.img"))?,
            Slot::new("B", self.path("slot-b.img"))?,
        ])
    }
    /// The installer of the system running from `booted` (on a device:
    /// `booted_from_proc_cmdline()`, which reads `rauc.slot=`).
    fn installer(&self, booted: &str) -> Result<Installer> {
        Ok(
            Installer::builder(self.env()?, self.slots()?, self.counter()?)
                .booted(booted)
                .on_progress(|p| {
                    if p.done == p.total {
                        let what = match p.phase {
                            Phase::Writing => "written and hashed",
                            _ => "read back from the medium and hashed",
                        };
                        say(format_args!("  {} bytes {what}", p.total));
                    }
                })
                .build()?,
        )
    }
    fn updater(&self) -> Result<Updater> {
        let store = DirectoryStore::open(self.path("tuf"))?;
        if store.load("root", 512_000)?.is_none() {
            return Err("no trusted root: the factory step ships it".into());
        }
        let metadata = repo().join("metadata");
        let targets = repo().join("targets");
        Ok(Updater::builder(
            metadata.to_str().ok_or("path")?,
            FileTransport::new(),
            store,
        )
        .targets_url(targets.to_str().ok_or("path")?)
        .build())
    }
    fn download(&self, target: &str) -> Result<VerifiedTarget> {
        let mut updater = self.updater()?;
        updater.refresh()?;
        let info = updater.target(target)?;
        Ok(updater.download_target(&info, &self.path("downloads"))?)
    }
}

/// RAUC's `contrib/uboot.sh` slot selection over the environment: the first
/// slot of `BOOT_ORDER` with tries left is booted and loses a try.
fn power_on(device: &Device) -> Result<String> {
    let env = device.env()?;
    let mut vars = env.read()?;
    let order: Vec<String> = vars
        .get("BOOT_ORDER")
        .map_or("A B", String::as_str)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    for slot in order {
        let key = format!("BOOT_{slot}_LEFT");
        let left = u64::from_str_radix(vars.get(&key).map_or("3", String::as_str), 16)?;
        if left > 0 {
            vars.insert(key, format!("{:x}", left - 1));
            env.write(&vars)?;
            say(format_args!(
                "bootloader: found valid slot {slot}, {} attempts remaining; booting rauc.slot={slot}",
                left - 1
            ));
            return Ok(slot);
        }
    }
    Err("the bootloader found no valid slot".into())
}

fn show_env(device: &Device) -> Result<()> {
    let vars = device.env()?.read()?;
    let line: Vec<String> = vars
        .iter()
        .filter(|(k, _)| k.starts_with("BOOT_") || k.starts_with("IOT_"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    say(format_args!("environment: {}", line.join("  ")));
    Ok(())
}

fn first_line(path: &Path) -> Result<String> {
    let data = fs::read(path)?;
    let text = String::from_utf8_lossy(&data);
    Ok(text.lines().next().unwrap_or("(empty)").to_owned())
}

fn heading(number: u32, title: &str, provisions: &str) {
    println!("\n== {number}. {title}   [EN 303 645 {provisions}]");
}

fn say(line: impl Display) {
    println!("   {line}");
}

/// 1. Factory: slot A with 1.0.0, environment, shipped root.
fn factory(d: &Device) -> Result<()> {
    for dir in ["tuf", "downloads"] {
        fs::create_dir_all(d.path(dir))?;
    }
    // the factory image, as the production line flashes it
    let (_, factory_file) = fs::read_dir(repo().join("targets/cam-3000"))?
        .filter_map(std::result::Result::ok)
        .map(|e| (e.file_name(), e.path()))
        .find(|(n, _)| n.to_string_lossy().ends_with(".fw-1.0.0.img"))
        .ok_or("the fixture lacks the factory image")?;
    fs::copy(factory_file, d.path("slot-a.img"))?;
    fs::write(d.path("slot-b.img"), b"")?;
    say(format_args!(
        "slot A: {:?}; slot B: empty",
        first_line(&d.path("slot-a.img"))?
    ));
    for copy in ["uboot-env.0", "uboot-env.1"] {
        fs::write(d.path(copy), vec![0u8; ENV_SIZE])?;
    }
    let mut vars = Vars::new();
    for (k, v) in [
        ("BOOT_ORDER", "A"),
        ("BOOT_A_LEFT", "3"),
        ("BOOT_B_LEFT", "0"),
        ("IOT_A_VERSION", "1.0.0"),
        ("IOT_A_SECURITY", "1"),
    ] {
        vars.insert(k.into(), v.into());
    }
    d.env()?.format(&vars)?;
    say(
        "U-Boot environment: two redundant copies with CRC-32 (fw_env.config: `uboot-env.0 0x0 0x4000` and `uboot-env.1 0x0 0x4000`)",
    );
    show_env(d)?;
    let mut store = DirectoryStore::open(d.path("tuf"))?;
    store.store("root", &fs::read(repo().join("metadata/root.json"))?)?;
    say("the repository's root.json ships in the firmware: the trust anchor of every update");
    let booted = power_on(d)?;
    let outcome = d.installer(&booted)?.confirm()?;
    say(format_args!(
        "first boot from slot {booted}: confirm -> {outcome:?}; rollback counter = {}",
        d.counter()?.read()?
    ));
    if booted != "A" || d.counter()?.read()? != 1 {
        return Err("the factory device does not boot 1.0.0 with counter 1".into());
    }
    Ok(())
}

/// 2. Download firmware 2.0.0 as a verified target.
fn download(d: &Device) -> Result<VerifiedTarget> {
    let started = Instant::now();
    let target = d.download(UPDATE_IMAGE)?;
    say(format_args!(
        "refreshed root, timestamp, snapshot and targets (signatures, thresholds, versions, expiry) and downloaded {} ({} bytes, sha256 checked) in {} ms",
        target.target_path(),
        target.length(),
        started.elapsed().as_millis()
    ));
    say(format_args!(
        "its signed custom metadata: {}",
        target.custom().ok_or("no custom metadata")?
    ));
    Ok(target)
}

/// Runs the whole story in `kept` (or a temporary directory); `Ok(true)`
/// when every step did what it should.
pub(crate) fn run(kept: Option<PathBuf>) -> Result<bool> {
    println!("update_device: one device updates its firmware from 1.0.0 to 2.0.0");
    let (_temporary, base) = iot_examples::device_dir(kept.as_deref())?;
    let d = Device { base };
    let started = Instant::now();

    heading(1, "Factory", "5.3-2, 5.9-2");
    factory(&d)?;

    heading(2, "Download", "5.3-1, 5.3-7, 5.3-9, 5.3-10");
    let target = download(&d)?;

    heading(3, "Install into the inactive slot", "5.3-2, 5.9-2");
    let mut installer = d.installer("A")?;
    let installed = installer.install(target)?;
    say(format_args!(
        "slot {} now holds {} (security counter {}), first in the boot order with full tries, in trial",
        installed.slot, installed.version, installed.security_counter
    ));
    show_env(&d)?;
    say("a power cut at any point so far boots 1.0.0 or 2.0.0 in trial, never a half-written slot");
    if installer.status()?.trial.as_deref() != Some("B") || d.counter()?.read()? != 1 {
        return Err("the install did not leave B in trial with the counter unmoved".into());
    }

    heading(4, "Reboot and confirm", "5.3-2, 5.3-9");
    let booted = power_on(&d)?;
    say(format_args!(
        "running: {:?}",
        first_line(&d.path(&format!("slot-{}.img", booted.to_lowercase())))?
    ));
    let outcome = d.installer(&booted)?.confirm()?;
    let counter = d.counter()?.read()?;
    say(format_args!(
        "confirm -> {outcome:?}; rollback counter = {counter}"
    ));
    show_env(&d)?;
    if booted != "B"
        || outcome
            != (Confirmation::TrialEnded {
                security_counter: 2,
            })
        || counter != 2
    {
        return Err("the new image was not booted and confirmed".into());
    }

    heading(5, "Rollback to the previous version refused", "5.3-9");
    let old = d.download(FACTORY_IMAGE)?;
    say(format_args!(
        "{} is signed and verifies (an attacker can replay it), security counter {}",
        old.target_path(),
        old.custom()
            .and_then(|c| c.get("security_counter"))
            .ok_or("no counter")?
    ));
    match d.installer("B")?.install(old) {
        Err(iot_update::Error::Install {
            problem: InstallProblem::SecurityCounterRollback,
        }) => say("refused: its security counter is below the rollback counter"),
        other => return Err(format!("the rollback was not refused: {other:?}").into()),
    }
    let booted = power_on(&d)?;
    let _ = d.installer(&booted)?.confirm()?;
    if booted != "B" {
        return Err("the device no longer boots 2.0.0".into());
    }
    say("the device keeps booting 2.0.0");

    println!(
        "\n== Done in {} ms: every step did what it claims",
        started.elapsed().as_millis()
    );
    Ok(true)
}

fn parse_dir() -> Result<Option<PathBuf>> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => Ok(None),
        (Some("--dir"), Some(dir), None) => Ok(Some(PathBuf::from(dir))),
        _ => Err(format!("unexpected arguments\n\n{HELP}").into()),
    }
}

const HELP: &str = "\
Walks one simulated device through a firmware update with iot-update: a
verified TUF download, an A/B install into the inactive slot, a trial boot
through a (simulated) U-Boot, a confirm, and a refused rollback, narrating
each step with the EN 303 645 provisions it serves. Exits non-zero if any
step does not do what it claims.

Usage: update_device [--dir PATH]

Options:
  --dir PATH   keep the device's files in PATH (default: a temporary
               directory, removed at the end)
  -h, --help   print this help and exit
";

fn main() -> ExitCode {
    if iot_examples::help_requested(HELP) {
        return ExitCode::SUCCESS;
    }
    match parse_dir().and_then(run) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("update_device: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
