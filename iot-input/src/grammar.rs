//! The glue between nom and this crate's [`Error`]: one nom error type that
//! carries our [`ErrorKind`] and where it happened, and the entry point that
//! turns a nom result into a `Result<T, Error>` with a byte offset.

use nom::error::{ErrorKind as NomKind, ParseError};

use crate::{Error, ErrorKind};

/// A nom result over bytes with our error type.
pub(crate) type PResult<'a, O> = nom::IResult<&'a [u8], O, Reject>;

/// A rejection inside a nom parser: the reason and how much input was left
/// when it was found (the offset is computed at the top, where the whole input
/// is known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reject {
    pub(crate) kind: ErrorKind,
    pub(crate) rest: usize,
}

impl ParseError<&[u8]> for Reject {
    fn from_error_kind(input: &[u8], _kind: NomKind) -> Self {
        // A nom building block failed: the input ran out, or the byte there
        // does not fit the grammar.
        let kind = if input.is_empty() {
            ErrorKind::UnexpectedEnd
        } else {
            ErrorKind::InvalidSyntax
        };
        Self {
            kind,
            rest: input.len(),
        }
    }

    fn append(_input: &[u8], _kind: NomKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Of two failed alternatives, report the one that got further.
        if other.rest < self.rest { other } else { self }
    }
}

/// Fails (recoverably, so `alt` may try another branch) with `kind` at the
/// start of `at`.
pub(crate) fn fail<T>(kind: ErrorKind, at: &[u8]) -> PResult<'_, T> {
    Err(nom::Err::Error(Reject {
        kind,
        rest: at.len(),
    }))
}

/// Fails without backtracking: the input is definitely invalid.
pub(crate) fn cut_fail<T>(kind: ErrorKind, at: &[u8]) -> PResult<'_, T> {
    Err(nom::Err::Failure(Reject {
        kind,
        rest: at.len(),
    }))
}

/// The byte offset of `rest` inside `input` (`rest` is a suffix of it).
pub(crate) const fn offset_of(input: &[u8], rest: &[u8]) -> usize {
    input.len().saturating_sub(rest.len())
}

/// Converts a nom rejection into an [`Error`] located in `input`.
pub(crate) fn to_error(input: &[u8], err: nom::Err<Reject>) -> Error {
    match err {
        nom::Err::Error(r) | nom::Err::Failure(r) => {
            Error::new(r.kind, input.len().saturating_sub(r.rest))
        }
        // Only streaming parsers report `Incomplete`; we use complete ones.
        nom::Err::Incomplete(_) => Error::new(ErrorKind::UnexpectedEnd, input.len()),
    }
}

/// Runs `parser` over the whole of `input`: leftover bytes are an error of
/// kind `trailing` at their offset.
pub(crate) fn parse_all<'a, O>(
    input: &'a [u8],
    trailing: ErrorKind,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> Result<O, Error> {
    match parser(input) {
        Ok(([], out)) => Ok(out),
        Ok((rest, _)) => Err(Error::new(trailing, offset_of(input, rest))),
        Err(e) => Err(to_error(input, e)),
    }
}

/// Fails with [`ErrorKind::Empty`] for empty input, the first check of
/// every parser.
pub(crate) const fn non_empty(input: &[u8]) -> Result<(), Error> {
    if input.is_empty() {
        Err(Error::new(ErrorKind::Empty, 0))
    } else {
        Ok(())
    }
}

/// Fails with [`ErrorKind::TooLong`] at offset `max` if `input` is longer.
pub(crate) const fn at_most(input: &[u8], max: usize) -> Result<(), Error> {
    if input.len() > max {
        Err(Error::new(ErrorKind::TooLong, max))
    } else {
        Ok(())
    }
}

/// The value of one hex digit, either case. The callers have checked that
/// `d` is one (`is_ascii_hexdigit`); anything else is 0.
pub(crate) const fn hex_value(d: u8) -> u8 {
    match d {
        b'0'..=b'9' => d - b'0',
        b'a'..=b'f' => d - b'a' + 10,
        b'A'..=b'F' => d - b'A' + 10,
        _ => 0,
    }
}
