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

    /// The longest document in bytes; larger values act as 4 GiB − 1, the
    /// most the duplicate-key table can address.
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
/// different document. Numbers are checked for syntax and length, not for
/// range: `1e400` passes (a parser into `f64` may still refuse it). Works
/// in one pass with a fixed-size stack (about 9 KiB), allocating nothing.
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
    // The key table stores positions in 32 bits; a larger position would
    // point duplicate detection at the wrong key.
    if input.len() > MAX_BYTES {
        return Err(Error::new(ErrorKind::TooLong, MAX_BYTES));
    }
    // UTF-8 is checked where it can occur, inside strings (`string`);
    // outside them any byte above 0x7F is a syntax error anyway.
    run(input, limits)
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
/// assert_eq!(err.kind(), ErrorKind::SchemeNotAllowed); // the field's own reason
/// assert_eq!(err.to_string(), "scheme not allowed at byte 49");
/// assert_eq!(json::from_slice::<Config>(b"", &json::Limits::default()).unwrap_err().kind(), ErrorKind::Empty);
/// # }
/// # Ok::<(), iot_input::Error>(())
/// ```
///
/// # Errors
///
/// Any error of [`validate`]. When a field's validated type refuses its
/// value (an [`EndpointUrl`](crate::EndpointUrl) with credentials, a
/// [`DeviceName`](crate::DeviceName) with a bidi override), that type's
/// [`ErrorKind`] with the offset in the document where `serde_json` stopped
/// (the value's last byte). Otherwise [`ErrorKind::Deserialize`] with that
/// offset: the document does not fit `T` (the message of `serde_json`,
/// which may quote the input, is dropped).
#[cfg(feature = "json")]
pub fn from_slice<'a, T: serde::Deserialize<'a>>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<T, Error> {
    validate(input, limits)?;
    serde_json::from_slice(input).map_err(|e| {
        let offset = offset_of_line_column(input, e.line(), e.column());
        let kind = if e.is_data() {
            kind_of_validation_error(&e)
        } else {
            ErrorKind::Deserialize
        };
        Error::new(kind, offset)
    })
}

/// The kind of one of our errors inside a `serde_json` data error: our
/// `Deserialize` impls report `"{kind} at byte {n}"`, and `serde_json` adds
/// `" at line {l} column {c}"`. Anything else (serde_json's own messages,
/// which may quote the input) is [`ErrorKind::Deserialize`]; only the kind
/// is kept, never the message.
#[cfg(feature = "json")]
fn kind_of_validation_error(e: &serde_json::Error) -> ErrorKind {
    use alloc::string::ToString;
    let message = e.to_string();
    message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .rsplit_once(" at byte ")
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(description, _)| ErrorKind::from_description(description))
        .unwrap_or(ErrorKind::Deserialize)
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

/// The longest document any [`Limits`] admits: key positions are stored
/// in 32 bits.
const MAX_BYTES: usize = u32::MAX as usize;

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

/// A key seen in an open object: its hash and where its string starts.
#[derive(Clone, Copy, Default)]
struct KeySlot {
    hash: u32,
    at: u32,
}

/// The keys of all open objects, innermost last.
///
/// A small object's keys are searched linearly by hash, the fastest way for
/// the few keys a configuration object has (colliding hashes cost at most
/// [`Keys::LINEAR`] text comparisons per key). From [`Keys::LINEAR`] keys on,
/// an object's keys are kept sorted by hash and then by decoded text and
/// found by binary search: even when an adversary makes every hash collide
/// (the hash is unkeyed), a key costs O(log n) comparisons of key text, not
/// one per earlier key.
struct Keys {
    slots: [KeySlot; Limits::MAX_OPEN_KEYS],
    len: usize,
    /// How many times two keys' text was compared (tests bound the work
    /// that colliding hashes can cause).
    #[cfg(test)]
    compared: core::cell::Cell<usize>,
}

impl Keys {
    /// Objects with fewer keys than this are searched linearly.
    const LINEAR: usize = 16;

