//! The password policy for passwords people choose (EN 303 645 5.1-1, 5.1-4,
//! 5.1-5), in the style of NIST SP 800-63B rev 4 §3.1.1.2: a length window,
//! no composition rules, and a blocklist.

mod lists;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::Error;

/// Context words shorter than this many letters and digits are ignored: they
/// would reject far too many good passwords.
const MIN_CONTEXT_WORD_CHARS: usize = 3;

/// Pieces of a context word (split at punctuation) are matched on their own
/// from this many letters and digits.
const MIN_CONTEXT_PIECE_CHARS: usize = 4;

/// A blocklisted word with digits or symbols around it is rejected only when
/// the word itself has at least this many characters.
const MIN_VARIANT_BASE_CHARS: usize = 4;

/// Rules for passwords people choose, for example in
/// [`PasswordHasher::change_password`](crate::PasswordHasher::change_password).
///
/// What it checks, in this order (the first failure is reported):
///
/// 1. at most [`MAX_PASSWORD_BYTES`](Self::MAX_PASSWORD_BYTES) bytes (bounds
///    the hashing cost);
/// 2. not a default credential that IoT botnets try: every password of the
///    Mirai botnet's table and common vendor defaults such as `admin`,
///    `password`, `default`, `1234`;
/// 3. not one of the 1,000 most common passwords of a large breach corpus;
/// 4. at least [`MIN_CHARS`](Self::MIN_CHARS) characters (or
///    [`SINGLE_FACTOR_MIN_CHARS`](Self::SINGLE_FACTOR_MIN_CHARS) for
///    [`single_factor`](Self::single_factor)); Unicode characters count one each;
/// 5. no context word given by the caller (user name, model, vendor, serial,
///    SSID), case-insensitively and also inside the password;
/// 6. not trivially repetitive (`aaaaaaaa`, `abcabcabc`, two distinct characters);
/// 7. not sequential (`12345678`, `hgfedcba`, keyboard runs such as `qwertyui`);
/// 8. not two or more listed entries (of four or more characters) written
///    one after the other (`root admin`, `Dragon.Monkey`), reported as step 2
///    when every piece is a default credential, else as step 3.
///
/// Steps 2 and 3 ignore case, see through common substitutions (`p@ssw0rd`)
/// and through digits or symbols added at either end (`Admin123!`,
/// `xc3511!!`; so a password of digits and symbols only is refused when it
/// contains a listed entry of four or more characters). Steps 2, 3, 6 and 8
/// also look at the letters and digits alone, so separators hide nothing:
/// `pass word`, `p a s s w o r d`, `pass.word1`, `ad-min-admin` and
/// `password password` are refused. There are
/// no composition rules ("one upper-case letter, one digit…"): they make
/// passwords harder to remember without making them harder to guess.
///
/// ```
/// use iot_creds::{PasswordPolicy, PolicyViolation};
///
/// let policy = PasswordPolicy::default();
/// assert_eq!(policy.check("xc3511", &[]), Err(PolicyViolation::KnownDefault));
/// assert_eq!(policy.check("Admin123!", &[]), Err(PolicyViolation::KnownDefault));
/// assert_eq!(
///     policy.check("acme-cam-7-password", &["alice", "ACME-Cam"]),
///     Err(PolicyViolation::ContextWord { index: 1 })
/// );
/// assert_eq!(policy.check("abcdefgh", &[]), Err(PolicyViolation::Sequential));
/// assert!(policy.check("river piano lantern", &["alice"]).is_ok());
/// // The violation explains itself, with the provision it serves.
/// let why = policy.check("admin", &[]).unwrap_err();
/// assert!(why.to_string().contains("EN 303 645 5.1-1"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    min_chars: usize,
}

impl PasswordPolicy {
    /// The longest password accepted anywhere in this crate, in bytes: by
    /// [`check`](Self::check) and by hashing and verification. Longer input is
    /// refused before hashing, which bounds the cost an attacker can make each
    /// attempt take.
    pub const MAX_PASSWORD_BYTES: usize = 1024;

    /// The shortest password [`PasswordPolicy::default`] accepts, in
    /// characters, and the lowest minimum a policy can ask for.
    pub const MIN_CHARS: usize = 8;

    /// The shortest password [`PasswordPolicy::single_factor`] accepts, in
    /// characters.
    pub const SINGLE_FACTOR_MIN_CHARS: usize = 15;

    /// The highest minimum length a policy can ask for: NIST requires
    /// verifiers to accept at least 64 characters, so a minimum above that
    /// would lock users out.
    pub const MAX_MIN_CHARS: usize = 64;

