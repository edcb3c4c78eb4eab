//! Strict, bounded JSON validation (RFC 8259) without recursion.
//!
//! [`validate`] checks a document against RFC 8259 and [`Limits`] in one
//! pass with an explicit, fixed-size stack, so no input can exhaust the call
//! stack and nothing is allocated. With feature `json`, `from_slice`
//! validates first and only then hands the bytes to `serde_json`; its
//! `JsonError` names the field path and the reason, never the value.

mod keys;
mod scan;
#[cfg(feature = "json")]
mod serde;

use crate::{Error, ErrorKind};

/// Bounds for [`validate`]. Every field has a secure default; the
/// builder methods change one bound each. A bound that sizes something
/// clamps to its hard cap ([`Limits::MAX_BYTES`], [`Limits::MAX_DEPTH`]);
/// the others take any value, since nothing is allocated or sized by them.
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
    /// The hard cap on [`Limits::max_bytes`], 4 GiB − 1: the duplicate-key
    /// index stores key positions in 32 bits.
    pub const MAX_BYTES: usize = u32::MAX as usize;
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
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_bytes: 64 * 1024,
            max_depth: 32,
            max_string_len: 4096,
            max_members: 1024,
            max_number_len: 64,
        }
    }

    /// The longest document in bytes, at most [`Limits::MAX_BYTES`] (a
    /// larger value is clamped to it).
    #[must_use]
    pub const fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = if n > Self::MAX_BYTES {
            Self::MAX_BYTES
        } else {
            n
        };
        self
    }

    /// The deepest nesting of objects and arrays (a scalar document has
    /// depth 0, `[1]` depth 1), at most [`Limits::MAX_DEPTH`] (a larger
    /// value is clamped to it).
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
/// a byte-order mark. Rejects the same key twice in one object, compared
/// after unescaping and case folding: `"a"`, `"\u0061"` and `"A"` are one
/// key, and so are `"ssid"` and `"ſsid"` (ASCII case folding, and Unicode
/// simple case folding for non-ASCII keys, from `core`'s Unicode 16.0.0
/// case mappings; dotless `ı` stays distinct). When two parsers resolve
/// duplicates differently, an attacker can show each a different
/// document: cJSON's `cJSON_GetObjectItem` takes the *first*
/// case-insensitive match, Go's `encoding/json` the *last* match under
/// Unicode simple folding, serde the exact key. Not detected: keys equal
/// only after Unicode normalisation (`"é"` and `"e\u0301"`). Keys whose
/// text contains a C0 control (U+0000 to U+001F, only possible as an
/// escape) are refused with [`ErrorKind::InvalidCharacter`], a deviation
/// from RFC 8259: C-string consumers read `"ssid\u0000x"` as `"ssid"`. Numbers are checked for syntax and length, not for
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
    // `max_bytes` is at most `Limits::MAX_BYTES`, so every key position
    // fits the 32 bits the duplicate-key index stores.
    if input.len() > limits.max_bytes {
        return Err(Error::new(ErrorKind::TooLong, limits.max_bytes));
    }
    // UTF-8 is checked where it can occur, inside strings; outside them any
    // byte above 0x7F is a syntax error anyway.
    scan::run(input, limits)
}

