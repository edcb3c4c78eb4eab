//! File-system operations relative to directory handles, never following a
//! symbolic link below the root.
//!
//! Every name handed to these functions is a single component. Paths are
//! walked one component at a time with `openat(parent, name, O_DIRECTORY |
//! O_NOFOLLOW)`, so a link anywhere below the root, even one swapped in
//! between a check and its use, makes the open fail instead of leading out of
//! the root. Files are opened with `O_NOFOLLOW | O_NONBLOCK` (a fifo swapped in
//! cannot block the erase) and checked with `fstat` after opening.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use ring::rand::{SecureRandom, SystemRandom};
use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::Error;
use crate::journal::codec::hex_encode;
use crate::journal::{LOCK_NAME, RESERVED_NAMES};
use crate::path::RANDOM_NAME_PREFIX;

/// What a name in a directory is, looked at without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Missing,
    Link,
    Regular,
    Dir,
    /// Fifo, socket, character or block device, or unknown.
    Special,
}

/// `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`, classified.
pub(crate) fn classify(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<Kind> {
    match rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => Ok(kind_of(stat.st_mode)),
        Err(Errno::NOENT) => Ok(Kind::Missing),
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn kind_of(mode: u32) -> Kind {
    match FileType::from_raw_mode(mode) {
        FileType::RegularFile => Kind::Regular,
        FileType::Directory => Kind::Dir,
        FileType::Symlink => Kind::Link,
        _ => Kind::Special,
    }
}

/// Opens the erase root. The root path itself is trusted and may contain
/// links (it is the device maker's choice); nothing below it is followed.
pub(crate) fn open_root(root: &Path) -> Result<OwnedFd, Error> {
    rfs::openat(
        rfs::CWD,
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(Error::errno("opening the erase root"))
}

/// Takes the per-root lock: one erase at a time, across threads and
/// processes. Released when the returned handle is closed.
///
/// The lock is an `flock` on the empty file [`LOCK_NAME`] under the root,
/// created `0600` and kept, not on the root itself (X1): anyone who can
/// open the root read-only could hold a lock on it and keep every erase
/// `Busy`. Only the owner can open the lock file. Something else under that
/// name (a directory, a link, a fifo, a file of another user or readable by
/// others) is renamed aside to a random name, returned as the second value,
/// and erased by the caller as a squatter (E2).
pub(crate) fn lock(root: &OwnedFd, rng: &SystemRandom) -> Result<(OwnedFd, Option<String>), Error> {
    let during = "locking the erase root";
    let mut moved = None;
    for _ in 0..2 {
        let opened = rfs::openat(
            root,
            LOCK_NAME,
            OFlags::RDONLY
                | OFlags::CREATE
                | OFlags::NOFOLLOW
                | OFlags::CLOEXEC
                | OFlags::NONBLOCK
                | OFlags::NOCTTY,
            Mode::from_raw_mode(0o600),
        );
        let fd = match opened {
            Ok(fd) => {
                let stat = rfs::fstat(&fd).map_err(Error::errno(during))?;
                let ours = kind_of(stat.st_mode) == Kind::Regular
                    && stat.st_uid == rustix::process::geteuid().as_raw()
                    && stat.st_mode & 0o077 == 0;
                if ours { Some(fd) } else { None }
            }
            // A link, or a directory, under the name.
            Err(Errno::LOOP | Errno::ISDIR | Errno::NXIO) => None,
            Err(e) => return Err(Error::errno(during)(e)),
        };
        if let Some(fd) = fd {
            return match rfs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => Ok((fd, moved)),
                Err(Errno::WOULDBLOCK) => Err(Error::Busy),
                Err(e) => Err(Error::errno(during)(e)),
            };
        }
        if moved.is_some() {
            break;
        }
        let aside = random_name(rng)?;
        rfs::renameat(root, LOCK_NAME, root, aside.as_str()).map_err(Error::errno(during))?;
        moved = Some(aside);
    }
    Err(Error::Io {
        during,
        kind: io::ErrorKind::PermissionDenied,
    })
}

/// `openat(dir, name, O_DIRECTORY | O_NOFOLLOW)`.
pub(crate) fn open_dir(dir: BorrowedFd<'_>, name: &OsStr) -> Result<OwnedFd, Errno> {
    rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// Opens a file for overwriting without following a link or blocking on a
/// fifo. A read-only file owned by us is made writable first (through a
/// no-follow read-only handle, then reopened and checked to be the same
/// inode), so a `chmod 0400` does not stop an erase.
pub(crate) fn open_for_overwrite(dir: BorrowedFd<'_>, name: &OsStr) -> Result<File, Errno> {
    let flags = OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    match rfs::openat(dir, name, OFlags::RDWR | flags, Mode::empty()) {
        Ok(fd) => Ok(File::from(fd)),
        Err(Errno::ACCESS) => {
            let read_only = rfs::openat(dir, name, OFlags::RDONLY | flags, Mode::empty())?;
            let before = rfs::fstat(&read_only)?;
            if kind_of(before.st_mode) != Kind::Regular {
                return Err(Errno::ACCESS);
            }
            rfs::fchmod(&read_only, Mode::from_raw_mode(0o600))?;
            let fd = rfs::openat(dir, name, OFlags::RDWR | flags, Mode::empty())?;
            let after = rfs::fstat(&fd)?;
            if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino) {
                return Err(Errno::ACCESS);
            }
            Ok(File::from(fd))
        }
        Err(e) => Err(e),
    }
}

/// Where the walk to a target's parent directory ended.
#[derive(Debug)]
pub(crate) enum Parent {
    Open(OwnedFd),
    /// A component does not exist or is not a directory.
    Missing,
    /// A component is a symbolic link.
    Linked,
    Failed(io::ErrorKind),
}

/// Opens `components` one by one from `root`, never following a link.
pub(crate) fn open_parent(root: &OwnedFd, components: &[String]) -> Parent {
    let mut current: Option<OwnedFd> = None;
    for name in components {
        let name = OsStr::new(name);
        let dir = current.as_ref().map_or(root.as_fd(), AsFd::as_fd);
        match open_dir(dir, name) {
            Ok(fd) => current = Some(fd),
            Err(Errno::NOENT) => return Parent::Missing,
            // O_NOFOLLOW on a link gives ELOOP; O_DIRECTORY on a file ENOTDIR
            // (and on some kernels on a link too): look without following.
            Err(Errno::LOOP | Errno::NOTDIR) => {
                return match classify(dir, name) {
                    Ok(Kind::Link) => Parent::Linked,
                    Ok(_) => Parent::Missing,
                    Err(e) => Parent::Failed(e.kind()),
                };
            }
            Err(e) => return Parent::Failed(io::Error::from(e).kind()),
        }
    }
    match current {
        Some(fd) => Parent::Open(fd),
        None => match rfs::openat(
            root,
            ".",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => Parent::Open(fd),
            Err(e) => Parent::Failed(io::Error::from(e).kind()),
        },
    }
}

/// A fresh `.iot-erase-<32 hex>` name from the system CSPRNG.
pub(crate) fn random_name(rng: &SystemRandom) -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes).map_err(|_| Error::Io {
        during: "reading the system random generator",
        kind: io::ErrorKind::Other,
    })?;
    Ok(format!("{RANDOM_NAME_PREFIX}{}", hex_encode(&bytes)))
}