    /// The default policy: at least [`Self::MIN_CHARS`] characters.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            min_chars: Self::MIN_CHARS,
        }
    }

    /// For passwords that are the only authentication factor, as NIST SP
    /// 800-63B rev 4 asks: at least [`Self::SINGLE_FACTOR_MIN_CHARS`]
    /// characters.
    #[must_use]
    pub const fn single_factor() -> Self {
        Self {
            min_chars: Self::SINGLE_FACTOR_MIN_CHARS,
        }
    }

    /// A policy with a different minimum length.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPolicy`] unless `min_chars` is between
    /// [`Self::MIN_CHARS`] and [`Self::MAX_MIN_CHARS`]: shorter passwords are
    /// too easy to guess (a security floor, refused rather than raised
    /// silently), longer minimums would lock users out.
    pub const fn with_min_chars(self, min_chars: usize) -> Result<Self, Error> {
        if min_chars < Self::MIN_CHARS || min_chars > Self::MAX_MIN_CHARS {
            return Err(Error::InvalidPolicy);
        }
        Ok(Self { min_chars })
    }

    /// The minimum length in characters.
    #[must_use]
    pub const fn min_chars(&self) -> usize {
        self.min_chars
    }

    /// Checks a password someone wants to set.
    ///
    /// `context` holds words an attacker would try first for this device or
    /// user: user name, vendor, model, serial number, SSID, MAC address.
    /// Matching ignores case and everything but letters and digits, so
    /// `AA:BB:CC:DD:EE:FF` also catches `aabbccddeeff`; words with fewer than
    /// three letters or digits are ignored. Pieces of a word between
    /// punctuation count on their own from four characters, so
    /// `SN-123456789` also catches `123456789`. Each word costs at most
    /// `O(password length × word length)`: pass the handful that matter.
    ///
    /// # Errors
    ///
    /// The first [`PolicyViolation`] found; see the type's documentation for
    /// the order.
    pub fn check(&self, candidate: &str, context: &[&str]) -> Result<(), PolicyViolation> {
        if candidate.len() > Self::MAX_PASSWORD_BYTES {
            return Err(PolicyViolation::TooLong {
                max_bytes: Self::MAX_PASSWORD_BYTES,
            });
        }
        if matches_any(candidate, known_defaults()) {
            return Err(PolicyViolation::KnownDefault);
        }
        if matches_any(candidate, common_passwords()) {
            return Err(PolicyViolation::CommonPassword);
        }
        // Separators do not hide listed words: `pass word`, `root admin`,
        // `ad-min-admin` are checked as `password`, `rootadmin`, `adminadmin`.
        let joined: String = candidate.chars().filter(|c| c.is_alphanumeric()).collect();
        if joined.chars().count() != candidate.chars().count() {
            if matches_any(&joined, known_defaults()) {
                return Err(PolicyViolation::KnownDefault);
            }
            if matches_any(&joined, common_passwords()) {
                return Err(PolicyViolation::CommonPassword);
            }
        }
        if candidate.chars().count() < self.min_chars {
            return Err(PolicyViolation::TooShort {
                min_chars: self.min_chars,
            });
        }
        if let Some(index) = context_word_in(candidate, context) {
            return Err(PolicyViolation::ContextWord { index });
        }
        let lower: Vec<char> = candidate.chars().map(simple_lowercase).collect();
        let joined_lower: Vec<char> = joined.chars().map(simple_lowercase).collect();
        if is_repetitive(&lower) || (joined_lower.len() >= 2 && is_repetitive(&joined_lower)) {
            return Err(PolicyViolation::Repetitive);
        }
        if is_sequential(&lower) {
            return Err(PolicyViolation::Sequential);
        }
        // Listed words joined (`root admin`, `dragon.monkey`): last, so that a
        // word repeated (`wombatwombat`) is reported as repetitive.
        if is_joined_from(&joined, known_defaults()) {
            return Err(PolicyViolation::KnownDefault);
        }
        if is_joined_from(&joined, known_defaults().chain(common_passwords())) {
            return Err(PolicyViolation::CommonPassword);
        }
        Ok(())
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// Why the [`PasswordPolicy`] refused a password.
///
/// Each reason has a stable [`code`](Self::code) for logs and user-interface
/// translations, and names the EN 303 645 [`provision`](Self::provision) it
/// serves. `Display` combines both with a short explanation; it never
/// contains the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyViolation {
    /// Fewer characters than the policy's minimum.
    TooShort {
        /// The policy's minimum, in characters.
        min_chars: usize,
    },
    /// More than [`PasswordPolicy::MAX_PASSWORD_BYTES`] bytes.
    TooLong {
        /// The maximum, in bytes.
        max_bytes: usize,
    },
    /// A default credential IoT botnets try (Mirai's table, vendor defaults),
    /// possibly with digits or symbols added or letters substituted.
    KnownDefault,
    /// One of the most common passwords, possibly varied the same ways.
    CommonPassword,
    /// Contains a context word (user name, vendor, model, serial, SSID…).
    ContextWord {
        /// Position of the word in the `context` slice.
        index: usize,
    },
    /// Trivially repetitive, such as `aaaaaaaa` or `abcabcabc`.
    Repetitive,
    /// A run of neighbouring characters or keys, such as `12345678` or `qwertyui`.
    Sequential,
    /// The new password equals the current one (in
    /// [`PasswordHasher::change_password`](crate::PasswordHasher::change_password)).
    SameAsCurrent,
}

