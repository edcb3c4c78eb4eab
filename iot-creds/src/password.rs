//! Unique per-device passwords (EN 303 645 5.1-1, 5.1-2): the generator, the
//! printed label form and forgiving entry of what a person typed.

use alloc::string::String;
use core::fmt;

use rand_core::TryCryptoRng;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::alphabet::Alphabet;
use crate::check_symbol::Field;
use crate::error::{ConfigError, EntryError, Error};

/// [`GeneratorConfig::MAX_LENGTH`], for array sizes inside the crate.
pub(crate) const MAX_SYMBOLS: usize = 64;

/// Symbols of the default configuration.
const DEFAULT_LENGTH: usize = 16;

/// The min-entropy per byte the generators assume of the random source:
/// 8 bits, the contract of a `CryptoRng` (a CSPRNG, or a TRNG with its
/// conditioning). The repetition count test's cutoff follows from it.
pub(crate) const ASSUMED_MIN_ENTROPY_BITS_PER_BYTE: usize = 8;

/// SP 800-90B §4.4.1 repetition count test cutoff `C = 1 + ⌈20 / H⌉` for a
/// false-alarm probability of at most 2^-20 per byte: 4 equal bytes in a row
/// (probability 2^-24 from a good source) raise an alarm.
pub(crate) const REPETITION_CUTOFF: usize = 1 + 20usize.div_ceil(ASSUMED_MIN_ENTROPY_BITS_PER_BYTE);

/// Rounds of refilling after rejected bytes before the random generator is
/// declared broken. With a working generator the chance of even a handful of
/// rounds is negligible: at most 25 of 256 byte values are ever rejected.
const MAX_SAMPLING_ROUNDS: usize = 64;

/// `log2(n)` for the alphabet sizes 0..=33 (`core` has no floating-point
/// logarithm without `std`).
#[allow(clippy::approx_constant)]
const LOG2: [f64; 34] = [
    0.0,
    0.0,
    1.0,
    1.584962500721156,
    2.0,
    2.321928094887362,
    2.584962500721156,
    2.807354922057604,
    3.0,
    3.169925001442312,
    3.321928094887362,
    3.4594316186372973,
    3.584962500721156,
    3.700439718141092,
    3.807354922057604,
    3.9068905956085187,
    4.0,
    4.087462841250339,
    4.169925001442312,
    4.247927513443585,
    4.321928094887363,
    4.392317422778761,
    4.459431618637297,
    4.523561956057013,
    4.584962500721156,
    4.643856189774724,
    4.700439718141092,
    4.754887502163468,
    4.807354922057604,
    4.857980995127572,
    4.906890595608519,
    4.954196310386875,
    5.0,
    5.044394119358453,
];

/// How device passwords look: alphabet, length, grouping and check symbol.
///
/// The default is 16 symbols of [`Alphabet::CROCKFORD`] (80 bits), printed in
/// groups of four such as `K7QM-X3PZ-9RTA-CW4H`, without a check symbol.
/// Configurations below 64 bits are refused unless
/// [`insecure_allow_low_entropy`](Self::insecure_allow_low_entropy) is called.
///
/// ```
/// use iot_creds::{Alphabet, GeneratorConfig};
///
/// // 15 random symbols and a check symbol that catches typing errors.
/// let checked = GeneratorConfig::new().with_length(15).with_check_symbol(true);
/// checked.validate()?;
/// assert_eq!(checked.entropy_bits(), 75.0);
///
/// // 20 digits for a device with only a numeric keypad (66 bits).
/// let keypad = GeneratorConfig::new().with_alphabet(Alphabet::DIGITS).with_length(20);
/// keypad.validate()?;
///
/// // 12 symbols are only 60 bits: refused unless explicitly allowed.
/// let short = GeneratorConfig::new().with_length(12);
/// assert!(short.validate().is_err());
/// assert!(short.insecure_allow_low_entropy().validate().is_ok());
/// # Ok::<(), iot_creds::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeneratorConfig {
    alphabet: Alphabet,
    length: usize,
    group_size: usize,
    check_symbol: bool,
    allow_low_entropy: bool,
}

impl GeneratorConfig {
    /// The most random symbols a password can have (check symbol not counted).
    pub const MAX_LENGTH: usize = MAX_SYMBOLS;

    /// The least entropy a configuration may have without
    /// [`insecure_allow_low_entropy`](Self::insecure_allow_low_entropy).
    pub const MIN_ENTROPY_BITS: u32 = 64;

