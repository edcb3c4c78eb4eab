//! Factory batches (`std`): per-device passwords and their hashes for a whole
//! production run, hashed on all cores, written as CSV or (with `serde`) JSON.
//!
//! The manifest holds every device's label password in clear text: it is the
//! input of the label printer. Treat it like key material: keep it off shared
//! drives, and delete it once labels are printed and hashes provisioned.
//!
//! ```
//! use iot_creds::factory::FactoryBatch;
//! use iot_creds::{verify_password, HashParams, OsRng};
//!
//! let ids = ["SN-0001", "SN-0002", "SN-0003"];
//! let manifest = FactoryBatch::new(HashParams::owasp())
//!     .on_progress(|p| eprintln!("{} of {} devices hashed", p.done, p.total))
//!     .run(&ids, &mut OsRng::new())?;
//! assert_eq!(manifest.records().len(), 3);
//! let first = &manifest.records()[0];
//! assert_eq!(first.device_id(), "SN-0001");
//! assert!(verify_password(first.password().expose_secret_symbols().as_bytes(), first.phc()).is_ok());
//!
//! let mut csv = Vec::new();
//! manifest.write_csv(&mut csv)?;
//! assert!(csv.starts_with(b"device_id,password,phc,entropy_bits,mode\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::boxed::Box;
use std::collections::HashSet;
use std::io::{self, Write};
use std::string::String;
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;
use std::vec::Vec;

use blake2::{Blake2b128, Digest};
use rand_core::TryCryptoRng;

#[cfg(feature = "derive")]
use crate::derive::FactoryKey;
use crate::error::Error;
use crate::hash::{HashParams, PasswordHasher};
use crate::password::{DevicePassword, GeneratorConfig};

/// Regenerations allowed when a random password repeats within the batch
/// (never needed at 64 bits or more; possible for tiny insecure configurations).
const MAX_REGENERATIONS: usize = 16;

/// How a batch's passwords were made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum GeneratorMode {
    /// From the random generator passed to [`FactoryBatch::run`].
    Random,
    /// Derived from each device id under a [`crate::FactoryKey`] (feature `derive`).
    FactoryKeyDerived,
}

impl GeneratorMode {
    /// `"random"` or `"factory_key_derived"`, as written in manifests.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::FactoryKeyDerived => "factory_key_derived",
        }
    }
}

/// Progress of a running batch, passed to the
/// [`on_progress`](FactoryBatch::on_progress) callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchProgress {
    /// Devices hashed so far.
    pub done: usize,
    /// Devices in the batch.
    pub total: usize,
}

/// One device of a manifest.
#[derive(Debug)]
pub struct DeviceRecord {
    device_id: String,
    password: DevicePassword,
    phc: String,
    mode: GeneratorMode,
}

impl DeviceRecord {
    /// The device identifier given to the batch.
    #[must_use]
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The label password (print it; do not log it).
    #[must_use]
    pub fn password(&self) -> &DevicePassword {
        &self.password
    }

    /// The Argon2id PHC string to provision into the device.
    #[must_use]
    pub fn phc(&self) -> &str {
        &self.phc
    }

    /// Entropy of the password's generator, in bits.
    #[must_use]
    pub fn entropy_bits(&self) -> f64 {
        self.password.entropy_bits()
    }

    /// How the password was made.
    #[must_use]
    pub fn mode(&self) -> GeneratorMode {
        self.mode
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DeviceRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("DeviceRecord", 5)?;
        s.serialize_field("device_id", &self.device_id)?;
        // The manifest exists to carry the label password to the printer.
        s.serialize_field("password", self.password.expose_secret())?;
        s.serialize_field("phc", &self.phc)?;
        s.serialize_field("entropy_bits", &self.entropy_bits())?;
        s.serialize_field("mode", &self.mode)?;
        s.end()
    }
}

/// The result of a batch: one record per device, in the order of the ids.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Manifest {
    #[cfg_attr(feature = "serde", serde(serialize_with = "serialize_params"))]
    hash_params: HashParams,
    mode: GeneratorMode,
    devices: Vec<DeviceRecord>,
}

#[cfg(feature = "serde")]
fn serialize_params<S: serde::Serializer>(
    p: &HashParams,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut s = serializer.serialize_struct("HashParams", 4)?;
    s.serialize_field("algorithm", "argon2id")?;
    s.serialize_field("m_kib", &p.m_kib())?;
    s.serialize_field("t", &p.t())?;
    s.serialize_field("p", &p.p())?;
    s.end()
}