impl PolicyViolation {
    /// A stable, machine-readable reason code such as `"known_default"`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::KnownDefault => "known_default",
            Self::CommonPassword => "common_password",
            Self::ContextWord { .. } => "context_word",
            Self::Repetitive => "repetitive",
            Self::Sequential => "sequential",
            Self::SameAsCurrent => "same_as_current",
        }
    }

    /// The ETSI EN 303 645 provision this rule serves, such as `"5.1-1"`.
    ///
    /// - `5.1-1`: no universal default passwords, also not chosen by a user;
    /// - `5.1-2`: nothing derived from information about the device;
    /// - `5.1-4`: changing the password must actually change it;
    /// - `5.1-5`: guessing must be impractical (length, common and trivial
    ///   passwords) and each attempt's cost bounded.
    #[must_use]
    pub const fn provision(&self) -> &'static str {
        match self {
            Self::KnownDefault | Self::CommonPassword => "5.1-1",
            Self::ContextWord { .. } => "5.1-2",
            Self::SameAsCurrent => "5.1-4",
            Self::TooShort { .. } | Self::TooLong { .. } | Self::Repetitive | Self::Sequential => {
                "5.1-5"
            }
        }
    }
}

impl fmt::Display for PolicyViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.code())?;
        match self {
            Self::TooShort { min_chars } => {
                write!(f, "use at least {min_chars} characters")?;
            }
            Self::TooLong { max_bytes } => write!(f, "use at most {max_bytes} bytes")?,
            Self::KnownDefault => {
                f.write_str("this is a default password that IoT botnets such as Mirai try")?;
            }
            Self::CommonPassword => f.write_str("this is one of the most common passwords")?,
            Self::ContextWord { index } => write!(
                f,
                "contains context word #{index} (such as the user name, model or serial number)"
            )?,
            Self::Repetitive => f.write_str("repeats the same few characters")?,
            Self::Sequential => f.write_str("is a run of neighbouring characters or keys")?,
            Self::SameAsCurrent => f.write_str("the new password equals the current one")?,
        }
        write!(f, " (EN 303 645 {})", self.provision())
    }
}

impl core::error::Error for PolicyViolation {}

/// Every non-empty password of the Mirai table and the vendor defaults.
fn known_defaults() -> impl Iterator<Item = &'static str> + Clone {
    lists::MIRAI_CREDENTIALS
        .iter()
        .map(|&(_, password)| password)
        .chain(lists::VENDOR_DEFAULTS.iter().copied())
        .filter(|p| !p.is_empty())
}

/// The common-password list without its comment lines.
fn common_passwords() -> impl Iterator<Item = &'static str> + Clone {
    lists::COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Every password the policy rejects as a known default (test hook).
#[cfg(feature = "__test-hooks")]
#[doc(hidden)]
pub fn __known_defaults() -> impl Iterator<Item = &'static str> {
    known_defaults()
}

/// The Mirai table as `(user, password)` (test hook).
#[cfg(feature = "__test-hooks")]
#[doc(hidden)]
pub fn __mirai_credentials() -> &'static [(&'static str, &'static str)] {
    lists::MIRAI_CREDENTIALS
}

