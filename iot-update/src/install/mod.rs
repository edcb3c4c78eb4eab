//! The power-loss-safe A/B installer.

mod env;
mod step;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use iot_input::FirmwareVersion;

pub use env::{EnvLocation, GrubEnv, UBootEnv, Vars};

use crate::counter::RollbackCounter;
use crate::crypto::MultiHasher;
use crate::error::{Error, InstallProblem, IntegrityRule, Subject, io};
use crate::updater::VerifiedTarget;

/// The tries a slot gets when it is made active or confirmed (RAUC's
/// U-Boot script's default).
const TRIES: u32 = 3;

/// Our own variables, kept in the same environment as the bootloader's, so
/// that one atomic environment write changes both views together.
const TRIAL: &str = "IOT_TRIAL";
fn version_var(slot: &str) -> String {
    format!("IOT_{slot}_VERSION")
}
fn security_var(slot: &str) -> String {
    format!("IOT_{slot}_SECURITY")
}

fn problem(problem: InstallProblem) -> Error {
    Error::Install { problem }
}

/// A boot environment in the variables of one bootloader integration.
///
/// A store must be atomic and durable: after a power cut the bootloader
/// reads either the previous or the new variables. [`UBootEnv`] (RAUC's
/// `BOOT_ORDER` / `BOOT_<slot>_LEFT`) and [`GrubEnv`] (RAUC's `ORDER` /
/// `<slot>_OK` / `<slot>_TRY`) implement it.
pub trait BootControl: Send + core::fmt::Debug {
    /// Reads the environment.
    ///
    /// # Errors
    /// [`Error::BootEnv`] or [`Error::Io`].
    fn load(&mut self) -> Result<Vars, Error>;
    /// Replaces the environment, atomically and durably.
    ///
    /// # Errors
    /// [`Error::BootEnv`] or [`Error::Io`].
    fn store(&mut self, vars: &Vars) -> Result<(), Error>;
    /// The slots in boot order.
    fn order(&self, vars: &Vars) -> Vec<String>;
    /// Whether the bootloader may still pick `slot`.
    fn is_bootable(&self, vars: &Vars, slot: &str) -> bool;
    /// Puts `slot` first in the boot order with full tries.
    fn mark_active(&self, vars: &mut Vars, slot: &str);
    /// Restores `slot`'s tries after a good boot (`rauc status mark-good`).
    fn mark_good(&self, vars: &mut Vars, slot: &str);
    /// Takes `slot` out of the boot order so that nothing boots it.
    fn mark_unbootable(&self, vars: &mut Vars, slot: &str);
}

fn split_order(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn put_first(order: Vec<String>, slot: &str) -> String {
    let mut out = vec![slot.to_owned()];
    out.extend(order.into_iter().filter(|s| s != slot));
    out.join(" ")
}

fn without(order: Vec<String>, slot: &str) -> String {
    order
        .into_iter()
        .filter(|s| s != slot)
        .collect::<Vec<_>>()
        .join(" ")
}

impl BootControl for UBootEnv {
    fn load(&mut self) -> Result<Vars, Error> {
        self.read()
    }
    fn store(&mut self, vars: &Vars) -> Result<(), Error> {
        self.write(vars)
    }
    fn order(&self, vars: &Vars) -> Vec<String> {
        split_order(vars.get("BOOT_ORDER"))
    }
    fn is_bootable(&self, vars: &Vars, slot: &str) -> bool {
        // the script's `test -n "${BOOT_x_LEFT}" || setenv BOOT_x_LEFT 3`
        let left = vars
            .get(&format!("BOOT_{slot}_LEFT"))
            .map_or(Some(TRIES), |v| u32::from_str_radix(v, 16).ok());
        self.order(vars).iter().any(|s| s == slot) && left.is_some_and(|l| l > 0)
    }
    fn mark_active(&self, vars: &mut Vars, slot: &str) {
        let order = put_first(self.order(vars), slot);
        vars.insert("BOOT_ORDER".into(), order);
        self.mark_good(vars, slot);
    }
    fn mark_good(&self, vars: &mut Vars, slot: &str) {
        vars.insert(format!("BOOT_{slot}_LEFT"), TRIES.to_string());
    }
    fn mark_unbootable(&self, vars: &mut Vars, slot: &str) {
        let order = without(self.order(vars), slot);
        vars.insert("BOOT_ORDER".into(), order);
        vars.insert(format!("BOOT_{slot}_LEFT"), "0".into());
    }
}

impl BootControl for GrubEnv {
    fn load(&mut self) -> Result<Vars, Error> {
        self.read()
    }
    fn store(&mut self, vars: &Vars) -> Result<(), Error> {
        self.write(vars)
    }
    fn order(&self, vars: &Vars) -> Vec<String> {
        split_order(vars.get("ORDER"))
    }
    fn is_bootable(&self, vars: &Vars, slot: &str) -> bool {
        self.order(vars).iter().any(|s| s == slot)
            && vars.get(&format!("{slot}_OK")).is_some_and(|v| v == "1")
    }
    fn mark_active(&self, vars: &mut Vars, slot: &str) {
        let order = put_first(self.order(vars), slot);
        vars.insert("ORDER".into(), order);
        self.mark_good(vars, slot);
    }
    fn mark_good(&self, vars: &mut Vars, slot: &str) {
        vars.insert(format!("{slot}_OK"), "1".into());
        vars.insert(format!("{slot}_TRY"), "0".into());
    }
    fn mark_unbootable(&self, vars: &mut Vars, slot: &str) {
        let order = without(self.order(vars), slot);
        vars.insert("ORDER".into(), order);
        vars.insert(format!("{slot}_OK"), "0".into());
        vars.insert(format!("{slot}_TRY"), "0".into());
    }
}

/// One slot: its bootloader name (`A`, `B`: the name in `rauc.slot=` and
/// in the environment's variables) and the file or block device it lives on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    name: String,
    device: PathBuf,
}

