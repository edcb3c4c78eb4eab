//! Host names (RFC 1123 / RFC 952 "LDH" names, with checked IDN labels).

use core::fmt;

use nom::Parser;
use nom::bytes::complete::{tag, take_while};
use nom::combinator::opt;
use nom::sequence::preceded;

use crate::grammar::{PResult, at_most, cut_fail, parse_all};
use crate::inline::InlineStr;
use crate::{Error, ErrorKind, punycode};

/// A DNS host name that passed the LDH rules, stored in lower case.
///
/// Accepts: one or more labels separated by `.`; each label 1–63 ASCII
/// letters, digits and hyphens, not starting or ending with a hyphen, and not
/// of the reserved form `??--…` unless it is an `xn--` label that is valid
/// Punycode (RFC 3492) for an internationalized label (see below); at most
/// [`Hostname::MAX_LEN`] bytes; the last label must not be all digits or look
/// like a hexadecimal number (`0x1f`), because URL parsers would read the
/// whole name as an IPv4 address. No trailing dot, no empty label, no
/// underscore, no whitespace, nothing outside ASCII (write internationalized
/// names in their `xn--` form). Case-insensitive: the canonical form is lower
/// case.
///
/// `xn--` labels are decoded completely and must decode to lower-case
/// letters of a conservative set of scripts (Latin, Greek, Cyrillic,
/// Japanese, Chinese, Korean) and re-encode to exactly the same text; anything
/// else is rejected with [`ErrorKind::InvalidPunycode`].
///
/// Look-alike labels are rejected with [`ErrorKind::ConfusableLabel`]
/// (unless [`Hostname::insecure_parse_confusable`]): a label that mixes
/// Latin with Cyrillic or Greek, or Greek with Cyrillic (`xn--pple-43d`,
/// "аpple" with a Cyrillic `а`), and a label written wholly in Cyrillic or
/// Greek letters that all pass for Latin ones (`xn--e1argc3h`, "ѕсоре").
/// Not detected: Latin letters that imitate other Latin letters (dotless
/// `ı` in `xn--gthub-n4a`, "gıthub"; `ĸ` for `k`; accented letters), which
/// Turkish and Greenlandic names need; look-alikes between whole labels
/// (`rn` for `m`); and anything about ASCII-only names (`paypa1`).
///
/// ```
/// use iot_input::{ErrorKind, Hostname};
///
/// let host = Hostname::parse("Broker-1.Example.COM")?;
/// assert_eq!(host.as_str(), "broker-1.example.com");
/// assert_eq!(Hostname::parse("xn--bcher-kva.example")?.as_str(), "xn--bcher-kva.example");
///
/// assert_eq!(Hostname::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(Hostname::parse("my_host").unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// assert_eq!(Hostname::parse("example.com.").unwrap_err().kind(), ErrorKind::InvalidLabel);
/// assert_eq!(Hostname::parse("-bad.example").unwrap_err().kind(), ErrorKind::InvalidLabel);
/// assert_eq!(Hostname::parse("10.0.0.1").unwrap_err().kind(), ErrorKind::InvalidLabel);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hostname {
    name: InlineStr<{ Hostname::MAX_LEN }>,
}

impl Hostname {
    /// The longest accepted name in bytes (RFC 1035's 255-byte wire limit
    /// minus the length octets).
    pub const MAX_LEN: usize = 253;
    /// The longest accepted label in bytes (RFC 1035).
    pub const MAX_LABEL_LEN: usize = 63;

    /// Validates `input` as a host name.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`],
    /// [`ErrorKind::InvalidCharacter`], [`ErrorKind::InvalidLabel`] or
    /// [`ErrorKind::InvalidPunycode`], with the offset of the offending byte
    /// or label.
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_checked(input, false)
    }

    /// [`Hostname::parse`], but also accepting look-alike `xn--` labels
    /// (Latin mixed with Cyrillic or Greek, whole-script Cyrillic or Greek
    /// look-alikes; see above). Every other rule still holds. For a device
    /// that never shows the name to a person, or whose users need such
    /// names; a name shown during set-up should come from
    /// [`Hostname::parse`].
    ///
    /// # Errors
    ///
    /// As [`Hostname::parse`], without [`ErrorKind::ConfusableLabel`].
    pub fn insecure_parse_confusable(input: &str) -> Result<Self, Error> {
        Self::parse_checked(input, true)
    }

    pub(crate) fn parse_checked(input: &str, allow_confusable: bool) -> Result<Self, Error> {
        let bytes = input.as_bytes();
        crate::grammar::non_empty(bytes)?;
        at_most(bytes, Self::MAX_LEN)?;
        parse_all(bytes, ErrorKind::InvalidCharacter, |i| {
            hostname(i, allow_confusable)
        })?;
        let mut name = InlineStr::new("").ok_or(Error::new(ErrorKind::TooLong, 0))?;
        for &b in bytes {
            if !name.push_lower(b) {
                return Err(Error::new(ErrorKind::TooLong, name.len()));
            }
        }
        Ok(Self { name })
    }

    /// The name in canonical (lower-case) form.
    pub fn as_str(&self) -> &str {
        self.name.as_str()
    }

    /// The labels, from the leftmost.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.as_str().split('.')
    }
}

