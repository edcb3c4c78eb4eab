//! Wi-Fi network names and credentials (IEEE 802.11 SSID, WPA2/WPA3-Personal).

use core::fmt;

use nom::Parser;
use nom::bytes::complete::take_while_m_n;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::grammar::{PResult, hex_value, non_empty, parse_all};
use crate::{Error, ErrorKind};

/// A Wi-Fi network name: 1–32 arbitrary octets (IEEE 802.11).
///
/// An SSID is bytes, not text: it may hold invalid UTF-8, control
/// characters or look-alike letters, so it is built from bytes with
/// [`Ssid::from_bytes`] and shown with [`Display`](fmt::Display), which
/// writes printable ASCII as itself, `\` as `\\` and every other byte as
/// `\xNN`. [`Ssid::parse`] (and `FromStr`, `TryFrom<&str>`, serde) reads
/// that form back, so `Ssid::parse(&ssid.to_string()) == Ok(ssid)`; text
/// without backslashes is simply its UTF-8 bytes.
///
/// ```
/// use iot_input::{ErrorKind, Ssid};
///
/// let ssid = Ssid::from_bytes(b"Home\x07Net")?;
/// assert_eq!(ssid.to_string(), r"Home\x07Net");
/// assert_eq!(Ssid::parse(r"Home\x07Net")?, ssid);
/// assert_eq!(Ssid::parse("Café")?.as_bytes(), "Café".as_bytes());
///
/// assert_eq!(Ssid::from_bytes(b"").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(Ssid::from_bytes(&[b'a'; 33]).unwrap_err().kind(), ErrorKind::TooLong);
/// assert_eq!(Ssid::parse(r"bad\q").unwrap_err().kind(), ErrorKind::InvalidEscape);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ssid {
    bytes: [u8; Ssid::MAX_LEN],
    len: u8,
}

impl Ssid {
    /// The longest SSID in octets.
    pub const MAX_LEN: usize = 32;

    /// An SSID from its raw octets, as received in a beacon or typed by
    /// the user.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`] or [`ErrorKind::TooLong`] (at offset 32).
    pub fn from_bytes(input: &[u8]) -> Result<Self, Error> {
        non_empty(input)?;
        let mut bytes = [0u8; Self::MAX_LEN];
        let dst = bytes
            .get_mut(..input.len())
            .ok_or(Error::new(ErrorKind::TooLong, Self::MAX_LEN))?;
        dst.copy_from_slice(input);
        let len =
            u8::try_from(input.len()).map_err(|_| Error::new(ErrorKind::TooLong, Self::MAX_LEN))?;
        Ok(Self { bytes, len })
    }

    /// An SSID from its escaped text form (the [`Display`](fmt::Display)
    /// form): `\\` is a backslash, `\xNN` the octet `NN`, every other
    /// character its UTF-8 bytes.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`] (more than 32 octets
    /// after unescaping) or [`ErrorKind::InvalidEscape`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        let text = input.as_bytes();
        non_empty(text)?;
        let mut bytes = [0u8; Self::MAX_LEN];
        let mut len = 0usize;
        let mut rest = text;
        while let Some((&b, after)) = rest.split_first() {
            let at = text.len() - rest.len();
            let (value, after) = if b == b'\\' {
                match parse_escape(after) {
                    Ok((after, v)) => (v, after),
                    Err(_) => return Err(Error::new(ErrorKind::InvalidEscape, at)),
                }
            } else {
                (b, after)
            };
            *bytes
                .get_mut(len)
                .ok_or(Error::new(ErrorKind::TooLong, at))? = value;
            len += 1;
            rest = after;
        }
        let len = u8::try_from(len).map_err(|_| Error::new(ErrorKind::TooLong, 0))?;
        Ok(Self { bytes, len })
    }

    /// The raw octets.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The SSID as text, if it is valid UTF-8 (it does not have to be).
    pub fn to_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }
}

/// After a backslash: `\` or `xNN`.
fn parse_escape(input: &[u8]) -> PResult<'_, u8> {
    match input {
        [b'\\', rest @ ..] => Ok((rest, b'\\')),
        [b'x', rest @ ..] => {
            let (rest, hex) = take_while_m_n(2, 2, |b: u8| b.is_ascii_hexdigit()).parse(rest)?;
            let v = hex.iter().fold(0u8, |acc, &d| (acc << 4) | hex_value(d));
            Ok((rest, v))
        }
        _ => crate::grammar::fail(ErrorKind::InvalidEscape, input),
    }
}

impl fmt::Display for Ssid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.as_bytes() {
            match b {
                b'\\' => f.write_str("\\\\")?,
                0x20..=0x7e => fmt::Write::write_char(f, char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Ssid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ssid(\"{self}\")")
    }
}

crate::macros::impl_text_type!(Ssid, "an SSID (escaped text)");

/// A WPA2/WPA3-Personal passphrase: 8–63 characters, each printable ASCII
/// (0x20–0x7E), as IEEE 802.11 requires for the passphrase-to-PSK mapping.
///
/// A secret: there is no `Display`, `Serialize` or `Clone`, `Debug`
/// prints `WpaPassphrase([REDACTED])`,
/// `==` runs in constant time, the memory is wiped on drop, and the text is
/// reachable only through [`WpaPassphrase::expose_secret`]. Errors name the
/// offset, never the character.
///
/// ```
/// use iot_input::{ErrorKind, WpaPassphrase};
///
/// let pass = WpaPassphrase::parse("correct horse battery")?;
/// assert_eq!(pass.expose_secret(), "correct horse battery");
/// assert_eq!(format!("{pass:?}"), "WpaPassphrase([REDACTED])");
///
/// assert_eq!(WpaPassphrase::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(WpaPassphrase::parse("short").unwrap_err().kind(), ErrorKind::TooShort);
/// assert_eq!(WpaPassphrase::parse("tab\there!").unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// # Ok::<(), iot_input::Error>(())
/// ```
pub struct WpaPassphrase {
    bytes: [u8; WpaPassphrase::MAX_LEN],
    len: u8,
}

impl WpaPassphrase {
    /// The shortest accepted passphrase.
    pub const MIN_LEN: usize = 8;
    /// The longest accepted passphrase.
    pub const MAX_LEN: usize = 63;

