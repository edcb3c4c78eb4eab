//! The default backend: one file per object in a directory.

use std::path::Path;
#[cfg(feature = "__test-hooks")]
use std::sync::Arc;
#[cfg(feature = "__test-hooks")]
use std::sync::atomic::AtomicU64;

use super::Backend;
use crate::Error;
use crate::fsio::DirHandle;

/// Objects as files in one directory, on any POSIX file system that honours
/// `fsync` (ext4, f2fs, UBIFS, JFFS2, XFS, btrfs).
///
/// - **Atomic replace**: every write goes to a temporary file that is
///   fsync'd, renamed over the object and followed by an fsync of the
///   directory. Temporaries a crash leaves behind are removed at open.
/// - **Exclusive lock** ([`Backend::lock`]): a lock file `.lock` (mode
///   `0600`, so only the store's owner can open it, whoever can read the
///   directory) is `flock`ed for as long as the backend lives, so a second
///   store on the same directory, in this process or another, gets
///   [`Error::Locked`]. The kernel releases the lock when the process dies,
///   also by `SIGKILL`; dropping the backend unlinks the lock file.
/// - **Durable creation**: a directory it creates (and each missing parent)
///   is `0700`, and its parent is fsync'd so it survives a power cut.
/// - **Permissions**: files are created `0600`. An existing directory that
///   is empty or holds a store is tightened to `0700` if group or others had
///   access; a non-empty directory that is not a store (a shared directory
///   such as `/data`) keeps its mode: give the store a directory of its own.
/// - **No path games**: every file operation is relative to the directory's
///   descriptor and refuses to follow symlinks.
/// - **Listing** never trusts the type `getdents` reports alone: on file
///   systems that report `DT_UNKNOWN` (XFS without `ftype`, NFS without
///   `readdirplus`, some FUSE file systems) each entry is checked with
///   `statat`.
/// - **Erase** ([`Backend::erase`]) overwrites the file's data once with
///   zeros (holes skipped), fsyncs and removes it, without reading it back.
///   A file with a second link, or larger than any object of the format, is
///   only unlinked; a symlink, FIFO or empty directory under an object's
///   name is removed without being followed. [`Backend::erase_leftovers`]
///   erases the temporaries of failed writes the same way. For verified
///   erasure (random patterns, read back) use the `iot-erase` crate.
#[derive(Debug)]
pub struct DirBackend {
    dir: DirHandle,
}

impl DirBackend {
    /// Opens (creating if needed) the directory, locks it and removes
    /// temporaries left by a crash.
    ///
    /// # Errors
    /// [`Error::Locked`] if another backend holds the directory,
    /// [`Error::Io`] if the file system fails.
    pub fn open(dir: impl AsRef<Path>) -> Result<DirBackend, Error> {
        DirBackend::locked(DirHandle::open_or_create(dir.as_ref())?)
    }

    /// Opens the directory, which must exist (it is neither created nor
    /// has its mode changed), locks it and removes temporaries left by a
    /// crash. With [`StoreOptions::must_exist`](crate::StoreOptions::must_exist)
    /// [`SealedStore::open`](crate::SealedStore::open) uses it.
    ///
    /// # Errors
    /// [`Error::NoStore`] if the directory does not exist, otherwise as
    /// [`open`](Self::open).
    pub fn open_existing(dir: impl AsRef<Path>) -> Result<DirBackend, Error> {
        DirBackend::locked(DirHandle::open_existing(dir.as_ref())?.ok_or(Error::NoStore)?)
    }

    fn locked(mut dir: DirHandle) -> Result<DirBackend, Error> {
        dir.lock_exclusive()?;
        dir.remove_temporaries()?;
        Ok(DirBackend { dir })
    }

    /// Crash-test hook (feature `__test-hooks`, for this crate's own tests
    /// only): after `steps` mutating file-system steps (file write, file
    /// fsync, rename, directory fsync, unlink) every further step fails,
    /// leaving the directory exactly as a process killed at that moment
    /// would.
    #[cfg(feature = "__test-hooks")]
    #[doc(hidden)]
    #[must_use]
    pub fn __stop_after_steps(mut self, steps: Arc<AtomicU64>) -> DirBackend {
        self.dir.inject_faults(steps);
        self
    }

    /// Test hook (feature `__test-hooks`): listing treats every entry as
    /// `DT_UNKNOWN`, as XFS without `ftype` or NFS without `readdirplus`
    /// report it.
    #[cfg(feature = "__test-hooks")]
    #[doc(hidden)]
    #[must_use]
    pub fn __pretend_unknown_d_type(mut self) -> DirBackend {
        self.dir.pretend_unknown_d_type();
        self
    }
}

impl Backend for DirBackend {
    /// The directory's lock file is locked from [`DirBackend::open`] on (so
    /// that [`SealedStore::erase_dir`](crate::SealedStore::erase_dir) is
    /// exclusive too) until the backend is dropped: nothing to do here.
    fn lock(&self) -> Result<(), Error> {
        Ok(())
    }

    fn list(&self) -> Result<Vec<String>, Error> {
        self.dir.list()
    }

    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        self.dir.read(name, max_len)
    }

    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        self.dir.write_atomic(name, data)
    }

    fn remove(&self, name: &str) -> Result<(), Error> {
        self.dir.remove(name)
    }

    fn sync(&self) -> Result<(), Error> {
        self.dir.sync()
    }

    fn erase(&self, name: &str) -> Result<(), Error> {
        self.dir.overwrite_zeros_and_remove(name)
    }

    fn erase_leftovers(&self) -> Result<(), Error> {
        self.dir.erase_temporaries()
    }
}
