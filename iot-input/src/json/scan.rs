//! The scanner: one pass over the document with an explicit, fixed-size
//! stack, never recursion. Strings are checked for escapes, control
//! characters and UTF-8 where they are; numbers for syntax and length;
//! object keys go to the duplicate-key index ([`Keys`]).
//!
//! The plain runs inside strings and keys are skipped eight bytes at a
//! time by [`swar`], the one fenced-off fast path; everything else reads a
//! byte at a time.

mod swar;

use super::keys::{Keys, escaped_control, hash_folded, hash_key, hash_plain, hex4};
use crate::json::Limits;
use crate::{Error, ErrorKind};

/// An open object or array.
#[derive(Clone, Copy)]
struct Frame {
    is_object: bool,
    members: u32,
    /// Where this object's keys start in the key table.
    keys_start: u32,
}

impl Frame {
    const ROOT: Self = Self {
        is_object: false,
        members: 0,
        keys_start: 0,
    };
}

/// The whole-document pass: an explicit loop over values, never recursion.
/// The innermost container lives in locals (`top`); the enclosing ones are
/// saved in a fixed array.
pub(super) fn run(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut saved = [Frame::ROOT; Limits::MAX_DEPTH];
    let mut depth = 0usize;
    let mut top = Frame::ROOT;
    let mut keys = Keys::new();
    let key = hash_key();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) == Some(&0xef) {
        // A byte-order mark (RFC 8259 §8.1: must not be added).
        return Err(Error::new(ErrorKind::InvalidCharacter, pos));
    }
    'value: loop {
        // Expecting a value; every way here has skipped whitespace.
        match bytes.get(pos) {
            Some(&open @ (b'{' | b'[')) => {
                if depth >= limits.max_depth {
                    return Err(Error::new(ErrorKind::TooDeep, pos));
                }
                if let Some(parent) = depth.checked_sub(1) {
                    *saved
                        .get_mut(parent)
                        .ok_or(Error::new(ErrorKind::TooDeep, pos))? = top;
                }
                top = Frame {
                    is_object: open == b'{',
                    members: 0,
                    // At most MAX_OPEN_KEYS: always fits.
                    keys_start: u32::try_from(keys.open()).unwrap_or(u32::MAX),
                };
                depth += 1;
                pos = skip_ws(bytes, pos + 1);
                let close = if top.is_object { b'}' } else { b']' };
                if bytes.get(pos) != Some(&close) {
                    top.members = 1;
                    if limits.max_members == 0 {
                        return Err(Error::new(ErrorKind::TooManyMembers, pos));
                    }
                    if top.is_object {
                        pos = object_key(
                            bytes,
                            pos,
                            &mut keys,
                            top.keys_start as usize,
                            limits,
                            key,
                        )?;
                    }
                    continue 'value;
                }
                // An empty container: closed below.
            }
            Some(b'"') => pos = string(bytes, pos, limits.max_string_len)?.0,
            Some(b'-' | b'0'..=b'9') => pos = number(bytes, pos, limits.max_number_len)?,
            Some(b't') => pos = literal(bytes, pos, b"true")?,
            Some(b'f') => pos = literal(bytes, pos, b"false")?,
            Some(b'n') => pos = literal(bytes, pos, b"null")?,
            _ => return Err(unexpected(bytes, pos)),
        }
        // After a value (or at an empty container's closing bracket): close
        // containers, or move on to the next member.
        loop {
            pos = skip_ws(bytes, pos);
            if depth == 0 {
                return match bytes.get(pos) {
                    None => Ok(()),
                    Some(_) => Err(Error::new(ErrorKind::TrailingInput, pos)),
                };
            }
            match (bytes.get(pos), top.is_object) {
                (Some(b','), is_object) => {
                    pos = skip_ws(bytes, pos + 1);
                    top.members = top.members.saturating_add(1);
                    if top.members as usize > limits.max_members {
                        return Err(Error::new(ErrorKind::TooManyMembers, pos));
                    }
                    if is_object {
                        pos = object_key(
                            bytes,
                            pos,
                            &mut keys,
                            top.keys_start as usize,
                            limits,
                            key,
                        )?;
                    } else if bytes.get(pos) == Some(&b']') {
                        // A trailing comma.
                        return Err(Error::new(ErrorKind::InvalidSyntax, pos));
                    }
                    continue 'value;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    pos += 1;
                    if top.is_object {
                        keys.close(top.keys_start as usize);
                    }
                    depth -= 1;
                    if let Some(parent) = depth.checked_sub(1) {
                        top = saved.get(parent).copied().unwrap_or(Frame::ROOT);
                    }
                }
                _ => return Err(unexpected(bytes, pos)),
            }
        }
    }
}

