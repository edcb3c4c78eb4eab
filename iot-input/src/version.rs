//! Firmware versions (Semantic Versioning 2.0.0).

use core::cmp::Ordering;
use core::{fmt, hash};

use nom::Parser;
use nom::bytes::complete::take_while1;
use nom::character::complete::char;

use crate::grammar::{PResult, cut_fail, non_empty, offset_of, parse_all};
use crate::inline::InlineStr;
use crate::{Error, ErrorKind};

/// A firmware version in Semantic Versioning 2.0.0 syntax, ordered by SemVer
/// precedence.
///
/// Accepts exactly `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` as in
/// <https://semver.org/spec/v2.0.0.html>: numbers without leading zeros that
/// fit `u64`, pre-release and build identifiers of `[0-9A-Za-z-]` separated
/// by dots, numeric pre-release identifiers without leading zeros; at most
/// [`FirmwareVersion::MAX_LEN`] bytes. Rejects a `v` prefix, missing parts,
/// empty identifiers and anything else.
///
/// `Ord`/`Eq`/`Hash` follow SemVer precedence (§11): build metadata is
/// ignored, so `1.0.0+a == 1.0.0+b`, and a downgrade check written as
/// `new > installed` cannot be fooled by it. [`FirmwareVersion::build`] still
/// tells them apart.
///
/// ```
/// use iot_input::{ErrorKind, FirmwareVersion};
///
/// let installed = FirmwareVersion::parse("2.4.0")?;
/// let offered = FirmwareVersion::parse("2.5.0-rc.1+build.77")?;
/// assert!(offered > installed);
/// assert!(FirmwareVersion::parse("2.5.0")? > offered);
/// assert_eq!(FirmwareVersion::parse("2.4.0+other")?, installed);
///
/// assert_eq!(FirmwareVersion::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(FirmwareVersion::parse("v1.2.3").unwrap_err().kind(), ErrorKind::InvalidSyntax);
/// assert_eq!(FirmwareVersion::parse("1.02.3").unwrap_err().kind(), ErrorKind::LeadingZero);
/// assert_eq!(FirmwareVersion::parse("1.2.99999999999999999999").unwrap_err().kind(), ErrorKind::OutOfRange);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct FirmwareVersion {
    major: u64,
    minor: u64,
    patch: u64,
    /// The whole text as given (SemVer is case-sensitive: nothing to fold).
    text: InlineStr<{ FirmwareVersion::MAX_LEN }>,
    /// The pre-release identifiers, as a range of `text`.
    pre: (usize, usize),
    /// The build metadata, as a range of `text`.
    build: (usize, usize),
}

impl FirmwareVersion {
    /// The longest accepted version string in bytes.
    pub const MAX_LEN: usize = 128;

    /// Validates `input` as a SemVer 2.0.0 version.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`],
    /// [`ErrorKind::LeadingZero`], [`ErrorKind::OutOfRange`] (a number above
    /// `u64::MAX`), [`ErrorKind::InvalidSyntax`],
    /// [`ErrorKind::UnexpectedEnd`] or [`ErrorKind::InvalidCharacter`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        let bytes = input.as_bytes();
        non_empty(bytes)?;
        crate::grammar::at_most(bytes, Self::MAX_LEN)?;
        let (major, minor, patch, pre, build) =
            parse_all(bytes, ErrorKind::InvalidCharacter, |i| semver(bytes, i))?;
        let text = InlineStr::new(input).ok_or(Error::new(ErrorKind::TooLong, Self::MAX_LEN))?;
        Ok(Self {
            major,
            minor,
            patch,
            text,
            pre,
            build,
        })
    }

    /// The major version.
    pub const fn major(&self) -> u64 {
        self.major
    }

    /// The minor version.
    pub const fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch version.
    pub const fn patch(&self) -> u64 {
        self.patch
    }

    /// The pre-release identifiers without the `-`, `""` if none.
    pub fn pre_release(&self) -> &str {
        self.as_str()
            .get(self.pre.0..self.pre.1)
            .unwrap_or_default()
    }

    /// The build metadata without the `+`, `""` if none.
    pub fn build(&self) -> &str {
        self.as_str()
            .get(self.build.0..self.build.1)
            .unwrap_or_default()
    }

    /// Is this a pre-release (`1.0.0-rc.1`)?
    pub fn is_pre_release(&self) -> bool {
        !self.pre_release().is_empty()
    }

    /// The version as given.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }
}