    /// The default: 16 Crockford Base32 symbols in groups of four, 80 bits.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            alphabet: Alphabet::CROCKFORD,
            length: DEFAULT_LENGTH,
            group_size: 4,
            check_symbol: false,
            allow_low_entropy: false,
        }
    }

    /// Draws symbols from `alphabet`.
    #[must_use]
    pub const fn with_alphabet(mut self, alphabet: Alphabet) -> Self {
        self.alphabet = alphabet;
        self
    }

    /// Random symbols per password, 1 to [`Self::MAX_LENGTH`] (check symbol not
    /// counted).
    #[must_use]
    pub const fn with_length(mut self, symbols: usize) -> Self {
        self.length = symbols;
        self
    }

    /// Symbols per printed group; `0` prints one unbroken group.
    #[must_use]
    pub const fn with_group_size(mut self, symbols: usize) -> Self {
        self.group_size = symbols;
        self
    }

    /// Appends a check symbol that catches any single mistyped symbol and any
    /// swap of two neighbouring symbols at entry. Needs an alphabet of a prime
    /// number of symbols or a power of two (the default alphabet qualifies).
    #[must_use]
    pub const fn with_check_symbol(mut self, enabled: bool) -> Self {
        self.check_symbol = enabled;
        self
    }

    /// Accepts configurations with fewer than 64 bits of entropy.
    ///
    /// **Insecure**: a password with less entropy can be brute-forced offline
    /// from a leaked hash, or online across a product line. Use this only
    /// where the channel itself limits guessing hard (for example a pairing
    /// code shown on a display for 60 seconds).
    #[must_use]
    pub const fn insecure_allow_low_entropy(mut self) -> Self {
        self.allow_low_entropy = true;
        self
    }

    /// The alphabet symbols are drawn from.
    #[must_use]
    pub const fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    /// Random symbols per password (check symbol not counted).
    #[must_use]
    pub const fn length(&self) -> usize {
        self.length
    }

    /// Symbols per printed group (0: no grouping).
    #[must_use]
    pub const fn group_size(&self) -> usize {
        self.group_size
    }

    /// Whether a check symbol is appended.
    #[must_use]
    pub const fn check_symbol(&self) -> bool {
        self.check_symbol
    }

    /// Entropy of a generated password: `length × log2(alphabet size)`. The
    /// check symbol adds none.
    #[must_use]
    pub fn entropy_bits(&self) -> f64 {
        let per_symbol = LOG2.get(self.alphabet.len()).copied().unwrap_or(0.0);
        #[allow(clippy::cast_precision_loss)] // length <= MAX_SYMBOLS
        let length = self.length.min(MAX_SYMBOLS) as f64;
        length * per_symbol
    }

    /// Symbols on the label: the random ones plus the check symbol.
    #[must_use]
    pub const fn symbols_on_label(&self) -> usize {
        self.length + if self.check_symbol { 1 } else { 0 }
    }

    /// Checks the configuration.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the length is 0 or above [`Self::MAX_LENGTH`],
    /// when the entropy is under 64 bits without
    /// [`insecure_allow_low_entropy`](Self::insecure_allow_low_entropy), or when
    /// a check symbol is asked for an alphabet that cannot have one.
    pub fn validate(&self) -> Result<(), Error> {
        if self.length == 0 || self.length > MAX_SYMBOLS {
            return Err(ConfigError::InvalidLength.into());
        }
        if !self.allow_low_entropy && !reaches_min_entropy(self.alphabet.len(), self.length) {
            return Err(ConfigError::InsufficientEntropy.into());
        }
        if self.check_symbol && self.field().is_none() {
            return Err(ConfigError::CheckSymbolUnsupported.into());
        }
        Ok(())
    }

    fn field(&self) -> Option<Field> {
        Field::for_alphabet_len(self.alphabet.len())
    }
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Exact integer test of `n^length >= 2^64` (no floating point).
fn reaches_min_entropy(n: usize, length: usize) -> bool {
    let target = 1u128 << GeneratorConfig::MIN_ENTROPY_BITS;
    let n = n as u128;
    let mut acc = 1u128;
    for _ in 0..length {
        acc = acc.saturating_mul(n);
        if acc >= target {
            return true;
        }
    }
    false
}

/// A per-device password in its printed label form, for example
/// `K7QM-X3PZ-9RTA-CW4H`.
///
/// The text is wiped from memory on drop and never shown by `Debug` (which
/// prints `DevicePassword { entropy_bits: 80.0, label: [REDACTED] }`); read it
/// with [`expose_secret`](Self::expose_secret), only to print the label or to
/// hash it. Hash exactly `expose_secret().as_bytes()`, and read typed labels
/// back with [`from_label_entry`](Self::from_label_entry) so that they compare
/// equal.
pub struct DevicePassword {
    label: SecretString,
    symbols: SecretString,
    entropy_bits: f64,
}

