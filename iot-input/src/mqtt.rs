//! MQTT topic names and topic filters (OASIS MQTT 3.1.1 §4.7, 5.0 §4.7).
//!
//! Both types store their text inline up to
//! [`TopicName::INLINE_CAPACITY`] bytes, so the common case allocates
//! nothing; with feature `alloc` longer topics (up to the protocol's 65,535
//! bytes) are kept in one heap buffer, allocated after validation has
//! succeeded. Without `alloc` the bound ([`TopicName::MAX_LEN`]) is the
//! inline capacity.

use core::fmt;

use crate::grammar::non_empty;
use crate::inline::InlineStr;
use crate::{Error, ErrorKind, unicode_tables};

/// Topics up to this many bytes are stored without allocating.
const INLINE_CAPACITY: usize = 256;

/// The longest accepted topic name or filter in bytes.
#[cfg(feature = "alloc")]
const MAX_LEN: usize = 65_535;
#[cfg(not(feature = "alloc"))]
const MAX_LEN: usize = INLINE_CAPACITY;

/// Parsing options for topic names and filters. The default is the strict
/// one; [`Options::insecure_allow_control_characters`] relaxes it.
///
/// ```
/// use iot_input::mqtt::{Options, TopicName};
///
/// let strict = Options::default();
/// assert!(TopicName::parse_with("a/b/c", &strict.max_levels(2)).is_err());
/// assert!(TopicName::parse_with("bell\u{7}", &strict).is_err());
/// assert!(TopicName::parse_with("bell\u{7}", &strict.insecure_allow_control_characters()).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    max_levels: usize,
    allow_control: bool,
    allow_format: bool,
}

impl Options {
    /// The default bound on the number of levels (`a/b/c` has three).
    pub const DEFAULT_MAX_LEVELS: usize = 32;

    /// The strict default: at most [`Options::DEFAULT_MAX_LEVELS`] levels,
    /// no control characters, no format characters.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_levels: Self::DEFAULT_MAX_LEVELS,
            allow_control: false,
            allow_format: false,
        }
    }

    /// Accepts at most `levels` levels (at least 1).
    #[must_use]
    pub const fn max_levels(mut self, levels: usize) -> Self {
        self.max_levels = if levels == 0 { 1 } else { levels };
        self
    }

    /// Accepts control characters (U+0001–U+001F, U+007F–U+009F) in topics,
    /// which the MQTT specification permits but which can corrupt logs and
    /// user interfaces downstream. U+0000 stays forbidden (the protocol
    /// forbids it).
    #[must_use]
    pub const fn insecure_allow_control_characters(mut self) -> Self {
        self.allow_control = true;
        self
    }
}

