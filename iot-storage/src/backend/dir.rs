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
/// - **Exclusive lock**: the directory is `flock`ed for as long as the backend
///   lives, so a second store on the same directory, in this process or
///   another, gets [`Error::Locked`]. The kernel releases the lock when the
///   process dies, also by `SIGKILL`.
/// - **Permissions**: the directory is created `0700` (and tightened to it if
///   group or others had access), files are created `0600`.
/// - **No path games**: every file operation is relative to the directory's
///   descriptor and refuses to follow symlinks.
/// - **Erase** ([`Backend::erase`]) overwrites the file once with zeros,
///   fsyncs and removes it, without reading it back. For verified erasure
///   (random patterns, holes skipped, read back) use the `iot-erase` crate.
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
        let dir = DirHandle::open_or_create(dir.as_ref())?;
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
}

impl Backend for DirBackend {
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
}
