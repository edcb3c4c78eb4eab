//! Durable file operations relative to one open directory.
//!
//! Every operation works through the directory's file descriptor (`openat`,
//! `renameat`, `unlinkat`), so swapping the directory path for a symlink
//! after open redirects nothing, and no file name is ever joined into a path.
//! Files are created `0600`; a directory this crate creates is `0700`.
//!
//! Every failure is an [`Error::Io`] whose `during` names the step and the
//! object (`"syncing a record"`, `"reading the counter file"`): the tables of
//! phrases below.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;
#[cfg(feature = "__test-hooks")]
use std::sync::Arc;
#[cfg(feature = "__test-hooks")]
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::Error;
use crate::error::IoContext;
use crate::format::MANIFEST_NAME;

const FILE_MODE: u32 = 0o600;
const DIR_MODE: u32 = 0o700;
const TEMP_PREFIX: &str = ".";
const TEMP_SUFFIX: &str = ".tmp";
const REMOVING_TEMPORARY: &str = "removing a leftover temporary file";

/// What a directory holds, which names its files and itself in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A store: the manifest and records.
    Store,
    /// A [`FileCounter`](crate::FileCounter)'s file.
    Counter,
    /// A [`FileRootKeySource`](crate::FileRootKeySource)'s file.
    RootKey,
}

/// The `during` of each step on one kind of file.
struct FileSteps {
    read: &'static str,
    write: &'static str,
    sync: &'static str,
    rename: &'static str,
    remove: &'static str,
    overwrite: &'static str,
}

const MANIFEST: FileSteps = FileSteps {
    read: "reading the manifest",
    write: "writing the manifest",
    sync: "syncing the manifest",
    rename: "renaming the manifest into place",
    remove: "removing the manifest",
    overwrite: "overwriting the manifest with zeros",
};

const RECORD: FileSteps = FileSteps {
    read: "reading a record",
    write: "writing a record",
    sync: "syncing a record",
    rename: "renaming a record into place",
    remove: "removing a record",
    overwrite: "overwriting a record with zeros",
};

const COUNTER_FILE: FileSteps = FileSteps {
    read: "reading the counter file",
    write: "writing the counter file",
    sync: "syncing the counter file",
    rename: "renaming the counter file into place",
    remove: "removing the counter file",
    overwrite: "overwriting the counter file with zeros",
};

const ROOT_KEY_FILE: FileSteps = FileSteps {
    read: "reading the root key file",
    write: "writing the root key file",
    sync: "syncing the root key file",
    rename: "renaming the root key file into place",
    remove: "removing the root key file",
    overwrite: "overwriting the root key file with zeros",
};

/// The `during` of each step on a directory.
struct DirSteps {
    open: &'static str,
    sync: &'static str,
}

impl Role {
    fn dir(self) -> DirSteps {
        match self {
            Role::Store => DirSteps {
                open: "opening the store directory",
                sync: "syncing the store directory",
            },
            Role::Counter => DirSteps {
                open: "opening the counter file's directory",
                sync: "syncing the counter file's directory",
            },
            Role::RootKey => DirSteps {
                open: "opening the root key file's directory",
                sync: "syncing the root key file's directory",
            },
        }
    }

    fn file(self, name: &str) -> &'static FileSteps {
        match self {
            Role::Store if name == MANIFEST_NAME => &MANIFEST,
            Role::Store => &RECORD,
            Role::Counter => &COUNTER_FILE,
            Role::RootKey => &ROOT_KEY_FILE,
        }
    }
}

/// An open directory that this crate reads and writes files in.
#[derive(Debug)]
pub(crate) struct DirHandle {
    fd: OwnedFd,
    role: Role,
    /// Fault injection for the crash tests: the number of mutating steps
    /// (write, fsync, rename, directory fsync, unlink) still allowed. `None`
    /// unless a test set it.
    #[cfg(feature = "__test-hooks")]
    faults: Option<Arc<AtomicU64>>,
}

impl DirHandle {
    /// Opens the store directory `path`, creating it (and missing parents)
    /// with mode `0700`, and takes away group and other permissions if the
    /// directory has them.
    pub(crate) fn open_or_create(path: &Path) -> Result<DirHandle, Error> {
        // Created 0700 from the start (missing parents too), so there is no
        // moment at which the directory is open to others.
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(path)
            .during("creating the store directory")?;
        let dir = Self::open(path, Role::Store)?;
        let stat = rfs::fstat(&dir.fd).during("opening the store directory")?;
        if stat.st_mode & 0o077 != 0 {
            rfs::fchmod(&dir.fd, Mode::from_raw_mode(DIR_MODE))
                .during("restricting the store directory to its owner")?;
        }
        Ok(dir)
    }

