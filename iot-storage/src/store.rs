//! The sealed store.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use ring::rand::SystemRandom;
use secrecy::SecretBox;
use subtle::ConstantTimeEq;

use crate::backend::{Backend, DirBackend};
use crate::counter::MonotonicCounter;
use crate::crypto::{self, Algorithm, DataKey, KEY_CHECK_LEN, NonceSource, STORE_ID_LEN};
use crate::format::{
    self, Change, EntryMeta, FLAG_WRITE_ONCE, Index, KeyRing, Limits, MANIFEST_NAME, NewManifest,
    NewRecord, RecordUse, Table,
};
use crate::options::{RollbackProtection, SecurityReport, StoreOptions};
use crate::{Error, RootKey, name};

/// A key/value store of secrets, sealed under keys derived from a device
/// root key, safe against power loss and (with a counter) against rollback.
///
/// Every method takes `&self`: share a store between threads with `Arc`.
/// Writes are serialised; reads run concurrently.
///
/// ```
/// use iot_storage::{RootKey, SealedStore, StoreOptions};
/// use iot_storage::secrecy::ExposeSecret;
///
/// let dir = tempfile::tempdir()?;
/// let store = SealedStore::open(dir.path(), RootKey::from_bytes([9; 32]), StoreOptions::default())?;
/// store.put("wifi/psk", b"correct horse battery staple")?;
/// assert_eq!(store.get("wifi/psk")?.unwrap().expose_secret(), b"correct horse battery staple");
/// assert!(store.get("nothing/here")?.is_none());
/// assert_eq!(store.names()?, ["wifi/psk"]);
/// assert!(store.delete("wifi/psk")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SealedStore {
    backend: Held,
    counter: Option<Arc<dyn MonotonicCounter>>,
    limits: Limits,
    /// The algorithm a rotation moves the store to.
    algorithm: Algorithm,
    rng: SystemRandom,
    store_id: [u8; STORE_ID_LEN],
    state: RwLock<State>,
}

/// The backend, locked for as long as the store lives.
struct Held(Box<dyn Backend>);

impl std::ops::Deref for Held {
    type Target = dyn Backend;

    fn deref(&self) -> &(dyn Backend + 'static) {
        &*self.0
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.unlock();
    }
}

struct State {
    /// The root key the keys were derived from came from a development
    /// source (see [`SecurityReport`]).
    development_root_key: bool,
    keys: KeyRing,
    key_check: [u8; KEY_CHECK_LEN],
    nonces: NonceSource,
    table: Table,
    /// The next generation to commit. A failed write still consumes its
    /// generation, so an object that reached the medium although the write
    /// reported an error is never confused with a later one.
    next_generation: u64,
}

impl State {
    fn take_generation(&mut self) -> Result<u64, Error> {
        let generation = self.next_generation;
        // 2^64 writes do not happen; refuse rather than wrap.
        self.next_generation = generation.checked_add(1).ok_or(Error::Integrity)?;
        Ok(generation)
    }
}

impl SealedStore {
    /// The longest entry name, in bytes.
    pub const MAX_NAME_LEN: usize = name::MAX_NAME_LEN;

    /// Opens the store in directory `dir` with the default [`DirBackend`],
    /// creating the directory (`0700`) and an empty store if there is none.
    ///
    /// Opening checks, in this order: the manifest authenticates under a key
    /// derived from `root` ([`Error::WrongRootKey`] if `root` is not this
    /// store's, [`Error::Integrity`] if the manifest is damaged); the newest
    /// committed object authenticates and every record it lists exists
    /// ([`Error::Integrity`]); the store is not older than the counter, if one
    /// is configured ([`Error::RolledBack`]). It then removes leftovers of
    /// interrupted writes and finishes an interrupted [`rotate`](Self::rotate).
    ///
    /// A directory with records but no manifest is [`Error::Integrity`], never
    /// silently a new store. With [`StoreOptions::must_exist`] a missing
    /// directory or one without a store is [`Error::NoStore`] (and nothing is
    /// created). The root key is only used to derive keys and is dropped
    /// (wiped) before `open` returns.
    ///
    /// # Errors
    /// As above, plus [`Error::Locked`] if the store is open elsewhere and
    /// [`Error::Io`] if the medium fails.
    pub fn open(
        dir: impl AsRef<Path>,
        root: RootKey,
        options: StoreOptions,
    ) -> Result<SealedStore, Error> {
        let backend = if options.must_exist {
            DirBackend::open_existing(dir)?
        } else {
            DirBackend::open(dir)?
        };
        SealedStore::open_backend(backend, root, options)
    }

