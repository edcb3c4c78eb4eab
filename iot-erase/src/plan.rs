//! The erase plan: what to erase, built up front, then run by
//! [`ErasePlan::execute`].

use core::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use zeroize::Zeroize;

use crate::progress::Progress;
use crate::{EraseReport, Error, Method};

/// Something whose data becomes unreadable when its keys are destroyed: the
/// "purge by cryptographic erase" of NIST SP 800-88.
///
/// Crypto-erase targets run first, before any file is touched, so that an
/// erase cut short by a power loss still leaves the encrypted data
/// unreadable. Implemented for closures `FnOnce() -> Result<(), String>` (a
/// key in a secure element, a TPM, a key file of your own) and, with the
/// `storage` feature, for `iot_storage::SealedStore`. Only a key kept off
/// the medium (secure element, TPM) is destroyed beyond recovery: a key file,
/// or the store id a sealed store's keys derive from, is removed by
/// overwriting and shares its limits on flash (see
/// [`manual::_04_limits`](crate::manual::_04_limits)).
///
/// A crypto-erase cannot be repeated after a restart (the object that knows
/// how is gone): if power fails before it reports success, the report marks
/// it [`Outcome::Interrupted`](crate::Outcome::Interrupted). Also plan the
/// directory holding the encrypted data as a [`dir`](ErasePlan::dir) target,
/// so the ciphertext is removed too and the next boot's
/// [`resume`](crate::resume) finishes that part.
pub trait CryptoEraseTarget {
    /// Destroys the key material. `Ok` means the protected data can no longer
    /// be decrypted by anyone, including this device. The error message is
    /// shown to the user in the report: keep it short and free of secrets.
    fn destroy_keys(self: Box<Self>) -> Result<(), String>;
}

impl<F: FnOnce() -> Result<(), String>> CryptoEraseTarget for F {
    fn destroy_keys(self: Box<Self>) -> Result<(), String> {
        (*self)()
    }
}

pub(crate) type Action = Box<dyn FnOnce() -> Result<(), String>>;
pub(crate) type ProgressCallback = Box<dyn FnMut(&Progress) + Send>;
#[cfg(feature = "__test-hooks")]
pub(crate) type Hook = Box<dyn FnMut(&str)>;

/// An erase plan: targets relative to one root directory, run in a fixed
/// order by [`execute`](Self::execute).
///
/// Order: crypto-erase targets, then files, then directories (depth-first),
/// then custom actions (e.g. asking the cloud to delete the account), then
/// in-memory secrets. Secrets go last because custom actions may need them
/// (a cloud token); they are zeroized even when an action fails.
///
/// Building a plan touches nothing. Paths are checked by `execute`: an
/// absolute path or a `..` anywhere is [`Error::OutsideRoot`] and nothing is
/// erased.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// # fn main() -> Result<(), iot_erase::Error> {
/// let root = tempfile::tempdir().unwrap();
/// std::fs::create_dir_all(root.path().join("user/photos")).unwrap();
/// std::fs::write(root.path().join("user/photos/cat.jpg"), b"...").unwrap();
/// std::fs::write(root.path().join("wifi.conf"), b"psk=hunter2").unwrap();
/// let session_key = Arc::new(Mutex::new(vec![0x42u8; 32]));
///
/// let report = iot_erase::ErasePlan::new(root.path())
///     .file("wifi.conf")
///     .dir("user")
///     .custom("Cloud account deletion", || Ok(())) // your API call here
///     .zeroize_memory("session key", Arc::clone(&session_key))
///     .execute()?;
///
/// assert_eq!(report.entries.len(), 4);
/// assert!(!root.path().join("user").exists());
/// assert!(session_key.lock().unwrap().iter().all(|&b| b == 0));
/// println!("{report}"); // show this to the user, then:
/// report.acknowledge(root.path())?;
/// # Ok(()) }
/// ```
pub struct ErasePlan {
    pub(crate) root: PathBuf,
    /// Name, target, and the method the report names (crypto-erase, or a
    /// store's destroy).
    pub(crate) crypto: Vec<(String, Box<dyn CryptoEraseTarget>, Method)>,
    pub(crate) files: Vec<PathBuf>,
    pub(crate) dirs: Vec<PathBuf>,
    pub(crate) custom: Vec<(String, Action)>,
    pub(crate) memory: Vec<(String, Box<dyn FnOnce()>)>,
    pub(crate) progress: Option<ProgressCallback>,
    #[cfg(feature = "__test-hooks")]
    pub(crate) hook: Option<Hook>,
}