impl Manifest {
    /// The records, in the order of the device ids given to the batch.
    #[must_use]
    pub fn records(&self) -> &[DeviceRecord] {
        &self.devices
    }

    /// The records, by value.
    #[must_use]
    pub fn into_records(self) -> Vec<DeviceRecord> {
        self.devices
    }

    /// The hashing parameters of every record.
    #[must_use]
    pub fn hash_params(&self) -> HashParams {
        self.hash_params
    }

    /// How the passwords were made.
    #[must_use]
    pub fn mode(&self) -> GeneratorMode {
        self.mode
    }

    /// Writes `device_id,password,phc,entropy_bits,mode` rows with a header
    /// line (RFC 4180 quoting: PHC strings contain commas), and flushes `out`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the kind of the first error `out` returns.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<(), Error> {
        self.write_csv_rows(out).map_err(|e| Error::Io {
            during: "writing the csv manifest",
            kind: e.kind(),
        })
    }

    fn write_csv_rows<W: Write>(&self, mut out: W) -> io::Result<()> {
        out.write_all(b"device_id,password,phc,entropy_bits,mode\n")?;
        for r in &self.devices {
            write_csv_field(&mut out, &r.device_id)?;
            out.write_all(b",")?;
            write_csv_field(&mut out, r.password.expose_secret())?;
            out.write_all(b",")?;
            write_csv_field(&mut out, &r.phc)?;
            writeln!(out, ",{:.1},{}", r.entropy_bits(), r.mode.as_str())?;
        }
        out.flush()
    }
}

fn write_csv_field<W: Write>(out: &mut W, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\n', '\r']) {
        out.write_all(b"\"")?;
        out.write_all(field.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(field.as_bytes())
    }
}

/// The callback of [`FactoryBatch::on_progress`]. The mutex lets `run` take
/// `&self` and keeps two runs of one batch from calling it at the same time.
type ProgressCallback = Mutex<Box<dyn FnMut(&BatchProgress) + Send>>;

/// A production run: generates a unique password per device, hashes it on
/// all cores, and returns the [`Manifest`].
pub struct FactoryBatch<'k> {
    params: HashParams,
    config: GeneratorConfig,
    threads: usize,
    #[cfg(feature = "derive")]
    factory_key: Option<&'k FactoryKey>,
    #[cfg(not(feature = "derive"))]
    _key: core::marker::PhantomData<&'k ()>,
    progress: Option<ProgressCallback>,
    /// Stack size of the hashing threads (0: the standard library's default).
    stack_size: usize,
}

impl core::fmt::Debug for FactoryBatch<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut s = f.debug_struct("FactoryBatch");
        s.field("params", &self.params)
            .field("config", &self.config)
            .field("threads", &self.threads);
        #[cfg(feature = "derive")]
        s.field("factory_key", &self.factory_key);
        s.field("progress", &self.progress.is_some()).finish()
    }
}

impl<'k> FactoryBatch<'k> {
    /// Longest device identifier in a batch, in bytes.
    pub const MAX_DEVICE_ID_LEN: usize = 64;

    /// Most devices in one batch (bounds the memory of a run).
    pub const MAX_DEVICES: usize = 1_000_000;

    /// A batch hashing with `params`, generating default passwords
    /// (16 Crockford Base32 symbols) at random, on all available cores.
    #[must_use]
    pub fn new(params: HashParams) -> Self {
        Self {
            params,
            config: GeneratorConfig::new(),
            threads: 0,
            #[cfg(feature = "derive")]
            factory_key: None,
            #[cfg(not(feature = "derive"))]
            _key: core::marker::PhantomData,
            progress: None,
            stack_size: 0,
        }
    }