    /// Validates a passphrase.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooShort`], [`ErrorKind::TooLong`]
    /// or [`ErrorKind::InvalidCharacter`] (with its offset only).
    pub fn parse(input: &str) -> Result<Self, Error> {
        let text = input.as_bytes();
        non_empty(text)?;
        if let Some(at) = text.iter().position(|b| !(0x20..=0x7e).contains(b))
            && at < Self::MAX_LEN
        {
            return Err(Error::new(ErrorKind::InvalidCharacter, at));
        }
        if text.len() < Self::MIN_LEN {
            return Err(Error::new(ErrorKind::TooShort, text.len()));
        }
        let mut bytes = [0u8; Self::MAX_LEN];
        bytes
            .get_mut(..text.len())
            .ok_or(Error::new(ErrorKind::TooLong, Self::MAX_LEN))?
            .copy_from_slice(text);
        let len =
            u8::try_from(text.len()).map_err(|_| Error::new(ErrorKind::TooLong, Self::MAX_LEN))?;
        Ok(Self { bytes, len })
    }

    /// The passphrase, for handing to the Wi-Fi driver.
    pub fn expose_secret(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        // Always valid: only printable ASCII is stored.
        core::str::from_utf8(bytes).unwrap_or_default()
    }
}

/// In constant time: how much of a guess matches must not show in timing.
impl PartialEq for WpaPassphrase {
    fn eq(&self, other: &Self) -> bool {
        // Both buffers are zero past `len`, so comparing them whole is exact.
        let same = self.bytes.as_slice().ct_eq(other.bytes.as_slice()) & self.len.ct_eq(&other.len);
        same.into()
    }
}

impl Eq for WpaPassphrase {}

impl Drop for WpaPassphrase {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for WpaPassphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WpaPassphrase([REDACTED])")
    }
}

crate::macros::impl_text_type!(secret WpaPassphrase, "a WPA passphrase");

/// A WPA2-Personal pre-shared key: exactly 64 hex digits (32 octets), the
/// form in which a PSK is entered instead of a passphrase.
///
/// A secret: no `Display`, `Serialize` or `Clone`, `Debug` prints
/// `WpaPsk([REDACTED])`, `==` in
/// constant time, wiped on drop; the key is reachable only through
/// [`WpaPsk::expose_secret`].
///
/// ```
/// use iot_input::{ErrorKind, WpaPsk};
///
/// let hex = "0123456789abcdef".repeat(4);
/// let psk = WpaPsk::parse(&hex)?;
/// assert_eq!(psk.expose_secret()[..2], [0x01, 0x23]);
/// assert_eq!(format!("{psk:?}"), "WpaPsk([REDACTED])");
///
/// assert_eq!(WpaPsk::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(WpaPsk::parse(&hex[..63]).unwrap_err().kind(), ErrorKind::TooShort);
/// assert_eq!(WpaPsk::parse(&hex.replace('a', "g")).unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// # Ok::<(), iot_input::Error>(())
/// ```
pub struct WpaPsk([u8; 32]);

impl WpaPsk {
    /// The number of hex digits.
    pub const HEX_LEN: usize = 64;

    /// Validates 64 hex digits (either case).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooShort`], [`ErrorKind::TooLong`]
    /// or [`ErrorKind::InvalidCharacter`] (with its offset only).
    pub fn parse(input: &str) -> Result<Self, Error> {
        let text = input.as_bytes();
        non_empty(text)?;
        let digits = parse_all(text, ErrorKind::TooLong, |i| {
            take_while_m_n(0, Self::HEX_LEN, |b: u8| b.is_ascii_hexdigit()).parse(i)
        })
        .map_err(|e| match text.get(e.offset()) {
            Some(b) if !b.is_ascii_hexdigit() => {
                Error::new(ErrorKind::InvalidCharacter, e.offset())
            }
            _ => e,
        })?;
        if digits.len() < Self::HEX_LEN {
            return Err(Error::new(ErrorKind::TooShort, digits.len()));
        }
        let mut key = [0u8; 32];
        for (slot, pair) in key.iter_mut().zip(digits.chunks_exact(2)) {
            *slot = pair.iter().fold(0u8, |acc, &d| (acc << 4) | hex_value(d));
        }
        Ok(Self(key))
    }

    /// The 32-octet key.
    pub const fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

/// In constant time: how much of a guess matches must not show in timing.
impl PartialEq for WpaPsk {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for WpaPsk {}

impl Drop for WpaPsk {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for WpaPsk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WpaPsk([REDACTED])")
    }
}

crate::macros::impl_text_type!(secret WpaPsk, "a WPA pre-shared key (64 hex digits)");
