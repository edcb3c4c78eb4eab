//! The two environment formats: U-Boot (redundant copies with CRC-32) and
//! the GRUB environment block.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::install::step;

/// Variables of a boot environment, name to value.
pub type Vars = BTreeMap<String, String>;

fn env_error(reason: &'static str) -> Error {
    Error::BootEnv { reason }
}

/// One copy of a U-Boot environment: a file or block device, an offset and
/// a size, as a line of `fw_env.config` (`path offset size`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvLocation {
    /// The file or block device.
    pub path: PathBuf,
    /// Byte offset of the copy.
    pub offset: u64,
    /// Size of the copy in bytes (`CONFIG_ENV_SIZE`), CRC and flags included.
    pub size: usize,
}

impl EnvLocation {
    /// A copy at `offset` of `path`, `size` bytes long.
    pub fn new(path: impl Into<PathBuf>, offset: u64, size: usize) -> Self {
        EnvLocation {
            path: path.into(),
            offset,
            size,
        }
    }
}

/// Smallest and largest accepted environment copy.
const MIN_ENV: usize = 64;
const MAX_ENV: usize = 1 << 20;

/// Parses the data area of a U-Boot environment (after CRC and flags):
/// `name=value` strings, each ended by NUL, the list ended by an empty one.
pub(crate) fn parse_uboot_data(data: &[u8]) -> Result<Vars, Error> {
    let mut vars = Vars::new();
    let mut rest = data;
    loop {
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(env_error("environment not terminated"))?;
        if end == 0 {
            return Ok(vars);
        }
        let (entry, tail) = rest.split_at(end);
        let entry = core::str::from_utf8(entry).map_err(|_| env_error("variable not utf-8"))?;
        let (name, value) = entry
            .split_once('=')
            .ok_or(env_error("variable without '='"))?;
        vars.insert(name.to_owned(), value.to_owned());
        rest = tail.get(1..).unwrap_or_default();
    }
}

fn check_var(name: &str, value: &str) -> Result<(), Error> {
    let ok_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    let ok_value = !value.bytes().any(|b| b == 0 || b == b'\n' || b == b'\\');
    if ok_name && ok_value {
        Ok(())
    } else {
        Err(env_error("variable name or value not storable"))
    }
}

/// A U-Boot environment with two redundant copies (`CONFIG_SYS_REDUNDAND_ENVIRONMENT`),
/// read and written as U-Boot and libubootenv (`fw_printenv`/`fw_setenv`) do.
///
/// Each copy is `CRC-32 (little endian) | flags byte | name=value\0…\0\0`,
/// the CRC over everything after the flags byte. A write goes to the copy
/// that is *not* current, with the flags byte one higher, and is synced
/// before returning: a power cut during it leaves that copy with a bad CRC,
/// and the bootloader keeps reading the other one. When both copies are
/// corrupt, [`read`](UBootEnv::read) refuses ([`Error::BootEnv`]): it never
/// substitutes a default environment.
#[derive(Debug, Clone)]
pub struct UBootEnv {
    copies: [EnvLocation; 2],
}

impl UBootEnv {
    /// A redundant pair (the two lines of `fw_env.config`, in order).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if a size is outside 64 bytes..1 MiB or the
    /// two sizes differ.
    pub fn redundant(first: EnvLocation, second: EnvLocation) -> Result<Self, Error> {
        if first.size != second.size || !(MIN_ENV..=MAX_ENV).contains(&first.size) {
            return Err(Error::InvalidConfig {
                reason: "u-boot environment copies must have equal sizes of 64 bytes to 1 MiB",
            });
        }
        Ok(UBootEnv {
            copies: [first, second],
        })
    }