    /// Test hook: the stack size of the hashing threads, so that a test can
    /// make spawning fail.
    #[cfg(feature = "__test-hooks")]
    #[doc(hidden)]
    #[must_use]
    pub fn __thread_stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = bytes;
        self
    }

    /// Generates passwords of this configuration.
    #[must_use]
    pub fn with_generator(mut self, config: GeneratorConfig) -> Self {
        self.config = config;
        self
    }

    /// Hashes on `threads` threads (`0`, the default: one per available
    /// core). A run uses at most one thread per device.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// The configuration passwords are generated with.
    #[must_use]
    pub const fn generator(&self) -> &GeneratorConfig {
        &self.config
    }

    /// The number of hashing threads asked for (`0`: one per available core).
    #[must_use]
    pub const fn threads(&self) -> usize {
        self.threads
    }

    /// Derives each password from its device id under `key` instead of
    /// drawing it at random. Read the risk at [`FactoryKey`] first.
    #[cfg(feature = "derive")]
    #[must_use]
    pub fn derived_from_factory_key(mut self, key: &'k FactoryKey) -> Self {
        self.factory_key = Some(key);
        self
    }

    /// Calls `callback` after each device is hashed, e.g. to drive a
    /// progress bar: `done` counts from 1 up to `total` (devices finish in no
    /// particular order).
    ///
    /// The callback runs on the thread that called [`run`](Self::run), never
    /// on a worker, and is never called concurrently with itself (also not by
    /// two runs of one batch on different threads). The workers do not wait
    /// for it: reports queue up while it runs. If it panics, the workers stop
    /// after the device each is hashing, and the panic propagates out of
    /// `run`, which returns no manifest; a later `run` calls the callback
    /// again. A second call of `on_progress` replaces the callback.
    #[must_use]
    pub fn on_progress(mut self, callback: impl FnMut(&BatchProgress) + Send + 'static) -> Self {
        self.progress = Some(Mutex::new(Box::new(callback)));
        self
    }

    /// Runs the batch for `device_ids`.
    ///
    /// Passwords and salts come from `rng` on the calling thread; the hashes
    /// are computed on the worker threads, and the calling thread reports
    /// each finished device to the [`on_progress`](Self::on_progress)
    /// callback.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDeviceId`] or [`Error::DuplicateDeviceId`] with the
    /// offending index (ids are 1 to 64 bytes of `A-Z a-z 0-9 - _ . : /`
    /// starting with a letter or digit, so no spreadsheet reads one as a
    /// formula); [`Error::BatchTooLarge`] for more than
    /// [`MAX_DEVICES`](Self::MAX_DEVICES) devices;
    /// [`Error::DuplicatePassword`] if unique passwords cannot be made;
    /// [`Error::Io`] (`during` is `"starting a hashing thread"`) when the
    /// operating system refuses a thread; otherwise as
    /// [`DevicePassword::generate_with`] and [`crate::hash_password`].
    pub fn run<S, R>(&self, device_ids: &[S], rng: &mut R) -> Result<Manifest, Error>
    where
        S: AsRef<str>,
        R: TryCryptoRng + ?Sized,
    {
        self.config.validate()?;
        if device_ids.len() > Self::MAX_DEVICES {
            return Err(Error::BatchTooLarge {
                max: Self::MAX_DEVICES,
            });
        }
        check_device_ids(device_ids)?;
        let (passwords, mode) = self.passwords(device_ids, rng)?;
        let salts = passwords
            .iter()
            .map(|_| {
                let mut salt = [0u8; HashParams::SALT_BYTES];
                rng.try_fill_bytes(&mut salt)
                    .map_err(|_| Error::RandomSourceUnavailable)?;
                Ok(salt)
            })
            .collect::<Result<Vec<[u8; HashParams::SALT_BYTES]>, Error>>()?;
        let hashes = self.hash_all(&passwords, &salts)?;
        let devices = device_ids
            .iter()
            .zip(passwords)
            .zip(hashes)
            .map(|((id, password), phc)| DeviceRecord {
                device_id: String::from(id.as_ref()),
                password,
                phc,
                mode,
            })
            .collect();
        Ok(Manifest {
            hash_params: self.params,
            mode,
            devices,
        })
    }

    fn passwords<S: AsRef<str>, R: TryCryptoRng + ?Sized>(
        &self,
        device_ids: &[S],
        rng: &mut R,
    ) -> Result<(Vec<DevicePassword>, GeneratorMode), Error> {
        let mut seen = HashSet::with_capacity(device_ids.len());
        let mut passwords = Vec::with_capacity(device_ids.len());
        #[cfg(feature = "derive")]
        if let Some(key) = self.factory_key {
            for id in device_ids {
                let password =
                    DevicePassword::derive_from_factory_key(key, id.as_ref(), &self.config)?;
                // Deterministic: a repeat cannot be redrawn.
                if !seen.insert(fingerprint(&password)) {
                    return Err(Error::DuplicatePassword);
                }
                passwords.push(password);
            }
            return Ok((passwords, GeneratorMode::FactoryKeyDerived));
        }
        let mut regenerations = 0;
        while passwords.len() < device_ids.len() {
            let password = DevicePassword::generate_with(rng, &self.config)?;
            if seen.insert(fingerprint(&password)) {
                passwords.push(password);
            } else {
                regenerations += 1;
                if regenerations > MAX_REGENERATIONS {
                    return Err(Error::DuplicatePassword);
                }
            }
        }
        Ok((passwords, GeneratorMode::Random))
    }

    fn hash_all(
        &self,
        passwords: &[DevicePassword],
        salts: &[[u8; HashParams::SALT_BYTES]],
    ) -> Result<Vec<String>, Error> {
        let total = passwords.len();
        let threads = match self.threads {
            0 => thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
        .clamp(1, total.max(1));
        let per_thread = total.div_ceil(threads).max(1);
        let hasher = PasswordHasher::new(self.params);
        let mut results: Vec<Result<String, Error>> = Vec::with_capacity(total);
        results.resize_with(total, || Err(Error::HashingFailed));
        let mut spawn_failed = None;
        thread::scope(|scope| {
            // Created inside the scope: if the callback panics, unwinding
            // drops `finished`, the workers' next `send` fails and they stop.
            let (finished, reports) = mpsc::channel::<()>();
            let work = passwords
                .chunks(per_thread)
                .zip(salts.chunks(per_thread))
                .zip(results.chunks_mut(per_thread));
            for ((passwords, salts), results) in work {
                let finished = finished.clone();
                let mut builder = thread::Builder::new();
                if self.stack_size != 0 {
                    builder = builder.stack_size(self.stack_size);
                }
                // `Builder::spawn_scoped` returns the error where
                // `Scope::spawn` would panic.
                let spawned = builder.spawn_scoped(scope, move || {
                    for ((password, salt), result) in passwords.iter().zip(salts).zip(results) {
                        *result = hasher
                            .hash_with_salt(password.expose_secret_symbols().as_bytes(), salt);
                        if finished.send(()).is_err() {
                            return;
                        }
                    }
                });
                if let Err(e) = spawned {
                    spawn_failed = Some(e.kind());
                    break;
                }
            }
            drop(finished);
            // Ends when every worker has dropped its sender.
            for (done, ()) in (1..).zip(reports) {
                self.report(BatchProgress { done, total });
            }
        });
        if let Some(kind) = spawn_failed {
            return Err(Error::Io {
                during: "starting a hashing thread",
                kind,
            });
        }
        results.into_iter().collect()
    }
}

