//! Strict textual IPv4 and IPv6 addresses.

use core::net::{Ipv4Addr, Ipv6Addr};

use nom::Parser;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::char;

use crate::grammar::{PResult, cut_fail, non_empty, parse_all, to_error};
use crate::{Error, ErrorKind};

/// Parses a dotted-decimal IPv4 address.
///
/// Accepts exactly four decimal octets 0–255 in ASCII digits separated by
/// `.`, without leading zeros (`0` itself is fine). Rejects every other
/// notation that some `inet_aton` still accepts (`127.1`, `0x7f.0.0.1`,
/// `0177.0.0.1`, `2130706433`), and any prefix, port, whitespace or trailing
/// byte.
///
/// ```
/// use std::net::Ipv4Addr;
/// use iot_input::{parse_ipv4, ErrorKind};
///
/// assert_eq!(parse_ipv4("192.168.1.20")?, Ipv4Addr::new(192, 168, 1, 20));
///
/// assert_eq!(parse_ipv4("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(parse_ipv4("127.1").unwrap_err().kind(), ErrorKind::UnexpectedEnd);
/// assert_eq!(parse_ipv4("010.0.0.1").unwrap_err().kind(), ErrorKind::LeadingZero);
/// assert_eq!(parse_ipv4("256.0.0.1").unwrap_err().kind(), ErrorKind::OutOfRange);
/// assert_eq!(parse_ipv4("10.0.0.1/8").unwrap_err().kind(), ErrorKind::TrailingInput);
/// # Ok::<(), iot_input::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Empty`], [`ErrorKind::LeadingZero`],
/// [`ErrorKind::OutOfRange`], [`ErrorKind::InvalidSyntax`],
/// [`ErrorKind::UnexpectedEnd`] or [`ErrorKind::TrailingInput`].
pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, Error> {
    let bytes = input.as_bytes();
    non_empty(bytes)?;
    match ipv4(bytes) {
        Ok(([], addr)) => Ok(addr),
        Ok((rest, _)) => Err(Error::new(
            ErrorKind::TrailingInput,
            bytes.len() - rest.len(),
        )),
        Err(e) => Err(to_error(bytes, e)),
    }
}

/// One decimal octet: 1–3 digits, no leading zero, at most 255.
fn octet(input: &[u8]) -> PResult<'_, u8> {
    let (rest, digits) = take_while_m_n(1, 3, |b: u8| b.is_ascii_digit()).parse(input)?;
    let value = digits
        .iter()
        .fold(0u16, |acc, &d| acc * 10 + u16::from(d - b'0'));
    if digits.len() > 1 && digits.first() == Some(&b'0') {
        return cut_fail(ErrorKind::LeadingZero, input);
    }
    match u8::try_from(value) {
        Ok(v) if !rest.first().is_some_and(u8::is_ascii_digit) => Ok((rest, v)),
        _ => cut_fail(ErrorKind::OutOfRange, input),
    }
}

/// `octet "." octet "." octet "." octet`, leaving what follows.
pub(crate) fn ipv4(input: &[u8]) -> PResult<'_, Ipv4Addr> {
    let dot = || char('.');
    let (rest, (a, _, b, _, c, _, d)) =
        (octet, dot(), octet, dot(), octet, dot(), octet).parse(input)?;
    Ok((rest, Ipv4Addr::new(a, b, c, d)))
}

/// Parses an IPv6 address in one of the RFC 4291 §2.2 text forms.
///
/// Accepts eight groups of 1–4 hex digits separated by `:`, with one `::`
/// standing for one or more zero groups, and an embedded IPv4 address in
/// place of the last two groups (strict, as [`parse_ipv4`]). Rejects zone
/// IDs (`%eth0`), brackets, prefix lengths, a second `::`, groups of five
/// digits and anything after the address.
///
/// ```
/// use std::net::Ipv6Addr;
/// use iot_input::{parse_ipv6, ErrorKind};
///
/// assert_eq!(parse_ipv6("fe80::1")?, Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1));
/// assert_eq!(parse_ipv6("::ffff:192.0.2.1")?, "::ffff:192.0.2.1".parse::<Ipv6Addr>()?);
///
/// assert_eq!(parse_ipv6("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(parse_ipv6("1::2::3").unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// assert_eq!(parse_ipv6("fe80::1%eth0").unwrap_err().kind(), ErrorKind::TrailingInput);
/// assert_eq!(parse_ipv6("[::1]").unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Empty`], [`ErrorKind::TooLong`] (a group of five digits), [`ErrorKind::InvalidSyntax`],
/// [`ErrorKind::UnexpectedEnd`], [`ErrorKind::TrailingInput`] or an error of
/// the embedded IPv4 address.
pub fn parse_ipv6(input: &str) -> Result<Ipv6Addr, Error> {
    let bytes = input.as_bytes();
    non_empty(bytes)?;
    parse_all(bytes, ErrorKind::TrailingInput, ipv6)
}