impl Slot {
    /// The longest slot name.
    pub const MAX_NAME: usize = 16;

    /// Slot `name` on `device` (a file or a block device).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] unless the name is 1 to 16 ASCII letters or
    /// digits.
    pub fn new(name: &str, device: impl Into<PathBuf>) -> Result<Self, Error> {
        if name.is_empty()
            || name.len() > Self::MAX_NAME
            || !name.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Error::InvalidConfig {
                reason: "a slot name is 1 to 16 ascii letters or digits",
            });
        }
        Ok(Slot {
            name: name.to_owned(),
            device: device.into(),
        })
    }
    /// The bootloader's name of the slot.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The file or block device.
    pub fn device(&self) -> &std::path::Path {
        &self.device
    }
}

/// The slot named by `rauc.slot=` in a kernel command line (the contents of
/// `/proc/cmdline`).
pub fn booted_slot_from_cmdline(cmdline: &str) -> Option<&str> {
    cmdline
        .split_whitespace()
        .find_map(|arg| arg.strip_prefix("rauc.slot="))
}

/// Which step of an install a [`InstallProgress`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Writing the image to the inactive slot (and hashing it).
    Writing,
    /// Reading the slot back from the medium and hashing it.
    Verifying,
}

/// Progress of an install, reported to the callback set with
/// [`InstallerBuilder::on_progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct InstallProgress {
    /// The step.
    pub phase: Phase,
    /// Bytes written (or read back) so far.
    pub done: u64,
    /// The image's signed length.
    pub total: u64,
}

type ProgressFn = Box<dyn FnMut(&InstallProgress) + Send>;

/// Builds an [`Installer`].
#[must_use]
pub struct InstallerBuilder {
    boot: Box<dyn BootControl>,
    slots: [Slot; 2],
    counter: Box<dyn RollbackCounter>,
    booted: Option<String>,
    running_version: Option<FirmwareVersion>,
    allow_downgrade: bool,
    progress: Option<ProgressFn>,
}

impl core::fmt::Debug for InstallerBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InstallerBuilder")
            .field("slots", &self.slots)
            .field("booted", &self.booted)
            .field("allow_downgrade", &self.allow_downgrade)
            .finish_non_exhaustive()
    }
}

impl InstallerBuilder {
    /// The slot the running system booted from (its name), as the caller
    /// knows it.
    pub fn booted(mut self, slot: &str) -> Self {
        self.booted = Some(slot.to_owned());
        self
    }

    /// Reads the booted slot from `rauc.slot=` in `/proc/cmdline`.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read; [`Error::InvalidConfig`] if it
    /// names no slot.
    pub fn booted_from_proc_cmdline(self) -> Result<Self, Error> {
        let cmdline =
            std::fs::read_to_string("/proc/cmdline").map_err(io("reading /proc/cmdline"))?;
        let slot = booted_slot_from_cmdline(&cmdline).ok_or(Error::InvalidConfig {
            reason: "the kernel command line has no rauc.slot=",
        })?;
        Ok(self.booted(slot))
    }

