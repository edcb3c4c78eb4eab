//! The one error type of every parser in this crate.

use core::fmt;

/// Why an input was rejected.
///
/// The set grows as rules are added, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was empty where at least one byte is required.
    Empty,
    /// The input, or a part of it, is shorter than the rule's minimum.
    TooShort,
    /// The input, or a part of it, exceeds a hard bound.
    TooLong,
    /// A byte or character outside the allowed set.
    InvalidCharacter,
    /// The characters are allowed but not in this order (for example a
    /// separator where a digit is required).
    InvalidSyntax,
    /// The input ended where more was required.
    UnexpectedEnd,
    /// A complete value was followed by more input.
    TrailingInput,
    /// A number was written with a leading zero, which the format forbids
    /// because other parsers read it as octal.
    LeadingZero,
    /// A number is outside its range (an IPv4 octet above 255, a port of 0,
    /// a version number that overflows `u64`).
    OutOfRange,
    /// A hostname label breaks the label rules (hyphen at an end, reserved
    /// `??--` form, a numeric last label).
    InvalidLabel,
    /// An `xn--` label is not valid Punycode, or decodes to something that is
    /// not an acceptable internationalized label.
    InvalidPunycode,
    /// An `xn--` label mixes Latin with Cyrillic or Greek, or is written
    /// wholly in Cyrillic or Greek letters that look Latin (`аpple`,
    /// `ѕсоре`); see [`Hostname`](crate::Hostname).
    ConfusableLabel,
    /// A percent-encoding, a JSON escape or an SSID escape is malformed.
    InvalidEscape,
    /// The bytes are not valid UTF-8.
    InvalidUtf8,
    /// A date or time that does not exist (February 30, hour 24, a leap
    /// second that is not at 23:59:60 UTC on the last day of a month).
    InvalidDate,
    /// A URL scheme outside the allow-list (plain-text schemes need an
    /// explicitly insecure option).
    SchemeNotAllowed,
    /// A URL carries credentials (`user:password@`), which are always
    /// rejected: they would end up in logs and configuration dumps.
    Credentials,
    /// An MQTT wildcard (`+`, `#`) where it is not allowed.
    InvalidWildcard,
    /// More MQTT topic levels than the configured bound.
    TooManyLevels,
    /// JSON nested deeper than [`json::Limits`](crate::json::Limits) allows.
    TooDeep,
    /// More members in one JSON object or array than the limit allows.
    TooManyMembers,
    /// The same key twice in one JSON object (or, from `json::from_slice`,
    /// a field given twice under two of its serde aliases).
    DuplicateKey,
    /// A value the target type refused with a reason this crate does not
    /// know (only from `json::from_slice`): a type outside this crate
    /// refused it with a message, which may quote the input and is
    /// dropped, or `serde_json` refused its shape (a number beyond `f64`).
    Deserialize,
    /// A field the target type requires is not in the JSON object (only
    /// from `json::from_slice`; the error's path names the field).
    MissingField,
    /// A key the target type does not accept (`#[serde(deny_unknown_fields)]`;
    /// only from `json::from_slice`). The key is input, so it is reported
    /// by its offset only.
    UnknownField,
    /// A JSON value of another type than the target expects: a number for
    /// a string, an object for an array (only from `json::from_slice`).
    WrongType,
    /// An array with more or fewer elements than the target (a tuple, a
    /// fixed-size array) holds (only from `json::from_slice`).
    WrongLength,
    /// A value of the right JSON type that the target does not accept and
    /// names no reason for: an integer out of the target's range, an
    /// unknown enum variant (only from `json::from_slice`).
    InvalidValue,
}

impl ErrorKind {
    /// Every kind, for reading a kind back from our own `Display` form
    /// ([`Error::kind_of_message`]).
    #[cfg(feature = "json")]
    const ALL: [ErrorKind; 28] = [
        Self::Empty,
        Self::TooShort,
        Self::TooLong,
        Self::InvalidCharacter,
        Self::InvalidSyntax,
        Self::UnexpectedEnd,
        Self::TrailingInput,
        Self::LeadingZero,
        Self::OutOfRange,
        Self::InvalidLabel,
        Self::InvalidPunycode,
        Self::ConfusableLabel,
        Self::InvalidEscape,
        Self::InvalidUtf8,
        Self::InvalidDate,
        Self::SchemeNotAllowed,
        Self::Credentials,
        Self::InvalidWildcard,
        Self::TooManyLevels,
        Self::TooDeep,
        Self::TooManyMembers,
        Self::DuplicateKey,
        Self::Deserialize,
        Self::MissingField,
        Self::UnknownField,
        Self::WrongType,
        Self::WrongLength,
        Self::InvalidValue,
    ];