/// Whether `candidate` is a list entry, or a list entry of at least
/// [`MIN_VARIANT_BASE_CHARS`] characters with digits or symbols (anything but
/// letters) added at either end, after case folding and undoing common
/// substitutions.
///
/// The entry must cover every letter of the candidate, so it is looked for
/// only at the few offsets that allows; for a candidate without letters
/// (digits and symbols only) at every offset. Either way the work is at most
/// `entries × candidate length × entry length` character comparisons, almost
/// all of which stop at the first character.
fn matches_any(candidate: &str, list: impl Iterator<Item = &'static str>) -> bool {
    let chars: Vec<char> = candidate.chars().collect();
    let folded: Vec<char> = chars.iter().copied().map(leet_fold).collect();
    let n = folded.len();
    let first_letter = chars.iter().position(|c| c.is_alphabetic());
    let last_letter = chars.iter().rposition(|c| c.is_alphabetic());
    let mut list = list;
    list.any(|entry| {
        // List entries are ASCII (a unit test checks), so their length in
        // bytes is their length in characters; folding keeps the count.
        let len = entry.len();
        if len > n || (len < n && len < MIN_VARIANT_BASE_CHARS) {
            return false;
        }
        // Offsets whose prefix and suffix hold no letter.
        let lowest = last_letter.map_or(0, |last| (last + 1).saturating_sub(len));
        let highest = first_letter.map_or(n - len, |first| first.min(n - len));
        (lowest..=highest).any(|start| {
            folded
                .get(start..start + len)
                .is_some_and(|window| window.iter().copied().eq(entry.chars().map(leet_fold)))
        })
    })
}

/// Shortest list entry [`is_joined_from`] uses as a piece: shorter ones
/// (`123`) would make ordinary passphrases look like joined list words.
const MIN_JOINED_PIECE_CHARS: usize = 4;

/// Whether `joined` (letters and digits only) is two or more list entries of
/// at least [`MIN_JOINED_PIECE_CHARS`] characters written one after the
/// other (`rootadmin`, `iloveyouiloveu`), after case folding and undoing
/// common substitutions. Dynamic programming over the end positions: at
/// most `length × entries` window comparisons, almost all of which stop at
/// the first character.
fn is_joined_from(joined: &str, list: impl Iterator<Item = &'static str> + Clone) -> bool {
    let folded: Vec<char> = joined.chars().map(leet_fold).collect();
    let n = folded.len();
    if n < 2 * MIN_JOINED_PIECE_CHARS {
        return false;
    }
    // pieces[i]: the fewest entries that spell folded[..i] (None: impossible).
    let mut pieces: Vec<Option<u32>> = alloc::vec![None; n + 1];
    if let Some(first) = pieces.first_mut() {
        *first = Some(0);
    }
    for start in 0..n {
        let Some(before) = pieces.get(start).copied().flatten() else {
            continue;
        };
        for entry in list.clone() {
            let len = entry.len();
            if len < MIN_JOINED_PIECE_CHARS || start + len > n {
                continue;
            }
            let matches = folded
                .get(start..start + len)
                .is_some_and(|window| window.iter().copied().eq(entry.chars().map(leet_fold)));
            if matches && let Some(slot) = pieces.get_mut(start + len) {
                *slot = Some(slot.map_or(before + 1, |p| p.min(before + 1)));
            }
        }
    }
    pieces.get(n).copied().flatten().is_some_and(|p| p >= 2)
}

/// Lower case, with common character substitutions undone (`@`/`4`→`a`,
/// `0`→`o`, `3`→`e`, `1`/`!`/`|`/`l`→`i`, `$`/`5`→`s`, `7`→`t`).
fn leet_fold(c: char) -> char {
    match simple_lowercase(c) {
        '@' | '4' => 'a',
        '3' => 'e',
        '0' => 'o',
        '1' | '!' | '|' | 'l' => 'i',
        '$' | '5' => 's',
        '7' => 't',
        other => other,
    }
}