    /// The running firmware's version, the floor of the downgrade check
    /// (otherwise the version recorded at its install is used).
    pub fn running_version(mut self, version: FirmwareVersion) -> Self {
        self.running_version = Some(version);
        self
    }

    /// Allows installing a version below the running one, as long as its
    /// security counter is not below the rollback counter (which is always
    /// checked).
    pub fn insecure_allow_downgrade(mut self) -> Self {
        self.allow_downgrade = true;
        self
    }

    /// Calls `callback` as an image is written and read back.
    pub fn on_progress(mut self, callback: impl FnMut(&InstallProgress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(callback));
        self
    }

    /// The installer.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when no booted slot was given or the two
    /// slots share a name; [`Error::Install`] with
    /// [`InstallProblem::UnknownBootedSlot`] when the booted slot is
    /// neither.
    pub fn build(self) -> Result<Installer, Error> {
        let booted = self.booted.ok_or(Error::InvalidConfig {
            reason: "the booted slot is not set",
        })?;
        if self.slots[0].name == self.slots[1].name {
            return Err(Error::InvalidConfig {
                reason: "the two slots have the same name",
            });
        }
        let [first, second] = self.slots;
        let (booted, inactive) = if first.name == booted {
            (first, second)
        } else if second.name == booted {
            (second, first)
        } else {
            return Err(problem(InstallProblem::UnknownBootedSlot));
        };
        Ok(Installer {
            boot: self.boot,
            booted,
            inactive,
            counter: self.counter,
            running_version: self.running_version,
            allow_downgrade: self.allow_downgrade,
            progress: self.progress,
        })
    }
}

/// What the environment says, seen from the booted slot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The booted slot.
    pub booted: String,
    /// The slot the bootloader picks first.
    pub primary: Option<String>,
    /// The slot of an unresolved trial boot (a new install not yet
    /// confirmed), if any.
    pub trial: Option<String>,
}

/// What [`Installer::confirm`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Confirmation {
    /// A good boot of a confirmed slot: its tries are restored.
    Good,
    /// The booted slot was a new install in trial: the trial ended, it is
    /// the confirmed slot and the rollback counter is at its security
    /// counter.
    TrialEnded {
        /// The image's security counter (now the rollback counter's floor).
        security_counter: u64,
    },
    /// The bootloader fell back from a new install whose tries ran out: a
    /// rollback. The failed slot is taken out of the boot order.
    RolledBack {
        /// The slot that failed.
        failed: String,
    },
}

/// A new image in the inactive slot, first in the boot order, in trial:
/// reboot into it, then [`Installer::confirm`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the new image only runs after a reboot, and stays a trial until confirmed"]
#[non_exhaustive]
pub struct Installed {
    /// The slot written.
    pub slot: String,
    /// The image's version.
    pub version: String,
    /// The image's security counter.
    pub security_counter: u64,
}

/// The A/B installer: writes [`VerifiedTarget`]s to the inactive slot and
/// drives the bootloader's environment (see the crate's manual).
pub struct Installer {
    boot: Box<dyn BootControl>,
    booted: Slot,
    inactive: Slot,
    counter: Box<dyn RollbackCounter>,
    running_version: Option<FirmwareVersion>,
    allow_downgrade: bool,
    progress: Option<ProgressFn>,
}

impl core::fmt::Debug for Installer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Installer")
            .field("booted", &self.booted)
            .field("inactive", &self.inactive)
            .field("allow_downgrade", &self.allow_downgrade)
            .finish_non_exhaustive()
    }
}

const CHUNK: usize = 64 * 1024;

impl Installer {
    /// An installer for `slots` driven through `boot`, with `counter` as
    /// the anti-rollback floor.
    pub fn builder(
        boot: impl BootControl + 'static,
        slots: [Slot; 2],
        counter: impl RollbackCounter + 'static,
    ) -> InstallerBuilder {
        InstallerBuilder {
            boot: Box::new(boot),
            slots,
            counter: Box::new(counter),
            booted: None,
            running_version: None,
            allow_downgrade: false,
            progress: None,
        }
    }

    fn booted_name(&self) -> &str {
        &self.booted.name
    }