    /// Opens the store on any [`Backend`], e.g. a [`MemoryBackend`](crate::MemoryBackend)
    /// or a raw flash partition. Same checks as [`open`](Self::open); the
    /// backend is [locked](Backend::lock) first, until the store is dropped.
    ///
    /// # Errors
    /// As for [`open`](Self::open).
    pub fn open_backend(
        backend: impl Backend + 'static,
        root: RootKey,
        options: StoreOptions,
    ) -> Result<SealedStore, Error> {
        backend.lock()?;
        let backend = Held(Box::new(backend));
        let limits = options.limits();
        let rng = SystemRandom::new();
        let objects = backend.list()?;
        let has_manifest = objects.iter().any(|o| o == MANIFEST_NAME);
        let records: BTreeSet<u64> = objects
            .iter()
            .filter_map(|o| format::parse_record_object_name(o))
            .collect();
        if !has_manifest {
            if !records.is_empty() {
                return Err(Error::Integrity);
            }
            if options.must_exist {
                return Err(Error::NoStore);
            }
            return SealedStore::create(backend, root, &options, rng);
        }

        let bytes = backend
            .read(MANIFEST_NAME, limits.max_manifest_len())
            .map_err(|e| match e {
                Error::ValueTooLarge { .. } => Error::TooManyEntries {
                    max: limits.max_entries,
                },
                other => other,
            })?
            .ok_or(Error::Integrity)?;
        let header = format::parse_manifest_header(&bytes)?;
        let root_check = crypto::key_check(&root)?;
        let key_matches = bool::from(root_check.ct_eq(&header.key_check));
        let development_root_key = root.is_development();
        let current = DataKey::derive(
            &root,
            &header.store_id,
            header.algorithm,
            header.key_version,
        )?;
        drop(root);
        let body = match format::open_manifest(&header, &current, limits, bytes) {
            // Both the check value and the seal disagree: the key is wrong.
            // One alone disagreeing is damage (see the manual).
            Err(Error::Integrity) if !key_matches => return Err(Error::WrongRootKey),
            Err(e) => return Err(e),
            Ok(_) if !key_matches => return Err(Error::Integrity),
            Ok(body) => body,
        };
        let keys = KeyRing {
            current,
            previous: body.previous_key,
        };
        let store_id = header.store_id;

        // The newest committed object is authoritative: a record newer than
        // the manifest carries the whole index as of its write.
        let (mut table, mut generation) = (body.table, header.generation);
        if let Some(&head) = records.last().filter(|&&head| head > header.generation) {
            let bytes = backend
                .read(&format::record_object_name(head), limits.max_record_len())?
                .ok_or(Error::Integrity)?;
            let record = format::open_record(&keys, head, RecordUse::Index, limits, bytes)?;
            table = record.table.ok_or(Error::Integrity)?;
            generation = head;
        }
        if table
            .values()
            .any(|meta| !records.contains(&meta.generation))
        {
            return Err(Error::Integrity);
        }

        // What this open saw must be durable before the counter moves up to
        // it or anything is cleaned away.
        backend.sync()?;
        if let Some(counter) = &options.counter {
            if generation < counter.read()? {
                return Err(Error::RolledBack);
            }
            counter.advance_to(generation)?;
        }
        let live: BTreeSet<u64> = table.values().map(|meta| meta.generation).collect();
        for stale in records.difference(&live) {
            backend.remove(&format::record_object_name(*stale))?;
        }

        let store = SealedStore {
            backend,
            counter: options.counter,
            limits,
            algorithm: options.algorithm,
            rng,
            store_id,
            state: RwLock::new(State {
                development_root_key,
                keys,
                key_check: header.key_check,
                nonces: NonceSource::new(),
                table,
                next_generation: generation.checked_add(1).ok_or(Error::Integrity)?,
            }),
        };
        {
            let mut state = store.write_state();
            if state.keys.previous.is_some() {
                store.finish_rotation(&mut state)?;
            }
        }
        Ok(store)
    }

