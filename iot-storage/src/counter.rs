//! Monotonic counters: what makes a copied-back old image detectable.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use ring::digest;

use crate::Error;
use crate::fsio::{DirHandle, Role};

/// A counter that can only go up and that an attacker who can rewrite the
/// store's medium cannot roll back: a TPM NV counter, an RPMB write counter,
/// a one-time-programmable fuse bank, a counter in a secure element or TEE.
///
/// The store keeps the counter equal to its generation, which advances by one
/// per committed write (put, delete, and each step of a rotation; `destroy`
/// moves it once more, past the destroyed store). At open, a
/// store older than the counter is [`Error::RolledBack`]; a store ahead of it
/// is what a crash between a write and the counter update leaves, and the
/// counter is brought up to it.
///
/// Give every store its own counter. Hardware that can only increment
/// implements [`advance_to`](Self::advance_to) as "increment until equal".
/// The counter is advanced once per committed write, so its write endurance
/// bounds the number of writes (TPM NV counters and RPMB are made for this;
/// a fuse bank is not), and each put costs one counter update on top of its
/// one atomic file write (with [`FileCounter`], a second atomic file write).
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use iot_storage::{Error, MonotonicCounter};
///
/// /// A stand-in for a hardware counter.
/// #[derive(Debug, Default)]
/// struct SecureElementCounter(AtomicU64);
///
/// impl MonotonicCounter for SecureElementCounter {
///     fn read(&self) -> Result<u64, Error> {
///         Ok(self.0.load(Ordering::SeqCst))
///     }
///     fn advance_to(&self, value: u64) -> Result<(), Error> {
///         self.0.fetch_max(value, Ordering::SeqCst);
///         Ok(())
///     }
/// }
/// ```
pub trait MonotonicCounter: Send + Sync + fmt::Debug {
    /// The current value (0 for a counter never advanced).
    ///
    /// # Errors
    /// Whatever the counter's medium reports.
    fn read(&self) -> Result<u64, Error>;

    /// Makes the counter at least `value`, durably, before returning. A value
    /// at or below the current one leaves the counter unchanged.
    ///
    /// # Errors
    /// Whatever the counter's medium reports.
    fn advance_to(&self, value: u64) -> Result<(), Error>;

    /// `true` for a stand-in that does not resist an attacker who rewrites
    /// the medium, such as [`FileCounter`]; reported by
    /// [`SealedStore::security_report`](crate::SealedStore::security_report)
    /// so that a release build can refuse to run on it. The default is
    /// `false`, for a hardware counter.
    fn is_development_only(&self) -> bool {
        false
    }
}

impl<C: MonotonicCounter + ?Sized> MonotonicCounter for std::sync::Arc<C> {
    fn read(&self) -> Result<u64, Error> {
        (**self).read()
    }
    fn advance_to(&self, value: u64) -> Result<(), Error> {
        (**self).advance_to(value)
    }
    fn is_development_only(&self) -> bool {
        (**self).is_development_only()
    }
}

/// **Development only**: a monotonic counter kept in a file.
///
/// An attacker who can rewrite the file can roll it back, so it protects
/// against rollback only as far as the file is out of the attacker's reach.
/// The constructor is named [`insecure_development`](Self::insecure_development)
/// so that a reviewer can find every use with `grep insecure_`.
/// Keep it on another medium than the store (never inside the store's
/// directory, which an attacker copies back together with the store). Use it
/// to develop and test rollback handling until the hardware counter is wired
/// up.
///
/// The file holds a magic, the value and a SHA-256 check (against damage,
/// not attack), and is replaced atomically (temporary file, fsync, rename,
/// fsync of the directory).
///
/// ```
/// use iot_storage::{FileCounter, MonotonicCounter};
/// let dir = tempfile::tempdir()?;
/// let counter = FileCounter::insecure_development(dir.path().join("store.counter"))?;
/// assert_eq!(counter.read()?, 0);
/// counter.advance_to(5)?;
/// counter.advance_to(3)?; // never goes down
/// let again = FileCounter::insecure_development(dir.path().join("store.counter"))?;
/// assert_eq!(again.read()?, 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FileCounter {
    dir: DirHandle,
    file: String,
    /// Serialises read-modify-write within the process.
    lock: Mutex<()>,
}

const COUNTER_MAGIC: [u8; 8] = *b"IOSCNT1\0";
const COUNTER_CHECK_LEN: usize = 8;
const COUNTER_FILE_LEN: usize = 8 + 8 + COUNTER_CHECK_LEN;

impl FileCounter {
    /// A counter in the file at `path` (its directory must exist; the file is
    /// created on the first advance). See the type's documentation for why
    /// this is for development only.
    ///
    /// # Errors
    /// [`Error::Io`] if the directory cannot be opened.
    pub fn insecure_development(path: impl AsRef<Path>) -> Result<FileCounter, Error> {
        let (dir, file) = DirHandle::open_parent_of(path.as_ref(), Role::Counter)?;
        Ok(FileCounter {
            dir,
            file,
            lock: Mutex::new(()),
        })
    }

    fn check(body: &[u8]) -> [u8; COUNTER_CHECK_LEN] {
        let digest = digest::digest(&digest::SHA256, body);
        let mut check = [0u8; COUNTER_CHECK_LEN];
        for (out, byte) in check.iter_mut().zip(digest.as_ref()) {
            *out = *byte;
        }
        check
    }

    fn read_value(&self) -> Result<u64, Error> {
        let Some(bytes) = self
            .dir
            .read(&self.file, COUNTER_FILE_LEN)
            .map_err(|e| match e {
                Error::ValueTooLarge { .. } => Error::Integrity,
                other => other,
            })?
        else {
            return Ok(0);
        };
        let (body, check) = bytes.split_at(bytes.len().min(16));
        let (magic, value) = body.split_at(body.len().min(8));
        let value = <[u8; 8]>::try_from(value).map_err(|_| Error::Integrity)?;
        if magic != COUNTER_MAGIC || check != Self::check(body) {
            return Err(Error::Integrity);
        }
        Ok(u64::from_be_bytes(value))
    }
}

impl MonotonicCounter for FileCounter {
    /// # Errors
    /// [`Error::Io`], or [`Error::Integrity`] if the file is damaged.
    fn read(&self) -> Result<u64, Error> {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.read_value()
    }

    /// # Errors
    /// [`Error::Io`], or [`Error::Integrity`] if the file is damaged.
    fn advance_to(&self, value: u64) -> Result<(), Error> {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.read_value()? >= value {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(COUNTER_FILE_LEN);
        bytes.extend_from_slice(&COUNTER_MAGIC);
        bytes.extend_from_slice(&value.to_be_bytes());
        let check = Self::check(&bytes);
        bytes.extend_from_slice(&check);
        self.dir.write_atomic(&self.file, &bytes)
    }

    /// Always `true`: a file can be copied back with the store.
    fn is_development_only(&self) -> bool {
        true
    }
}

impl fmt::Debug for FileCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileCounter")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}
