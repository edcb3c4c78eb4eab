//! Bounded Punycode (RFC 3492) for the `xn--` labels of hostnames.
//!
//! A label is accepted only if it decodes, the decoded label passes
//! [`is_allowed_idn_char`] and the rules below, and encoding the decoded
//! label again gives back exactly the input. The last check rejects every
//! non-canonical spelling, so two different ASCII labels can never stand for
//! the same Unicode label.
//!
//! Everything works on fixed arrays: a label is at most 63 bytes, and every
//! decoded code point costs at least one input byte, so 63 code points is a
//! hard bound.

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 0x80;
/// The longest label (RFC 1035), and so the most code points one can hold.
const MAX: usize = 63;

/// Why a label was rejected; the caller turns it into `InvalidPunycode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

/// Checks the ASCII-compatible encoding after `xn--` (already lower-case);
/// a valid label comes back with whether it is confusable
/// ([`is_confusable`]).
pub(crate) fn check_label(encoded: &[u8]) -> Result<bool, Invalid> {
    let mut decoded = ['\0'; MAX];
    let n = decode(encoded, &mut decoded)?;
    let label = decoded.get(..n).ok_or(Invalid)?;
    check_decoded(label)?;
    let mut again = [0u8; MAX];
    let m = encode(label, &mut again)?;
    if again.get(..m) == Some(encoded) {
        Ok(is_confusable(label))
    } else {
        Err(Invalid)
    }
}

/// The scripts of [`is_allowed_idn_char`] that can imitate Latin.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Digits and the hyphen, which go with any script.
    Common,
    Latin,
    Greek,
    Cyrillic,
    /// Japanese, Chinese and Korean, which do not look like Latin.
    Other,
}

/// The script of an allowed character, from the ranges of
/// [`is_allowed_idn_char`] (no tables needed).
const fn script(c: char) -> Script {
    match c {
        '0'..='9' | '-' => Script::Common,
        'a'..='z' | '\u{e0}'..='\u{17f}' => Script::Latin,
        '\u{3b1}'..='\u{3c9}' => Script::Greek,
        '\u{430}'..='\u{45f}' => Script::Cyrillic,
        _ => Script::Other,
    }
}

/// Cyrillic and Greek lower-case letters that pass for Latin ones in
/// common fonts: Chromium's Cyrillic list (`а г е о п р с у х ъ ь і ј ѕ`,
/// as `a r e o n p c y x b b i j s`) restricted to the allowed range, and
/// its Greek counterpart (`α γ ι κ ν ο ρ τ υ χ ω η`).
const fn looks_latin(c: char) -> bool {
    matches!(
        c,
        'а' | 'г'
            | 'е'
            | 'о'
            | 'п'
            | 'р'
            | 'с'
            | 'у'
            | 'х'
            | 'ъ'
            | 'ь'
            | 'і'
            | 'ј'
            | 'ѕ'
            | 'α'
            | 'γ'
            | 'ι'
            | 'κ'
            | 'ν'
            | 'ο'
            | 'ρ'
            | 'τ'
            | 'υ'
            | 'χ'
            | 'ω'
            | 'η'
    )
}

/// A look-alike label (F4): Latin mixed with Cyrillic or Greek, Greek mixed
/// with Cyrillic (UTS #39 "moderately restrictive" forbids both), or a
/// label whose letters are all Cyrillic or all Greek and all pass for
/// Latin ([`looks_latin`]: a whole-script confusable such as `ѕсоре`).
/// Latin letters that imitate other Latin letters (dotless `ı`, `ĸ`) are
/// not detected.
fn is_confusable(label: &[char]) -> bool {
    let (mut latin, mut greek, mut cyrillic, mut other) = (false, false, false, false);
    let mut all_look_latin = true;
    for &c in label {
        match script(c) {
            Script::Common => continue,
            Script::Latin => latin = true,
            Script::Greek => greek = true,
            Script::Cyrillic => cyrillic = true,
            Script::Other => other = true,
        }
        all_look_latin &= looks_latin(c);
    }
    let mixed = (latin && (greek || cyrillic)) || (greek && cyrillic);
    mixed || ((greek || cyrillic) && !latin && !other && all_look_latin)
}

