//! EUI-48 MAC addresses.

use core::fmt;

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;

use crate::grammar::{PResult, cut_fail, fail, hex_value, non_empty, parse_all};
use crate::{Error, ErrorKind};

/// An EUI-48 MAC address.
///
/// Accepts six two-digit hex octets separated uniformly by `:` or by `-`
/// (`00:1a:2b:3c:4d:5e`, `00-1A-2B-3C-4D-5E`), or the dotted form of three
/// four-digit groups (`001a.2b3c.4d5e`). Hex digits may be in either case.
/// Rejects mixed separators, single-digit octets, missing separators and
/// anything after the address. `Display` writes lower case with `:`.
///
/// ```
/// use iot_input::{ErrorKind, MacAddress};
///
/// let mac = MacAddress::parse("00-1A-2B-3C-4D-5E")?;
/// assert_eq!(mac.octets(), [0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]);
/// assert_eq!(mac.to_string(), "00:1a:2b:3c:4d:5e");
///
/// assert_eq!(MacAddress::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(MacAddress::parse("00:1a-2b:3c:4d:5e").unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// assert_eq!(MacAddress::parse("0:1a:2b:3c:4d:5e").unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddress([u8; 6]);

impl MacAddress {
    /// Validates `input` as a MAC address.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::InvalidSyntax`],
    /// [`ErrorKind::UnexpectedEnd`] or [`ErrorKind::TrailingInput`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        let bytes = input.as_bytes();
        non_empty(bytes)?;
        parse_all(bytes, ErrorKind::TrailingInput, |i| {
            alt((separated(b':'), separated(b'-'), dotted)).parse(i)
        })
        .map(Self)
    }

    /// An address from its six octets.
    pub const fn from_octets(octets: [u8; 6]) -> Self {
        Self(octets)
    }

    /// The six octets, first transmitted first.
    pub const fn octets(&self) -> [u8; 6] {
        self.0
    }

    /// Is this a group (multicast or broadcast) address? (I/G bit set.)
    pub const fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// Is this a locally administered address (U/L bit set), as used for
    /// randomized Wi-Fi addresses?
    pub const fn is_locally_administered(&self) -> bool {
        self.0[0] & 0x02 != 0
    }
}

/// Exactly `n` hex digits (the caller handles more than `n`).
fn hex_digits(n: usize) -> impl Fn(&[u8]) -> PResult<'_, &[u8]> {
    move |i| take_while_m_n(n, n, |b: u8| b.is_ascii_hexdigit()).parse(i)
}

fn octet(input: &[u8]) -> PResult<'_, u8> {
    let (rest, d) = hex_digits(2)(input)?;
    let v = d.iter().fold(0u8, |acc, &b| (acc << 4) | hex_value(b));
    Ok((rest, v))
}

/// `xx S xx S xx S xx S xx S xx` with one separator `S` throughout. Once the
/// first separator is seen, a different one is a hard error, not another
/// alternative.
fn separated(sep: u8) -> impl Fn(&[u8]) -> PResult<'_, [u8; 6]> {
    move |input| {
        let (mut rest, first) = octet(input)?;
        let mut out = [first, 0, 0, 0, 0, 0];
        for (n, slot) in out.iter_mut().enumerate().skip(1) {
            rest = match rest {
                [b, after @ ..] if *b == sep => after,
                // Before the first separator the form is still open: let
                // `alt` try the other ones.
                _ if n == 1 => return fail(ErrorKind::InvalidSyntax, rest),
                [] => return cut_fail(ErrorKind::UnexpectedEnd, rest),
                _ => return cut_fail(ErrorKind::InvalidSyntax, rest),
            };
            let (after, v) = match octet(rest) {
                Ok(ok) => ok,
                Err(_) if rest.len() < 2 => return cut_fail(ErrorKind::UnexpectedEnd, rest),
                Err(_) => return cut_fail(ErrorKind::InvalidSyntax, rest),
            };
            *slot = v;
            rest = after;
        }
        Ok((rest, out))
    }
}

/// `xxxx.xxxx.xxxx`.
fn dotted(input: &[u8]) -> PResult<'_, [u8; 6]> {
    let group = |i| {
        let (rest, (a, b)) = (octet, octet).parse(i)?;
        Ok((rest, [a, b]))
    };
    let (rest, ([a, b], _, [c, d], _, [e, f])) =
        (group, char('.'), group, char('.'), group).parse(input)?;
    Ok((rest, [a, b, c, d, e, f]))
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl fmt::Debug for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MacAddress({self})")
    }
}

crate::macros::impl_text_type!(MacAddress, "a MAC address");
