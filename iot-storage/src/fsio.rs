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
use std::os::unix::fs::{DirBuilderExt, FileExt};
use std::path::Path;
#[cfg(feature = "__test-hooks")]
use std::sync::Arc;
#[cfg(feature = "__test-hooks")]
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags, SeekFrom};
use rustix::io::Errno;

use crate::Error;
use crate::error::IoContext;
use crate::format::{self, HARD_MAX_OBJECT_LEN, MANIFEST_NAME};

const FILE_MODE: u32 = 0o600;
const DIR_MODE: u32 = 0o700;
const TEMP_PREFIX: &str = ".";
const TEMP_SUFFIX: &str = ".tmp";
const REMOVING_TEMPORARY: &str = "removing a leftover temporary file";
/// The store's lock file: `0600`, so only the store's owner can open (and
/// `flock`) it, whoever else can read the directory.
const LOCK_NAME: &str = ".lock";
const LOCKING: &str = "locking the store directory";

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
    /// A non-empty directory sits where the file should be.
    displaced_by_dir: &'static str,
}

const MANIFEST: FileSteps = FileSteps {
    read: "reading the manifest",
    write: "writing the manifest",
    sync: "syncing the manifest",
    rename: "renaming the manifest into place",
    remove: "removing the manifest",
    overwrite: "overwriting the manifest with zeros",
    displaced_by_dir: "removing a directory in the manifest's place",
};

const RECORD: FileSteps = FileSteps {
    read: "reading a record",
    write: "writing a record",
    sync: "syncing a record",
    rename: "renaming a record into place",
    remove: "removing a record",
    overwrite: "overwriting a record with zeros",
    displaced_by_dir: "removing a directory in a record's place",
};

const COUNTER_FILE: FileSteps = FileSteps {
    read: "reading the counter file",
    write: "writing the counter file",
    sync: "syncing the counter file",
    rename: "renaming the counter file into place",
    remove: "removing the counter file",
    overwrite: "overwriting the counter file with zeros",
    displaced_by_dir: "removing a directory in the counter file's place",
};

const ROOT_KEY_FILE: FileSteps = FileSteps {
    read: "reading the root key file",
    write: "writing the root key file",
    sync: "syncing the root key file",
    rename: "renaming the root key file into place",
    remove: "removing the root key file",
    overwrite: "overwriting the root key file with zeros",
    displaced_by_dir: "removing a directory in the root key file's place",
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
    /// The locked lock file, for a store directory opened by
    /// [`Self::lock_exclusive`]; unlinked when the handle is dropped.
    lock: Option<OwnedFd>,
    /// Fault injection for the crash tests: the number of mutating steps
    /// (write, fsync, rename, directory fsync, unlink) still allowed. `None`
    /// unless a test set it.
    #[cfg(feature = "__test-hooks")]
    faults: Option<Arc<AtomicU64>>,
    /// Test hook: listing treats every entry as `DT_UNKNOWN`, as some file
    /// systems report it.
    #[cfg(feature = "__test-hooks")]
    unknown_d_type: bool,
}

impl DirHandle {
    /// Opens the store directory `path`, creating it (and missing parents)
    /// with mode `0700` durably (each created directory's parent is fsync'd).
    /// An empty directory or a store that group or others can access is
    /// tightened to `0700`; a non-empty directory that holds no store is
    /// left as it is (it is someone else's: the store's files are `0600`
    /// and its lock file only the owner can open).
    pub(crate) fn open_or_create(path: &Path) -> Result<DirHandle, Error> {
        create_dir_durably(path)?;
        let dir = Self::open(path, Role::Store)?;
        let stat = rfs::fstat(&dir.fd).during("opening the store directory")?;
        if stat.st_mode & 0o077 != 0 && dir.is_empty_or_a_store()? {
            rfs::fchmod(&dir.fd, Mode::from_raw_mode(DIR_MODE))
                .during("restricting the store directory to its owner")?;
        }
        Ok(dir)
    }

    /// Opens the store directory `path`, which must exist: `Ok(None)` if it
    /// does not. Its mode is left alone.
    pub(crate) fn open_existing(path: &Path) -> Result<Option<DirHandle>, Error> {
        match Self::open(path, Role::Store) {
            Ok(dir) => Ok(Some(dir)),
            Err(Error::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
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
            lock: None,
            #[cfg(feature = "__test-hooks")]
            faults: None,
            #[cfg(feature = "__test-hooks")]
            unknown_d_type: false,
        })
    }