impl DevicePassword {
    /// The most bytes [`from_label_entry`](Self::from_label_entry) reads;
    /// longer input is refused before any work is done.
    pub const MAX_ENTRY_BYTES: usize = 512;

    /// A new password of the default configuration (16 Crockford Base32
    /// symbols, 80 bits) from a cryptographically secure random generator.
    ///
    /// Pass the device's hardware TRNG, or with the `std` feature
    /// [`crate::OsRng`]. A fallible source (rand_core's `TryCryptoRng`) is
    /// accepted: its error becomes [`Error::RandomSourceUnavailable`]. The
    /// 32-symbol alphabet divides 256, so each random byte maps to one symbol
    /// without any bias.
    ///
    /// The bytes drawn pass a repetition count test (NIST SP 800-90B
    /// §4.4.1, for 8 bits of min-entropy per byte: 4 equal bytes in a row
    /// raise an alarm). An alarm draws again once, so a good source
    /// practically never fails (about 10^-12 per password); a second alarm is
    /// an error: a source stuck at any value never yields a password.
    ///
    /// ```
    /// # #[cfg(feature = "std")] {
    /// use iot_creds::{DevicePassword, OsRng};
    ///
    /// let password = DevicePassword::generate(&mut OsRng::new())?;
    /// assert_eq!(password.expose_secret().len(), 19); // XXXX-XXXX-XXXX-XXXX
    /// assert_eq!(password.entropy_bits(), 80.0);
    /// # }
    /// # Ok::<(), iot_creds::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::RandomSourceFailed`] when the health test raises two alarms
    /// in a row; [`Error::RandomSourceUnavailable`] when the source reports
    /// an error.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<DevicePassword, Error> {
        Self::generate_with(rng, &GeneratorConfig::new())
    }

    /// A new password of the given configuration.
    ///
    /// Symbols are drawn by rejection sampling (bytes at or above the largest
    /// multiple of the alphabet size are discarded), never by a biased modulo.
    /// Every byte drawn, rejected or not, passes the repetition count test of
    /// [`generate`](Self::generate), with the same single retry.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when `config` does not [validate](GeneratorConfig::validate);
    /// [`Error::RandomSourceFailed`] when the generator fails the health test
    /// twice or keeps returning bytes that must be rejected (a broken TRNG
    /// stuck at `0xFF`, for example); [`Error::RandomSourceUnavailable`] when
    /// it reports an error.
    pub fn generate_with<R: TryCryptoRng + ?Sized>(
        rng: &mut R,
        config: &GeneratorConfig,
    ) -> Result<DevicePassword, Error> {
        config.validate()?;
        let mut indices = Zeroizing::new([0u8; MAX_SYMBOLS]);
        let out = indices
            .get_mut(..config.length)
            .ok_or(Error::InvalidConfig(ConfigError::InvalidLength))?;
        let mut result = Err(Error::RandomSourceFailed);
        for _ in 0..2 {
            let mut health = RepetitionCount::default();
            result = sample_indices(config.alphabet.len(), out, |buf| {
                rng.try_fill_bytes(buf)
                    .map_err(|_| Error::RandomSourceUnavailable)?;
                health.feed(buf)
            });
            if result != Err(Error::RandomSourceFailed) {
                break;
            }
        }
        result?;
        Ok(Self::from_indices(config, out))
    }

    /// Reads a label password as a person typed it.
    ///
    /// Forgiving on purpose: case is ignored, spaces and dashes (also the
    /// Unicode dashes a PDF copy inserts) are skipped, and look-alikes map to
    /// the alphabet's symbol (`O`→`0`, `I` and `L`→`1` for the default
    /// alphabet). With a check symbol, a single mistyped symbol or a swap of
    /// neighbours is reported before any hash is computed. The result's
    /// [`expose_secret`](Self::expose_secret) equals the printed label.
    ///
    /// ```
    /// use iot_creds::{DevicePassword, GeneratorConfig};
    ///
    /// let config = GeneratorConfig::new();
    /// let typed = DevicePassword::from_label_entry("k7qm x3pz 9rta cw4h", &config)?;
    /// assert_eq!(typed.expose_secret(), "K7QM-X3PZ-9RTA-CW4H");
    /// let look_alike = DevicePassword::from_label_entry("K7QM-X3PZ-9RTA-CW4H", &config)?;
    /// assert_eq!(look_alike.expose_secret(), typed.expose_secret());
    /// // Rejected: empty, a symbol missing, a character that is no symbol.
    /// assert!(DevicePassword::from_label_entry("", &config).is_err());
    /// assert!(DevicePassword::from_label_entry("K7QM-X3PZ-9RTA-CW4", &config).is_err());
    /// assert!(DevicePassword::from_label_entry("K7QM-X3PZ-9RTA-CW4#", &config).is_err());
    /// # Ok::<(), iot_creds::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEntry`] (too long, an invalid character with its
    /// position, the wrong number of symbols, a check symbol mismatch) and
    /// [`Error::InvalidConfig`] when `config` does not validate.
    pub fn from_label_entry(typed: &str, config: &GeneratorConfig) -> Result<Self, Error> {
        config.validate()?;
        if typed.len() > Self::MAX_ENTRY_BYTES {
            return Err(EntryError::TooLong.into());
        }
        let expected = config.symbols_on_label();
        let mut indices = Zeroizing::new([0u8; MAX_SYMBOLS + 1]);
        let mut found = 0usize;
        for (position, c) in typed.chars().enumerate() {
            if is_separator(c) {
                continue;
            }
            let index = config
                .alphabet
                .index_of_typed(c)
                .ok_or(EntryError::InvalidSymbol { position })?;
            if let Some(slot) = indices.get_mut(found) {
                *slot = index;
            }
            found += 1;
        }
        if found != expected {
            return Err(EntryError::WrongLength { expected, found }.into());
        }
        let all = indices.get(..expected).unwrap_or_default();
        if config.check_symbol {
            let field = config.field().ok_or(ConfigError::CheckSymbolUnsupported)?;
            if !field.verify(all.iter().copied()) {
                return Err(EntryError::CheckSymbolMismatch.into());
            }
        }
        Ok(Self {
            label: format_label(config, all),
            symbols: format_label(&config.with_group_size(0), all),
            entropy_bits: config.entropy_bits(),
        })
    }

    /// The password as printed on the label, for example `K7QM-X3PZ-9RTA-CW4H`.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        self.label.expose_secret()
    }

    /// The password's symbols without the cosmetic grouping, for example
    /// `K7QMX3PZ9RTACW4H`: **what to hash and verify**. The hash then does
    /// not depend on the group size, so a factory and a firmware that print
    /// groups differently still agree on every label.
    #[must_use]
    pub fn expose_secret_symbols(&self) -> &str {
        self.symbols.expose_secret()
    }

    /// Entropy of the generator that made this password, in bits (80 for the
    /// default configuration).
    #[must_use]
    pub fn entropy_bits(&self) -> f64 {
        self.entropy_bits
    }

    /// The password made of the given random symbol indices (each below the
    /// alphabet size), with the check symbol appended when configured.
    pub(crate) fn from_indices(config: &GeneratorConfig, data: &[u8]) -> Self {
        let mut all = Zeroizing::new([0u8; MAX_SYMBOLS + 1]);
        let mut len = 0;
        for (slot, &d) in all.iter_mut().zip(data) {
            *slot = d;
            len += 1;
        }
        if config.check_symbol
            && let (Some(field), Some(slot)) = (config.field(), all.get_mut(len))
        {
            *slot = field.check_symbol(data.iter().copied());
            len += 1;
        }
        let all = all.get(..len).unwrap_or_default();
        Self {
            label: format_label(config, all),
            symbols: format_label(&config.with_group_size(0), all),
            entropy_bits: config.entropy_bits(),
        }
    }
}