    /// Opens the parent directory of `path` (which must exist) and returns
    /// the file name inside it.
    pub(crate) fn open_parent_of(path: &Path, role: Role) -> Result<(DirHandle, String), Error> {
        let file = path.file_name().and_then(|n| n.to_str()).ok_or(Error::Io {
            during: role.dir().open,
            kind: std::io::ErrorKind::InvalidInput,
        })?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Ok((Self::open(parent, role)?, file.to_owned()))
    }

    fn open(path: &Path, role: Role) -> Result<DirHandle, Error> {
        let fd = rfs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .during(role.dir().open)?;
        Ok(DirHandle {
            fd,
            role,
            #[cfg(feature = "__test-hooks")]
            faults: None,
        })
    }

    /// Enables fault injection: after `steps` mutating steps every further
    /// one fails, as if the process had died there.
    #[cfg(feature = "__test-hooks")]
    pub(crate) fn inject_faults(&mut self, steps: Arc<AtomicU64>) {
        self.faults = Some(steps);
    }

    /// A mutating step is about to run: fails with the step's own `during`
    /// once the injected fault budget is spent (only with `__test-hooks`).
    fn step(&self, during: &'static str) -> Result<(), Error> {
        #[cfg(feature = "__test-hooks")]
        if let Some(remaining) = &self.faults {
            let allowed = remaining
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if !allowed {
                return Err(Error::Io {
                    during,
                    kind: std::io::ErrorKind::Other,
                });
            }
        }
        #[cfg(not(feature = "__test-hooks"))]
        let _ = during;
        Ok(())
    }

    /// Takes an exclusive advisory lock on the directory, without waiting.
    /// The lock lives as long as this handle (the kernel drops it when the
    /// descriptor closes, also when the process is killed).
    pub(crate) fn lock_exclusive(&self) -> Result<(), Error> {
        match rfs::flock(&self.fd, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(()),
            Err(Errno::WOULDBLOCK) => Err(Error::Locked),
            Err(e) => Err(e).during("locking the store directory"),
        }
    }