/// `validate`, then `serde_json`: the document `T` sees has passed every
/// check of [`validate`], and an error names the field and the reason,
/// never the value.
///
/// ```
/// # #[cfg(feature = "json")] {
/// use iot_input::{json, mqtt::TopicName, EndpointUrl, ErrorKind, Ssid};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Config {
///     ssid: Ssid,
///     broker: EndpointUrl,
///     topics: Vec<TopicName>,
/// }
///
/// let limits = json::Limits::default();
/// let doc = br#"{"ssid": "home", "broker": "mqtts://broker.example:8883", "topics": ["devices/42"]}"#;
/// let config: Config = json::from_slice(doc, &limits)?;
/// assert_eq!(config.broker.port(), Some(8883));
///
/// // The field's own reason, where it is, and where in the document.
/// let plain = br#"{"ssid": "home", "broker": "mqtt://broker.example", "topics": ["devices/42"]}"#;
/// let err = json::from_slice::<Config>(plain, &limits).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::SchemeNotAllowed);
/// assert_eq!(err.path(), Some("broker"));
/// assert_eq!(err.to_string(), "broker: scheme not allowed at byte 49");
///
/// let wildcard = br#"{"ssid": "home", "broker": "mqtts://b.example", "topics": ["a", "devices/+"]}"#;
/// let err = json::from_slice::<Config>(wildcard, &limits).unwrap_err();
/// assert_eq!((err.kind(), err.path()), (ErrorKind::InvalidWildcard, Some("topics[1]")));
///
/// let missing = br#"{"ssid": "home", "topics": []}"#;
/// let err = json::from_slice::<Config>(missing, &limits).unwrap_err();
/// assert_eq!((err.kind(), err.path()), (ErrorKind::MissingField, Some("broker")));
///
/// assert_eq!(json::from_slice::<Config>(b"", &limits).unwrap_err().kind(), ErrorKind::Empty);
/// # }
/// # Ok::<(), iot_input::json::JsonError>(())
/// ```
///
/// # Errors
///
/// A [`JsonError`]: its [`kind`](JsonError::kind), its
/// [`offset`](JsonError::offset) in the document and, once the document is
/// valid, its [`path`](JsonError::path) in `T`.
///
/// - Any error of [`validate`], without a path.
/// - A field's validated type refused its value (an
///   [`EndpointUrl`](crate::EndpointUrl) with credentials, a
///   [`DeviceName`](crate::DeviceName) with a bidi override): that type's
///   [`ErrorKind`], at the value's last byte.
/// - The document does not fit `T`: [`ErrorKind::MissingField`] (at the
///   object's closing brace; the path names the field),
///   [`ErrorKind::UnknownField`] (with `#[serde(deny_unknown_fields)]`; at
///   the key's opening quote, the path names the object: the key itself is
///   input and is never shown), [`ErrorKind::WrongType`],
///   [`ErrorKind::WrongLength`], [`ErrorKind::InvalidValue`], or
///   [`ErrorKind::Deserialize`] for a refusal whose reason this crate does
///   not know (another crate's message is dropped: it may quote the input).
#[cfg(feature = "json")]
pub fn from_slice<'a, T: ::serde::Deserialize<'a>>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<T, JsonError> {
    validate(input, limits)?;
    serde::from_slice(input)
}

/// An error of [`from_slice`]: the reason and the byte offset of an
/// [`Error`], and where in the target type it happened.
///
/// The path names only what the target type itself names, so it never
/// holds input: struct fields and enum variants (`broker.url`), array
/// indices (`topics[2]`), and `?` for a map entry, whose key is input.
/// Its length is bounded: one segment per nesting level, and
/// [`Limits::max_depth`] bounds the nesting. `Display` is
/// `"{path}: {reason} at byte {offset}"`, or without the path when there
/// is none; safe to log.
///
/// ```
/// # #[cfg(feature = "json")] {
/// use iot_input::{json, ErrorKind};
///
/// #[derive(Debug, serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Broker { url: iot_input::EndpointUrl }
/// #[derive(Debug, serde::Deserialize)]
/// struct Config { broker: Broker }
///
/// let doc = br#"{"broker": {"url": "mqtts://b.example", "password": "hunter2"}}"#;
/// let err = json::from_slice::<Config>(doc, &json::Limits::default()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownField);
/// assert_eq!(err.path(), Some("broker"));
/// assert_eq!(&doc[err.offset()..err.offset() + 10], br#""password""#);
/// assert_eq!(err.to_string(), "broker: unknown field at byte 40");
///
/// // Into the crate's `Error` (the path is dropped):
/// let plain: iot_input::Error = err.into();
/// assert_eq!(plain.to_string(), "unknown field at byte 40");
/// # }
/// ```
#[cfg(feature = "json")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonError {
    error: Error,
    path: Option<alloc::boxed::Box<str>>,
}

#[cfg(feature = "json")]
impl JsonError {
    const fn new(error: Error, path: Option<alloc::boxed::Box<str>>) -> Self {
        Self { error, path }
    }

    /// Why the document was rejected.
    pub const fn kind(&self) -> ErrorKind {
        self.error.kind()
    }

    /// The byte offset in the document where the problem was found.
    pub const fn offset(&self) -> usize {
        self.error.offset()
    }

    /// Where in the target type: `broker.url`, `topics[2]`; `None` for an
    /// error of [`validate`] or at the top level.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

#[cfg(feature = "json")]
impl core::fmt::Display for JsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{path}: {}", self.error),
            None => core::fmt::Display::fmt(&self.error, f),
        }
    }
}

#[cfg(feature = "json")]
impl core::error::Error for JsonError {}

#[cfg(feature = "json")]
impl From<Error> for JsonError {
    fn from(error: Error) -> Self {
        Self::new(error, None)
    }
}

/// Keeps the reason and the offset, drops the path.
#[cfg(feature = "json")]
impl From<JsonError> for Error {
    fn from(error: JsonError) -> Self {
        error.error
    }
}