impl fmt::Debug for DevicePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevicePassword")
            .field("entropy_bits", &self.entropy_bits)
            .field("label", &format_args!("[REDACTED]"))
            .finish()
    }
}

/// Characters skipped at entry: spaces and dashes, including the Unicode
/// hyphens and no-break spaces that copying from a PDF or web page inserts.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '-' | '\u{00A0}' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{202F}'
    )
}

/// The printed form: symbols with a dash between groups.
fn format_label(config: &GeneratorConfig, indices: &[u8]) -> SecretString {
    let group = config.group_size;
    let dashes = if group == 0 || indices.is_empty() {
        0
    } else {
        (indices.len() - 1) / group
    };
    // Exact capacity: the String is moved into the secret without a
    // reallocation that would leave an unwiped copy behind.
    let mut label = String::with_capacity(indices.len() + dashes);
    for (i, &index) in indices.iter().enumerate() {
        if group != 0 && i != 0 && i % group == 0 {
            label.push('-');
        }
        label.push(char::from(config.alphabet.symbol(index)));
    }
    SecretString::from(label)
}

/// The repetition count test of NIST SP 800-90B §4.4.1 over the bytes of one
/// generation.
#[derive(Default)]
struct RepetitionCount {
    last: Option<u8>,
    run: usize,
}