    /// A new, empty store on an empty medium. Its generation starts above
    /// the counter, so a counter that outlived a destroyed store keeps
    /// working.
    fn create(
        backend: Held,
        root: RootKey,
        options: &StoreOptions,
        rng: SystemRandom,
    ) -> Result<SealedStore, Error> {
        // The listing found no manifest. Anything under its name all the
        // same (a listing that missed it, a link, a directory) is not
        // written over: that would replace a store with a new, empty one.
        match backend.read(MANIFEST_NAME, options.limits().max_manifest_len()) {
            Ok(None) => {}
            Ok(Some(_)) | Err(Error::ValueTooLarge { .. }) => return Err(Error::Integrity),
            Err(e) => return Err(e),
        }
        let development_root_key = root.is_development();
        let store_id = crypto::random_store_id(&rng)?;
        let key_check = crypto::key_check(&root)?;
        let current = DataKey::derive(&root, &store_id, options.algorithm, 1)?;
        drop(root);
        let floor = match &options.counter {
            Some(counter) => counter.read()?,
            None => 0,
        };
        let generation = floor.checked_add(1).ok_or(Error::Integrity)?;
        let mut nonces = NonceSource::new();
        let manifest = format::seal_manifest(
            &current,
            nonces.next(&rng)?,
            &NewManifest {
                generation,
                store_id: &store_id,
                key_check: &key_check,
                previous_key: None,
                index: Index::new(&format::EMPTY_TABLE, Change::None),
            },
        )?;
        backend.write(MANIFEST_NAME, &manifest)?;
        if let Some(counter) = &options.counter {
            counter.advance_to(generation)?;
        }
        Ok(SealedStore {
            backend,
            counter: options.counter.clone(),
            limits: options.limits(),
            algorithm: options.algorithm,
            rng,
            store_id,
            state: RwLock::new(State {
                development_root_key,
                keys: KeyRing {
                    current,
                    previous: None,
                },
                key_check,
                nonces,
                table: Table::new(),
                next_generation: generation.checked_add(1).ok_or(Error::Integrity)?,
            }),
        })
    }

    /// Seals `value` under `name`, replacing the previous value. When it
    /// returns `Ok`, the value survives a power cut; if power is cut before,
    /// the entry reads back as its old value or the new one.
    ///
    /// A put is one atomic write of one object (the record, which also
    /// carries the store's index), plus one counter update if a counter is
    /// configured.
    ///
    /// Names: 1 to [`MAX_NAME_LEN`](Self::MAX_NAME_LEN) (128) bytes of ASCII
    /// letters, digits and `._/-`, starting with a letter or digit, without
    /// `..` or `//`, not ending in `/`.
    ///
    /// # Errors
    /// [`Error::InvalidName`], [`Error::ValueTooLarge`],
    /// [`Error::TooManyEntries`], [`Error::WriteOnce`] if the entry was
    /// written with [`put_write_once`](Self::put_write_once), [`Error::Io`].
    pub fn put(&self, name: &str, value: &[u8]) -> Result<(), Error> {
        self.write_entry(name, value, 0)
    }