/// 1–4 hex digits.
fn h16(input: &[u8]) -> PResult<'_, u16> {
    let (rest, digits) = take_while_m_n(1, 4, |b: u8| b.is_ascii_hexdigit()).parse(input)?;
    if rest.first().is_some_and(u8::is_ascii_hexdigit) {
        return cut_fail(ErrorKind::TooLong, rest);
    }
    let value = digits.iter().fold(0u16, |acc, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            _ => d.wrapping_sub(b'A').wrapping_add(10),
        };
        (acc << 4) | u16::from(v)
    });
    Ok((rest, value))
}

/// Does the piece at the start of `input` (up to the next `:`) hold a dot,
/// i.e. is it an embedded IPv4 address?
fn is_embedded_ipv4(input: &[u8]) -> bool {
    input.iter().take_while(|&&b| b != b':').any(|&b| b == b'.')
}

/// Does a piece (hex group or embedded IPv4) start here?
fn starts_piece(input: &[u8]) -> bool {
    input.first().is_some_and(u8::is_ascii_hexdigit)
}

/// The error for a missing piece: the end of input, or a byte that cannot
/// start one.
fn missing_piece(at: &[u8]) -> PResult<'_, Ipv6Addr> {
    let kind = if at.is_empty() {
        ErrorKind::UnexpectedEnd
    } else {
        ErrorKind::InvalidSyntax
    };
    cut_fail(kind, at)
}

/// An RFC 4291 address: groups with at most one `::`, optionally ending in
/// an IPv4 address. Leaves what follows (the caller rejects it).
pub(crate) fn ipv6(input: &[u8]) -> PResult<'_, Ipv6Addr> {
    let mut groups = [0u16; 8];
    let mut count = 0usize;
    let mut gap: Option<usize> = None;
    let mut rest = input;
    if let [b':', b':', after @ ..] = rest {
        gap = Some(0);
        rest = after;
    }
    // Each round reads one piece, then ":" (another piece must follow),
    // "::" (a piece may follow) or anything else (the end).
    while gap != Some(count) || starts_piece(rest) {
        // With a gap, at most 7 explicit groups: "::" stands for at least one.
        let limit = if gap.is_some() { 7 } else { 8 };
        if !starts_piece(rest) {
            return missing_piece(rest);
        }
        if is_embedded_ipv4(rest) {
            if count + 2 > limit {
                return cut_fail(ErrorKind::InvalidSyntax, rest);
            }
            let (after, v4) = ipv4(rest)?;
            let [a, b, c, d] = v4.octets();
            for (slot, value) in [
                (count, u16::from_be_bytes([a, b])),
                (count + 1, u16::from_be_bytes([c, d])),
            ] {
                if let Some(g) = groups.get_mut(slot) {
                    *g = value;
                }
            }
            count += 2;
            rest = after;
            break; // the IPv4 part is always last
        }
        if count >= limit {
            return cut_fail(ErrorKind::InvalidSyntax, rest);
        }
        let (after, value) = h16(rest)?;
        if let Some(g) = groups.get_mut(count) {
            *g = value;
        }
        count += 1;
        rest = after;
        match rest {
            [b':', b':', after @ ..] => {
                if gap.is_some() || count > 7 {
                    return cut_fail(ErrorKind::InvalidSyntax, rest);
                }
                gap = Some(count);
                rest = after;
            }
            [b':', after @ ..] => rest = after,
            _ => break,
        }
    }
    match gap {
        None if count != 8 => return missing_piece(rest),
        None => {}
        Some(at) => {
            // Move the groups after the gap to the end; the gap becomes zeros.
            let tail = count - at;
            groups.copy_within(at..count, 8 - tail);
            for g in groups.iter_mut().skip(at).take(8 - count) {
                *g = 0;
            }
        }
    }
    Ok((rest, Ipv6Addr::from(groups)))
}