impl Options {
    /// Accepts format characters and the line and paragraph separators
    /// (Unicode 14.0.0 `Cf`, `Zl`, `Zp`: bidi marks, embeddings, overrides
    /// and isolates such as U+202E, zero-width space and joiners, the BOM,
    /// the soft hyphen, tag characters, U+2028, U+2029), which the MQTT
    /// specification permits but which make a topic display differently
    /// from what it is (reversed on a dashboard or in an ACL review) and
    /// corrupt logs.
    #[must_use]
    pub const fn insecure_allow_format_characters(mut self) -> Self {
        self.allow_format = true;
        self
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

/// Inline text, or heap text for long topics.
// Inline on purpose: the common case must not allocate.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, Hash)]
enum Text {
    Inline(InlineStr<INLINE_CAPACITY>),
    #[cfg(feature = "alloc")]
    Heap(alloc::boxed::Box<str>),
}

impl Text {
    fn new(s: &str) -> Result<Self, Error> {
        if let Some(inline) = InlineStr::new(s) {
            return Ok(Self::Inline(inline));
        }
        #[cfg(feature = "alloc")]
        if s.len() <= MAX_LEN {
            return Ok(Self::Heap(s.into()));
        }
        Err(Error::new(ErrorKind::TooLong, MAX_LEN))
    }

    fn as_str(&self) -> &str {
        match self {
            Self::Inline(s) => s.as_str(),
            #[cfg(feature = "alloc")]
            Self::Heap(s) => s,
        }
    }
}

/// Is `c` a character no topic may contain? U+0000 always (the protocol
/// forbids it), noncharacters always (the specification says they should
/// not be used), C0/C1 controls and format characters unless allowed.
fn forbidden_char(c: char, options: &Options) -> bool {
    let cp = u32::from(c);
    let control = c.is_control();
    c == '\0'
        || (control && !options.allow_control)
        || (!options.allow_format
            && !c.is_ascii()
            && unicode_tables::contains(unicode_tables::FORMAT, c))
        || (0xfdd0..=0xfdef).contains(&cp)
        || cp & 0xfffe == 0xfffe
}

/// What a level of a filter may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    Filter,
}

/// Checks the whole text; shared by names and filters.
fn check(input: &str, options: &Options, role: Role) -> Result<(), Error> {
    non_empty(input.as_bytes())?;
    if input.len() > MAX_LEN {
        return Err(Error::new(ErrorKind::TooLong, MAX_LEN));
    }
    let mut levels = 0usize;
    let mut level_start = 0usize;
    let mut in_hash_level = false;
    for (at, c) in input.char_indices() {
        match c {
            '/' => {
                if in_hash_level {
                    // "#" must be the last level.
                    return Err(Error::new(ErrorKind::InvalidWildcard, at - 1));
                }
                levels += 1;
                if levels >= options.max_levels {
                    return Err(Error::new(ErrorKind::TooManyLevels, at));
                }
                level_start = at + 1;
            }
            '+' | '#' => {
                let alone =
                    at == level_start && matches!(input.as_bytes().get(at + 1), None | Some(b'/'));
                if role == Role::Name || !alone {
                    return Err(Error::new(ErrorKind::InvalidWildcard, at));
                }
                in_hash_level = c == '#';
            }
            _ if forbidden_char(c, options) => {
                return Err(Error::new(ErrorKind::InvalidCharacter, at));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The prefix of an MQTT 5 shared subscription (§4.8.2).
const SHARE: &str = "$share/";

/// The share name and the filter of a shared subscription, if `filter` is
/// one (starts with `$share/`); not checked.
fn split_shared(filter: &str) -> Option<(&str, &str)> {
    filter.strip_prefix(SHARE)?.split_once('/')
}

/// The rules of MQTT 5 §4.8.2 for a filter that starts with `$share/`
/// (the rest has passed [`check`]): a non-empty share name without `/`,
/// `+` or `#`, then `/` and a non-empty filter.
fn check_shared(input: &str) -> Result<(), Error> {
    let Some(rest) = input.strip_prefix(SHARE) else {
        return Ok(());
    };
    let name_len = rest.find('/').unwrap_or(rest.len());
    let name = rest.get(..name_len).unwrap_or_default();
    if let Some(at) = name.find(['+', '#']) {
        return Err(Error::new(ErrorKind::InvalidWildcard, SHARE.len() + at));
    }
    if name.is_empty() {
        return Err(Error::new(ErrorKind::InvalidSyntax, SHARE.len()));
    }
    match rest.get(name_len + 1..) {
        Some(filter) if !filter.is_empty() => Ok(()),
        _ => Err(Error::new(ErrorKind::InvalidSyntax, input.len())),
    }
}

/// A topic name a message is published to.
///
/// Accepts 1 to [`TopicName::MAX_LEN`] bytes of UTF-8 without U+0000, without the
/// wildcards `+` and `#`, without control characters (unless
/// [`Options::insecure_allow_control_characters`]), without format
/// characters and line/paragraph separators (bidi controls, zero-width
/// characters, the BOM, U+2028; unless
/// [`Options::insecure_allow_format_characters`]) or noncharacters, and
/// with at most [`Options::DEFAULT_MAX_LEVELS`] levels (configurable).
/// Empty levels (`a//b`, `/a`) are valid, as in the specification.
///
/// ```
/// use iot_input::{mqtt::TopicName, ErrorKind};
///
/// let topic = TopicName::parse("home/kitchen/temperature")?;
/// assert_eq!(topic.levels().count(), 3);
///
/// assert_eq!(TopicName::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(TopicName::parse("home/+/temp").unwrap_err().kind(), ErrorKind::InvalidWildcard);
/// assert_eq!(TopicName::parse("home\0").unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TopicName {
    text: Text,
}

impl TopicName {
    /// Topics up to this many bytes (256) are stored inline, without
    /// allocating.
    pub const INLINE_CAPACITY: usize = INLINE_CAPACITY;
    /// The longest accepted topic in bytes: the protocol's 65,535 with
    /// feature `alloc`, [`TopicName::INLINE_CAPACITY`] without it.
    pub const MAX_LEN: usize = MAX_LEN;

    /// Validates `input` with the default [`Options`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`],
    /// [`ErrorKind::InvalidWildcard`], [`ErrorKind::InvalidCharacter`] or
    /// [`ErrorKind::TooManyLevels`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_with(input, &Options::new())
    }

    /// Validates `input` with explicit options.
    ///
    /// # Errors
    ///
    /// As [`TopicName::parse`].
    pub fn parse_with(input: &str, options: &Options) -> Result<Self, Error> {
        check(input, options, Role::Name)?;
        Ok(Self {
            text: Text::new(input)?,
        })
    }

    /// The topic as given.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The levels, split at `/`.
    pub fn levels(&self) -> impl Iterator<Item = &str> {
        self.as_str().split('/')
    }
}

/// A topic filter a client subscribes with.
///
/// Accepts what [`TopicName`] accepts, plus the wildcards: `+` as a whole
/// level (one level), `#` as a whole level and only the last one (the
/// parent and any number of child levels). A filter that starts with
/// `$share/` is an MQTT 5 shared subscription and must be
/// `$share/<ShareName>/<filter>` (§4.8.2): a non-empty share name without
/// `+` or `#` ([`ErrorKind::InvalidWildcard`]), then a non-empty filter
/// ([`ErrorKind::InvalidSyntax`] otherwise). MQTT 3.1.1 has no shared
/// subscriptions: there, such a filter is a plain one that brokers may
/// treat either way.
///
/// ```
/// use iot_input::{mqtt::{TopicFilter, TopicName}, ErrorKind};
///
/// let filter = TopicFilter::parse("home/+/temperature")?;
/// assert!(filter.matches(&TopicName::parse("home/kitchen/temperature")?));
/// assert!(!filter.matches(&TopicName::parse("home/kitchen/humidity")?));
/// assert!(TopicFilter::parse("sport/#")?.matches(&TopicName::parse("sport")?));
/// assert!(!TopicFilter::parse("#")?.matches(&TopicName::parse("$SYS/uptime")?));
///
/// assert_eq!(TopicFilter::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(TopicFilter::parse("home/#/x").unwrap_err().kind(), ErrorKind::InvalidWildcard);
/// assert_eq!(TopicFilter::parse("home+").unwrap_err().kind(), ErrorKind::InvalidWildcard);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TopicFilter {
    text: Text,
}

impl TopicFilter {
    /// Filters up to this many bytes (256) are stored inline, without
    /// allocating.
    pub const INLINE_CAPACITY: usize = INLINE_CAPACITY;
    /// The longest accepted filter in bytes: the protocol's 65,535 with
    /// feature `alloc`, [`TopicFilter::INLINE_CAPACITY`] without it.
    pub const MAX_LEN: usize = MAX_LEN;

    /// Validates `input` with the default [`Options`].
    ///
    /// # Errors
    ///
    /// As [`TopicName::parse`], with [`ErrorKind::InvalidWildcard`] for a
    /// misplaced wildcard.
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_with(input, &Options::new())
    }

    /// Validates `input` with explicit options.
    ///
    /// # Errors
    ///
    /// As [`TopicFilter::parse`].
    pub fn parse_with(input: &str, options: &Options) -> Result<Self, Error> {
        check(input, options, Role::Filter)?;
        check_shared(input)?;
        Ok(Self {
            text: Text::new(input)?,
        })
    }

    /// The filter as given.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The levels, split at `/`.
    pub fn levels(&self) -> impl Iterator<Item = &str> {
        self.as_str().split('/')
    }

    /// The share name and the filter of an MQTT 5 shared subscription
    /// (`$share/<ShareName>/<filter>`, §4.8.2), `None` for a plain filter.
    pub fn shared(&self) -> Option<(&str, &str)> {
        split_shared(self.as_str())
    }

    /// Does a message published to `topic` match this filter (MQTT §4.7)?
    ///
    /// `+` matches exactly one level (which may be empty), `#` the parent
    /// level and any number of child levels, other levels match only the
    /// same text. A filter starting with a wildcard does not match topics
    /// starting with `$` (`$SYS/…`).
    ///
    /// A shared subscription (`$share/<ShareName>/<filter>`) matches as
    /// its inner filter does, as a broker decides which messages the share
    /// group receives (`$share/g/#` matches `devices/1`). Which member of
    /// the group gets a message is the broker's choice and not modelled.
    pub fn matches(&self, topic: &TopicName) -> bool {
        let inner = self.shared().map_or(self.as_str(), |(_, filter)| filter);
        if topic.as_str().starts_with('$') && inner.starts_with(['+', '#']) {
            return false;
        }
        let mut filter = inner.split('/');
        let mut name = topic.levels();
        loop {
            match (filter.next(), name.next()) {
                (Some("#"), _) => return true,
                (Some("+"), Some(_)) => {}
                (Some(f), Some(n)) if f == n => {}
                (None, None) => return true,
                _ => return false,
            }
        }
    }
}

macro_rules! topic_common {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($ty))
                    .field(&self.as_str())
                    .finish()
            }
        }
    };
}

topic_common!(TopicName);
topic_common!(TopicFilter);
crate::macros::impl_text_type!(TopicName, "an MQTT topic name");
crate::macros::impl_text_type!(TopicFilter, "an MQTT topic filter");