    /// Names of the regular files in the directory, temporaries excluded.
    pub(crate) fn list(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .entries()?
            .into_iter()
            .filter(|n| !is_temporary(n))
            .collect())
    }

    fn entries(&self) -> Result<Vec<String>, Error> {
        const LISTING: &str = "listing the store directory";
        let mut names = Vec::new();
        for entry in rfs::Dir::read_from(&self.fd).during(LISTING)? {
            let entry = entry.during(LISTING)?;
            if entry.file_type() != FileType::RegularFile {
                continue;
            }
            // Names that are not UTF-8 are not ours: ignore them.
            if let Ok(name) = entry.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
        Ok(names)
    }

    /// Reads a whole file of at most `max_len` bytes. `Ok(None)` if it does
    /// not exist; [`Error::ValueTooLarge`] if it is longer than `max_len`.
    pub(crate) fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        let reading = self.role.file(name).read;
        // NONBLOCK: a FIFO put in an object's place must not block the
        // store (and its lock) forever; it is refused just below. Regular
        // files ignore the flag.
        let fd = match rfs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NONBLOCK,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            Err(e) => return Err(e).during(reading),
        };
        let stat = rfs::fstat(&fd).during(reading)?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return Err(Error::Integrity);
        }
        let too_large = Error::ValueTooLarge { max: max_len };
        let size = usize::try_from(stat.st_size).map_err(|_| Error::Integrity)?;
        if size > max_len {
            return Err(too_large);
        }
        let mut data = Vec::with_capacity(size);
        let limit = u64::try_from(max_len).unwrap_or(u64::MAX).saturating_add(1);
        File::from(fd)
            .take(limit)
            .read_to_end(&mut data)
            .during(reading)?;
        if data.len() > max_len {
            return Err(too_large);
        }
        Ok(Some(data))
    }

    /// Replaces `name` with `data` atomically and durably: a temporary file
    /// is written and fsync'd, renamed over `name`, and the directory is
    /// fsync'd. After a crash at any point, `name` holds the old or the new
    /// content, never a mix; a leftover temporary is removed by
    /// [`Self::remove_temporaries`].
    pub(crate) fn write_atomic(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        let steps = self.role.file(name);
        let temp = format!("{TEMP_PREFIX}{name}{TEMP_SUFFIX}");
        // A temporary can only be left over from a crash; O_EXCL below must
        // not trip over it.
        self.unlink_if_exists(&temp, REMOVING_TEMPORARY)?;
        self.step(steps.write)?;
        let fd = rfs::openat(
            &self.fd,
            temp.as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::from_raw_mode(FILE_MODE),
        )
        .during(steps.write)?;
        let mut file = File::from(fd);
        file.write_all(data).during(steps.write)?;
        self.step(steps.sync)?;
        file.sync_all().during(steps.sync)?;
        drop(file);
        self.step(steps.rename)?;
        rfs::renameat(&self.fd, temp.as_str(), &self.fd, name).during(steps.rename)?;
        self.sync()
    }

    /// Removes `name` (absent is fine). Not durable by itself: the next
    /// [`Self::sync`] or atomic write makes it so.
    pub(crate) fn remove(&self, name: &str) -> Result<(), Error> {
        let removing = self.role.file(name).remove;
        self.step(removing)?;
        self.unlink_if_exists(name, removing)
    }

    fn unlink_if_exists(&self, name: &str, during: &'static str) -> Result<(), Error> {
        match rfs::unlinkat(&self.fd, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(e).during(during),
        }
    }

    /// Overwrites the file's content with zeros in place, once and without
    /// reading it back, fsyncs, removes it and fsyncs the directory. On media
    /// that write in place this destroys the bytes; on copy-on-write and
    /// flash-translated media the old blocks may survive, which is why the
    /// store relies on crypto-erasure first. Verified erasure (random
    /// patterns, holes skipped, read back) is `iot-erase`'s job.
    pub(crate) fn overwrite_zeros_and_remove(&self, name: &str) -> Result<(), Error> {
        let steps = self.role.file(name);
        // NONBLOCK, as in `read`: opening a FIFO for writing would wait for
        // a reader (or fails with ENXIO); anything but a regular file holds
        // nothing of ours and is just removed.
        let fd = match rfs::openat(
            &self.fd,
            name,
            OFlags::WRONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NONBLOCK,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(()),
            Err(Errno::NXIO) => return self.remove(name).and_then(|()| self.sync()),
            Err(e) => return Err(e).during(steps.overwrite),
        };
        let stat = rfs::fstat(&fd).during(steps.overwrite)?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            drop(fd);
            self.remove(name)?;
            return self.sync();
        }
        let size = stat.st_size;
        let mut file = File::from(fd);
        let zeros = [0u8; 4096];
        let mut left = u64::try_from(size).unwrap_or(0);
        self.step(steps.overwrite)?;
        while left > 0 {
            let chunk = usize::try_from(left.min(4096)).unwrap_or(4096);
            file.write_all(zeros.get(..chunk).unwrap_or(&zeros))
                .during(steps.overwrite)?;
            left -= chunk as u64;
        }
        self.step(steps.sync)?;
        file.sync_all().during(steps.sync)?;
        drop(file);
        self.remove(name)?;
        self.sync()
    }

    /// fsyncs the directory, making renames and removals durable.
    pub(crate) fn sync(&self) -> Result<(), Error> {
        let syncing = self.role.dir().sync;
        self.step(syncing)?;
        rfs::fsync(&self.fd).during(syncing)
    }

    /// Removes temporaries left by a crash in the middle of
    /// [`Self::write_atomic`], durably.
    pub(crate) fn remove_temporaries(&self) -> Result<(), Error> {
        let mut removed = false;
        for name in self.entries()?.into_iter().filter(|n| is_temporary(n)) {
            self.step(REMOVING_TEMPORARY)?;
            self.unlink_if_exists(&name, REMOVING_TEMPORARY)?;
            removed = true;
        }
        if removed {
            self.sync()?;
        }
        Ok(())
    }
}

fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Runs `f` on a thread and fails (instead of hanging) if it blocks.
    fn within_a_second<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(1))
            .expect("blocked on a FIFO")
    }

    #[test]
    fn a_fifo_in_place_of_an_object_is_an_error_not_a_hang() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().to_owned();
        let dir = DirHandle::open_or_create(&path).unwrap();
        for name in ["manifest", "0000000000000001.rec"] {
            rfs::mknodat(&dir.fd, name, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
        }
        let read = within_a_second(move || {
            let dir = DirHandle::open(&path, Role::Store).unwrap();
            let read = dir.read("0000000000000001.rec", 64);
            // Nothing of ours to overwrite: the FIFO is just removed.
            let erased = dir.overwrite_zeros_and_remove("manifest");
            (read, erased, dir.entries().unwrap())
        });
        assert!(matches!(read.0, Err(Error::Integrity)), "{:?}", read.0);
        assert!(read.1.is_ok(), "{:?}", read.1);
        assert!(read.2.is_empty(), "FIFOs are not listed: {:?}", read.2);
        assert!(!tmp.path().join("manifest").exists());
    }
}