/// The rules for the decoded (Unicode) label: not empty, at least one
/// non-ASCII character (else it should not be `xn--`), only characters of
/// [`is_allowed_idn_char`], no hyphen at either end and no `??--` prefix
/// (RFC 5891 §4.2.3.1).
fn check_decoded(label: &[char]) -> Result<(), Invalid> {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return Err(Invalid);
    };
    if first == '-' || last == '-' {
        return Err(Invalid);
    }
    if label.get(2) == Some(&'-') && label.get(3) == Some(&'-') {
        return Err(Invalid);
    }
    if label.iter().all(char::is_ascii) {
        return Err(Invalid);
    }
    if label.iter().all(|&c| is_allowed_idn_char(c)) {
        Ok(())
    } else {
        Err(Invalid)
    }
}

/// The characters an internationalized label may contain here.
///
/// A deliberately small, table-free subset of IDNA 2008 PVALID characters
/// that UTS #46 leaves unchanged and that Unicode normalization cannot
/// combine with a neighbour: lower-case ASCII letters, digits and hyphen;
/// lower-case Latin-1 and Latin Extended-A letters (without `ß` and the
/// compatibility ligatures); lower-case Greek (without final sigma) and
/// Cyrillic; Hiragana, Katakana, CJK Unified Ideographs and Hangul
/// syllables. It excludes right-to-left scripts (whose bidi rules span the
/// whole name), combining marks, joiners and the characters that IDNA
/// treats differently between its versions. Labels outside it are rejected,
/// never passed on unchecked.
pub(crate) fn is_allowed_idn_char(c: char) -> bool {
    match c {
        'a'..='z' | '0'..='9' | '-' => true,
        '\u{e0}'..='\u{f6}' | '\u{f8}'..='\u{ff}' => true,
        // ĳ, ŀ, ŉ, ſ are compatibility characters that UTS #46 maps away.
        '\u{133}' | '\u{140}' | '\u{149}' | '\u{17f}' => false,
        '\u{100}'..='\u{17f}' => c.is_lowercase(),
        '\u{3b1}'..='\u{3c1}' | '\u{3c3}'..='\u{3c9}' => true,
        '\u{430}'..='\u{45f}' => true,
        '\u{3041}'..='\u{3096}' | '\u{30a1}'..='\u{30fa}' | '\u{30fc}' => true,
        '\u{4e00}'..='\u{9fff}' => true,
        '\u{ac00}'..='\u{d7a3}' => true,
        _ => false,
    }
}

fn adapt(mut delta: u32, num_points: u32, first_time: bool) -> u32 {
    delta /= if first_time { DAMP } else { 2 };
    delta += delta / num_points.max(1);
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (((BASE - TMIN + 1) * delta) / (delta + SKEW))
}

fn digit_value(b: u8) -> Option<u32> {
    match b {
        b'a'..=b'z' => Some(u32::from(b - b'a')),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 26),
        _ => None,
    }
}

fn digit_char(d: u32) -> Option<u8> {
    match d {
        0..=25 => u8::try_from(d).ok().map(|d| b'a' + d),
        26..=35 => u8::try_from(d - 26).ok().map(|d| b'0' + d),
        _ => None,
    }
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        TMIN
    } else if k >= bias + TMAX {
        TMAX
    } else {
        k - bias
    }
}