    /// The redundant pair of an `fw_env.config` (libubootenv's
    /// `/etc/fw_env.config`): two lines `device offset size [sector-size
    /// [sectors]]`, numbers in hex (`0x`) or decimal, `#` comments.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] unless there are exactly two such lines
    /// that [`UBootEnv::redundant`] accepts.
    pub fn from_fw_env_config(text: &str) -> Result<Self, Error> {
        const BAD: Error = Error::InvalidConfig {
            reason: "fw_env.config must have two lines `device offset size`",
        };
        fn number(field: &str) -> Option<u64> {
            match field
                .strip_prefix("0x")
                .or_else(|| field.strip_prefix("0X"))
            {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => field.parse().ok(),
            }
        }
        let mut copies = Vec::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let mut fields = line.split_whitespace();
            let (Some(path), Some(offset), Some(size)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(BAD);
            };
            let offset = number(offset).ok_or(BAD)?;
            let size = number(size)
                .and_then(|s| usize::try_from(s).ok())
                .ok_or(BAD)?;
            copies.push(EnvLocation::new(path, offset, size));
        }
        let [first, second]: [EnvLocation; 2] = copies.try_into().map_err(|_| BAD)?;
        Self::redundant(first, second)
    }

    /// The two copies.
    pub fn copies(&self) -> &[EnvLocation; 2] {
        &self.copies
    }

    fn read_copy(loc: &EnvLocation) -> Result<Option<(u8, Vars)>, Error> {
        let file =
            File::open(&loc.path).map_err(crate::error::io("opening the boot environment"))?;
        let mut buf = vec![0u8; loc.size];
        if file.read_exact_at(&mut buf, loc.offset).is_err() {
            return Ok(None);
        }
        let Some((header, data)) = buf.split_first_chunk::<5>() else {
            return Ok(None);
        };
        let [c0, c1, c2, c3, flags] = *header;
        if crc32fast::hash(data) != u32::from_le_bytes([c0, c1, c2, c3]) {
            return Ok(None);
        }
        Ok(parse_uboot_data(data).ok().map(|vars| (flags, vars)))
    }

    /// Reads both copies and picks the current one by U-Boot's rule; also
    /// returns which copy it is and its flags byte.
    fn current(&self) -> Result<(bool, u8, Vars), Error> {
        let [first, second] = &self.copies;
        let a = Self::read_copy(first)?;
        let b = Self::read_copy(second)?;
        match (a, b) {
            (None, None) => Err(env_error("both u-boot environment copies are corrupt")),
            (Some((fa, va)), None) => Ok((false, fa, va)),
            (None, Some((fb, vb))) => Ok((true, fb, vb)),
            (Some((fa, va)), Some((fb, vb))) => {
                // env_import_redund: 255 wraps to 0; otherwise the higher wins,
                // the first on a tie.
                let second = if fa == 255 && fb == 0 {
                    true
                } else if fb == 255 && fa == 0 {
                    false
                } else {
                    fb > fa
                };
                Ok(if second {
                    (true, fb, vb)
                } else {
                    (false, fa, va)
                })
            }
        }
    }

    /// The current environment.
    ///
    /// # Errors
    /// [`Error::BootEnv`] when both copies are corrupt; [`Error::Io`].
    pub fn read(&self) -> Result<Vars, Error> {
        self.current().map(|(_, _, vars)| vars)
    }

    /// Writes `vars` as the new current copy (the other one keeps the
    /// previous environment) and syncs it.
    ///
    /// # Errors
    /// [`Error::BootEnv`] when the variables do not fit or cannot be stored,
    /// or when both copies are corrupt (the crate never starts from a
    /// default environment; use [`UBootEnv::format`] at provisioning);
    /// [`Error::Io`].
    pub fn write(&self, vars: &Vars) -> Result<(), Error> {
        let (second_is_current, flags, _) = self.current()?;
        self.write_copy(!second_is_current, flags.wrapping_add(1), vars)
    }

    /// Provisioning only: writes `vars` to both copies, whatever they held.
    ///
    /// # Errors
    /// As [`UBootEnv::write`].
    pub fn format(&self, vars: &Vars) -> Result<(), Error> {
        self.write_copy(false, 0, vars)?;
        self.write_copy(true, 1, vars)
    }

    fn write_copy(&self, second: bool, flags: u8, vars: &Vars) -> Result<(), Error> {
        let [first_loc, second_loc] = &self.copies;
        let loc = if second { second_loc } else { first_loc };
        let mut data = Vec::with_capacity(loc.size);
        for (name, value) in vars {
            check_var(name, value)?;
            data.extend_from_slice(name.as_bytes());
            data.push(b'=');
            data.extend_from_slice(value.as_bytes());
            data.push(0);
        }
        data.push(0);
        if data.len() > loc.size - 5 {
            return Err(env_error("variables do not fit the environment"));
        }
        data.resize(loc.size - 5, 0);
        let mut copy = Vec::with_capacity(loc.size);
        copy.extend_from_slice(&crc32fast::hash(&data).to_le_bytes());
        copy.push(flags);
        copy.extend_from_slice(&data);
        let file = OpenOptions::new()
            .write(true)
            .open(&loc.path)
            .map_err(crate::error::io("opening the boot environment"))?;
        step::write_at(&file, &copy, loc.offset, "writing the boot environment")?;
        step::sync(&file, "syncing the boot environment")
    }
}

