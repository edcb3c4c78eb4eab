//! Passwords derived from a device identifier under a factory key (feature
//! `derive`, uses `ring`).

use core::fmt;

use ring::hmac;

use crate::error::{ConfigError, Error};
use crate::password::{DevicePassword, GeneratorConfig, MAX_SYMBOLS, sample_indices};

/// Domain separation for this crate's derivation, version 2 (length-prefixed
/// fields; version 1 was not injective).
const DOMAIN: &[u8] = b"iot-creds device password v2";

/// Longest device identifier accepted for derivation, in bytes.
pub(crate) const MAX_DEVICE_ID_BYTES: usize = 256;

/// The secret key of [`DevicePassword::derive_from_factory_key`].
///
/// # When to use it, and the risk
///
/// Some factory lines cannot keep a database of per-device passwords: the
/// label printer only knows the serial number. This mode computes the
/// password as HMAC-SHA-256 of the device identifier under a secret
/// **factory key**, so the label printer and the firmware provisioning
/// station can both compute it without sharing a list.
///
/// The price: **one leaked factory key reveals the password of every device
/// it was used for**, past and future, and cannot be revoked in the field.
/// Keep the key in an HSM or at least off every networked machine, use one
/// key per product line and period, and prefer [`crate::DevicePassword::generate`]
/// with a manifest whenever the line can store one.
///
/// Deriving a password from the serial number, MAC address or any other
/// public identifier *without* a secret key is not offered at all: anyone who
/// learns the scheme (from one device's firmware) can compute every device's
/// password from what is printed on its box or broadcast over the air. That
/// is exactly what EN 303 645 5.1-2 forbids.
///
/// Never shown by `Debug`, which prints `FactoryKey([REDACTED])`.
pub struct FactoryKey {
    key: hmac::Key,
}

impl FactoryKey {
    /// The shortest key accepted: 32 bytes (256 bits, SHA-256's output size).
    pub const MIN_LEN: usize = 32;
    /// The longest key accepted: 64 bytes.
    pub const MAX_LEN: usize = 64;

    /// A factory key of the given secret bytes (generate them with a CSPRNG,
    /// once per product line).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] unless `secret` has 32 to 64 bytes.
    pub fn new(secret: &[u8]) -> Result<Self, Error> {
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&secret.len()) {
            return Err(Error::InvalidKey);
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        })
    }
}

impl fmt::Debug for FactoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FactoryKey([REDACTED])")
    }
}

impl DevicePassword {
    /// The password of `device_id` under `factory_key`: deterministic, so the
    /// same inputs always give the same password.
    ///
    /// **Risk:** everyone holding `factory_key` can compute every device's
    /// password; see [`FactoryKey`].
    /// The configuration is part of the derivation, so two configurations
    /// give unrelated passwords.
    ///
    /// ```
    /// use iot_creds::{DevicePassword, FactoryKey, GeneratorConfig};
    ///
    /// let key = FactoryKey::new(&[7u8; 32])?; // in real life: from an HSM
    /// let config = GeneratorConfig::default();
    /// let a = DevicePassword::derive_from_factory_key(&key, "SN-0001", &config)?;
    /// let again = DevicePassword::derive_from_factory_key(&key, "SN-0001", &config)?;
    /// let b = DevicePassword::derive_from_factory_key(&key, "SN-0002", &config)?;
    /// assert_eq!(a.expose_secret(), again.expose_secret());
    /// assert_ne!(a.expose_secret(), b.expose_secret());
    /// # Ok::<(), iot_creds::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `config` does not validate;
    /// [`Error::InvalidDeviceId`] (index 0) for an empty identifier, one
    /// longer than 256 bytes, or one holding a control character (NUL
    /// included).
    pub fn derive_from_factory_key(
        factory_key: &FactoryKey,
        device_id: &str,
        config: &GeneratorConfig,
    ) -> Result<DevicePassword, Error> {
        config.validate()?;
        if device_id.is_empty()
            || device_id.len() > MAX_DEVICE_ID_BYTES
            || device_id.chars().any(char::is_control)
        {
            return Err(Error::InvalidDeviceId { index: 0 });
        }
        let mut stream = HmacStream::new(factory_key, device_id, config);
        let mut indices = zeroize::Zeroizing::new([0u8; MAX_SYMBOLS]);
        let out = indices
            .get_mut(..config.length())
            .ok_or(ConfigError::InvalidLength)?;
        sample_indices(config.alphabet().len(), out, |buf| {
            stream.fill(buf);
            Ok(())
        })?;
        Ok(DevicePassword::from_indices(config, out))
    }
}

/// HMAC-SHA-256 in counter mode: block `i` is
/// `HMAC(key, DOMAIN ‖ len(alphabet) ‖ alphabet ‖ length ‖ check ‖ len(id) ‖ id ‖ i)`
/// with one-byte `len(alphabet)`, `length` and `check`, a two-byte big-endian
/// `len(id)` and a four-byte big-endian `i`: every variable field carries its
/// length, so two different inputs never give the same bytes.
struct HmacStream<'a> {
    key: &'a FactoryKey,
    device_id: &'a str,
    config: &'a GeneratorConfig,
    counter: u32,
    block: zeroize::Zeroizing<[u8; 32]>,
    used: usize,
}

impl<'a> HmacStream<'a> {
    fn new(key: &'a FactoryKey, device_id: &'a str, config: &'a GeneratorConfig) -> Self {
        Self {
            key,
            device_id,
            config,
            counter: 0,
            block: zeroize::Zeroizing::new([0; 32]),
            used: 32,
        }
    }

    fn next_block(&mut self) {
        let mut ctx = hmac::Context::with_key(&self.key.key);
        ctx.update(DOMAIN);
        // Alphabets hold at most 33 symbols, lengths at most 64 and
        // identifiers at most 256 bytes: the prefixes never saturate.
        let alphabet = self.config.alphabet().as_str().as_bytes();
        ctx.update(&[u8::try_from(alphabet.len()).unwrap_or(u8::MAX)]);
        ctx.update(alphabet);
        let length = u8::try_from(self.config.length()).unwrap_or(u8::MAX);
        ctx.update(&[length, u8::from(self.config.check_symbol())]);
        let id = self.device_id.as_bytes();
        ctx.update(&u16::try_from(id.len()).unwrap_or(u16::MAX).to_be_bytes());
        ctx.update(id);
        ctx.update(&self.counter.to_be_bytes());
        self.counter = self.counter.wrapping_add(1);
        self.block.copy_from_slice(ctx.sign().as_ref());
        self.used = 0;
    }

    fn fill(&mut self, out: &mut [u8]) {
        for byte in out {
            if self.used >= self.block.len() {
                self.next_block();
            }
            *byte = self.block.get(self.used).copied().unwrap_or(0);
            self.used += 1;
        }
    }
}
