//! [`SpkiPin`]: the SHA-256 of a certificate's `SubjectPublicKeyInfo`, and
//! the text forms it is written in.

use core::fmt;
use core::str::FromStr;

use crate::error::Error;

/// An SPKI pin: the SHA-256 of a certificate's DER `SubjectPublicKeyInfo`
/// (its public key), as computed by [`spki_sha256`](crate::spki_sha256).
/// It is **not** the certificate's fingerprint (`openssl x509 -fingerprint`
/// hashes the whole certificate, which changes on every renewal).
///
/// Made from the 32 bytes (`From<[u8; 32]>`), or parsed from either text
/// form ([`parse`](Self::parse), `FromStr`):
///
/// * 64 hex digits (either case), as the first pipeline below prints;
/// * curl's `--pinnedpubkey` form, `sha256//` and the standard base64 of the
///   32 bytes (44 characters, padded), as the second pipeline prints.
///
/// Surrounding ASCII white space (a trailing newline) is ignored. `Display`
/// gives the lower-case hex form.
///
/// A certificate's pin, with the `openssl` command line:
///
/// ```text
/// # 64 hex digits
/// openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
/// # curl's form
/// echo "sha256//$(openssl x509 -in cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | openssl base64 -A)"
/// ```
///
/// ```
/// use iot_comm::SpkiPin;
///
/// let hex: SpkiPin = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a".parse()?;
/// let curl = SpkiPin::parse("sha256//WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=")?;
/// assert_eq!(hex, curl);
/// assert_eq!(hex, SpkiPin::from([0x5a; 32]));
/// assert_eq!(hex.to_string(), "5a".repeat(32));
///
/// // A fingerprint with colons, a short value, another hash: refused.
/// assert_eq!(SpkiPin::parse("5A:5A:5A"), Err(iot_comm::Error::InvalidPin));
/// # Ok::<(), iot_comm::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpkiPin([u8; 32]);

impl SpkiPin {
    /// The prefix of curl's form.
    const CURL_PREFIX: &'static str = "sha256//";

    /// Parses 64 hex digits or curl's `sha256//BASE64` form.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPin`] for anything else (the input is not echoed).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let bytes = match text.strip_prefix(Self::CURL_PREFIX) {
            Some(b64) => base64_32(b64.as_bytes()),
            None => hex_32(text.as_bytes()),
        };
        bytes.map(Self).ok_or(Error::InvalidPin)
    }

    /// The 32 bytes of the SHA-256.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for SpkiPin {
    fn from(sha256: [u8; 32]) -> Self {
        Self(sha256)
    }
}

impl FromStr for SpkiPin {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl fmt::Display for SpkiPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::cert::hex(&self.0))
    }
}

/// A pin is a public value: `Debug` shows it.
impl fmt::Debug for SpkiPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpkiPin({self})")
    }
}

fn hex_32(text: &[u8]) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *byte = (nibble(*hi)? << 4) | nibble(*lo)?;
    }
    Some(out)
}

/// Strict standard base64 (RFC 4648 §4) of exactly 32 bytes: 43 symbols
/// and one `=`, with the unused low bits of the last symbol zero (the one
/// canonical encoding).
fn base64_32(text: &[u8]) -> Option<[u8; 32]> {
    fn symbol(c: u8) -> Option<u32> {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(v))
    }
    let (body, pad) = text.split_at_checked(43)?;
    if pad != b"=" {
        return None;
    }
    let mut out = Vec::with_capacity(33);
    for group in body.chunks(4) {
        let mut acc = 0u32;
        for &c in group {
            acc = (acc << 6) | symbol(c)?;
        }
        // A full group is 24 bits; the last holds 3 symbols = 18 bits, of
        // which 16 are data and 2 must be zero.
        let bits = group.len() * 6;
        let data_bytes = bits / 8;
        let spare = bits % 8;
        if acc & ((1 << spare) - 1) != 0 {
            return None;
        }
        acc >>= spare;
        for i in (0..data_bytes).rev() {
            out.push(u8::try_from((acc >> (8 * i)) & 0xff).ok()?);
        }
    }
    out.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_decode_to_the_same_bytes() {
        let bytes: [u8; 32] = core::array::from_fn(|i| u8::try_from(i * 7).unwrap());
        let hex = crate::cert::hex(&bytes);
        // base64 of 0, 7, 14, ... computed independently (python's base64).
        let b64 = "AAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=";
        assert_eq!(SpkiPin::parse(&hex).unwrap().sha256(), &bytes);
        assert_eq!(
            SpkiPin::parse(&hex.to_uppercase()).unwrap().sha256(),
            &bytes
        );
        assert_eq!(
            SpkiPin::parse(&format!("sha256//{b64}\n"))
                .unwrap()
                .sha256(),
            &bytes
        );
    }

    #[test]
    fn everything_else_is_refused() {
        let good = "AAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=";
        for bad in [
            String::new(),
            "00".repeat(31),
            "00".repeat(33),
            format!("{}g", "0".repeat(63)),
            format!("sha256//{}", &good[..43]),
            format!("sha256//{}==", &good[..42]),
            // non-canonical: low bits of the last symbol set
            format!("sha256//{}l=", &good[..42]),
            format!("sha1//{good}"),
            format!("SHA256//{good}"),
            format!("sha256//{good};sha256//{good}"),
            "é".repeat(32),
        ] {
            assert_eq!(SpkiPin::parse(&bad), Err(Error::InvalidPin), "{bad:?}");
        }
    }
}