    /// Records the key whose string starts at `at` in the object whose keys
    /// start at `from`, or reports it as a duplicate of one already there.
    #[inline(always)]
    fn add(&mut self, bytes: &[u8], from: usize, at: usize, hash: u32) -> Result<(), Error> {
        if self.len.saturating_sub(from) >= Self::LINEAR {
            return self.add_sorted(bytes, from, at, hash);
        }
        let open = self.slots.get(from..self.len).unwrap_or_default();
        if open.iter().any(|slot| slot.hash == hash) && self.is_duplicate(bytes, from, at, hash) {
            return Err(Error::new(ErrorKind::DuplicateKey, at));
        }
        let slot = self
            .slots
            .get_mut(self.len)
            .ok_or(Error::new(ErrorKind::TooManyMembers, at))?;
        *slot = KeySlot {
            hash,
            at: u32::try_from(at).unwrap_or(u32::MAX),
        };
        self.len += 1;
        Ok(())
    }

    /// Equal hashes in a small object: compare the keys themselves.
    #[cold]
    fn is_duplicate(&self, bytes: &[u8], from: usize, at: usize, hash: u32) -> bool {
        self.slots
            .get(from..self.len)
            .unwrap_or_default()
            .iter()
            .filter(|slot| slot.hash == hash)
            .any(|slot| {
                #[cfg(test)]
                self.compared.set(self.compared.get() + 1);
                compare_text(bytes, position(slot.at), at).is_eq()
            })
    }

    /// [`Keys::add`] for an object that already has [`Keys::LINEAR`] keys
    /// or more: they are kept sorted (the first call sorts them) and
    /// searched by binary search.
    #[inline(never)]
    fn add_sorted(&mut self, bytes: &[u8], from: usize, at: usize, hash: u32) -> Result<(), Error> {
        #[cfg(test)]
        let compared = &self.compared;
        let order = |slot: &KeySlot, hash: u32, at: usize| {
            slot.hash.cmp(&hash).then_with(|| {
                #[cfg(test)]
                compared.set(compared.get() + 1);
                compare_text(bytes, position(slot.at), at)
            })
        };
        let open = self.slots.get_mut(from..self.len).unwrap_or_default();
        if open.len() == Self::LINEAR {
            // The object outgrows the linear search: sort its keys once.
            open.sort_unstable_by(|a, b| order(a, b.hash, position(b.at)));
        }
        let index = match open.binary_search_by(|slot| order(slot, hash, at)) {
            Ok(_) => return Err(Error::new(ErrorKind::DuplicateKey, at)),
            Err(i) => from + i,
        };
        // Make room at `index` by rotating the free slot at `len` there.
        let room = self
            .slots
            .get_mut(index..=self.len)
            .ok_or(Error::new(ErrorKind::TooManyMembers, at))?;
        room.rotate_right(1);
        if let Some(slot) = room.first_mut() {
            *slot = KeySlot {
                hash,
                at: u32::try_from(at).unwrap_or(u32::MAX),
            };
        }
        self.len += 1;
        Ok(())
    }
}

/// A key position stored in a [`KeySlot`].
fn position(at: u32) -> usize {
    usize::try_from(at).unwrap_or(usize::MAX)
}

/// The order of the decoded texts of the (validated) key strings starting
/// at `a` and `b`; used only when their hashes are equal.
#[cold]
fn compare_text(bytes: &[u8], a: usize, b: usize) -> core::cmp::Ordering {
    let (a, a_escaped) = string_body(bytes, a);
    let (b, b_escaped) = string_body(bytes, b);
    if a_escaped || b_escaped {
        Decoded::new(a).cmp(Decoded::new(b))
    } else {
        // Without escapes the text is its decoded bytes: compare at once.
        a.cmp(b)
    }
}

