//! A backend in memory.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::Backend;
use crate::Error;
use crate::format::HARD_MAX_OBJECT_LEN;

/// Objects in memory: for tests, benchmarks, and as a template for a flash
/// backend. Clones share the same objects, so a test can "reopen" a store by
/// opening a clone after dropping the first store. Clones also share the
/// lock ([`Backend::lock`]): while a store lives on one clone, a store on
/// another is [`Error::Locked`].
///
/// Nothing survives the process: no power-loss guarantee applies.
///
/// ```
/// use iot_storage::{MemoryBackend, RootKey, SealedStore, StoreOptions};
/// use iot_storage::secrecy::ExposeSecret;
///
/// let medium = MemoryBackend::new();
/// let store = SealedStore::open_backend(medium.clone(), RootKey::from_bytes([1; 32]), StoreOptions::default())?;
/// store.put("cloud/token", b"t0k3n")?;
/// drop(store);
///
/// let store = SealedStore::open_backend(medium, RootKey::from_bytes([1; 32]), StoreOptions::default())?;
/// assert_eq!(store.get("cloud/token")?.unwrap().expose_secret(), b"t0k3n");
/// # Ok::<(), iot_storage::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryBackend {
    objects: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    /// Whether some clone holds the medium.
    locked: Arc<AtomicBool>,
    /// Whether this clone is the one.
    holds_lock: AtomicBool,
}

/// Another handle on the same medium; it does not hold the lock.
impl Clone for MemoryBackend {
    fn clone(&self) -> Self {
        MemoryBackend {
            objects: Arc::clone(&self.objects),
            locked: Arc::clone(&self.locked),
            holds_lock: AtomicBool::new(false),
        }
    }
}

impl Drop for MemoryBackend {
    fn drop(&mut self) {
        self.unlock();
    }
}

impl MemoryBackend {
    /// An empty medium.
    pub fn new() -> MemoryBackend {
        MemoryBackend::default()
    }

    /// A copy of every object: lets tests tamper with the medium, copy an
    /// image and put an old one back.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.lock().clone()
    }

    /// Replaces every object (the counterpart of [`snapshot`](Self::snapshot)).
    pub fn restore(&self, objects: BTreeMap<String, Vec<u8>>) {
        *self.lock() = objects;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Backend for MemoryBackend {
    fn lock(&self) -> Result<(), Error> {
        if self.holds_lock.load(Ordering::SeqCst) {
            return Ok(());
        }
        self.locked
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .map_err(|_| Error::Locked)?;
        self.holds_lock.store(true, Ordering::SeqCst);
        Ok(())
    }

    fn unlock(&self) {
        if self.holds_lock.swap(false, Ordering::SeqCst) {
            self.locked.store(false, Ordering::SeqCst);
        }
    }

    fn list(&self) -> Result<Vec<String>, Error> {
        Ok(self.lock().keys().cloned().collect())
    }

    fn read(&self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, Error> {
        match self.lock().get(name) {
            None => Ok(None),
            // Longer than any object a store writes: not ours.
            Some(data) if data.len() > max_len.max(HARD_MAX_OBJECT_LEN) => Err(Error::Integrity),
            Some(data) if data.len() > max_len => Err(Error::ValueTooLarge { max: max_len }),
            Some(data) => Ok(Some(data.clone())),
        }
    }

    fn write(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        self.lock().insert(name.to_owned(), data.to_vec());
        Ok(())
    }

    fn write_owned(&self, name: &str, data: Vec<u8>) -> Result<(), Error> {
        self.lock().insert(name.to_owned(), data);
        Ok(())
    }

    fn remove(&self, name: &str) -> Result<(), Error> {
        self.lock().remove(name);
        Ok(())
    }
}
