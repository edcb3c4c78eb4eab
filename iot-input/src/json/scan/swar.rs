//! The fast path, fenced off: SWAR ("SIMD within a register") scanning of
//! string bytes, eight per step, in portable safe Rust.
//!
//! It exists for one measured reason: with it, `json::validate` over a
//! 64 KiB configuration runs at about the speed of `serde_json` (the
//! `input_json_64k` bench); a byte loop is noticeably slower. It decides
//! nothing on its own: every word it cannot classify as plain ASCII string
//! bytes goes back to the byte-at-a-time scanner in [`super`], which has
//! the final say. Its whole interface is [`skip_plain`] and [`plain_key`].

use crate::json::keys::{finish, mix};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// From `i`, skips whole words of plain string bytes (anything but `"`,
/// `\`, a control character or a non-ASCII byte). Returns where it stopped
/// (the first special byte, or fewer than eight bytes before the end) and
/// whether the byte there is the closing quote.
#[inline(always)]
pub(super) fn skip_plain(bytes: &[u8], mut i: usize) -> (usize, bool) {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let (mask, at_quote) = special_and_quote(u64::from_le_bytes(word));
        if mask != 0 {
            return (i + (mask.trailing_zeros() / 8) as usize, at_quote);
        }
        i += 8;
    }
    (i, false)
}

/// A key string at `start` (its opening quote) made only of plain bytes,
/// whose closing quote lies in a whole eight-byte word of the input: the
/// position after that quote and the key's hash, computed while scanning
/// (the same hash [`hash_plain`](crate::json::keys::hash_plain) gives).
/// `None` for every other key, which the caller scans byte by byte.
#[inline(always)]
pub(super) fn plain_key(bytes: &[u8], start: usize, key: u64) -> Option<(usize, u32)> {
    let mut i = start + 1;
    let mut hash = 0u64;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(word);
        let (mask, at_quote) = special_and_quote(word);
        if mask == 0 {
            hash = mix(hash, word, key);
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
            hash = mix(hash, word & kept, key);
        }
        let end = i + k + 1;
        let len = end - start - 2;
        return Some((end, finish(hash, len as u64, key)));
    }
    None
}

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