    /// What the environment says.
    ///
    /// # Errors
    /// [`Error::BootEnv`] or [`Error::Io`].
    pub fn status(&mut self) -> Result<Status, Error> {
        let vars = self.boot.load()?;
        let primary = self
            .boot
            .order(&vars)
            .into_iter()
            .find(|s| self.boot.is_bootable(&vars, s));
        Ok(Status {
            booted: self.booted_name().to_owned(),
            primary,
            trial: vars.get(TRIAL).filter(|t| !t.is_empty()).cloned(),
        })
    }

    /// The security counter recorded for the booted slot when it is
    /// confirmed (no trial pending), advanced into the rollback counter. A
    /// confirm that stopped between its environment write and the counter
    /// advance is completed here.
    fn settle_counter(&self, vars: &Vars) -> Result<(), Error> {
        if vars.get(TRIAL).is_some_and(|t| !t.is_empty()) {
            return Ok(());
        }
        let recorded = vars
            .get(&security_var(self.booted_name()))
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(sec) = recorded
            && self.counter.read()? < sec
        {
            step::counter_step("advancing the rollback counter")?;
            self.counter.advance_to(sec)?;
        }
        Ok(())
    }

    /// Call on every good boot, as `rauc status mark-good`: restores the
    /// booted slot's tries; after a new install it ends the trial and
    /// advances the rollback counter to the image's security counter;
    /// after a fallback it reports the rollback and takes the failed slot
    /// out of the boot order.
    ///
    /// # Errors
    /// [`Error::BootEnv`], [`Error::Io`], [`Error::Counter`].
    pub fn confirm(&mut self) -> Result<Confirmation, Error> {
        let mut vars = self.boot.load()?;
        let booted = self.booted_name().to_owned();
        let trial = vars.get(TRIAL).filter(|t| !t.is_empty()).cloned();
        let outcome = match trial {
            Some(slot) if slot == booted => {
                self.boot.mark_active(&mut vars, &booted);
                vars.remove(TRIAL);
                let security_counter = vars
                    .get(&security_var(&booted))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                Confirmation::TrialEnded { security_counter }
            }
            Some(failed) => {
                self.boot.mark_unbootable(&mut vars, &failed);
                vars.remove(&version_var(&failed));
                vars.remove(&security_var(&failed));
                vars.remove(TRIAL);
                self.boot.mark_active(&mut vars, &booted);
                Confirmation::RolledBack { failed }
            }
            None => {
                self.boot.mark_good(&mut vars, &booted);
                Confirmation::Good
            }
        };
        self.boot.store(&vars)?;
        self.settle_counter(&vars)?;
        Ok(outcome)
    }

    /// Installs a verified image into the inactive slot and makes it the
    /// next boot's slot, in trial.
    ///
    /// The image's signed `custom` metadata must carry `version` (SemVer)
    /// and `security_counter` (an unsigned integer). Steps, each durable
    /// before the next: the inactive slot leaves the boot order; the image
    /// is streamed to it and hashed; it is synced, dropped from the page
    /// cache and read back and hashed again; the slot is put first in the
    /// boot order with full tries and the trial recorded.
    ///
    /// # Errors
    /// [`Error::Install`] ([`InstallProblem::TrialPending`],
    /// [`InstallProblem::MissingCustomMetadata`],
    /// [`InstallProblem::SecurityCounterRollback`],
    /// [`InstallProblem::Downgrade`], [`InstallProblem::UnknownRunningVersion`],
    /// [`InstallProblem::SlotTooSmall`], [`InstallProblem::ReadBack`]);
    /// [`Error::Integrity`] if the file changed since it was verified;
    /// [`Error::BootEnv`], [`Error::Io`], [`Error::Counter`].
    pub fn install(&mut self, target: VerifiedTarget) -> Result<Installed, Error> {
        let mut vars = self.boot.load()?;
        if vars.get(TRIAL).is_some_and(|t| !t.is_empty()) {
            return Err(problem(InstallProblem::TrialPending));
        }
        self.settle_counter(&vars)?;
        let custom = target.custom();
        let version_text = custom
            .and_then(|c| c.get("version"))
            .and_then(|v| v.as_str())
            .ok_or(problem(InstallProblem::MissingCustomMetadata))?
            .to_owned();
        let version = FirmwareVersion::parse(&version_text)
            .map_err(|_| problem(InstallProblem::MissingCustomMetadata))?;
        let security = custom
            .and_then(|c| c.get("security_counter"))
            .and_then(serde_json::Value::as_u64)
            .ok_or(problem(InstallProblem::MissingCustomMetadata))?;
        if security < self.counter.read()? {
            return Err(problem(InstallProblem::SecurityCounterRollback));
        }
        let running = match self.running_version {
            Some(v) => v,
            None => vars
                .get(&version_var(self.booted_name()))
                .and_then(|v| FirmwareVersion::parse(v).ok())
                .ok_or(problem(InstallProblem::UnknownRunningVersion))?,
        };
        if version < running && !self.allow_downgrade {
            return Err(problem(InstallProblem::Downgrade));
        }

        let slot = self.inactive.clone();
        // 1. nothing may boot the slot while it is being written
        self.boot.mark_unbootable(&mut vars, &slot.name);
        vars.remove(&version_var(&slot.name));
        vars.remove(&security_var(&slot.name));
        self.boot.store(&vars)?;

        // 2. stream, hash, sync, drop from the cache, read back, hash
        self.write_slot(&target, &slot)?;

        // 3. first in the boot order with full tries, in trial
        self.boot.mark_active(&mut vars, &slot.name);
        vars.insert(TRIAL.into(), slot.name.clone());
        vars.insert(version_var(&slot.name), version_text.clone());
        vars.insert(security_var(&slot.name), security.to_string());
        self.boot.store(&vars)?;
        Ok(Installed {
            slot: slot.name,
            version: version_text,
            security_counter: security,
        })
    }