/// The whole-document pass: an explicit loop over values, never recursion.
/// The innermost container lives in locals (`top`); the enclosing ones are
/// saved in a fixed array.
fn run(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut saved = [Frame::ROOT; Limits::MAX_DEPTH];
    let mut depth = 0usize;
    let mut top = Frame::ROOT;
    let mut keys = Keys {
        slots: [KeySlot::default(); Limits::MAX_OPEN_KEYS],
        len: 0,
        #[cfg(test)]
        compared: core::cell::Cell::new(0),
    };
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
                    keys_start: u32::try_from(keys.len).unwrap_or(u32::MAX),
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
                        pos = key(bytes, pos, &mut keys, top.keys_start as usize, limits)?;
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
                        pos = key(bytes, pos, &mut keys, top.keys_start as usize, limits)?;
                    } else if bytes.get(pos) == Some(&b']') {
                        // A trailing comma.
                        return Err(Error::new(ErrorKind::InvalidSyntax, pos));
                    }
                    continue 'value;
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    pos += 1;
                    if top.is_object {
                        keys.len = top.keys_start as usize;
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
fn key(
    bytes: &[u8],
    pos: usize,
    keys: &mut Keys,
    from: usize,
    limits: &Limits,
) -> Result<usize, Error> {
    if bytes.get(pos) != Some(&b'"') {
        return Err(unexpected(bytes, pos));
    }
    let (end, hash) = key_string(bytes, pos, limits.max_string_len)?;
    keys.add(bytes, from, pos, hash)?;
    let colon = skip_ws(bytes, end);
    if bytes.get(colon) != Some(&b':') {
        return Err(unexpected(bytes, colon));
    }
    Ok(skip_ws(bytes, colon + 1))
}

/// A key string at `start`: the position after it and the hash of its
/// decoded bytes. The common case (no escapes, eight readable bytes at a
/// time) hashes while it scans; everything else takes [`string`] and hashes
/// afterwards, with the same result.
#[inline(always)]
fn key_string(bytes: &[u8], start: usize, max_len: usize) -> Result<(usize, u32), Error> {
    let mut i = start + 1;
    let mut hash = 0u64;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(word);
        let (mask, at_quote) = special_and_quote(word);
        if mask == 0 {
            hash = mix(hash, word);
            i += 8;
            continue;
        }
        if !at_quote {
            break;
        }
        let k = (mask.trailing_zeros() / 8) as usize;
        // The bytes before the quote, zero-padded like `hash_plain` does.
        let before = (mask & mask.wrapping_neg()) >> 7;
        let kept = before.wrapping_sub(1);
        if kept != 0 {
            hash = mix(hash, word & kept);
        }
        let end = i + k + 1;
        let len = end - start - 2;
        if len > max_len {
            return Err(Error::new(ErrorKind::TooLong, start + 1 + max_len));
        }
        return Ok((end, finish(hash, len as u64)));
    }
    key_string_slow(bytes, start, max_len)
}

/// [`key_string`] for keys with escapes or near the end of the input.
#[cold]
fn key_string_slow(bytes: &[u8], start: usize, max_len: usize) -> Result<(usize, u32), Error> {
    let (end, escaped) = string(bytes, start, max_len)?;
    let raw = bytes.get(start + 1..end - 1).unwrap_or_default();
    let hash = if escaped {
        let mut h = KeyHasher::new();
        Decoded::new(raw).for_each(|b| h.push(b));
        h.finish()
    } else {
        hash_plain(raw)
    };
    Ok((end, hash))
}