    /// Seals `value` under a new `name` that can never be replaced or
    /// deleted afterwards, for a factory identity key or a device
    /// certificate. Only [`destroy`](Self::destroy) removes it, with the
    /// whole store.
    ///
    /// ```
    /// # use iot_storage::{Error, MemoryBackend, RootKey, SealedStore, StoreOptions};
    /// # let store = SealedStore::open_backend(MemoryBackend::new(), RootKey::from_bytes([1; 32]), StoreOptions::default())?;
    /// store.put_write_once("identity/key", b"factory key")?;
    /// assert!(matches!(store.put("identity/key", b"other"), Err(Error::WriteOnce)));
    /// assert!(matches!(store.delete("identity/key"), Err(Error::WriteOnce)));
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::AlreadyExists`] if `name` exists (write-once or not),
    /// [`Error::WriteOnce`] if it is write-once, and the errors of [`put`](Self::put).
    pub fn put_write_once(&self, name: &str, value: &[u8]) -> Result<(), Error> {
        self.write_entry(name, value, FLAG_WRITE_ONCE)
    }

    fn write_entry(&self, name: &str, value: &[u8], flags: u8) -> Result<(), Error> {
        name::validate(name)?;
        if value.len() > self.limits.max_value_len {
            return Err(Error::ValueTooLarge {
                max: self.limits.max_value_len,
            });
        }
        let mut state = self.write_state();
        match state.table.get(name) {
            Some(meta) if meta.flags & FLAG_WRITE_ONCE != 0 => return Err(Error::WriteOnce),
            Some(_) if flags & FLAG_WRITE_ONCE != 0 => return Err(Error::AlreadyExists),
            None if state.table.len() >= self.limits.max_entries => {
                return Err(Error::TooManyEntries {
                    max: self.limits.max_entries,
                });
            }
            _ => {}
        }
        self.commit_record(&mut state, name, flags, value)
    }

    /// Writes the record of `name` at a new generation, carrying the index
    /// with the entry pointing at it: the one durable write of a put.
    fn commit_record(
        &self,
        state: &mut State,
        name: &str,
        flags: u8,
        value: &[u8],
    ) -> Result<(), Error> {
        let generation = state.take_generation()?;
        let meta = EntryMeta { generation, flags };
        let index = Index::new(&state.table, Change::Put(name, meta));
        let record = NewRecord {
            generation,
            flags,
            name,
            index,
            value,
        };
        let bytes =
            format::seal_record(&state.keys.current, state.nonces.next(&self.rng)?, &record)?;
        self.backend
            .write_owned(&format::record_object_name(generation), bytes)?;
        let replaced = match state.table.get_mut(name) {
            Some(entry) => Some(std::mem::replace(entry, meta)),
            None => state.table.insert(name.to_owned(), meta),
        };
        let counted = self.advance_counter(generation);
        if let Some(old) = replaced {
            // Garbage collection only: the write above is committed whether
            // or not this succeeds, and open removes what is left.
            let _ = self
                .backend
                .remove(&format::record_object_name(old.generation));
        }
        counted
    }

    /// Writes the manifest at a new generation with the current index (after
    /// `change`): the one durable write of a delete and of a rotation step.
    fn commit_manifest(&self, state: &mut State, change: Change<'_>) -> Result<u64, Error> {
        let generation = state.take_generation()?;
        let index = Index::new(&state.table, change);
        let manifest = NewManifest {
            generation,
            store_id: &self.store_id,
            key_check: &state.key_check,
            previous_key: state.keys.previous.as_ref(),
            index,
        };
        let bytes = format::seal_manifest(
            &state.keys.current,
            state.nonces.next(&self.rng)?,
            &manifest,
        )?;
        self.backend.write_owned(MANIFEST_NAME, bytes)?;
        Ok(generation)
    }

    fn advance_counter(&self, generation: u64) -> Result<(), Error> {
        match &self.counter {
            Some(counter) => counter.advance_to(generation),
            None => Ok(()),
        }
    }

    /// The value of `name`, `Ok(None)` if there is no such entry. The value
    /// comes back in a [`SecretBox`] that wipes it on drop; read it with
    /// [`secrecy::ExposeSecret::expose_secret`].
    ///
    /// # Errors
    /// [`Error::InvalidName`]; [`Error::Integrity`] if the entry's record is
    /// missing, damaged, replaced by another or an older record;
    /// [`Error::ValueTooLarge`] if it is longer than the store's limit;
    /// [`Error::Io`].
    pub fn get(&self, name: &str) -> Result<Option<SecretBox<[u8]>>, Error> {
        name::validate(name)?;
        let state = self.read_state();
        let Some(meta) = state.table.get(name).copied() else {
            return Ok(None);
        };
        let bytes = self
            .backend
            .read(
                &format::record_object_name(meta.generation),
                self.limits.max_record_len(),
            )?
            .ok_or(Error::Integrity)?;
        let record = format::open_record(
            &state.keys,
            meta.generation,
            RecordUse::Entry(name),
            self.limits,
            bytes,
        )?;
        if record.header.flags != meta.flags {
            return Err(Error::Integrity);
        }
        Ok(Some(SecretBox::new(Box::from(record.value()))))
    }

    /// Deletes `name`; `Ok(false)` if there was no such entry. Durable on
    /// return like [`put`](Self::put). The record is then removed from the
    /// medium (not overwritten: its key lives on; [`destroy`](Self::destroy)
    /// is the erasure).
    ///
    /// # Errors
    /// [`Error::InvalidName`], [`Error::WriteOnce`], [`Error::Io`].
    pub fn delete(&self, name: &str) -> Result<bool, Error> {
        name::validate(name)?;
        let mut state = self.write_state();
        let Some(meta) = state.table.get(name).copied() else {
            return Ok(false);
        };
        if meta.flags & FLAG_WRITE_ONCE != 0 {
            return Err(Error::WriteOnce);
        }
        let generation = self.commit_manifest(&mut state, Change::Remove(name))?;
        state.table.remove(name);
        let counted = self.advance_counter(generation);
        // Garbage collection only, as in `commit_record`.
        let _ = self
            .backend
            .remove(&format::record_object_name(meta.generation));
        counted.map(|()| true)
    }

    /// The names of all entries, in byte order.
    ///
    /// # Errors
    /// None today; the `Result` leaves room for backends that page the index.
    pub fn names(&self) -> Result<Vec<String>, Error> {
        Ok(self.read_state().table.keys().cloned().collect())
    }

    /// Re-seals every entry under keys derived from `new_root` (and moves the
    /// store to the algorithm in its options). Afterwards the old root key no
    /// longer opens the store ([`Error::WrongRootKey`]).
    ///
    /// Resumable: the first step writes a manifest sealed under the new key
    /// that carries the old data key; each entry is then re-sealed in its own
    /// atomic write; a last manifest drops the old key. After a crash, open
    /// with the **new** root key: `open` finishes the rotation. If that gives
    /// [`Error::WrongRootKey`], the rotation had not begun: open with the old
    /// root key and rotate again.
    ///
    /// **Keep both root keys until `rotate` returns `Ok`.** An error, like a
    /// crash, may come after the first step reached the medium (for example
    /// a failed directory fsync after the rename), and from then on only the
    /// new root key opens the store. Calling `rotate` again with the same new
    /// root key is safe and finishes the job; so is reopening by the rule
    /// above (new root key first, then the old one).
    ///
    /// # Errors
    /// [`Error::Integrity`] if an entry's record is damaged (the rotation
    /// stops, resumable once the damage is dealt with), [`Error::Io`].
    pub fn rotate(&self, new_root: RootKey) -> Result<(), Error> {
        let mut state = self.write_state();
        if state.keys.previous.is_some() {
            // An earlier rotation stopped half-way: finish it first, or the
            // key of the records it did not reach would be lost.
            self.finish_rotation(&mut state)?;
        }
        let version = state
            .keys
            .current
            .version()
            .checked_add(1)
            .ok_or(Error::Integrity)?;
        let new_key = DataKey::derive(&new_root, &self.store_id, self.algorithm, version)?;
        let new_check = crypto::key_check(&new_root)?;
        let development_root_key = new_root.is_development();
        drop(new_root);

        // Step 1: the manifest, now under the new key, carrying the old one.
        let generation = state.take_generation()?;
        let nonce = state.nonces.next(&self.rng)?;
        let index = Index::new(&state.table, Change::None);
        let manifest = NewManifest {
            generation,
            store_id: &self.store_id,
            key_check: &new_check,
            previous_key: Some(&state.keys.current),
            index,
        };
        let bytes = format::seal_manifest(&new_key, nonce, &manifest)?;
        self.backend.write_owned(MANIFEST_NAME, bytes)?;
        let old_key = std::mem::replace(&mut state.keys.current, new_key);
        state.keys.previous = Some(old_key);
        state.key_check = new_check;
        state.development_root_key = development_root_key;
        self.advance_counter(generation)?;

        self.finish_rotation(&mut state)
    }

    /// Steps 2 and 3 of a rotation: re-seal what is still under the old key,
    /// then drop the old key from the manifest.
    fn finish_rotation(&self, state: &mut State) -> Result<(), Error> {
        let entries: Vec<(String, EntryMeta)> =
            state.table.iter().map(|(n, m)| (n.clone(), *m)).collect();
        for (name, meta) in entries {
            let bytes = self
                .backend
                .read(
                    &format::record_object_name(meta.generation),
                    self.limits.max_record_len(),
                )?
                .ok_or(Error::Integrity)?;
            let header = format::parse_record_header(&bytes)?;
            if header.key_version == state.keys.current.version() {
                continue;
            }
            let record = format::open_record(
                &state.keys,
                meta.generation,
                RecordUse::Entry(&name),
                self.limits,
                bytes,
            )?;
            self.commit_record(state, &name, meta.flags, record.value())?;
        }
        let previous = state.keys.previous.take();
        match self.commit_manifest(state, Change::None) {
            Ok(generation) => self.advance_counter(generation),
            Err(e) => {
                // The manifest on the medium may still carry the old key;
                // keep it here too until a retry succeeds.
                state.keys.previous = previous;
                Err(e)
            }
        }
    }

    /// Whether this store detects a copied-back old image of itself: only
    /// with a [`MonotonicCounter`] configured.
    ///
    /// ```
    /// # use iot_storage::{MemoryBackend, RollbackProtection, RootKey, SealedStore, StoreOptions};
    /// let store = SealedStore::open_backend(MemoryBackend::new(), RootKey::from_bytes([1; 32]), StoreOptions::default())?;
    /// assert_eq!(store.rollback_protection(), RollbackProtection::Unavailable);
    /// # Ok::<(), iot_storage::Error>(())
    /// ```
    pub fn rollback_protection(&self) -> RollbackProtection {
        match self.counter {
            Some(_) => RollbackProtection::MonotonicCounter,
            None => RollbackProtection::Unavailable,
        }
    }