/// The size of a GRUB environment block.
pub(crate) const GRUB_ENVBLK_SIZE: usize = 1024;
const GRUB_HEADER: &str = "# GRUB Environment Block\n\
# WARNING: Do not edit this file by tools other than grub-editenv!!!\n";

/// A GRUB environment block file (`grubenv`), as `grub-editenv` and GRUB's
/// `load_env`/`save_env` read and write it: 1024 bytes, a fixed header,
/// `name=value` lines, `#` padding.
///
/// A write replaces the file through a synced temporary file and a rename
/// (a power cut leaves the old or the new block, never a torn one). GRUB's
/// own `save_env` rewrites the block in place.
#[derive(Debug, Clone)]
pub struct GrubEnv {
    path: PathBuf,
}

impl GrubEnv {
    /// The environment block at `path` (e.g. `/boot/grub/grubenv`).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        GrubEnv { path: path.into() }
    }

    /// The block's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The variables of the block.
    ///
    /// # Errors
    /// [`Error::BootEnv`] when the file is not an environment block;
    /// [`Error::Io`].
    pub fn read(&self) -> Result<Vars, Error> {
        let bytes =
            std::fs::read(&self.path).map_err(crate::error::io("reading the boot environment"))?;
        parse_grub(&bytes)
    }

    /// Replaces the block with one holding `vars`.
    ///
    /// # Errors
    /// [`Error::BootEnv`] when the variables do not fit; [`Error::Io`].
    pub fn write(&self, vars: &Vars) -> Result<(), Error> {
        let block = render_grub(vars)?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(".grubenv.iot-update.tmp");
        let file = File::create(&tmp).map_err(crate::error::io("writing the boot environment"))?;
        step::write_at(&file, &block, 0, "writing the boot environment")?;
        step::sync(&file, "syncing the boot environment")?;
        drop(file);
        step::rename(&tmp, &self.path, "replacing the boot environment")?;
        step::sync_dir(dir, "syncing the boot environment's directory")
    }
}

pub(crate) fn parse_grub(bytes: &[u8]) -> Result<Vars, Error> {
    if bytes.len() != GRUB_ENVBLK_SIZE || !bytes.starts_with(b"# GRUB Environment Block\n") {
        return Err(env_error("not a grub environment block"));
    }
    let text = core::str::from_utf8(bytes).map_err(|_| env_error("variable not utf-8"))?;
    let mut vars = Vars::new();
    for line in text.split('\n') {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or(env_error("variable without '='"))?;
        vars.insert(name.to_owned(), value.to_owned());
    }
    Ok(vars)
}

pub(crate) fn render_grub(vars: &Vars) -> Result<Vec<u8>, Error> {
    let mut out = GRUB_HEADER.as_bytes().to_vec();
    for (name, value) in vars {
        check_var(name, value)?;
        out.extend_from_slice(format!("{name}={value}\n").as_bytes());
    }
    if out.len() > GRUB_ENVBLK_SIZE {
        return Err(env_error("variables do not fit the environment"));
    }
    out.resize(GRUB_ENVBLK_SIZE, b'#');
    Ok(out)
}