/// The text between the quotes of an already validated string that starts
/// at `start`, and whether it has escapes.
fn string_body(bytes: &[u8], start: usize) -> (&[u8], bool) {
    let body = bytes.get(start + 1..).unwrap_or_default();
    let mut i = 0usize;
    let mut escaped = false;
    while let Some(&b) = body.get(i) {
        match b {
            b'"' => break,
            b'\\' => {
                escaped = true;
                i += 2;
            }
            _ => i += 1,
        }
    }
    (body.get(..i).unwrap_or_default(), escaped)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The mask of bytes in `v` that end a run of plain ASCII string bytes:
/// `"`, `\`, a control character (< 0x20) or a non-ASCII byte (>= 0x80, the
/// start of a UTF-8 sequence to check). The lowest set bit is exact.
/// Also says whether the first special byte is the closing quote (the
/// common case, told apart without reading the byte again).
#[inline(always)]
const fn special_and_quote(v: u64) -> (u64, bool) {
    let quote = v ^ (ONES * 0x22);
    let backslash = v ^ (ONES * 0x5c);
    let zero_quote = quote.wrapping_sub(ONES) & !quote & HIGHS;
    let zero_backslash = backslash.wrapping_sub(ONES) & !backslash;
    let control = v.wrapping_sub(ONES * 0x20) & !v;
    let special = (zero_quote | zero_backslash | control | v) & HIGHS;
    // The lowest set bit of `special` is exact, and so is the lowest of
    // `zero_quote`: the first special byte is a quote iff they coincide.
    let first = special & special.wrapping_neg();
    (special, first & zero_quote != 0)
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
        while let Some(chunk) = bytes.get(i..i + 8) {
            let Ok(word) = <[u8; 8]>::try_from(chunk) else {
                break;
            };
            let (mask, at_quote) = special_and_quote(u64::from_le_bytes(word));
            if mask != 0 {
                i += (mask.trailing_zeros() / 8) as usize;
                if at_quote {
                    return finish_string(start, i + 1, escaped, max_len);
                }
                break;
            }
            i += 8;
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

/// A fast, unkeyed hash of a key's decoded bytes, eight bytes at a time.
/// Collisions only cost comparisons of key text, O(log n) per key (see
/// [`Keys`]), so an adversary who forces them gains little.
struct KeyHasher {
    hash: u64,
    word: [u8; 8],
    fill: usize,
    len: u64,
}

/// Folds one little-endian word of key bytes into the hash. A rotation and
/// an xor: enough to tell realistic keys apart, and cheap. An adversary can
/// make keys collide with any unkeyed hash; that only costs a few
/// comparisons of key text per key (see [`Keys`]).
#[inline(always)]
const fn mix(hash: u64, word: u64) -> u64 {
    hash.rotate_left(7) ^ word
}

/// The 32-bit table entry for a key of `len` decoded bytes.
#[inline(always)]
const fn finish(hash: u64, len: u64) -> u32 {
    let h = hash ^ len.rotate_right(8);
    (h ^ (h >> 32)) as u32
}

impl KeyHasher {
    const fn new() -> Self {
        Self {
            hash: 0,
            word: [0; 8],
            fill: 0,
            len: 0,
        }
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.word.get_mut(self.fill) {
            *slot = b;
        }
        self.fill += 1;
        self.len += 1;
        if self.fill == 8 {
            self.hash = mix(self.hash, u64::from_le_bytes(self.word));
            self.word = [0; 8];
            self.fill = 0;
        }
    }

    fn finish(self) -> u32 {
        let mut hash = self.hash;
        if self.fill > 0 {
            hash = mix(hash, u64::from_le_bytes(self.word));
        }
        finish(hash, self.len)
    }
}

/// [`KeyHasher`] over bytes that need no unescaping, a word at a time.
#[inline]
fn hash_plain(raw: &[u8]) -> u32 {
    let mut chunks = raw.chunks_exact(8);
    let mut hash = 0u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Little-endian, zero-padded, like `KeyHasher`; shifts rather than
        // a variable-length copy, which would be a `memcpy` call.
        let word = rest
            .iter()
            .enumerate()
            .fold(0u64, |w, (k, &b)| w | (u64::from(b) << (8 * k)));
        hash = mix(hash, word);
    }
    finish(hash, raw.len() as u64)
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

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::String;

    use super::*;

    /// Eight-byte keys of the form `XYZxXYZx`: the two halves of the word
    /// cancel when the hash is folded to 32 bits, so all of them collide.
    fn colliding_keys(n: usize) -> impl Iterator<Item = String> {
        (0..n).map(|i| {
            let half: String = [i / 676, (i / 26) % 26, i % 26]
                .iter()
                .map(|&d| char::from(b'a' + d as u8))
                .chain(['x'])
                .collect();
            format!("{half}{half}")
        })
    }

    #[test]
    fn colliding_keys_collide_and_stay_distinct() {
        let keys: std::vec::Vec<String> = colliding_keys(3).collect();
        let hashes: std::vec::Vec<u32> = keys.iter().map(|k| hash_plain(k.as_bytes())).collect();
        assert!(hashes.iter().all(|&h| h == hashes[0]), "{keys:?}");
        let doc = format!(r#"{{"{}":1,"{}":2}}"#, keys[0], keys[1]);
        assert_eq!(validate(doc.as_bytes(), &Limits::default()), Ok(()));
        let doc = format!(r#"{{"{0}":1,"{1}":2,"{0}":3}}"#, keys[0], keys[1]);
        assert_eq!(
            validate(doc.as_bytes(), &Limits::default()).map_err(|e| e.kind()),
            Err(ErrorKind::DuplicateKey)
        );
    }

    #[test]
    fn duplicates_are_found_on_both_sides_of_the_linear_bound() {
        // Around Keys::LINEAR, where an object's keys get sorted: with plain
        // and with colliding keys, every repeat of every earlier key.
        let colliding: std::vec::Vec<String> = colliding_keys(40).collect();
        let plain = |i: usize| format!("k{i}");
        let collide = |i: usize| colliding[i].clone();
        let spellings: [&dyn Fn(usize) -> String; 2] = [&plain, &collide];
        for n in [Keys::LINEAR - 1, Keys::LINEAR, Keys::LINEAR + 1, 40] {
            for key in spellings {
                let members: std::vec::Vec<String> =
                    (0..n).map(|i| format!(r#""{}":{i}"#, key(i))).collect();
                let doc = format!("{{{}}}", members.join(","));
                assert_eq!(
                    validate(doc.as_bytes(), &Limits::default()),
                    Ok(()),
                    "{doc}"
                );
                for repeat in 0..n {
                    let doc = format!(r#"{{{},"{}":0}}"#, members.join(","), key(repeat));
                    let err = validate(doc.as_bytes(), &Limits::default()).unwrap_err();
                    // At the repeat's opening quote: `"KEY":0}` ends the doc.
                    assert_eq!(
                        (err.kind(), err.offset()),
                        (ErrorKind::DuplicateKey, doc.len() - key(repeat).len() - 5),
                        "{doc}"
                    );
                }
            }
        }
    }

    #[test]
    fn colliding_hashes_cost_a_logarithmic_number_of_comparisons() {
        // An adversary can make every key of an object collide (the hash is
        // unkeyed). Finding each key must still take O(log n) comparisons of
        // key text, not one per earlier key: 1,000 keys, about 10 each.
        let n = 1000;
        let mut doc = String::new();
        let mut starts = std::vec::Vec::new();
        for key in colliding_keys(n) {
            starts.push(doc.len());
            doc.push_str(&format!(r#""{key}","#));
        }
        let bytes = doc.as_bytes();
        let mut keys = Keys {
            slots: [KeySlot::default(); Limits::MAX_OPEN_KEYS],
            len: 0,
            compared: core::cell::Cell::new(0),
        };
        for &at in &starts {
            let hash = key_string(bytes, at, 4096).unwrap().1;
            keys.add(bytes, 0, at, hash).unwrap();
        }
        assert_eq!(keys.len, n);
        assert!(
            keys.compared.get() <= n * 11,
            "{} comparisons",
            keys.compared.get()
        );
        // And the next repeat is still found.
        let at = starts[n / 2];
        let hash = key_string(bytes, at, 4096).unwrap().1;
        assert_eq!(
            keys.add(bytes, 0, at, hash).map_err(|e| e.kind()),
            Err(ErrorKind::DuplicateKey)
        );
    }
}
