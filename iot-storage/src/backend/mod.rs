//! Where sealed bytes live: the [`Backend`] trait and the two backends this
//! crate ships.
//!
//! The store hands a backend only ciphertext under a few fixed object names
//! (`manifest` and `<16 hex digits>.rec`), so a backend needs no cryptography
//! and sees no secret. What it must provide is the durability contract of
//! [`Backend::write`]: everything the store guarantees after a power cut
//! rests on it.

mod dir;
mod memory;

pub use dir::DirBackend;
pub use memory::MemoryBackend;

use crate::Error;

/// A flat namespace of named objects with atomic, durable replacement, used
/// by one store at a time.
///
/// Implement it for a raw flash partition (for example two slots per object
/// with a sequence number, or a log), an EEPROM or a remote medium. The
/// store calls it with names matching `manifest` or `[0-9a-f]{16}\.rec` only,
/// and serialises its own writes (a backend still needs `Sync` because reads
/// run concurrently with each other).
///
/// **Exclusivity is part of the contract** ([`lock`](Self::lock)): the store
/// keeps its index and its next generation in memory, so two stores writing
/// one medium both take the same generation and one acknowledged write
/// silently replaces the other. A raw-flash backend that can be opened from
/// two services, or twice in one process, must refuse the second opener in
/// `lock`: with an OS lock (`flock` on a file only the owner can open, a
/// named semaphore), a lock in the driver, or by construction (one backend
/// value per partition, handed out once). What it must not do is rely on
/// the callers to coordinate.
///
/// A backend that does not keep the contract of [`write`](Self::write) loses
/// the power-loss guarantee; the integrity and rollback checks still hold,
/// because they do not trust the backend.
pub trait Backend: Send + Sync {
    /// Takes exclusive use of the medium for this backend value, without
    /// waiting: until [`unlock`](Self::unlock) (or until the value is
    /// dropped), every other backend on the same medium, in this process or
    /// another, fails its `lock` with [`Error::Locked`]. Calling it again on
    /// the value that holds the lock succeeds. The store calls it first
    /// thing in [`SealedStore::open_backend`](crate::SealedStore::open_backend)
    /// and in [`SealedStore::erase_backend`](crate::SealedStore::erase_backend).
    ///
    /// The lock must not be something any process that can read the medium
    /// can take (a `flock` on a world-readable directory is): that would be a
    /// denial of service on the store.
    ///
    /// # Errors
    /// [`Error::Locked`] if another backend holds the medium, [`Error::Io`].
    fn lock(&self) -> Result<(), Error>;

    /// Gives up what [`lock`](Self::lock) took; called when the store is
    /// dropped or destroyed. The default does nothing, for backends whose
    /// lock lives as long as the value (like [`DirBackend`]'s).
    fn unlock(&self) {}

    /// The names of all objects, in any order.
    ///
    /// # Errors
    /// [`Error::Io`] if the medium fails.
    fn list(&self) -> Result<Vec<String>, Error>;

    /// The whole content of `name`, `Ok(None)` if it does not exist.
    ///
    /// # Errors
    /// [`Error::ValueTooLarge`] (with `max = max_len`) if the object is longer
    /// than `max_len` bytes: the backend must not allocate more. [`Error::Io`]
    /// if the medium fails.
    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error>;

    /// Creates or replaces `name` with `data`, **atomically and durably**:
    /// when it returns `Ok`, the new content survives a power cut; if power
    /// is cut before, `name` afterwards holds either its old content (or
    /// does not exist, if it did not) or the new one, never anything else.
    ///
    /// # Errors
    /// [`Error::Io`] if the medium fails; `name` then holds its old or its
    /// new content.
    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error>;

    /// [`write`](Self::write) of a buffer the store hands over (always
    /// sealed bytes, never plaintext): a backend that keeps objects in
    /// memory, or queues them, can take it without a copy. Same contract as
    /// `write`; the default calls it.
    ///
    /// # Errors
    /// As [`write`](Self::write).
    fn write_owned(&self, name: &str, data: Vec<u8>) -> Result<(), Error> {
        self.write(name, &data)
    }

    /// Removes `name` (absent is not an error). It need not be durable on
    /// return, but must not be undone by a later durable [`write`](Self::write)
    /// being persisted (a crash may resurrect it only while no later write
    /// has completed).
    ///
    /// # Errors
    /// [`Error::Io`] if the medium fails.
    fn remove(&self, name: &str) -> Result<(), Error>;

    /// Makes every completed [`remove`](Self::remove) and every visible
    /// object durable (for a directory: fsync it). The store calls it at
    /// open, before it trusts what it listed. The default does nothing, for
    /// media where every change is durable on return.
    ///
    /// # Errors
    /// [`Error::Io`] if the medium fails.
    fn sync(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Destroys `name`'s content as far as the medium allows (overwrite, then
    /// remove), durably. Used by [`SealedStore::destroy`](crate::SealedStore::destroy)
    /// after the keys are already gone. The default removes the object and
    /// relies on the crypto-erasure.
    ///
    /// # Errors
    /// [`Error::Io`] if the medium fails.
    fn erase(&self, name: &str) -> Result<(), Error> {
        self.remove(name)
    }

    /// Destroys, as [`erase`](Self::erase) does, whatever of the store the
    /// medium holds outside its objects: for [`DirBackend`] the temporaries
    /// of writes that failed or were cut short, which hold sealed values and
    /// (a manifest's) the store id. Called by
    /// [`SealedStore::destroy`](crate::SealedStore::destroy) and
    /// [`SealedStore::erase_backend`](crate::SealedStore::erase_backend)
    /// after the objects. The default does nothing, for media that keep
    /// nothing outside the objects.
    ///
    /// # Errors
    /// [`Error::Io`] if the medium fails.
    fn erase_leftovers(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl<B: Backend + ?Sized> Backend for std::sync::Arc<B> {
    fn write_owned(&self, name: &str, data: Vec<u8>) -> Result<(), Error> {
        (**self).write_owned(name, data)
    }
    fn lock(&self) -> Result<(), Error> {
        (**self).lock()
    }
    fn unlock(&self) {
        (**self).unlock()
    }
    fn erase_leftovers(&self) -> Result<(), Error> {
        (**self).erase_leftovers()
    }
    fn list(&self) -> Result<Vec<String>, Error> {
        (**self).list()
    }
    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        (**self).read(name, max_len)
    }
    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        (**self).write(name, data)
    }
    fn remove(&self, name: &str) -> Result<(), Error> {
        (**self).remove(name)
    }
    fn sync(&self) -> Result<(), Error> {
        (**self).sync()
    }
    fn erase(&self, name: &str) -> Result<(), Error> {
        (**self).erase(name)
    }
}

impl<B: Backend + ?Sized> Backend for Box<B> {
    fn write_owned(&self, name: &str, data: Vec<u8>) -> Result<(), Error> {
        (**self).write_owned(name, data)
    }
    fn lock(&self) -> Result<(), Error> {
        (**self).lock()
    }
    fn unlock(&self) {
        (**self).unlock()
    }
    fn erase_leftovers(&self) -> Result<(), Error> {
        (**self).erase_leftovers()
    }
    fn list(&self) -> Result<Vec<String>, Error> {
        (**self).list()
    }
    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        (**self).read(name, max_len)
    }
    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        (**self).write(name, data)
    }
    fn remove(&self, name: &str) -> Result<(), Error> {
        (**self).remove(name)
    }
    fn sync(&self) -> Result<(), Error> {
        (**self).sync()
    }
    fn erase(&self, name: &str) -> Result<(), Error> {
        (**self).erase(name)
    }
}