/// RFC 3492 §6.2 with checked arithmetic; returns the number of code points.
fn decode(input: &[u8], out: &mut [char; MAX]) -> Result<usize, Invalid> {
    let (basic, rest) = match input.iter().rposition(|&b| b == b'-') {
        Some(pos) => (
            input.get(..pos).ok_or(Invalid)?,
            input.get(pos + 1..).ok_or(Invalid)?,
        ),
        None => (&[][..], input),
    };
    let mut len = 0usize;
    for &b in basic {
        if !b.is_ascii() {
            return Err(Invalid);
        }
        *out.get_mut(len).ok_or(Invalid)? = char::from(b);
        len += 1;
    }
    let mut n = INITIAL_N;
    let mut i: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut pos = 0usize;
    while pos < rest.len() {
        let old_i = i;
        let mut w: u32 = 1;
        let mut k = BASE;
        loop {
            let digit = digit_value(*rest.get(pos).ok_or(Invalid)?).ok_or(Invalid)?;
            pos += 1;
            i = i
                .checked_add(digit.checked_mul(w).ok_or(Invalid)?)
                .ok_or(Invalid)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t).ok_or(Invalid)?;
            k += BASE;
        }
        let count = u32::try_from(len + 1).map_err(|_| Invalid)?;
        bias = adapt(i - old_i, count, old_i == 0);
        n = n.checked_add(i / count).ok_or(Invalid)?;
        i %= count;
        let c = char::from_u32(n).ok_or(Invalid)?;
        if c.is_ascii() {
            return Err(Invalid);
        }
        let at = usize::try_from(i).map_err(|_| Invalid)?;
        if len >= MAX || at > len {
            return Err(Invalid);
        }
        out.copy_within(at..len, at + 1);
        *out.get_mut(at).ok_or(Invalid)? = c;
        len += 1;
        i += 1;
    }
    Ok(len)
}

/// RFC 3492 §6.3 with checked arithmetic; returns the number of bytes.
fn encode(input: &[char], out: &mut [u8; MAX]) -> Result<usize, Invalid> {
    let mut len = 0usize;
    let mut push = |b: u8, len: &mut usize| -> Result<(), Invalid> {
        *out.get_mut(*len).ok_or(Invalid)? = b;
        *len += 1;
        Ok(())
    };
    for &c in input.iter().filter(|c| c.is_ascii()) {
        push(u8::try_from(u32::from(c)).map_err(|_| Invalid)?, &mut len)?;
    }
    let basic = u32::try_from(len).map_err(|_| Invalid)?;
    if basic > 0 {
        push(b'-', &mut len)?;
    }
    let total = u32::try_from(input.len()).map_err(|_| Invalid)?;
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic;
    while handled < total {
        let m = input
            .iter()
            .map(|&c| u32::from(c))
            .filter(|&c| c >= n)
            .min()
            .ok_or(Invalid)?;
        delta = delta
            .checked_add((m - n).checked_mul(handled + 1).ok_or(Invalid)?)
            .ok_or(Invalid)?;
        n = m;
        for &c in input {
            let c = u32::from(c);
            if c < n {
                delta = delta.checked_add(1).ok_or(Invalid)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    push(
                        digit_char(t + (q - t) % (BASE - t)).ok_or(Invalid)?,
                        &mut len,
                    )?;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                push(digit_char(q).ok_or(Invalid)?, &mut len)?;
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1).ok_or(Invalid)?;
        n = n.checked_add(1).ok_or(Invalid)?;
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Option<([char; MAX], usize)> {
        let mut out = ['\0'; MAX];
        decode(s.as_bytes(), &mut out).ok().map(|n| (out, n))
    }

    #[test]
    fn decodes_rfc_3492_and_common_labels() {
        // RFC 3492 §7.1 (L) Japanese, and well-known domain labels.
        let (out, n) = dec("3B-ww4c5e180e575a65lsy2b").unwrap();
        assert!(out[..n].iter().copied().eq("3年B組金八先生".chars()));
        let (out, n) = dec("bcher-kva").unwrap();
        assert!(out[..n].iter().copied().eq("bücher".chars()));
    }

    #[test]
    fn check_label_accepts_canonical_and_rejects_the_rest() {
        assert!(check_label(b"bcher-kva").is_ok()); // bücher
        assert!(check_label(b"mnchen-3ya").is_ok()); // münchen
        assert!(check_label(b"80akhbyknj4f").is_ok()); // испытание
        assert!(check_label(b"wgv71a119e").is_ok()); // 日本語
        assert!(check_label(b"").is_err());
        assert!(check_label(b"abc-").is_err()); // decodes to ASCII only
        assert!(check_label(b"-9ba").is_err()); // delimiter without basic code points
        assert!(check_label(b"99999999999999").is_err()); // overflow
        assert!(check_label(b"Bcher-kva").is_err()); // not lower-cased by the caller
        assert!(check_label(b"ls8h").is_err()); // U+1F4A9, not in the allowed set
        assert!(check_label(b"bcher-kva-").is_err());
        assert!(check_label(b"zca").is_err()); // ß (deviation character)
    }
}