    /// Whether the directory holds nothing, or something of a store.
    fn is_empty_or_a_store(&self) -> Result<bool, Error> {
        let mut empty = true;
        for entry in rfs::Dir::read_from(&self.fd).during("listing the store directory")? {
            let entry = entry.during("listing the store directory")?;
            let Ok(name) = entry.file_name().to_str() else {
                empty = false;
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            if name == MANIFEST_NAME
                || name == LOCK_NAME
                || format::parse_record_object_name(name).is_some()
            {
                return Ok(true);
            }
            empty = false;
        }
        Ok(empty)
    }

    /// Enables fault injection: after `steps` mutating steps every further
    /// one fails, as if the process had died there.
    #[cfg(feature = "__test-hooks")]
    pub(crate) fn inject_faults(&mut self, steps: Arc<AtomicU64>) {
        self.faults = Some(steps);
    }

    /// Makes listing treat every entry's type as unknown (`DT_UNKNOWN`).
    #[cfg(feature = "__test-hooks")]
    pub(crate) fn pretend_unknown_d_type(&mut self) {
        self.unknown_d_type = true;
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

    /// Takes an exclusive advisory lock, without waiting, on the store's lock
    /// file (created `0600` in the directory). Locking the directory itself
    /// would let anyone who can open it read-only hold the store hostage;
    /// the lock file only its owner can open. The lock lives as long as this
    /// handle (the kernel drops it when the descriptor closes, also when the
    /// process is killed); dropping the handle unlinks the lock file.
    pub(crate) fn lock_exclusive(&mut self) -> Result<(), Error> {
        // The holder unlinks the lock file when it is done, so a lock won on
        // a file that is no longer linked under the name is worth nothing:
        // try again with the file that is.
        for _ in 0..16 {
            let fd = rfs::openat(
                &self.fd,
                LOCK_NAME,
                OFlags::RDONLY
                    | OFlags::CREATE
                    | OFlags::CLOEXEC
                    | OFlags::NOFOLLOW
                    | OFlags::NONBLOCK,
                Mode::from_raw_mode(FILE_MODE),
            )
            .during(LOCKING)?;
            let held = rfs::fstat(&fd).during(LOCKING)?;
            if FileType::from_raw_mode(held.st_mode) != FileType::RegularFile {
                return Err(Error::Io {
                    during: LOCKING,
                    kind: std::io::ErrorKind::InvalidData,
                });
            }
            if held.st_mode & 0o077 != 0 {
                rfs::fchmod(&fd, Mode::from_raw_mode(FILE_MODE)).during(LOCKING)?;
            }
            match rfs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(Errno::WOULDBLOCK) => return Err(Error::Locked),
                Err(e) => return Err(e).during(LOCKING),
            }
            match rfs::statat(&self.fd, LOCK_NAME, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(linked) if linked.st_dev == held.st_dev && linked.st_ino == held.st_ino => {
                    self.lock = Some(fd);
                    return Ok(());
                }
                Ok(_) | Err(Errno::NOENT) => continue,
                Err(e) => return Err(e).during(LOCKING),
            }
        }
        Err(Error::Locked)
    }

    /// Names of the regular files in the directory, temporaries and the
    /// lock file excluded.
    pub(crate) fn list(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .entries()?
            .into_iter()
            .filter(|n| !is_temporary(n) && n != LOCK_NAME)
            .collect())
    }

    /// Names of the regular files in the directory. The type `getdents`
    /// reports is trusted only when it is known: XFS without `ftype`, NFS
    /// without `readdirplus` and some FUSE file systems report `DT_UNKNOWN`
    /// for everything, and the entry is then classified with `statat`.
    fn entries(&self) -> Result<Vec<String>, Error> {
        const LISTING: &str = "listing the store directory";
        let mut names = Vec::new();
        for entry in rfs::Dir::read_from(&self.fd).during(LISTING)? {
            let entry = entry.during(LISTING)?;
            // Names that are not UTF-8 are not ours: ignore them.
            let Ok(name) = entry.file_name().to_str() else {
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            #[cfg(feature = "__test-hooks")]
            let file_type = if self.unknown_d_type {
                FileType::Unknown
            } else {
                entry.file_type()
            };
            #[cfg(not(feature = "__test-hooks"))]
            let file_type = entry.file_type();
            let regular = match file_type {
                FileType::RegularFile => true,
                FileType::Unknown => {
                    match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                        Ok(stat) => FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile,
                        // Removed since it was listed.
                        Err(Errno::NOENT) => false,
                        Err(e) => return Err(e).during(LISTING),
                    }
                }
                _ => false,
            };
            if regular {
                names.push(name.to_owned());
            }
        }
        Ok(names)
    }

