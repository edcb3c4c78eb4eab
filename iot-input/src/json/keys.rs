//! The duplicate-key index: the keys of every open object, with a small
//! hash of each, and the key-text comparison that settles equal hashes.
//! Keys are compared after unescaping and case folding ([`fold`]), so
//! `"a"`, `"\u0061"` and `"A"` are the same key, and so are `"ſ"` and
//! `"s"`.

use crate::json::Limits;
use crate::{Error, ErrorKind};

/// A key seen in an open object: its hash and where its string starts.
#[derive(Clone, Copy)]
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
pub(super) struct Keys {
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

    /// An empty table.
    pub(super) const fn new() -> Self {
        Self {
            slots: [KeySlot { hash: 0, at: 0 }; Limits::MAX_OPEN_KEYS],
            len: 0,
            #[cfg(test)]
            compared: core::cell::Cell::new(0),
        }
    }

    /// How many keys are open: where the keys of an object opened now
    /// start.
    #[inline(always)]
    pub(super) const fn open(&self) -> usize {
        self.len
    }

    /// Forgets the keys of the object whose keys start at `from` (it was
    /// closed).
    #[inline(always)]
    pub(super) const fn close(&mut self, from: usize) {
        self.len = from;
    }

    /// Records the key whose string starts at `at` in the object whose keys
    /// start at `from`, or reports it as a duplicate of one already there.
    #[inline(always)]
    pub(super) fn add(
        &mut self,
        bytes: &[u8],
        from: usize,
        at: usize,
        hash: u32,
    ) -> Result<(), Error> {
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
    if a_escaped || b_escaped || !a.is_ascii() || !b.is_ascii() {
        Folded::new(a).cmp(Folded::new(b))
    } else {
        // Plain ASCII: the text is its bytes, folded to lower case.
        let lower = |k: &u8| k.to_ascii_lowercase();
        a.iter().map(lower).cmp(b.iter().map(lower))
    }
}

/// The case fold under which two keys are the same key (F1): ASCII
/// letters to lower case, and beyond ASCII, Unicode simple case folding as
/// Go's `bytes.EqualFold` applies it, computed from the simple case
/// mappings of `core` (`char::UNICODE_VERSION`, Unicode 16.0.0 with the
/// workspace's Rust): a character whose upper case is one character folds
/// to that character's lower case when that is one character too (`ſ`,
/// `s` and `S` all fold to `s`; `K` (Kelvin) to `k`; `ς` to `σ`). Dotless
/// `ı` (U+0131) has no simple folding and stays itself, and characters
/// whose case mappings are several characters (`ß`, `İ`, `ŉ`) fold only to
/// themselves.
#[inline]
pub(super) fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{131}' {
        return c;
    }
    let mut upper = c.to_uppercase();
    let (Some(u), None) = (upper.next(), upper.next()) else {
        return c;
    };
    let mut lower = u.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The folded characters of a validated JSON string body, escapes
/// resolved.
pub(super) struct Folded<'a> {
    bytes: Decoded<'a>,
}

impl<'a> Folded<'a> {
    pub(super) const fn new(raw: &'a [u8]) -> Self {
        Self {
            bytes: Decoded::new(raw),
        }
    }
}

impl Iterator for Folded<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let first = self.bytes.next()?;
        let len = match first {
            0..0x80 => return Some(fold(char::from(first))),
            0xc0..0xe0 => 2,
            0xe0..0xf0 => 3,
            _ => 4,
        };
        let mut buf = [first, 0, 0, 0];
        for slot in buf.iter_mut().take(len).skip(1) {
            *slot = self.bytes.next()?;
        }
        let text = core::str::from_utf8(buf.get(..len)?).ok()?;
        text.chars().next().map(fold)
    }
}

/// The hash of a key whose text has escapes or non-ASCII characters: the
/// same as [`hash_plain`] gives the folded text.
pub(super) fn hash_folded(raw: &[u8], key: u64) -> u32 {
    let mut h = KeyHasher::new(key);
    let mut utf8 = [0u8; 4];
    for c in Folded::new(raw) {
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            h.push(b);
        }
    }
    h.finish()
}