    /// What this store runs on: rollback protection and whether the root key
    /// or the counter is a development stand-in
    /// ([`FileRootKeySource::insecure_development`](crate::FileRootKeySource::insecure_development),
    /// [`FileCounter::insecure_development`](crate::FileCounter::insecure_development)).
    /// A release build checks it at start-up and refuses to run on
    /// development parts:
    ///
    /// ```
    /// # use iot_storage::{MemoryBackend, RootKey, SealedStore, StoreOptions};
    /// # let store = SealedStore::open_backend(MemoryBackend::new(), RootKey::from_bytes([1; 32]), StoreOptions::default())?;
    /// let report = store.security_report();
    /// if cfg!(not(debug_assertions)) && !report.is_production_ready() {
    ///     panic!("release build on development security parts: {report:?}");
    /// }
    /// # Ok::<(), iot_storage::Error>(())
    /// ```
    pub fn security_report(&self) -> SecurityReport {
        SecurityReport {
            rollback_protection: self.rollback_protection(),
            development_root_key: self.read_state().development_root_key,
            development_counter: self
                .counter
                .as_ref()
                .is_some_and(|c| c.is_development_only()),
        }
    }

    /// Crypto-erases the whole store: first the manifest (which holds the
    /// store id every key is derived with, and during a rotation the old
    /// key) is overwritten and removed, then every record. Afterwards nothing
    /// on the medium can be opened, even with the root key, and `open` on
    /// the same place creates a new, empty store. Write-once entries go with
    /// everything else. The monotonic counter, if any, keeps its value (it
    /// cannot go back); a new store starts above it.
    ///
    /// If power is cut part-way, the manifest is already gone or not: in the
    /// first case `open` fails with [`Error::Integrity`] and
    /// [`erase_dir`](Self::erase_dir) finishes the job; in the second the
    /// store opens as before and `destroy` can be repeated.
    ///
    /// What overwriting achieves depends on the medium: on copy-on-write
    /// file systems and flash behind a translation layer old blocks may
    /// survive until reused. They are ciphertext whose keys need the store
    /// id of a manifest that is gone; see the manual's threat model.
    ///
    /// With a counter, `destroy` also moves it past every generation the
    /// store used, right after the manifest is gone: an image of the store
    /// copied before the destroy (even of its very last state) and put back
    /// afterwards is [`Error::RolledBack`], not the old secrets again.
    ///
    /// # Errors
    /// [`Error::Io`] (from the medium or the counter); the store is then
    /// partly erased as described above.
    pub fn destroy(self) -> Result<(), Error> {
        let SealedStore {
            backend,
            counter,
            state,
            ..
        } = self;
        let state = state.into_inner().unwrap_or_else(PoisonError::into_inner);
        // Every object on the medium is older than this.
        let past_every_generation = state.next_generation;
        // Drop (and wipe) the in-memory keys first.
        drop(state);
        // The erasure goes on whatever fails: removing everything is what
        // was asked for, and the first error is reported.
        let manifest = backend.erase(MANIFEST_NAME);
        let counted = match &counter {
            Some(counter) => counter.advance_to(past_every_generation),
            None => Ok(()),
        };
        let rest = SealedStore::erase_records_and_leftovers(&*backend);
        manifest.and(counted).and(rest)
    }