/// The error for a byte that cannot come next (or the end).
fn unexpected(bytes: &[u8], pos: usize) -> Error {
    match bytes.get(pos) {
        None => Error::new(ErrorKind::UnexpectedEnd, pos),
        Some(_) => Error::new(ErrorKind::InvalidSyntax, pos),
    }
}

#[inline(always)]
fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// An object key at `pos`, its duplicate check against the keys of the
/// innermost object (from `from` on), and the `:` after it; returns the
/// position of the value (after the colon and any whitespace).
#[inline(always)]
fn object_key(
    bytes: &[u8],
    pos: usize,
    keys: &mut Keys,
    from: usize,
    limits: &Limits,
    key: u64,
) -> Result<usize, Error> {
    if bytes.get(pos) != Some(&b'"') {
        return Err(unexpected(bytes, pos));
    }
    let (end, hash) = key_string(bytes, pos, limits.max_string_len, key)?;
    keys.add(bytes, from, pos, hash)?;
    let colon = skip_ws(bytes, end);
    if bytes.get(colon) != Some(&b':') {
        return Err(unexpected(bytes, colon));
    }
    Ok(skip_ws(bytes, colon + 1))
}

/// A key string at `start`: the position after it and the hash of its
/// decoded bytes. The common case (no escapes, eight readable bytes at a
/// time) hashes while it scans ([`swar::plain_key`]); everything else takes
/// [`string`] and hashes afterwards, with the same result.
#[inline(always)]
pub(super) fn key_string(
    bytes: &[u8],
    start: usize,
    max_len: usize,
    key: u64,
) -> Result<(usize, u32), Error> {
    match swar::plain_key(bytes, start, key) {
        Some((end, hash)) => {
            if end - start - 2 > max_len {
                return Err(Error::new(ErrorKind::TooLong, start + 1 + max_len));
            }
            Ok((end, hash))
        }
        None => key_string_slow(bytes, start, max_len, key),
    }
}

/// [`key_string`] for keys with escapes or near the end of the input.
#[cold]
fn key_string_slow(
    bytes: &[u8],
    start: usize,
    max_len: usize,
    key: u64,
) -> Result<(usize, u32), Error> {
    let (end, escaped) = string(bytes, start, max_len)?;
    let raw = bytes.get(start + 1..end - 1).unwrap_or_default();
    if escaped && let Some(at) = escaped_control(raw) {
        return Err(Error::new(ErrorKind::InvalidCharacter, start + 1 + at));
    }
    let hash = if escaped || !raw.is_ascii() {
        hash_folded(raw, key)
    } else {
        hash_plain(raw, key)
    };
    Ok((end, hash))
}

/// The length of the well-formed UTF-8 sequence starting at `i` (whose
/// first byte is >= 0x80), following Unicode Table 3-7: no overlong forms,
/// no surrogates, nothing above U+10FFFF.
#[inline]
fn utf8_sequence(bytes: &[u8], i: usize) -> Option<usize> {
    let cont = |k: usize| {
        bytes
            .get(i + k)
            .is_some_and(|&b| (0x80..=0xbf).contains(&b))
    };
    let second = |lo: u8, hi: u8| bytes.get(i + 1).is_some_and(|&b| (lo..=hi).contains(&b));
    match *bytes.get(i)? {
        0xc2..=0xdf if cont(1) => Some(2),
        0xe0 if second(0xa0, 0xbf) && cont(2) => Some(3),
        0xe1..=0xec | 0xee..=0xef if cont(1) && cont(2) => Some(3),
        0xed if second(0x80, 0x9f) && cont(2) => Some(3),
        0xf0 if second(0x90, 0xbf) && cont(2) && cont(3) => Some(4),
        0xf1..=0xf3 if cont(1) && cont(2) && cont(3) => Some(4),
        0xf4 if second(0x80, 0x8f) && cont(2) && cont(3) => Some(4),
        _ => None,
    }
}