/// The first character of the lower-case form (enough for comparisons; the
/// few characters whose lower case is longer keep their base letter).
fn simple_lowercase(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Letters and digits of `s`, lower-cased: how context words are compared.
fn alnum_lower(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .map(simple_lowercase)
        .collect()
}

fn context_word_in(candidate: &str, context: &[&str]) -> Option<usize> {
    let haystack = alnum_lower(candidate);
    let contains = |needle: &[char], min: usize| {
        needle.len() >= min
            && needle.len() <= haystack.len()
            && haystack.windows(needle.len()).any(|w| w == needle)
    };
    context.iter().position(|word| {
        // The whole word without punctuation (`AA:BB:CC` as `aabbcc`), or one
        // of its longer pieces (`123456789` of `SN-123456789`). A word longer
        // than the password can still hold a piece that is inside it, so no
        // word is skipped for its length; `contains` skips needles longer
        // than the password, which keeps each word at
        // O(password length × word length).
        contains(&alnum_lower(word), MIN_CONTEXT_WORD_CHARS)
            || word
                .split(|c: char| !c.is_alphanumeric())
                .any(|piece| contains(&alnum_lower(piece), MIN_CONTEXT_PIECE_CHARS))
    })
}

/// Two or fewer distinct characters, or one unit repeated (`abcabcabc`, `abcabcab`).
fn is_repetitive(chars: &[char]) -> bool {
    let mut distinct: [Option<char>; 3] = [None; 3];
    let mut count = 0;
    for &c in chars {
        if !distinct.contains(&Some(c)) {
            if let Some(slot) = distinct.get_mut(count) {
                *slot = Some(c);
            }
            count += 1;
            if count > 2 {
                break;
            }
        }
    }
    if count <= 2 {
        return true;
    }
    // A unit repeated at least twice, the last time possibly cut short
    // (`abcabcab`): every character equals the one a period later.
    let n = chars.len();
    (1..=n / 2).any(|period| {
        chars
            .iter()
            .zip(chars.iter().skip(period))
            .all(|(a, b)| a == b)
    })
}

/// Keyboard rows and columns; a password that is a piece of one (forwards or
/// backwards) is sequential.
const KEYBOARD_RUNS: &[&str] = &[
    "1234567890",
    "qwertyuiop",
    "qwertzuiop",
    "azertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "!@#$%^&*()",
];

/// Every step between neighbours is +1 or every step is −1 (`abcdefgh`,
/// `98765432`), or the password is a piece of a keyboard run.
fn is_sequential(chars: &[char]) -> bool {
    if chars.len() < 3 {
        return false;
    }
    let steps = |d: i64| {
        chars
            .iter()
            .zip(chars.iter().skip(1))
            .all(|(&a, &b)| i64::from(u32::from(b)) - i64::from(u32::from(a)) == d)
    };
    if steps(1) || steps(-1) {
        return true;
    }
    KEYBOARD_RUNS.iter().any(|run| {
        let run: Vec<char> = run.chars().collect();
        let forwards = run.windows(chars.len()).any(|w| w == chars);
        let backwards = run
            .windows(chars.len())
            .any(|w| w.iter().rev().eq(chars.iter()));
        forwards || backwards
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirai_table_is_complete() {
        assert_eq!(lists::MIRAI_CREDENTIALS.len(), 62);
        let distinct: alloc::collections::BTreeSet<&str> =
            lists::MIRAI_CREDENTIALS.iter().map(|&(_, p)| p).collect();
        assert_eq!(distinct.len(), 44); // includes the empty password
    }

    #[test]
    fn list_entries_are_ascii() {
        // `matches_any` compares byte lengths with character counts.
        assert!(
            known_defaults()
                .chain(common_passwords())
                .all(|e| e.is_ascii())
        );
    }

    #[test]
    fn common_list_has_all_entries() {
        assert_eq!(common_passwords().count(), 1001);
        assert_eq!(common_passwords().next(), Some("123456"));
        assert_eq!(common_passwords().last(), Some("freepass"));
    }

    #[test]
    fn variants_are_seen_through() {
        for v in [
            "ADMIN",
            "Adm1n!",
            "admin2024",
            "!!admin",
            "p@ssw0rd",
            "R00T",
        ] {
            assert!(matches_any(v, known_defaults()), "{v}");
        }
        for ok in ["administrate the garden", "rootbeer float", "xyzzy"] {
            assert!(!matches_any(ok, known_defaults()), "{ok}");
        }
    }

    #[test]
    fn repetition_and_sequences() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(is_repetitive(&c("aaaaaaaa")));
        assert!(is_repetitive(&c("abababab")));
        assert!(is_repetitive(&c("abcabcabc")));
        assert!(is_repetitive(&c("horsehorse")));
        assert!(!is_repetitive(&c("horsehorsex")));
        assert!(is_repetitive(&c("abcabcab")));
        assert!(is_sequential(&c("abcdefgh")));
        assert!(is_sequential(&c("87654321")));
        assert!(is_sequential(&c("poiuytre")));
        assert!(is_sequential(&c("1qaz2wsx3edc")));
        assert!(!is_sequential(&c("abcdefgx")));
    }

    #[test]
    fn display_never_contains_the_candidate() {
        let policy = PasswordPolicy::default();
        for candidate in ["hunter2", "password123", "zzzzzzzzzz", "alice-secret-1"] {
            if let Err(v) = policy.check(candidate, &["alice"]) {
                let shown = alloc::format!("{v} {v:?}");
                assert!(!shown.contains(candidate), "{shown}");
            }
        }
    }
}