impl ErasePlan {
    /// Most targets in one plan (each file, directory, crypto-erase target,
    /// custom action and memory buffer counts as one). A plan with more is
    /// refused by [`execute`](Self::execute) with [`Error::InvalidTarget`].
    pub const MAX_TARGETS: usize = 256;

    /// An empty plan for targets inside `root`.
    ///
    /// `root` is the directory holding the user data (e.g. `/data/user`). It
    /// is trusted: it may itself be reached through links. Nothing below it
    /// is ever followed through a link. The journal, the persisted report
    /// and the lock file live directly in it (`.iot-erase-journal`,
    /// `.iot-erase-report`, `.iot-erase-lock`; the first two also with
    /// `.tmp`), so it must be writable and should be on the same storage as
    /// the data. These names are reserved: anything else found under one is
    /// erased before the plan runs and reported as
    /// [`Target::Reserved`](crate::Target::Reserved).
    #[must_use]
    pub fn new(root: impl AsRef<Path>) -> Self {
        Self {
            root: root.as_ref().to_path_buf(),
            crypto: Vec::new(),
            files: Vec::new(),
            dirs: Vec::new(),
            custom: Vec::new(),
            memory: Vec::new(),
            progress: None,
            #[cfg(feature = "__test-hooks")]
            hook: None,
        }
    }

    /// Adds a file, relative to the root: overwritten in place with random
    /// data, `fsync`ed, read back and compared, renamed to a random name,
    /// unlinked, and its directory `fsync`ed.
    ///
    /// If the path turns out to be a symbolic link, it is refused
    /// ([`RefuseReason::LinkedTarget`](crate::RefuseReason::LinkedTarget)):
    /// neither followed nor removed, and the report is not complete, since
    /// what it points to was not erased. A fifo, socket or device is
    /// skipped; a directory is erased like [`dir`](Self::dir).
    #[must_use]
    pub fn file(mut self, relative: impl AsRef<Path>) -> Self {
        self.files.push(relative.as_ref().to_path_buf());
        self
    }

    /// Adds a directory, relative to the root, erased recursively: every file
    /// as in [`file`](Self::file), depth-first, then the directories. `.`
    /// erases everything in the root except this crate's journal and report;
    /// the root itself stays.
    ///
    /// Links inside are removed, never followed. A planned path that is
    /// itself a link is refused, as for [`file`](Self::file). Another file
    /// system mounted inside is not entered: the entry fails with
    /// [`FailReason::OtherFileSystem`](crate::FailReason::OtherFileSystem)
    /// and the rest of the tree is erased (plan the mounted directory itself
    /// if it holds user data; a planned directory may be a mount point).
    #[must_use]
    pub fn dir(mut self, relative: impl AsRef<Path>) -> Self {
        self.dirs.push(relative.as_ref().to_path_buf());
        self
    }

    /// Adds an action of yours, run after the local erase, e.g. asking the
    /// cloud service to delete the account and its data (EN 303 645 5.11-2).
    ///
    /// `name` is shown to the user in the report ("Cloud account deletion:
    /// done."). An `Err` message is shown too (cut to 200 bytes): keep it
    /// short and free of secrets. A failing or panicking action is reported
    /// and does not stop the rest of the plan. An action cannot be repeated
    /// after a power loss: if it had not finished, the report says
    /// [`Outcome::Interrupted`](crate::Outcome::Interrupted) and your app
    /// should offer to run it again.
    #[must_use]
    pub fn custom(
        mut self,
        name: &str,
        action: impl FnOnce() -> Result<(), String> + 'static,
    ) -> Self {
        self.custom.push((name.to_owned(), Box::new(action)));
        self
    }