impl FactoryBatch<'_> {
    /// Calls the progress callback, if any. A callback that panicked in an
    /// earlier run poisoned the mutex; it is called again all the same.
    fn report(&self, progress: BatchProgress) {
        if let Some(callback) = &self.progress {
            let mut callback = callback.lock().unwrap_or_else(PoisonError::into_inner);
            callback(&progress);
        }
    }
}

/// A fingerprint of a password for the uniqueness check, so the check holds
/// no second copy of the passwords.
fn fingerprint(password: &DevicePassword) -> [u8; 16] {
    Blake2b128::digest(password.expose_secret().as_bytes()).into()
}

fn check_device_ids<S: AsRef<str>>(device_ids: &[S]) -> Result<(), Error> {
    let mut seen = HashSet::with_capacity(device_ids.len());
    for (index, id) in device_ids.iter().enumerate() {
        let id = id.as_ref();
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b);
        let valid = id.len() <= FactoryBatch::MAX_DEVICE_ID_LEN
            && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && id.bytes().all(allowed);
        if !valid {
            return Err(Error::InvalidDeviceId { index });
        }
        if !seen.insert(id) {
            return Err(Error::DuplicateDeviceId { index });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_ids_are_validated() {
        assert!(check_device_ids(&["SN-1", "aa:bb:cc:dd:ee:ff", "lot/7.3_x"]).is_ok());
        for (bad, index) in [
            (&["ok", ""][..], 1),
            (&["=cmd()"][..], 0),
            (&["-1"][..], 0),
            (&["a b"][..], 0),
            (&["ü"][..], 0),
        ] {
            assert_eq!(
                check_device_ids(bad),
                Err(Error::InvalidDeviceId { index }),
                "{bad:?}"
            );
        }
        let long = "a".repeat(FactoryBatch::MAX_DEVICE_ID_LEN + 1);
        assert_eq!(
            check_device_ids(&[long]),
            Err(Error::InvalidDeviceId { index: 0 })
        );
        assert_eq!(
            check_device_ids(&["a", "b", "a"]),
            Err(Error::DuplicateDeviceId { index: 2 })
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut out = Vec::new();
        write_csv_field(&mut out, "plain").unwrap();
        write_csv_field(&mut out, "a,b").unwrap();
        write_csv_field(&mut out, "say \"hi\"").unwrap();
        assert_eq!(out, b"plain\"a,b\"\"say \"\"hi\"\"\"");
    }
}