    /// Reads a whole file of at most `max_len` bytes. `Ok(None)` if it does
    /// not exist; [`Error::ValueTooLarge`] if it is longer than `max_len`;
    /// [`Error::Integrity`] if it is not a regular file or longer than any
    /// object a store writes (it is not ours, whatever the limit).
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
            // A symlink in an object's place is not ours (never followed).
            Err(Errno::LOOP) => return Err(Error::Integrity),
            Err(e) => return Err(e).during(reading),
        };
        let stat = rfs::fstat(&fd).during(reading)?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return Err(Error::Integrity);
        }
        let too_large = Error::ValueTooLarge { max: max_len };
        let size = usize::try_from(stat.st_size).map_err(|_| Error::Integrity)?;
        if size > max_len.max(HARD_MAX_OBJECT_LEN) {
            return Err(Error::Integrity);
        }
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
    /// [`Self::remove_temporaries`]. On an error the temporary is removed
    /// before returning.
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
        let written = (|| {
            let mut file = File::from(fd);
            file.write_all(data).during(steps.write)?;
            self.step(steps.sync)?;
            file.sync_all().during(steps.sync)?;
            drop(file);
            self.step(steps.rename)?;
            rfs::renameat(&self.fd, temp.as_str(), &self.fd, name).during(steps.rename)
        })();
        if let Err(e) = written {
            // Best effort: a temporary holds sealed data (a manifest's one
            // the store id in clear) and must not outlive the failed write.
            // What this cannot remove, the next open or destroy does.
            let _ = rfs::unlinkat(&self.fd, temp.as_str(), AtFlags::empty());
            return Err(e);
        }
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
    /// patterns, read back) is `iot-erase`'s job.
    ///
    /// The overwrite is bounded to what can be ours: holes are skipped, a
    /// file with more than one link (whose other name is not ours) or longer
    /// than any object the format allows is only unlinked, and anything but
    /// a regular file (symlink, FIFO, socket, empty directory) is removed
    /// without being followed or opened for writing. A non-empty directory
    /// under the name is refused.
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
            // A FIFO without reader, a socket, a symlink (never followed).
            Err(Errno::NXIO | Errno::LOOP) => return self.remove(name).and_then(|()| self.sync()),
            Err(Errno::ISDIR) => return self.remove_displacing_dir(name),
            Err(e) => return Err(e).during(steps.overwrite),
        };
        let stat = rfs::fstat(&fd).during(steps.overwrite)?;
        let size = u64::try_from(stat.st_size).unwrap_or(u64::MAX);
        let ours = FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
            && stat.st_nlink <= 1
            && size <= u64::try_from(HARD_MAX_OBJECT_LEN).unwrap_or(u64::MAX);
        if !ours {
            drop(fd);
            self.remove(name)?;
            return self.sync();
        }
        let file = File::from(fd);
        self.step(steps.overwrite)?;
        overwrite_data_with_zeros(&file, size).during(steps.overwrite)?;
        self.step(steps.sync)?;
        file.sync_all().during(steps.sync)?;
        drop(file);
        self.remove(name)?;
        self.sync()
    }

    /// Removes an empty directory found where a file should be; a
    /// non-empty one is refused (it is not ours to delete).
    fn remove_displacing_dir(&self, name: &str) -> Result<(), Error> {
        let steps = self.role.file(name);
        self.step(steps.remove)?;
        match rfs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::NOENT) => self.sync(),
            Err(Errno::NOTEMPTY | Errno::EXIST) => Err(Error::Io {
                during: steps.displaced_by_dir,
                kind: std::io::ErrorKind::DirectoryNotEmpty,
            }),
            Err(e) => Err(e).during(steps.displaced_by_dir),
        }
    }

    /// Overwrites and removes every temporary of a write that failed or was
    /// cut short, durably: what `destroy` and `erase_dir` do after the
    /// objects, so that no sealed value or store id outlives the store.
    pub(crate) fn erase_temporaries(&self) -> Result<(), Error> {
        let mut result = Ok(());
        for name in self.entries()?.into_iter().filter(|n| is_temporary(n)) {
            let erased = self.overwrite_zeros_and_remove(&name);
            result = result.and(erased);
        }
        result
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

impl Drop for DirHandle {
    /// Unlinks the lock file while still holding its lock (the next opener
    /// creates a new one, see [`DirHandle::lock_exclusive`]), so a closed or
    /// destroyed store leaves no lock file behind.
    fn drop(&mut self) {
        let Some(lock) = self.lock.take() else {
            return;
        };
        if let (Ok(held), Ok(linked)) = (
            rfs::fstat(&lock),
            rfs::statat(&self.fd, LOCK_NAME, AtFlags::SYMLINK_NOFOLLOW),
        ) && held.st_dev == linked.st_dev
            && held.st_ino == linked.st_ino
        {
            let _ = rfs::unlinkat(&self.fd, LOCK_NAME, AtFlags::empty());
        }
        drop(lock);
    }
}

/// Creates `path` and its missing parents with mode `0700`, fsyncing the
/// parent of each directory created so that its entry survives a power cut
/// (POSIX does not promise that without it).
fn create_dir_durably(path: &Path) -> Result<(), Error> {
    const CREATING: &str = "creating the store directory";
    const SYNCING: &str = "syncing the store directory's parent";
    let mut missing = Vec::new();
    let mut next = Some(path);
    while let Some(dir) = next.filter(|d| !d.as_os_str().is_empty()) {
        match std::fs::metadata(dir) {
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(dir),
            Err(e) => return Err(e).during(CREATING),
        }
        next = dir.parent();
    }
    for dir in missing.into_iter().rev() {
        match std::fs::DirBuilder::new().mode(DIR_MODE).create(dir) {
            Ok(()) => {}
            // Created by someone else meanwhile: theirs to make durable.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).during(CREATING),
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let fd = rfs::open(
            parent,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .during(SYNCING)?;
        rfs::fsync(&fd).during(SYNCING)?;
    }
    Ok(())
}

/// Writes zeros over the data of the first `size` bytes of `file`, skipping
/// holes (`SEEK_DATA`/`SEEK_HOLE`; a file system without them is all data).
/// Returns the number of bytes written.
fn overwrite_data_with_zeros(file: &File, size: u64) -> Result<u64, std::io::Error> {
    let zeros = [0u8; 4096];
    let mut written = 0u64;
    let mut offset = 0u64;
    while offset < size {
        let data = match rfs::seek(file, SeekFrom::Data(offset)) {
            Ok(data) => data,
            // No data after `offset`.
            Err(Errno::NXIO) => break,
            Err(Errno::INVAL | Errno::OPNOTSUPP) => offset,
            Err(e) => return Err(e.into()),
        };
        if data >= size {
            break;
        }
        let hole = match rfs::seek(file, SeekFrom::Hole(data)) {
            Ok(hole) => hole.min(size),
            Err(_) => size,
        };
        let mut at = data;
        while at < hole {
            let chunk = usize::try_from((hole - at).min(4096)).unwrap_or(4096);
            file.write_all_at(zeros.get(..chunk).unwrap_or(&zeros), at)?;
            at += chunk as u64;
        }
        written += hole - data;
        offset = hole;
    }
    Ok(written)
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

    /// S3: the erase overwrite skips holes: a sparse file with one 4 KiB
    /// block of data in 8 MiB gets one block of zeros, not 8 MiB.
    #[test]
    fn the_zero_overwrite_skips_holes() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sparse");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        file.set_len(8 << 20).unwrap();
        file.write_all_at(&[0xA5; 4096], 1 << 20).unwrap();
        file.sync_all().unwrap();
        let written = overwrite_data_with_zeros(&file, 8 << 20).unwrap();
        assert!((4096..1 << 20).contains(&written), "{written}");
        let mut back = vec![1u8; 4096];
        file.read_exact_at(&mut back, 1 << 20).unwrap();
        assert!(back.iter().all(|&b| b == 0));
    }
}