/// A string starting at the opening quote at `start`; returns the position
/// after the closing quote and whether it had escapes.
#[inline(always)]
fn string(bytes: &[u8], start: usize, max_len: usize) -> Result<(usize, bool), Error> {
    let mut i = start + 1;
    let mut escaped = false;
    loop {
        // Skip plain bytes eight at a time; finish at once on the quote.
        let at_quote;
        (i, at_quote) = swar::skip_plain(bytes, i);
        if at_quote {
            return finish_string(start, i + 1, escaped, max_len);
        }
        match bytes.get(i) {
            Some(b'"') => {
                i += 1;
                break;
            }
            Some(b'\\') => {
                escaped = true;
                i = escape(bytes, i)?;
            }
            Some(0..0x20) => return Err(Error::new(ErrorKind::InvalidCharacter, i)),
            Some(0x80..) => {
                i += utf8_sequence(bytes, i).ok_or(Error::new(ErrorKind::InvalidUtf8, i))?;
            }
            Some(_) => i += 1,
            None => return Err(Error::new(ErrorKind::UnexpectedEnd, i)),
        }
    }
    finish_string(start, i, escaped, max_len)
}

/// The length check for a string from `start` (its opening quote) to `end`
/// (after its closing quote).
#[inline(always)]
const fn finish_string(
    start: usize,
    end: usize,
    escaped: bool,
    max_len: usize,
) -> Result<(usize, bool), Error> {
    if end - start - 2 > max_len {
        return Err(Error::new(ErrorKind::TooLong, start + 1 + max_len));
    }
    Ok((end, escaped))
}

/// One escape sequence at the backslash at `at`; returns the position
/// after it.
fn escape(bytes: &[u8], at: usize) -> Result<usize, Error> {
    match bytes.get(at + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 2),
        Some(b'u') => {
            let invalid = Error::new(ErrorKind::InvalidEscape, at);
            let unit = hex4(bytes.get(at + 2..at + 6)).ok_or(invalid)?;
            match unit {
                0xd800..=0xdbff => {
                    // A high surrogate must be followed by a low one.
                    let low = match bytes.get(at + 6..at + 8) {
                        Some(b"\\u") => hex4(bytes.get(at + 8..at + 12)),
                        _ => None,
                    };
                    match low {
                        Some(0xdc00..=0xdfff) => Ok(at + 12),
                        _ => Err(invalid),
                    }
                }
                0xdc00..=0xdfff => Err(invalid),
                _ => Ok(at + 6),
            }
        }
        None => Err(Error::new(ErrorKind::UnexpectedEnd, at)),
        Some(_) => Err(Error::new(ErrorKind::InvalidEscape, at)),
    }
}

/// A number at `start`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`;
/// returns the position after it.
#[inline(always)]
fn number(bytes: &[u8], start: usize, max_len: usize) -> Result<usize, Error> {
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => {
            i += 1;
            if let Some(b'0'..=b'9') = bytes.get(i) {
                return Err(Error::new(ErrorKind::LeadingZero, i - 1));
            }
        }
        Some(b'1'..=b'9') => i = digits(bytes, i + 1),
        _ => return Err(unexpected(bytes, i)),
    }
    if bytes.get(i) == Some(&b'.') {
        i = required_digits(bytes, i + 1)?;
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = bytes.get(i) {
            i += 1;
        }
        i = required_digits(bytes, i)?;
    }
    if i - start > max_len {
        return Err(Error::new(ErrorKind::TooLong, start + max_len));
    }
    Ok(i)
}

#[inline(always)]
fn digits(bytes: &[u8], mut i: usize) -> usize {
    while let Some(b'0'..=b'9') = bytes.get(i) {
        i += 1;
    }
    i
}

fn required_digits(bytes: &[u8], i: usize) -> Result<usize, Error> {
    match bytes.get(i) {
        Some(b'0'..=b'9') => Ok(digits(bytes, i + 1)),
        _ => Err(unexpected(bytes, i)),
    }
}

/// `true`, `false` or `null` at `pos`; returns the position after it.
fn literal(bytes: &[u8], pos: usize, word: &[u8]) -> Result<usize, Error> {
    if bytes.get(pos..pos + word.len()) == Some(word) {
        return Ok(pos + word.len());
    }
    // Point at the first byte that differs.
    let same = bytes
        .get(pos..)
        .unwrap_or_default()
        .iter()
        .zip(word)
        .take_while(|(a, b)| a == b)
        .count();
    Err(unexpected(bytes, pos + same))
}