/// Where the first escape in a validated key body stands for a C0 control
/// character (U+0000 to U+001F), if one does: such keys are refused (F1).
/// Unescaped controls are invalid JSON already.
pub(super) fn escaped_control(raw: &[u8]) -> Option<usize> {
    let mut i = 0usize;
    while let Some(&b) = raw.get(i) {
        if b != b'\\' {
            i += 1;
            continue;
        }
        match raw.get(i + 1) {
            Some(b'b' | b'f' | b'n' | b'r' | b't') => return Some(i),
            Some(b'u') => {
                if hex4(raw.get(i + 2..i + 6)).is_some_and(|unit| unit < 0x20) {
                    return Some(i);
                }
                i += 6;
            }
            _ => i += 2,
        }
    }
    None
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

/// The key of the key hash (F7): random per process with feature `std`
/// (drawn once from the operating system through `RandomState`), so a
/// remote sender cannot build keys that collide; fixed without `std`,
/// where anyone who reads this source can (the cost is then bounded as
/// [`Keys`] says; the crate README gives the measured worst case). Always
/// odd, so multiplying by it is a bijection.
#[cfg(feature = "std")]
pub(super) fn hash_key() -> u64 {
    use std::hash::BuildHasher;
    static KEY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *KEY.get_or_init(|| std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1)
}

/// See the `std` version: without an operating system to draw from, the
/// key is fixed.
#[cfg(not(feature = "std"))]
pub(super) const fn hash_key() -> u64 {
    FIXED_KEY
}

/// The key without `std` (the first 64 bits of the fractional part of
/// the golden ratio, odd).
#[cfg_attr(feature = "std", allow(dead_code))]
pub(super) const FIXED_KEY: u64 = 0x9e37_79b9_7f4a_7c15;

/// A fast keyed hash of a key's folded, decoded bytes, eight bytes at a
/// time. Collisions only cost comparisons of key text, O(log n) per key
/// (see [`Keys`]).
pub(super) struct KeyHasher {
    hash: u64,
    word: [u8; 8],
    fill: usize,
    len: u64,
    key: u64,
}

/// Bits set in every byte before hashing: ASCII letters of either case
/// hash alike (so do a few punctuation pairs such as `@` and `` ` ``, which
/// only costs a comparison of key text).
const FOLD: u64 = 0x2020_2020_2020_2020;

/// Folds one little-endian word of key bytes into the hash: an xor, a
/// multiplication by the odd secret `key` and an xor-shift (which carries
/// the high bits of the product down, so no difference in a word cancels
/// the same way whatever the key). One multiplication per eight bytes.
#[inline(always)]
pub(super) const fn mix(hash: u64, word: u64, key: u64) -> u64 {
    let h = (hash ^ (word | FOLD)).wrapping_mul(key);
    h ^ (h >> 29)
}

/// The 32-bit table entry for a key of `len` decoded bytes.
#[inline(always)]
pub(super) const fn finish(hash: u64, len: u64, key: u64) -> u32 {
    let h = (hash ^ len).wrapping_mul(key);
    (h ^ (h >> 32)) as u32
}

impl KeyHasher {
    pub(super) const fn new(key: u64) -> Self {
        Self {
            hash: 0,
            word: [0; 8],
            fill: 0,
            len: 0,
            key,
        }
    }

    pub(super) fn push(&mut self, b: u8) {
        if let Some(slot) = self.word.get_mut(self.fill) {
            *slot = b;
        }
        self.fill += 1;
        self.len += 1;
        if self.fill == 8 {
            self.hash = mix(self.hash, u64::from_le_bytes(self.word), self.key);
            self.word = [0; 8];
            self.fill = 0;
        }
    }

    pub(super) fn finish(self) -> u32 {
        let mut hash = self.hash;
        if self.fill > 0 {
            hash = mix(hash, u64::from_le_bytes(self.word), self.key);
        }
        finish(hash, self.len, self.key)
    }
}

/// [`KeyHasher`] over bytes that need no unescaping, a word at a time.
#[inline]
pub(super) fn hash_plain(raw: &[u8], key: u64) -> u32 {
    let mut chunks = raw.chunks_exact(8);
    let mut hash = 0u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word), key);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Little-endian, zero-padded, like `KeyHasher`; shifts rather than
        // a variable-length copy, which would be a `memcpy` call.
        let word = rest
            .iter()
            .enumerate()
            .fold(0u64, |w, (k, &b)| w | (u64::from(b) << (8 * k)));
        hash = mix(hash, word, key);
    }
    finish(hash, raw.len() as u64, key)
}