/// A numeric identifier: `0` or a digit 1–9 followed by digits, fitting
/// `u64`.
fn numeric(input: &[u8]) -> PResult<'_, u64> {
    let (rest, digits) = take_while1(|b: u8| b.is_ascii_digit()).parse(input)?;
    if digits.len() > 1 && digits.first() == Some(&b'0') {
        return cut_fail(ErrorKind::LeadingZero, input);
    }
    let mut value: u64 = 0;
    for &d in digits {
        value = match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
        {
            Some(v) => v,
            None => return cut_fail(ErrorKind::OutOfRange, input),
        };
    }
    Ok((rest, value))
}

const fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// Dot-separated non-empty identifiers; numeric pre-release identifiers
/// must not have leading zeros.
fn identifiers(input: &[u8], pre_release: bool) -> PResult<'_, &[u8]> {
    let mut rest = input;
    loop {
        let parsed: PResult<'_, &[u8]> = take_while1(is_ident_char).parse(rest);
        let (after, ident) = match parsed {
            Ok(ok) => ok,
            Err(_) if rest.is_empty() => return cut_fail(ErrorKind::UnexpectedEnd, rest),
            Err(_) => return cut_fail(ErrorKind::InvalidSyntax, rest),
        };
        if pre_release
            && ident.len() > 1
            && ident.first() == Some(&b'0')
            && ident.iter().all(u8::is_ascii_digit)
        {
            return cut_fail(ErrorKind::LeadingZero, rest);
        }
        rest = after;
        match rest {
            [b'.', after @ ..] => rest = after,
            _ => break,
        }
    }
    let used = offset_of(input, rest);
    Ok((rest, input.get(..used).unwrap_or_default()))
}

type Parts = (u64, u64, u64, (usize, usize), (usize, usize));

fn semver<'a>(whole: &[u8], input: &'a [u8]) -> PResult<'a, Parts> {
    let dot = || char('.');
    let (mut rest, (major, _, minor, _, patch)) =
        (numeric, dot(), numeric, dot(), numeric).parse(input)?;
    let mut pre = (0, 0);
    let mut build = (0, 0);
    if let [b'-', after @ ..] = rest {
        let (after, ids) = identifiers(after, true)?;
        let start = offset_of(whole, after) - ids.len();
        pre = (start, start + ids.len());
        rest = after;
    }
    if let [b'+', after @ ..] = rest {
        let (after, ids) = identifiers(after, false)?;
        let start = offset_of(whole, after) - ids.len();
        build = (start, start + ids.len());
        rest = after;
    }
    Ok((rest, (major, minor, patch, pre, build)))
}

/// SemVer §11.4: identifiers compared one by one; numeric ones numerically
/// and below alphanumeric ones; a shorter list is lower when all before are
/// equal.
fn cmp_pre_release(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        // A version without a pre-release is higher than one with.
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let x_num = x.bytes().all(|c| c.is_ascii_digit());
                let y_num = y.bytes().all(|c| c.is_ascii_digit());
                let order = match (x_num, y_num) {
                    // No leading zeros: the longer number is the larger.
                    (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

impl Ord for FirmwareVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| cmp_pre_release(self.pre_release(), other.pre_release()))
    }
}

impl PartialOrd for FirmwareVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for FirmwareVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for FirmwareVersion {}

impl hash::Hash for FirmwareVersion {
    fn hash<H: hash::Hasher>(&self, state: &mut H) {
        // Consistent with `Eq`: build metadata is left out.
        (self.major, self.minor, self.patch, self.pre_release()).hash(state);
    }
}

impl fmt::Display for FirmwareVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for FirmwareVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FirmwareVersion")
            .field(&self.as_str())
            .finish()
    }
}

crate::macros::impl_text_type!(FirmwareVersion, "a semantic version");
