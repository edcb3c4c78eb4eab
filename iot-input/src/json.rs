//! Strict, bounded JSON validation (RFC 8259) without recursion.
//!
//! [`validate`] checks a document against RFC 8259 and [`Limits`] in one
//! pass with an explicit, fixed-size stack, so no input can exhaust the call
//! stack and nothing is allocated. With feature `json`, [`from_slice`]
//! validates first and only then hands the bytes to `serde_json`.

use crate::{Error, ErrorKind};

/// Bounds for [`validate`]. Every field has a secure default; the
/// builder methods change one bound each.
///
/// ```
/// use iot_input::json::{validate, Limits};
///
/// let tight = Limits::new().max_depth(2).max_string_len(16);
/// assert!(validate(br#"{"a": [1, 2]}"#, &tight).is_ok());
/// assert!(validate(br#"{"a": [[1]]}"#, &tight).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_bytes: usize,
    max_depth: usize,
    max_string_len: usize,
    max_members: usize,
    max_number_len: usize,
}

impl Limits {
    /// The hard cap on [`Limits::max_depth`]: the size of the fixed stack.
    pub const MAX_DEPTH: usize = 100;
    /// How many object keys can be open at once along the nesting path (the
    /// keys of every object that has not been closed yet). Duplicate-key
    /// detection keeps a small hash of each; a document that needs more is
    /// rejected with [`ErrorKind::TooManyMembers`] whatever
    /// [`Limits::max_members`] says.
    pub const MAX_OPEN_KEYS: usize = 1024;

    /// The defaults: 64 KiB, depth 32, strings of 4096 bytes, 1024 members
    /// per object or array, numbers of 64 characters.
    pub const fn new() -> Self {
        Self {
            max_bytes: 64 * 1024,
            max_depth: 32,
            max_string_len: 4096,
            max_members: 1024,
            max_number_len: 64,
        }
    }

    /// The longest document in bytes.
    #[must_use]
    pub const fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// The deepest nesting of objects and arrays (a scalar document has
    /// depth 0, `[1]` depth 1), at most [`Limits::MAX_DEPTH`].
    #[must_use]
    pub const fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = if n > Self::MAX_DEPTH {
            Self::MAX_DEPTH
        } else {
            n
        };
        self
    }

    /// The longest string (object keys included), counted in bytes of the
    /// JSON text between the quotes.
    #[must_use]
    pub const fn max_string_len(mut self, n: usize) -> Self {
        self.max_string_len = n;
        self
    }

    /// The most members of one object or elements of one array.
    #[must_use]
    pub const fn max_members(mut self, n: usize) -> Self {
        self.max_members = n;
        self
    }

    /// The longest number in characters.
    #[must_use]
    pub const fn max_number_len(mut self, n: usize) -> Self {
        self.max_number_len = n;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

/// Checks that `input` is one JSON value (RFC 8259) within `limits`.
///
/// Strict: no comments, trailing commas, leading zeros, `NaN`/`Infinity`,
/// single quotes, unescaped control characters, invalid escapes or lone
/// surrogate escapes; the input must be valid UTF-8 and must not start with
/// a byte-order mark. Rejects the same key twice in one object (compared
/// after unescaping, so `"a"` and `"\u0061"` are the same key): when two
/// parsers resolve duplicates differently, an attacker can show each a
/// different document. Works in one pass with a fixed-size stack (about
/// 9 KiB), allocating nothing.
///
/// ```
/// use iot_input::{json::{validate, Limits}, ErrorKind};
///
/// let limits = Limits::default();
/// validate(br#"{"ssid": "home", "channels": [1, 6, 11]}"#, &limits)?;
///
/// assert_eq!(validate(b"", &limits).unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(validate(br#"{"a": 1,}"#, &limits).unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// assert_eq!(validate(br#"{"a": 1, "\u0061": 2}"#, &limits).unwrap_err().kind(), ErrorKind::DuplicateKey);
/// assert_eq!(validate(b"[01]", &limits).unwrap_err().kind(), ErrorKind::LeadingZero);
/// # Ok::<(), iot_input::Error>(())
/// ```
///
/// # Errors
///
/// The first problem found, with its byte offset: [`ErrorKind::Empty`],
/// [`ErrorKind::TooLong`], [`ErrorKind::InvalidUtf8`],
/// [`ErrorKind::InvalidSyntax`], [`ErrorKind::InvalidCharacter`],
/// [`ErrorKind::UnexpectedEnd`], [`ErrorKind::TrailingInput`],
/// [`ErrorKind::LeadingZero`], [`ErrorKind::InvalidEscape`],
/// [`ErrorKind::TooDeep`], [`ErrorKind::TooManyMembers`] or
/// [`ErrorKind::DuplicateKey`].
pub fn validate(input: &[u8], limits: &Limits) -> Result<(), Error> {
    if input.is_empty() {
        return Err(Error::new(ErrorKind::Empty, 0));
    }
    if input.len() > limits.max_bytes {
        return Err(Error::new(ErrorKind::TooLong, limits.max_bytes));
    }
    if let Err(e) = core::str::from_utf8(input) {
        return Err(Error::new(ErrorKind::InvalidUtf8, e.valid_up_to()));
    }
    Validator::new(input, limits).run()
}

/// `validate`, then `serde_json::from_slice`: the document `T` sees has
/// passed every check of [`validate`].
///
/// ```
/// # #[cfg(feature = "json")] {
/// use iot_input::{json, mqtt::TopicName, EndpointUrl, ErrorKind, Ssid};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Config {
///     ssid: Ssid,
///     broker: EndpointUrl,
///     topic: TopicName,
/// }
///
/// let doc = br#"{"ssid": "home", "broker": "mqtts://broker.example:8883", "topic": "devices/42"}"#;
/// let config: Config = json::from_slice(doc, &json::Limits::default())?;
/// assert_eq!(config.broker.port(), Some(8883));
///
/// let plain = br#"{"ssid": "home", "broker": "mqtt://broker.example", "topic": "devices/42"}"#;
/// let err = json::from_slice::<Config>(plain, &json::Limits::default()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Deserialize);
/// assert_eq!(json::from_slice::<Config>(b"", &json::Limits::default()).unwrap_err().kind(), ErrorKind::Empty);
/// # }
/// # Ok::<(), iot_input::Error>(())
/// ```
///
/// # Errors
///
/// Any error of [`validate`], or [`ErrorKind::Deserialize`] with the offset
/// `serde_json` reports when the document does not fit `T` (the message of
/// `serde_json`, which may quote the input, is dropped).
#[cfg(feature = "json")]
pub fn from_slice<'a, T: serde::Deserialize<'a>>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<T, Error> {
    validate(input, limits)?;
    serde_json::from_slice(input).map_err(|e| {
        Error::new(
            ErrorKind::Deserialize,
            offset_of_line_column(input, e.line(), e.column()),
        )
    })
}

/// The byte offset of a 1-based line and byte column.
#[cfg(feature = "json")]
fn offset_of_line_column(input: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        input
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(input.len(), |(i, _)| i + 1)
    };
    line_start
        .saturating_add(column.saturating_sub(1))
        .min(input.len())
}