    fn hasher(target: &VerifiedTarget) -> Result<MultiHasher, Error> {
        MultiHasher::new(
            target
                .hashes()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .ok_or(Error::Integrity {
            of: Subject::Target,
            rule: IntegrityRule::UnknownHashAlgorithm,
        })
    }

    fn report(&mut self, phase: Phase, done: u64, total: u64) {
        if let Some(progress) = self.progress.as_mut() {
            progress(&InstallProgress { phase, done, total });
        }
    }

    fn write_slot(&mut self, target: &VerifiedTarget, slot: &Slot) -> Result<(), Error> {
        let total = target.length();
        let mut source = File::open(target.file()).map_err(io("opening the verified image"))?;
        let mut dev = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&slot.device)
            .map_err(io("opening the slot"))?;
        let meta = dev.metadata().map_err(io("opening the slot"))?;
        let regular = meta.is_file();
        if !regular {
            let capacity = dev.seek(SeekFrom::End(0)).map_err(io("sizing the slot"))?;
            if capacity < total {
                return Err(problem(InstallProblem::SlotTooSmall));
            }
        }
        let mut hasher = Self::hasher(target)?;
        let mut buf = vec![0u8; CHUNK];
        let mut done = 0u64;
        self.report(Phase::Writing, 0, total);
        while done < total {
            let want = usize::try_from((total - done).min(CHUNK as u64)).unwrap_or(CHUNK);
            let chunk = buf.get_mut(..want).unwrap_or_default();
            let n = source
                .read(chunk)
                .map_err(io("reading the verified image"))?;
            let chunk = chunk.get(..n).unwrap_or_default();
            if chunk.is_empty() {
                return Err(Error::Integrity {
                    of: Subject::Target,
                    rule: IntegrityRule::Length,
                });
            }
            hasher.update(chunk);
            step::write_at(&dev, chunk, done, "writing the slot")?;
            done += n as u64;
            self.report(Phase::Writing, done, total);
        }
        if !hasher.matches() {
            return Err(Error::Integrity {
                of: Subject::Target,
                rule: IntegrityRule::Hash,
            });
        }
        if regular {
            dev.set_len(total).map_err(io("writing the slot"))?;
        }
        step::sync(&dev, "syncing the slot")?;
        // read back from the medium, not the page cache
        let _ = rustix::fs::fadvise(&dev, 0, None, rustix::fs::Advice::DontNeed);
        drop(dev);
        let dev = File::open(&slot.device).map_err(io("reading the slot back"))?;
        let _ = rustix::fs::fadvise(&dev, 0, None, rustix::fs::Advice::DontNeed);
        let mut hasher = Self::hasher(target)?;
        let mut done = 0u64;
        while done < total {
            let want = usize::try_from((total - done).min(CHUNK as u64)).unwrap_or(CHUNK);
            let chunk = buf.get_mut(..want).unwrap_or_default();
            dev.read_exact_at(chunk, done)
                .map_err(|_| problem(InstallProblem::ReadBack))?;
            hasher.update(chunk);
            done += want as u64;
            self.report(Phase::Verifying, done, total);
        }
        if !hasher.matches() {
            return Err(problem(InstallProblem::ReadBack));
        }
        Ok(())
    }
}