/// Is `b` a letter, digit or hyphen?
const fn is_ldh(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// One label, checked; a confusable `xn--` label only if `allow_confusable`.
fn label(input: &[u8], allow_confusable: bool) -> PResult<'_, &[u8]> {
    let (rest, lbl) = take_while(is_ldh).parse(input)?;
    let (Some(&first), Some(&last)) = (lbl.first(), lbl.last()) else {
        // An empty label: two dots, a leading or a trailing dot. A label that
        // starts with a byte outside LDH is an invalid character.
        return match input.first() {
            None | Some(b'.') => cut_fail(ErrorKind::InvalidLabel, input),
            Some(_) => cut_fail(ErrorKind::InvalidCharacter, input),
        };
    };
    if lbl.len() > Hostname::MAX_LABEL_LEN {
        let at = input.get(Hostname::MAX_LABEL_LEN..).unwrap_or_default();
        return cut_fail(ErrorKind::TooLong, at);
    }
    if first == b'-' {
        return cut_fail(ErrorKind::InvalidLabel, input);
    }
    if last == b'-' {
        return cut_fail(
            ErrorKind::InvalidLabel,
            input.get(lbl.len() - 1..).unwrap_or_default(),
        );
    }
    if lbl.get(2..4) == Some(b"--") {
        if !lbl.get(..2).is_some_and(|p| p.eq_ignore_ascii_case(b"xn")) {
            // RFC 5891 §4.2.3.1: `??--` labels are reserved for encodings.
            return cut_fail(ErrorKind::InvalidLabel, input);
        }
        let mut lower = [0u8; Hostname::MAX_LABEL_LEN];
        let encoded = lbl.get(4..).unwrap_or_default();
        let lower = lower.get_mut(..encoded.len()).unwrap_or_default();
        lower.copy_from_slice(encoded);
        lower.make_ascii_lowercase();
        match punycode::check_label(lower) {
            Err(_) => return cut_fail(ErrorKind::InvalidPunycode, input),
            Ok(true) if !allow_confusable => {
                return cut_fail(ErrorKind::ConfusableLabel, input);
            }
            Ok(_) => {}
        }
    }
    Ok((rest, lbl))
}

/// `label ("." label)*`, then the rule for the last label.
fn hostname(input: &[u8], allow_confusable: bool) -> PResult<'_, ()> {
    let label = |i| label(i, allow_confusable);
    let (mut rest, mut last) = label(input)?;
    let mut last_at = input;
    loop {
        let before = rest;
        match opt(preceded(tag(&b"."[..]), label)).parse(rest)? {
            (after, Some(lbl)) => {
                last_at = before.get(1..).unwrap_or_default();
                last = lbl;
                rest = after;
            }
            (_, None) => break,
        }
    }
    if looks_numeric(last) {
        return cut_fail(ErrorKind::InvalidLabel, last_at);
    }
    Ok((rest, ()))
}

/// Would a URL parser read this last label as a number (decimal, or `0x`
/// hexadecimal)? Then the whole name would be taken for an IPv4 address.
fn looks_numeric(label: &[u8]) -> bool {
    if label.iter().all(u8::is_ascii_digit) {
        return true;
    }
    match label {
        [b'0', b'x' | b'X', hex @ ..] => hex.iter().all(u8::is_ascii_hexdigit),
        _ => false,
    }
}

impl fmt::Display for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hostname").field(&self.as_str()).finish()
    }
}

crate::macros::impl_text_type!(Hostname, "a host name");