    /// Adds a crypto-erase target, run before anything else. See
    /// [`CryptoEraseTarget`].
    ///
    /// ```
    /// # fn main() -> Result<(), iot_erase::Error> {
    /// let root = tempfile::tempdir().unwrap();
    /// let report = iot_erase::ErasePlan::new(root.path())
    ///     .crypto_erase("secure element key", || {
    ///         // e.g. tell the secure element to destroy its key slot
    ///         Ok(())
    ///     })
    ///     .execute()?;
    /// assert_eq!(report.entries[0].method, iot_erase::Method::CryptoErase);
    /// # report.acknowledge(root.path())?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn crypto_erase(self, name: &str, target: impl CryptoEraseTarget + 'static) -> Self {
        self.crypto_target(name, Box::new(target), Method::CryptoErase)
    }

    pub(crate) fn crypto_target(
        mut self,
        name: &str,
        target: Box<dyn CryptoEraseTarget>,
        method: Method,
    ) -> Self {
        self.crypto.push((name.to_owned(), target, method));
        self
    }

    /// Adds an in-memory secret to zeroize (with [`zeroize`]) at the end of
    /// the plan, after the custom actions. Keep the other clone of the `Arc`
    /// where your code uses the secret; after the erase it holds zeros
    /// (`Vec`s are also cleared to length 0, as `Zeroize` does). A poisoned
    /// mutex is zeroized all the same.
    ///
    /// The buffer is zeroized on every way out of
    /// [`execute`](Self::execute): also when `execute` returns an error
    /// before anything was erased ([`Error::OutsideRoot`],
    /// [`Error::Pending`], [`Error::Busy`], ...), when an error stops the
    /// erase, and when a progress callback panics. The secret was handed
    /// over to be erased; no path keeps it alive. (A plan dropped without
    /// `execute` zeroizes nothing.)
    #[must_use]
    pub fn zeroize_memory<Z: Zeroize + 'static>(
        mut self,
        name: &str,
        buffer: Arc<Mutex<Z>>,
    ) -> Self {
        self.memory.push((
            name.to_owned(),
            Box::new(move || {
                buffer
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .zeroize();
            }),
        ));
        self
    }

    /// Calls `callback` as the erase advances (each target, each 256 KiB
    /// chunk written or verified), e.g. to drive a progress bar. A second
    /// call replaces the first callback.
    ///
    /// The callback runs on the thread that calls
    /// [`execute`](Self::execute), in the middle of the erase, and is never
    /// called concurrently with itself. Keep it short: the erase waits for
    /// it.
    ///
    /// # Panics
    ///
    /// A panic in the callback is not caught: it unwinds out of `execute`
    /// from whatever step the erase had reached, and the lock on the root
    /// is released. The journal stays under the root, as after a power
    /// loss: the next [`resume`](crate::resume) finishes the erase (or
    /// returns its report, if the panic came with
    /// [`Phase::Finished`](crate::Phase::Finished)), and reports the
    /// crypto-erase targets, custom actions and memory buffers that had not
    /// finished as [`Outcome::Interrupted`](crate::Outcome::Interrupted).
    /// Buffers registered with [`zeroize_memory`](Self::zeroize_memory)
    /// are zeroized while the panic unwinds out of `execute` (custom actions
    /// that had not run yet are dropped without running). Do not panic in
    /// the callback all the same.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// # fn main() -> Result<(), iot_erase::Error> {
    /// # let root = tempfile::tempdir().unwrap();
    /// # std::fs::write(root.path().join("log"), vec![7u8; 1000]).unwrap();
    /// let written = Arc::new(Mutex::new(0u64));
    /// let sink = Arc::clone(&written);
    /// let report = iot_erase::ErasePlan::new(root.path())
    ///     .file("log")
    ///     .on_progress(move |p| *sink.lock().unwrap() = p.bytes_overwritten)
    ///     .execute()?;
    /// assert_eq!(*written.lock().unwrap(), 1000);
    /// # report.acknowledge(root.path())?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn on_progress(mut self, callback: impl FnMut(&Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(callback));
        self
    }

    /// Test hook (fault injection, feature `__test-hooks`): called with the
    /// root-relative path of a file or directory after it was looked at and
    /// right before it is opened, so a test can swap it for a link in
    /// between.
    #[cfg(feature = "__test-hooks")]
    #[doc(hidden)]
    #[must_use]
    pub fn __before_open(mut self, hook: impl FnMut(&str) + 'static) -> Self {
        self.hook = Some(Box::new(hook));
        self
    }

    /// Runs the plan: writes the journal, erases every target in order,
    /// persists the report, removes the journal.
    ///
    /// # Errors
    ///
    /// Before anything is touched: [`Error::OutsideRoot`],
    /// [`Error::InvalidTarget`], [`Error::Pending`] (resume first),
    /// [`Error::Busy`], or [`Error::Io`] on the root or the journal. (On a
    /// full file system, file and directory targets are erased first until
    /// the journal fits; see
    /// [`manual::_02_how_an_erase_runs`](crate::manual::_02_how_an_erase_runs).)
    /// After the erase ran: [`Error::Incomplete`] with the report when any
    /// target was not erased (the report is persisted as well). An
    /// [`Error::Io`] while recording progress stops the erase; the journal
    /// stays and [`resume`](crate::resume) finishes it.
    pub fn execute(self) -> Result<EraseReport, Error> {
        crate::run::execute(self)
    }
}

impl fmt::Debug for ErasePlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErasePlan")
            .field("root", &self.root)
            .field(
                "crypto",
                &self.crypto.iter().map(|(n, _, _)| n).collect::<Vec<_>>(),
            )
            .field("files", &self.files)
            .field("dirs", &self.dirs)
            .field(
                "custom",
                &self.custom.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field(
                "memory",
                &self.memory.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}
