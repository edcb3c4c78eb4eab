//! The symbols a device password is made of, and how typed symbols are read back.

use core::fmt;

use crate::error::{ConfigError, Error};

/// [`Alphabet::MAX_LEN`], for the array size of the field.
const MAX_LEN: usize = 33;

/// The set of symbols a device password is drawn from.
///
/// Symbols are upper-case ASCII letters and digits, each at most once, and an
/// alphabet never holds two symbols a person could confuse on a printed label
/// (`0` and `O`; two of `1`, `I`, `L`). That is what makes entry forgiving:
/// a typed `o` can only mean `0` (or `O`, whichever the alphabet has).
///
/// ```
/// use iot_creds::Alphabet;
///
/// assert_eq!(Alphabet::CROCKFORD.len(), 32);
/// let hex = Alphabet::new("0123456789ABCDEF")?;
/// assert_eq!(hex.len(), 16);
/// // Rejected: a look-alike pair, a lower-case symbol, a repeated symbol, too few symbols.
/// assert!(Alphabet::new("0123456789O").is_err());
/// assert!(Alphabet::new("abc").is_err());
/// assert!(Alphabet::new("AAB").is_err());
/// assert!(Alphabet::new("A").is_err());
/// # Ok::<(), iot_creds::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Alphabet {
    symbols: [u8; MAX_LEN],
    len: u8,
}

impl Alphabet {
    /// The most symbols an alphabet can have: the 36 upper-case letters and
    /// digits minus one symbol of each of the three look-alike groups (`0`/`O`,
    /// `1`/`I`/`L`).
    pub const MAX_LEN: usize = MAX_LEN;

    /// Douglas Crockford's Base32 alphabet: digits and upper-case letters
    /// without `I`, `L`, `O` and `U` (32 symbols, 5 bits each). The default.
    pub const CROCKFORD: Self = Self::from_const("0123456789ABCDEFGHJKMNPQRSTVWXYZ");

    /// The ten digits, for devices whose only input is a numeric keypad
    /// (3.32 bits per symbol: 20 symbols reach 64 bits).
    pub const DIGITS: Self = Self::from_const("0123456789");

    /// Builds the constants above; they are checked by a unit test.
    // `get` is not usable in a const fn; the loop condition bounds both indices.
    #[allow(clippy::indexing_slicing)]
    const fn from_const(s: &str) -> Self {
        let bytes = s.as_bytes();
        let mut symbols = [0u8; MAX_LEN];
        let mut i = 0;
        while i < bytes.len() && i < MAX_LEN {
            symbols[i] = bytes[i];
            i += 1;
        }
        #[allow(clippy::cast_possible_truncation)] // i <= MAX_LEN
        Self {
            symbols,
            len: i as u8,
        }
    }

    /// An alphabet of the given symbols, in the given order.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] with [`ConfigError::InvalidAlphabet`] unless
    /// `symbols` holds 2 to [`Self::MAX_LEN`] distinct upper-case ASCII
    /// letters or digits without a look-alike pair.
    pub fn new(symbols: &str) -> Result<Self, Error> {
        let bad = Error::InvalidConfig(ConfigError::InvalidAlphabet);
        let bytes = symbols.as_bytes();
        if bytes.len() < 2 || bytes.len() > MAX_LEN {
            return Err(bad);
        }
        let mut out = [0u8; MAX_LEN];
        let mut seen_groups = [false; 128];
        for (slot, &b) in out.iter_mut().zip(bytes) {
            if !(b.is_ascii_uppercase() || b.is_ascii_digit()) {
                return Err(bad);
            }
            // Symbols of one look-alike group share a group id, so a repeated
            // symbol and a look-alike pair are both caught here.
            let group = usize::from(look_alike_group(b));
            match seen_groups.get_mut(group) {
                Some(seen) if !*seen => *seen = true,
                _ => return Err(bad),
            }
            *slot = b;
        }
        #[allow(clippy::cast_possible_truncation)] // checked <= MAX_LEN above
        Ok(Self {
            symbols: out,
            len: bytes.len() as u8,
        })
    }