/// One open object or array.
#[derive(Clone, Copy)]
struct Frame {
    is_object: bool,
    members: u32,
    /// Where this object's keys start in the key table.
    keys_start: u16,
}

/// A key seen in an open object: its hash and where its text starts.
#[derive(Clone, Copy, Default)]
struct KeySlot {
    hash: u32,
    at: u32,
}

struct Validator<'a> {
    bytes: &'a [u8],
    pos: usize,
    limits: Limits,
    frames: [Frame; Limits::MAX_DEPTH],
    depth: usize,
    keys: [KeySlot; Limits::MAX_OPEN_KEYS],
    keys_len: usize,
}

/// `Err` at an offset, for brevity.
const fn err(kind: ErrorKind, at: usize) -> Result<(), Error> {
    Err(Error::new(kind, at))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The mask of bytes in `v` that end a run of plain string bytes: `"`, `\`
/// or a control character (< 0x20). The lowest set bit is exact.
#[inline(always)]
const fn special_bytes(v: u64) -> u64 {
    let quote = v ^ (ONES * 0x22);
    let backslash = v ^ (ONES * 0x5c);
    let zero_quote = quote.wrapping_sub(ONES) & !quote;
    let zero_backslash = backslash.wrapping_sub(ONES) & !backslash;
    let control = v.wrapping_sub(ONES * 0x20) & !v;
    (zero_quote | zero_backslash | control) & HIGHS
}

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

impl<'a> Validator<'a> {
    fn new(bytes: &'a [u8], limits: &Limits) -> Self {
        Self {
            bytes,
            pos: 0,
            limits: *limits,
            frames: [Frame {
                is_object: false,
                members: 0,
                keys_start: 0,
            }; Limits::MAX_DEPTH],
            depth: 0,
            keys: [KeySlot::default(); Limits::MAX_OPEN_KEYS],
            keys_len: 0,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// The error for a byte that cannot come next.
    fn unexpected(&self) -> Result<(), Error> {
        match self.peek() {
            None => err(ErrorKind::UnexpectedEnd, self.pos),
            Some(_) => err(ErrorKind::InvalidSyntax, self.pos),
        }
    }

    fn run(mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.peek() == Some(0xef) {
            // A byte-order mark (RFC 8259 §8.1: must not be added).
            return err(ErrorKind::InvalidCharacter, self.pos);
        }
        'value: loop {
            // Expecting a value.
            self.skip_ws();
            match self.peek() {
                Some(b'{') => {
                    self.open(true)?;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        self.close();
                    } else {
                        self.member()?;
                        self.key()?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.open(false)?;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        self.close();
                    } else {
                        self.member()?;
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return self.unexpected(),
            }
            // After a value: close containers or move to the next member.
            loop {
                self.skip_ws();
                let Some(frame) = self.depth.checked_sub(1).and_then(|d| self.frames.get(d)) else {
                    return match self.peek() {
                        None => Ok(()),
                        Some(_) => err(ErrorKind::TrailingInput, self.pos),
                    };
                };
                let is_object = frame.is_object;
                match (self.peek(), is_object) {
                    (Some(b','), _) => {
                        self.pos += 1;
                        self.member()?;
                        if is_object {
                            self.skip_ws();
                            self.key()?;
                        } else {
                            self.skip_ws();
                            if self.peek() == Some(b']') {
                                // A trailing comma.
                                return err(ErrorKind::InvalidSyntax, self.pos);
                            }
                        }
                        continue 'value;
                    }
                    (Some(b'}'), true) | (Some(b']'), false) => {
                        self.pos += 1;
                        self.close();
                    }
                    _ => return self.unexpected(),
                }
            }
        }
    }

    /// Opens an object or array at `self.pos`.
    fn open(&mut self, is_object: bool) -> Result<(), Error> {
        if self.depth >= self.limits.max_depth {
            return err(ErrorKind::TooDeep, self.pos);
        }
        let frame = self
            .frames
            .get_mut(self.depth)
            .ok_or(Error::new(ErrorKind::TooDeep, self.pos))?;
        *frame = Frame {
            is_object,
            members: 0,
            keys_start: u16::try_from(self.keys_len).unwrap_or(u16::MAX),
        };
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Closes the innermost container and forgets its keys.
    fn close(&mut self) {
        if let Some(frame) = self.depth.checked_sub(1).and_then(|d| self.frames.get(d))
            && frame.is_object
        {
            self.keys_len = usize::from(frame.keys_start);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts one more member of the innermost container.
    fn member(&mut self) -> Result<(), Error> {
        let pos = self.pos;
        let max = self.limits.max_members;
        if let Some(frame) = self
            .depth
            .checked_sub(1)
            .and_then(|d| self.frames.get_mut(d))
        {
            frame.members = frame.members.saturating_add(1);
            if usize::try_from(frame.members).unwrap_or(usize::MAX) > max {
                return err(ErrorKind::TooManyMembers, pos);
            }
        }
        Ok(())
    }

    /// An object key, its duplicate check, and the `:` after it.
    fn key(&mut self) -> Result<(), Error> {
        if self.peek() != Some(b'"') {
            return self.unexpected();
        }
        let start = self.pos;
        let escaped = self.string()?;
        // The text between the quotes.
        let raw = self.bytes.get(start + 1..self.pos - 1).unwrap_or_default();
        let hash = if escaped {
            Decoded::new(raw).fold(FNV_OFFSET, |h, b| {
                (h ^ u32::from(b)).wrapping_mul(FNV_PRIME)
            })
        } else {
            raw.iter().fold(FNV_OFFSET, |h, &b| {
                (h ^ u32::from(b)).wrapping_mul(FNV_PRIME)
            })
        };
        let keys_start = self
            .depth
            .checked_sub(1)
            .and_then(|d| self.frames.get(d))
            .map_or(0, |f| usize::from(f.keys_start));
        let open = self.keys.get(keys_start..self.keys_len).unwrap_or_default();
        for slot in open {
            if slot.hash == hash {
                let other_start = usize::try_from(slot.at).unwrap_or(usize::MAX);
                let other = self.string_body(other_start);
                if Decoded::new(other).eq(Decoded::new(raw)) {
                    return err(ErrorKind::DuplicateKey, start);
                }
            }
        }
        let slot = self
            .keys
            .get_mut(self.keys_len)
            .ok_or(Error::new(ErrorKind::TooManyMembers, start))?;
        *slot = KeySlot {
            hash,
            at: u32::try_from(start).unwrap_or(u32::MAX),
        };
        self.keys_len += 1;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return self.unexpected();
        }
        self.pos += 1;
        Ok(())
    }

    /// The text between the quotes of an already validated string that
    /// starts at `start`.
    fn string_body(&self, start: usize) -> &'a [u8] {
        let body = self.bytes.get(start + 1..).unwrap_or_default();
        let mut i = 0usize;
        while let Some(&b) = body.get(i) {
            match b {
                b'"' => break,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        body.get(..i).unwrap_or_default()
    }

    /// A string starting at the opening quote; returns whether it had
    /// escapes.
    #[inline]
    fn string(&mut self) -> Result<bool, Error> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            // Skip plain bytes eight at a time.
            while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let mask = special_bytes(u64::from_le_bytes(word));
                if mask == 0 {
                    self.pos += 8;
                } else {
                    self.pos += (mask.trailing_zeros() / 8) as usize;
                    break;
                }
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    escaped = true;
                    self.escape()?;
                }
                Some(0..0x20) => return Err(Error::new(ErrorKind::InvalidCharacter, self.pos)),
                Some(_) => self.pos += 1,
                None => return Err(Error::new(ErrorKind::UnexpectedEnd, self.pos)),
            }
        }
        if self.pos - start - 2 > self.limits.max_string_len {
            return Err(Error::new(
                ErrorKind::TooLong,
                start + 1 + self.limits.max_string_len,
            ));
        }
        Ok(escaped)
    }

    /// One escape sequence at the backslash.
    fn escape(&mut self) -> Result<(), Error> {
        let at = self.pos;
        match self.bytes.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let unit = hex4(self.bytes.get(at + 2..at + 6))
                    .ok_or(Error::new(ErrorKind::InvalidEscape, at))?;
                self.pos += 6;
                match unit {
                    0xd800..=0xdbff => {
                        // A high surrogate must be followed by a low one.
                        let low = match self.bytes.get(at + 6..at + 8) {
                            Some(b"\\u") => hex4(self.bytes.get(at + 8..at + 12)),
                            _ => None,
                        };
                        match low {
                            Some(0xdc00..=0xdfff) => {
                                self.pos += 6;
                                Ok(())
                            }
                            _ => err(ErrorKind::InvalidEscape, at),
                        }
                    }
                    0xdc00..=0xdfff => err(ErrorKind::InvalidEscape, at),
                    _ => Ok(()),
                }
            }
            None => err(ErrorKind::UnexpectedEnd, at),
            Some(_) => err(ErrorKind::InvalidEscape, at),
        }
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return err(ErrorKind::LeadingZero, self.pos - 1);
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return self.unexpected(),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        if self.pos - start > self.limits.max_number_len {
            return err(ErrorKind::TooLong, start + self.limits.max_number_len);
        }
        Ok(())
    }

    #[inline(always)]
    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            _ => self.unexpected(),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Error> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            // Point at the first byte that differs.
            let same = self
                .bytes
                .get(self.pos..)
                .unwrap_or_default()
                .iter()
                .zip(word)
                .take_while(|(a, b)| a == b)
                .count();
            self.pos += same;
            self.unexpected()
        }
    }
}

/// Four hex digits as a number.
fn hex4(digits: Option<&[u8]>) -> Option<u32> {
    digits?.iter().try_fold(0u32, |acc, &d| {
        let v = char::from(d).to_digit(16)?;
        Some((acc << 4) | v)
    })
}

/// The UTF-8 bytes a validated JSON string body stands for, escapes
/// resolved; used to hash and compare keys.
struct Decoded<'a> {
    raw: &'a [u8],
    pending: [u8; 4],
    pending_len: u8,
    pending_at: u8,
}

impl<'a> Decoded<'a> {
    const fn new(raw: &'a [u8]) -> Self {
        Self {
            raw,
            pending: [0; 4],
            pending_len: 0,
            pending_at: 0,
        }
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.pending_at < self.pending_len {
            let b = self.pending.get(usize::from(self.pending_at)).copied();
            self.pending_at += 1;
            return b;
        }
        let (&first, rest) = self.raw.split_first()?;
        if first != b'\\' {
            self.raw = rest;
            return Some(first);
        }
        let (&kind, rest) = rest.split_first()?;
        self.raw = rest;
        let simple = match kind {
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            other => Some(other),
        };
        if let Some(b) = simple {
            return Some(b);
        }
        let unit = hex4(self.raw.get(..4))?;
        self.raw = self.raw.get(4..).unwrap_or_default();
        let cp = if (0xd800..0xdc00).contains(&unit) {
            let low = hex4(self.raw.get(2..6))?;
            self.raw = self.raw.get(6..).unwrap_or_default();
            0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
        } else {
            unit
        };
        let c = char::from_u32(cp)?;
        let len = c.encode_utf8(&mut self.pending).len();
        self.pending_len = u8::try_from(len).ok()?;
        self.pending_at = 1;
        self.pending.first().copied()
    }
}