    /// The kind whose [`as_str`](Self::as_str) is `description`.
    #[cfg(feature = "json")]
    pub(crate) fn from_description(description: &str) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == description)
    }

    /// A short lower-case description, without any part of the input.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty input",
            Self::TooShort => "input too short",
            Self::TooLong => "input too long",
            Self::InvalidCharacter => "invalid character",
            Self::InvalidSyntax => "invalid syntax",
            Self::UnexpectedEnd => "unexpected end of input",
            Self::TrailingInput => "trailing input",
            Self::LeadingZero => "leading zero",
            Self::OutOfRange => "number out of range",
            Self::InvalidLabel => "invalid hostname label",
            Self::InvalidPunycode => "invalid punycode label",
            Self::ConfusableLabel => "confusable hostname label",
            Self::InvalidEscape => "invalid escape",
            Self::InvalidUtf8 => "invalid utf-8",
            Self::InvalidDate => "invalid date or time",
            Self::SchemeNotAllowed => "scheme not allowed",
            Self::Credentials => "credentials in url",
            Self::InvalidWildcard => "invalid wildcard",
            Self::TooManyLevels => "too many topic levels",
            Self::TooDeep => "nesting too deep",
            Self::TooManyMembers => "too many members",
            Self::DuplicateKey => "duplicate key",
            Self::Deserialize => "value refused by the target type",
            Self::MissingField => "missing field",
            Self::UnknownField => "unknown field",
            Self::WrongType => "wrong type",
            Self::WrongLength => "wrong length",
            Self::InvalidValue => "invalid value",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected input: a reason and the byte offset where it was found.
///
/// It never contains the input itself, which may be a passphrase, so it is
/// safe to log.
///
/// ```
/// use iot_input::{ErrorKind, Hostname};
///
/// let err = Hostname::parse("sensor_1.local").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidCharacter);
/// assert_eq!(err.offset(), 6);
/// assert_eq!(err.to_string(), "invalid character at byte 6");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: usize,
}

impl Error {
    /// An error of `kind` found at byte `offset` of the input.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// Why the input was rejected.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte offset in the input where the problem was found.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The same error, `by` bytes further into an enclosing input.
    pub(crate) const fn shifted(self, by: usize) -> Self {
        Self::new(self.kind, self.offset.saturating_add(by))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.as_str(), self.offset)
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "json")]
impl Error {
    /// The kind of the error whose [`Display`](fmt::Display) form
    /// `message` writes (`"credentials in url at byte 12"`), if it is one.
    ///
    /// Our validating `Deserialize` impls refuse a value with
    /// `serde::de::Error::custom(error)`. Inside `json::from_slice` that
    /// message reaches our own serde error type, which reads the kind back
    /// with this: a format this crate writes and reads itself, next to each
    /// other here, which `serde_json` never sees or rewords. Anything else
    /// (longer than any of our messages, or another shape) is `None`. It
    /// formats into a fixed buffer: no allocation.
    pub(crate) fn kind_of_message(message: &dyn fmt::Display) -> Option<ErrorKind> {
        let mut text = Capture {
            bytes: [0; Capture::LEN],
            len: 0,
        };
        fmt::write(&mut text, format_args!("{message}")).ok()?;
        let text = core::str::from_utf8(text.bytes.get(..text.len)?).ok()?;
        let (description, offset) = text.rsplit_once(" at byte ")?;
        if offset.is_empty() || !offset.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        ErrorKind::from_description(description)
    }
}

/// A bounded `fmt::Write` target: longer output is an error.
#[cfg(feature = "json")]
struct Capture {
    bytes: [u8; Capture::LEN],
    len: usize,
}

#[cfg(feature = "json")]
impl Capture {
    /// Longer than any `Error`'s `Display` form (a description of at most
    /// 32 bytes, " at byte ", 20 digits).
    const LEN: usize = 64;
}

#[cfg(feature = "json")]
impl fmt::Write for Capture {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::{Error, ErrorKind};

    #[test]
    fn every_kind_maps_back_from_its_description() {
        for kind in ErrorKind::ALL {
            // An exhaustive match: a new kind fails to compile here until
            // it is added to `ALL` as well.
            match kind {
                ErrorKind::Empty
                | ErrorKind::TooShort
                | ErrorKind::TooLong
                | ErrorKind::InvalidCharacter
                | ErrorKind::InvalidSyntax
                | ErrorKind::UnexpectedEnd
                | ErrorKind::TrailingInput
                | ErrorKind::LeadingZero
                | ErrorKind::OutOfRange
                | ErrorKind::InvalidLabel
                | ErrorKind::InvalidPunycode
                | ErrorKind::ConfusableLabel
                | ErrorKind::InvalidEscape
                | ErrorKind::InvalidUtf8
                | ErrorKind::InvalidDate
                | ErrorKind::SchemeNotAllowed
                | ErrorKind::Credentials
                | ErrorKind::InvalidWildcard
                | ErrorKind::TooManyLevels
                | ErrorKind::TooDeep
                | ErrorKind::TooManyMembers
                | ErrorKind::DuplicateKey
                | ErrorKind::Deserialize
                | ErrorKind::MissingField
                | ErrorKind::UnknownField
                | ErrorKind::WrongType
                | ErrorKind::WrongLength
                | ErrorKind::InvalidValue => {}
            }
            assert_eq!(ErrorKind::from_description(kind.as_str()), Some(kind));
            assert!(kind.as_str().len() <= 32, "{kind:?}");
            let error = Error::new(kind, usize::MAX);
            assert_eq!(Error::kind_of_message(&error), Some(kind));
        }
        assert_eq!(ErrorKind::from_description("invalid type: string"), None);
        let long = "a".repeat(100);
        for other in [
            "invalid type: string \"x at byte 3\", expected u8",
            "empty input at byte ",
            "empty input at byte 1x",
            long.as_str(),
        ] {
            assert_eq!(Error::kind_of_message(&other), None, "{other}");
        }
    }
}