    /// The number of symbols.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always `false`: an alphabet has at least two symbols.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The symbols, in order.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored, so this cannot fail.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.symbols.get(..self.len()).unwrap_or_default()
    }

    /// The symbol at `index` (`index < len`).
    pub(crate) fn symbol(&self, index: u8) -> u8 {
        self.as_bytes()
            .get(usize::from(index))
            .copied()
            .unwrap_or(b'?')
    }

    /// The index of the symbol a person most likely meant by `typed`, after
    /// upper-casing and mapping look-alikes (`O`→`0`, `I`/`L`→`1` and back,
    /// whichever of them the alphabet holds).
    pub(crate) fn index_of_typed(&self, typed: char) -> Option<u8> {
        // ASCII only: `u8::try_from` also accepts U+0080..=U+00FF, and
        // `look_alike_group` keeps seven bits, so `Á` (0xC1) would read as `A`.
        if !typed.is_ascii() {
            return None;
        }
        let c = u8::try_from(typed).ok()?.to_ascii_uppercase();
        let group = look_alike_group(c);
        self.as_bytes()
            .iter()
            .position(|&s| look_alike_group(s) == group)
            .and_then(|i| u8::try_from(i).ok())
    }

    /// The index of `symbol` itself (no look-alike mapping).
    #[cfg(test)]
    pub(crate) fn index_of_exact(&self, symbol: u8) -> Option<u8> {
        self.as_bytes()
            .iter()
            .position(|&s| s == symbol)
            .and_then(|i| u8::try_from(i).ok())
    }
}

/// Maps a byte to a group id shared by look-alikes: `O` and `0` are one group,
/// `I`, `L` and `1` another; every other byte is its own group.
const fn look_alike_group(b: u8) -> u8 {
    match b {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other & 0x7f,
    }
}

impl Default for Alphabet {
    fn default() -> Self {
        Self::CROCKFORD
    }
}

impl fmt::Debug for Alphabet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Alphabet").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_valid_alphabets() {
        for a in [Alphabet::CROCKFORD, Alphabet::DIGITS] {
            assert_eq!(Alphabet::new(a.as_str()), Ok(a));
        }
        assert_eq!(Alphabet::CROCKFORD.len(), 32);
        assert_eq!(Alphabet::DIGITS.len(), 10);
    }

    #[test]
    fn largest_alphabet_is_accepted_and_one_more_is_not() {
        let a = Alphabet::new("0123456789ABCDEFGHJKMNPQRSTUVWXYZ").unwrap();
        assert_eq!(a.len(), Alphabet::MAX_LEN);
        assert!(Alphabet::new("0123456789ABCDEFGHJKMNPQRSTUVWXYZO").is_err());
    }

    #[test]
    fn look_alike_pairs_are_refused() {
        for bad in ["0O", "1I", "1L", "IL", "AB0CO"] {
            assert!(Alphabet::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_look_alikes_map_to_the_alphabet_symbol() {
        let c = Alphabet::CROCKFORD;
        assert_eq!(c.index_of_typed('o'), c.index_of_exact(b'0'));
        assert_eq!(c.index_of_typed('O'), c.index_of_exact(b'0'));
        assert_eq!(c.index_of_typed('i'), c.index_of_exact(b'1'));
        assert_eq!(c.index_of_typed('l'), c.index_of_exact(b'1'));
        assert_eq!(c.index_of_typed('k'), c.index_of_exact(b'K'));
        assert_eq!(c.index_of_typed('u'), None); // Crockford has no U
        assert_eq!(c.index_of_typed('é'), None);
        assert_eq!(c.index_of_typed('\u{C1}'), None); // Á: 0xC1, A is 0x41
        assert_eq!(c.index_of_typed('\u{B0}'), None); // °: 0xB0, 0 is 0x30
        // An alphabet with letters instead of digits maps the other way round.
        let letters = Alphabet::new("ABCDEFGHIJKMNOPQRSTUVWXYZ").unwrap();
        assert_eq!(letters.index_of_typed('0'), letters.index_of_exact(b'O'));
        assert_eq!(letters.index_of_typed('1'), letters.index_of_exact(b'I'));
        assert_eq!(letters.index_of_typed('l'), letters.index_of_exact(b'I'));
    }
}
