//! The device root key and where it comes from.

use std::fmt;
use std::path::{Path, PathBuf};

use ring::rand::{SecureRandom, SystemRandom};
use secrecy::{ExposeSecret, SecretBox};
use zeroize::Zeroize;

use crate::Error;
use crate::fsio::{DirHandle, Role};

/// The device root key: 32 secret bytes from which every key of a store is
/// derived (HKDF-SHA256). The store never writes it to the medium.
///
/// In production it comes from hardware: a secure element, a TPM, an eFuse
/// block readable only by the secure world, a TEE. Implement
/// [`RootKeySource`] for that source. Held on the heap, wiped on drop; `Debug`
/// prints `RootKey([REDACTED])`. There is no `Clone`: fetch it from its
/// source again when it is needed again.
///
/// ```
/// use iot_storage::RootKey;
/// let key = RootKey::from_bytes([7; 32]);
/// assert_eq!(format!("{key:?}"), "RootKey([REDACTED])");
/// ```
pub struct RootKey {
    key: SecretBox<[u8; KEY_LEN]>,
    /// Came from [`FileRootKeySource::insecure_development`].
    development: bool,
}

/// [`RootKey::LEN`], for the type definition.
const KEY_LEN: usize = 32;

impl RootKey {
    /// Length of a root key in bytes.
    pub const LEN: usize = KEY_LEN;

    /// Wraps key bytes obtained from a hardware source. The bytes are moved
    /// to the heap and the by-value copy passed in is wiped; wipe any copy the
    /// caller still holds.
    pub fn from_bytes(bytes: [u8; RootKey::LEN]) -> RootKey {
        let mut bytes = bytes;
        let key = RootKey {
            key: SecretBox::new(Box::new(bytes)),
            development: false,
        };
        bytes.zeroize();
        key
    }

    /// Draws a fresh root key from the operating system's random generator
    /// (through `ring::rand::SystemRandom`). For provisioning and tests: a
    /// generated key must be stored somewhere the attacker cannot read, or
    /// the store protects nothing.
    ///
    /// # Errors
    /// [`Error::Random`] if the OS random generator fails.
    pub fn generate() -> Result<RootKey, Error> {
        let mut bytes = [0u8; RootKey::LEN];
        let drawn = SystemRandom::new().fill(&mut bytes);
        let key = RootKey::from_bytes(bytes);
        bytes.zeroize();
        drawn.map_err(|_| Error::Random)?;
        Ok(key)
    }

    /// The secret bytes, for key derivation inside this crate only.
    pub(crate) fn expose(&self) -> &[u8; RootKey::LEN] {
        self.key.expose_secret()
    }

    /// Whether the key came from a development source (a file).
    pub(crate) fn is_development(&self) -> bool {
        self.development
    }

    fn development(mut self) -> RootKey {
        self.development = true;
        self
    }
}

impl fmt::Debug for RootKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RootKey([REDACTED])")
    }
}

/// Where the device root key comes from. Implement it for the device's
/// hardware: a secure element, a TPM, an eFuse block, a TEE service.
///
/// ```
/// use iot_storage::{Error, RootKey, RootKeySource};
///
/// /// Reads the key from a (pretend) secure element.
/// struct SecureElement;
/// impl RootKeySource for SecureElement {
///     fn root_key(&self) -> Result<RootKey, Error> {
///         let bytes = [0x42; 32]; // a real device asks its secure element here
///         Ok(RootKey::from_bytes(bytes))
///     }
/// }
/// # let _ = SecureElement.root_key().unwrap();
/// ```
pub trait RootKeySource {
    /// Returns the root key. Called once per [`SealedStore::open`](crate::SealedStore::open)
    /// or rotation by the caller; the store keeps only derived keys.
    ///
    /// # Errors
    /// Whatever the source reports; [`Error::Io`] is the usual choice.
    fn root_key(&self) -> Result<RootKey, Error>;
}

/// **Development only**: a root key kept in a file (mode `0600`), created
/// with a random key on first use.
///
/// A key in a file on the same flash as the store protects nothing against
/// an attacker who reads the flash: this source exists so that the rest of
/// the stack can be developed and tested before the hardware key source is
/// ready. The constructor is named `insecure_development` so that a reviewer
/// can find every use with `grep insecure_`, and a store opened with its key
/// says so at run time in
/// [`SealedStore::security_report`](crate::SealedStore::security_report).
///
/// ```
/// use iot_storage::{FileRootKeySource, RootKeySource};
/// let dir = tempfile::tempdir()?;
/// let source = FileRootKeySource::insecure_development(dir.path().join("root.key"));
/// let first = source.root_key()?; // generated and written
/// let again = source.root_key()?; // read back
/// # let _ = (first, again);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FileRootKeySource {
    path: PathBuf,
}

impl FileRootKeySource {
    /// A root key in the file at `path` (its directory must exist). See the
    /// type's documentation for why this is for development only.
    pub fn insecure_development(path: impl AsRef<Path>) -> FileRootKeySource {
        FileRootKeySource {
            path: path.as_ref().to_path_buf(),
        }
    }
}

impl RootKeySource for FileRootKeySource {
    /// Reads the key; if the file does not exist, generates a key and writes
    /// it atomically (temporary file, fsync, rename, fsync of the directory).
    ///
    /// # Errors
    /// [`Error::Io`] from the file system, [`Error::Integrity`] if the file is
    /// not exactly 32 bytes long, [`Error::Random`] if generating fails.
    fn root_key(&self) -> Result<RootKey, Error> {
        let (dir, file) = DirHandle::open_parent_of(&self.path, Role::RootKey)?;
        let read = dir.read(&file, RootKey::LEN).map_err(|e| match e {
            Error::ValueTooLarge { .. } => Error::Integrity,
            other => other,
        })?;
        if let Some(mut bytes) = read {
            let key = <[u8; RootKey::LEN]>::try_from(bytes.as_slice()).map(RootKey::from_bytes);
            bytes.zeroize();
            return key.map(RootKey::development).map_err(|_| Error::Integrity);
        }
        let key = RootKey::generate()?;
        dir.write_atomic(&file, key.expose())?;
        Ok(key.development())
    }
}