/// A fresh 16-byte id, hex-encoded.
pub(crate) fn random_id(rng: &SystemRandom) -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes).map_err(|_| Error::Io {
        during: "reading the system random generator",
        kind: io::ErrorKind::Other,
    })?;
    Ok(hex_encode(&bytes))
}

/// Up to `max` names of `dir` (without `.` and `..`) for which `keep` is
/// true; at the root, this crate's own files are left out.
pub(crate) fn read_names(
    dir: &OwnedFd,
    at_root: bool,
    max: usize,
    mut keep: impl FnMut(&OsStr) -> bool,
) -> io::Result<Vec<OsString>> {
    let mut stream = rfs::Dir::read_from(dir)?;
    let mut names = Vec::new();
    while let Some(entry) = stream.read() {
        let entry = entry?;
        let name = OsStr::from_bytes(entry.file_name().to_bytes());
        if name == "." || name == ".." {
            continue;
        }
        if at_root && RESERVED_NAMES.iter().any(|r| name == *r) {
            continue;
        }
        if keep(name) {
            names.push(name.to_os_string());
            if names.len() >= max {
                break;
            }
        }
    }
    Ok(names)
}

pub(crate) fn unlink(dir: BorrowedFd<'_>, name: &OsStr) -> Result<(), Errno> {
    rfs::unlinkat(dir, name, AtFlags::empty())
}

pub(crate) fn rmdir(dir: BorrowedFd<'_>, name: &OsStr) -> Result<(), Errno> {
    rfs::unlinkat(dir, name, AtFlags::REMOVEDIR)
}

/// `renameat` within one directory. It renames the entry itself, whatever it
/// is: a link is renamed, not followed.
pub(crate) fn rename(dir: BorrowedFd<'_>, from: &OsStr, to: &OsStr) -> Result<(), Errno> {
    rfs::renameat(dir, from, dir, to)
}

/// `fsync` of a directory: makes its entries (creations, renames, unlinks)
/// durable.
pub(crate) fn fsync_dir(dir: BorrowedFd<'_>) -> Result<(), Errno> {
    rfs::fsync(dir)
}

/// Reads one of this crate's own files directly under the root, bounded.
/// `Ok(None)` when it does not exist; a link or anything but a regular file
/// there is [`Error::Journal`].
pub(crate) fn read_own_file(
    root: &OwnedFd,
    name: &str,
    max: usize,
) -> Result<Option<(File, Vec<u8>)>, Error> {
    let fd = match rfs::openat(
        root,
        name,
        OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY,
        Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(None),
        Err(Errno::LOOP) => return Err(Error::Journal),
        Err(e) => return Err(Error::errno("opening the erase journal")(e)),
    };
    let stat = rfs::fstat(&fd).map_err(Error::errno("opening the erase journal"))?;
    if kind_of(stat.st_mode) != Kind::Regular {
        return Err(Error::Journal);
    }
    let mut file = File::from(fd);
    let mut data = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    (&mut file)
        .take(limit)
        .read_to_end(&mut data)
        .map_err(Error::io("reading the erase journal"))?;
    if data.len() > max {
        return Err(Error::Journal);
    }
    Ok(Some((file, data)))
}

/// Writes `data` as `name` under the root atomically: a fresh temporary
/// file, `fsync`, rename over `name`, `fsync` of the root. Returns the file,
/// still open, for later appends.
pub(crate) fn write_own_file_atomically(
    root: &OwnedFd,
    tmp: &str,
    name: &str,
    data: &[u8],
    during: &'static str,
) -> Result<File, Error> {
    match rfs::unlinkat(root, tmp, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => {}
        Err(e) => return Err(Error::errno(during)(e)),
    }
    let fd = rfs::openat(
        root,
        tmp,
        OFlags::RDWR | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(Error::errno(during))?;
    let mut file = File::from(fd);
    file.write_all(data).map_err(Error::io(during))?;
    file.sync_all().map_err(Error::io(during))?;
    rfs::renameat(root, tmp, root, name).map_err(Error::errno(during))?;
    fsync_dir(root.as_fd()).map_err(Error::errno(during))?;
    Ok(file)
}