impl RepetitionCount {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), Error> {
        for &b in bytes {
            if self.last == Some(b) {
                self.run += 1;
                if self.run >= REPETITION_CUTOFF {
                    return Err(Error::RandomSourceFailed);
                }
            } else {
                self.last = Some(b);
                self.run = 1;
            }
        }
        Ok(())
    }
}

/// Fills `out` with uniform indices below `n` from the byte source `fill`, by
/// rejection sampling.
pub(crate) fn sample_indices(
    n: usize,
    out: &mut [u8],
    mut fill: impl FnMut(&mut [u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    if !(2..=256).contains(&n) {
        return Err(ConfigError::InvalidAlphabet.into());
    }
    // Bytes below `limit` are accepted: `limit` is the largest multiple of n
    // that fits in a byte's 256 values, so every index is equally likely.
    let limit = 256 - (256 % n);
    let mut buf = Zeroizing::new([0u8; MAX_SYMBOLS + 1]);
    let mut filled = 0;
    for _ in 0..MAX_SAMPLING_ROUNDS {
        let remaining = out.len().saturating_sub(filled);
        if remaining == 0 {
            return Ok(());
        }
        let chunk = buf.get_mut(..remaining).ok_or(ConfigError::InvalidLength)?;
        fill(chunk)?;
        for &b in chunk.iter() {
            if usize::from(b) < limit
                && let Some(slot) = out.get_mut(filled)
            {
                // b % n < n <= 256
                *slot = u8::try_from(usize::from(b) % n).unwrap_or(0);
                filled += 1;
            }
        }
    }
    if filled >= out.len() {
        Ok(())
    } else {
        Err(Error::RandomSourceFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_floor_is_exact() {
        // 32^13 = 2^65 >= 2^64, 32^12 = 2^60 < 2^64.
        assert!(reaches_min_entropy(32, 13));
        assert!(!reaches_min_entropy(32, 12));
        // 10^20 >= 2^64 (1.8e19), 10^19 < 2^64.
        assert!(reaches_min_entropy(10, 20));
        assert!(!reaches_min_entropy(10, 19));
    }

    #[test]
    fn labels_are_grouped() {
        let c = GeneratorConfig::new();
        let p = DevicePassword::from_indices(&c, &[0; 16]);
        assert_eq!(p.expose_secret(), "0000-0000-0000-0000");
        let c = c.with_group_size(0);
        assert_eq!(
            DevicePassword::from_indices(&c, &[31; 16]).expose_secret(),
            "ZZZZZZZZZZZZZZZZ"
        );
        let c = GeneratorConfig::new().with_length(17).with_group_size(5);
        assert_eq!(
            DevicePassword::from_indices(&c, &[10; 17]).expose_secret(),
            "AAAAA-AAAAA-AAAAA-AA"
        );
    }

    #[test]
    fn sampler_rejects_the_biased_tail() {
        // For n = 10 the limit is 250: byte 255 must never become index 5.
        let mut source = [255u8, 249, 250, 3].into_iter().cycle();
        let mut out = [0u8; 2];
        sample_indices(10, &mut out, |buf| {
            for b in buf.iter_mut() {
                *b = source.next().unwrap();
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(out, [9, 3]);
    }

    #[test]
    fn sampler_gives_up_on_a_stuck_generator() {
        let mut out = [0u8; 4];
        let r = sample_indices(10, &mut out, |buf| {
            buf.fill(0xff);
            Ok(())
        });
        assert_eq!(r, Err(Error::RandomSourceFailed));
    }

    #[test]
    fn the_cutoff_follows_sp800_90b() {
        assert_eq!(REPETITION_CUTOFF, 4);
        let mut t = RepetitionCount::default();
        assert_eq!(t.feed(&[1, 2, 2, 2, 3, 3, 3]), Ok(()));
        assert_eq!(t.feed(&[3]), Err(Error::RandomSourceFailed));
    }

    #[test]
    fn debug_hides_the_password() {
        let p = DevicePassword::from_indices(&GeneratorConfig::new(), &[20; 16]);
        let shown = alloc::format!("{p:?}");
        assert!(!shown.contains("MMMM"), "{shown}");
        assert!(shown.contains("80"));
    }
}