/// Four hex digits as a number.
pub(super) fn hex4(digits: Option<&[u8]>) -> Option<u32> {
    digits?.iter().try_fold(0u32, |acc, &d| {
        let v = char::from(d).to_digit(16)?;
        Some((acc << 4) | v)
    })
}

/// The UTF-8 bytes a validated JSON string body stands for, escapes
/// resolved; used to hash and compare keys.
pub(super) struct Decoded<'a> {
    raw: &'a [u8],
    pending: [u8; 4],
    pending_len: u8,
    pending_at: u8,
}

impl<'a> Decoded<'a> {
    pub(super) const fn new(raw: &'a [u8]) -> Self {
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
    use std::vec::Vec;

    use super::*;
    use crate::json::scan::key_string;
    use crate::json::validate;

    /// The inverse of `h ^ (h >> 29)`.
    fn unshift(h: u64) -> u64 {
        let mut x = h;
        for _ in 0..3 {
            x = h ^ (x >> 29);
        }
        x
    }

    /// The inverse of an odd number modulo 2^64 (Newton's iteration).
    fn inverse(k: u64) -> u64 {
        let mut inv = k;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(k.wrapping_mul(inv)));
        }
        inv
    }

    /// `n` distinct 24-byte keys whose hashes under `key` are all equal:
    /// what a sender who knows the key can build (F7). Each is a fixed
    /// first word, a counter word and a third word solved so that the
    /// state after it is the same; about one solution in 2^16 is made of
    /// bytes a plain key may hold.
    pub(crate) fn colliding_keys_for(key: u64, n: usize) -> Vec<String> {
        let unmix = |state: u64, target: u64| unshift(target).wrapping_mul(inverse(key)) ^ state;
        let target = 0x0123_4567_89ab_cdef_u64;
        let first = mix(0, u64::from_le_bytes(*b"prefix__"), key);
        let mut out = Vec::new();
        let mut counter = 0u64;
        while out.len() < n {
            counter += 1;
            let mut second = [b'a'; 8];
            let mut c = counter;
            for b in &mut second {
                *b = b'a' + (c % 26) as u8;
                c /= 26;
            }
            let state = mix(first, u64::from_le_bytes(second), key);
            let third = unmix(state, target).to_le_bytes();
            // Bytes that are their own fold, printable, not `"`: ` !#-?` and
            // `` `a-z{|}~``.
            let plain =
                |b: u8| (0x20..=0x3f).contains(&b) && b != b'"' || (0x60..=0x7e).contains(&b);
            if third.iter().all(|&b| plain(b)) {
                let mut text = String::from("prefix__");
                text.push_str(core::str::from_utf8(&second).unwrap());
                text.push_str(core::str::from_utf8(&third).unwrap());
                out.push(text);
            }
        }
        out
    }

    /// F7: the keys that collided in the old unkeyed rotate-xor hash
    /// (`XYZxXYZx`: the two halves cancelled in the 64-to-32-bit fold) no
    /// longer collide, under the process key and under the fixed key.
    #[test]
    fn f7_the_published_colliding_keys_no_longer_collide() {
        for key in [hash_key(), FIXED_KEY] {
            let hashes: Vec<u32> = ["abcxabcx", "abdxabdx", "abexabex", "zzzxzzzx"]
                .iter()
                .map(|k| hash_plain(k.as_bytes(), key))
                .collect();
            for (i, a) in hashes.iter().enumerate() {
                assert!(!hashes[i + 1..].contains(a), "{hashes:x?}");
            }
        }
    }

    /// F7: keys built to collide under one key do not collide under
    /// another, and with `std` every process draws its own key.
    #[test]
    fn f7_collisions_depend_on_the_secret_key() {
        let keys = colliding_keys_for(FIXED_KEY, 4);
        let under =
            |key: u64| -> Vec<u32> { keys.iter().map(|k| hash_plain(k.as_bytes(), key)).collect() };
        let fixed = under(FIXED_KEY);
        assert!(fixed.iter().all(|&h| h == fixed[0]));
        let other = under(0x0123_4567_89ab_cdef);
        assert!(other.iter().skip(1).any(|&h| h != other[0]), "{other:x?}");
        #[cfg(feature = "std")]
        assert_ne!(hash_key(), FIXED_KEY);
        assert_eq!(hash_key() & 1, 1);
    }

    #[test]
    fn colliding_keys_collide_and_stay_distinct() {
        let keys = colliding_keys_for(hash_key(), 3);
        let hashes: Vec<u32> = keys
            .iter()
            .map(|k| hash_plain(k.as_bytes(), hash_key()))
            .collect();
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
        let colliding = colliding_keys_for(hash_key(), 40);
        let plain = |i: usize| format!("k{i}");
        let collide = |i: usize| colliding[i].clone();
        let spellings: [&dyn Fn(usize) -> String; 2] = [&plain, &collide];
        for n in [Keys::LINEAR - 1, Keys::LINEAR, Keys::LINEAR + 1, 40] {
            for key in spellings {
                let members: Vec<String> = (0..n).map(|i| format!(r#""{}":{i}"#, key(i))).collect();
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
        // A sender who knows the hash key can make every key of an object
        // collide. Finding each key must still take O(log n) comparisons
        // of key text, not one per earlier key: 200 keys, about 8 each.
        let n = 200;
        let mut doc = String::new();
        let mut starts = Vec::new();
        for key in colliding_keys_for(hash_key(), n) {
            starts.push(doc.len());
            doc.push_str(&format!(r#""{key}","#));
        }
        let bytes = doc.as_bytes();
        let mut keys = Keys::new();
        for &at in &starts {
            let hash = key_string(bytes, at, 4096, hash_key()).unwrap().1;
            keys.add(bytes, 0, at, hash).unwrap();
        }
        assert_eq!(keys.len, n);
        assert!(
            keys.compared.get() <= n * 9,
            "{} comparisons",
            keys.compared.get()
        );
        // And the next repeat is still found.
        let at = starts[n / 2];
        let hash = key_string(bytes, at, 4096, hash_key()).unwrap().1;
        assert_eq!(
            keys.add(bytes, 0, at, hash).map_err(|e| e.kind()),
            Err(ErrorKind::DuplicateKey)
        );
    }

    /// The worst case the crate README states (F7): 64 KiB, one object of
    /// keys that all collide, against the same with distinct keys. Run in
    /// release; without `std` (fixed key) it is what a sender who read the
    /// source can cause:
    /// `cargo test -p iot-input --release --no-default-features --lib -- --ignored --nocapture measure`
    #[test]
    #[ignore = "a measurement, not a check"]
    fn measure_colliding_keys_worst_case() {
        let n = 1000;
        let colliding = colliding_keys_for(hash_key(), n);
        let distinct: Vec<String> = (0..n).map(|i| format!("prefix__{i:016}")).collect();
        let limits = Limits::default().max_members(4096);
        let doc = |keys: &[String]| {
            let members: Vec<String> = keys.iter().map(|k| format!(r#""{k}":1"#)).collect();
            format!("{{{}}}", members.join(","))
        };
        let (a, b) = (doc(&colliding), doc(&distinct));
        assert!(a.len() <= 64 * 1024 && b.len() <= 64 * 1024);
        for (name, d) in [("colliding", &a), ("distinct", &b)] {
            let start = std::time::Instant::now();
            for _ in 0..200 {
                validate(d.as_bytes(), &limits).unwrap();
            }
            let each = start.elapsed() / 200;
            std::println!("{name}: {} bytes, {n} keys, {each:?} per document", d.len());
        }
    }
}