    /// Erases a store that cannot be opened (damaged, root key lost, or a
    /// [`destroy`](Self::destroy) cut short): the manifest, then every
    /// record and every temporary of a failed write, overwritten and
    /// removed. Other files in the directory are left alone. This is the
    /// explicit recovery path after [`Error::Integrity`] at open; everything
    /// in the store is lost.
    ///
    /// Whatever sits under the manifest's name cannot block it: a symlink,
    /// FIFO or empty directory is removed (never followed). A non-empty
    /// directory there is not removed ([`Error::Io`] with `during` "removing
    /// a directory in the manifest's place"), and the records are erased all
    /// the same. The overwrite is bounded: a file larger than any object of
    /// the format, or with a second link, is only unlinked.
    ///
    /// # Errors
    /// [`Error::Locked`] if the store is open, [`Error::Io`] (the first
    /// failure; the erasure goes on past it).
    pub fn erase_dir(dir: impl AsRef<Path>) -> Result<(), Error> {
        SealedStore::erase_backend(&DirBackend::open(dir)?)
    }

    /// [`erase_dir`](Self::erase_dir) for any [`Backend`]; the backend is
    /// [locked](Backend::lock) for the erasure.
    ///
    /// # Errors
    /// [`Error::Locked`] if a store uses the medium, [`Error::Io`].
    pub fn erase_backend(backend: &dyn Backend) -> Result<(), Error> {
        backend.lock()?;
        let manifest = backend.erase(MANIFEST_NAME);
        let rest = SealedStore::erase_records_and_leftovers(backend);
        backend.unlock();
        manifest.and(rest)
    }

    /// Erases every record, then the backend's leftovers (temporaries),
    /// going on past failures; the first one is returned.
    fn erase_records_and_leftovers(backend: &dyn Backend) -> Result<(), Error> {
        let mut result = Ok(());
        for object in backend.list()? {
            if format::parse_record_object_name(&object).is_some() {
                result = result.and(backend.erase(&object));
            }
        }
        result.and(backend.erase_leftovers())
    }

    fn read_state(&self) -> RwLockReadGuard<'_, State> {
        // No code path panics while holding the lock; if a custom backend
        // does, the state is still consistent (it changes only after writes).
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_state(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for SealedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedStore")
            .field("entries", &self.read_state().table.len())
            .field("rollback_protection", &self.rollback_protection())
            .finish_non_exhaustive()
    }
}
