//! User-chosen device names.

use core::fmt;

use crate::grammar::non_empty;
use crate::inline::InlineStr;
use crate::{Error, ErrorKind};

/// A user-chosen label for a device, safe to show in apps and logs.
///
/// Accepts 1–[`DeviceName::MAX_CHARS`] Unicode characters with no control
/// characters, no bidirectional overrides, embeddings, isolates or marks
/// (which can make text display differently from what it is), no
/// zero-width or other invisible format characters (joiners, soft hyphen,
/// variation selectors, tag characters, Hangul fillers…), no line or
/// paragraph separators, no noncharacters, and no whitespace at either
/// end. Spaces inside the name are fine. The text is kept as given: it is
/// not normalized, and look-alike letters from different scripts are not
/// detected.
///
/// ```
/// use iot_input::{DeviceName, ErrorKind};
///
/// let name = DeviceName::parse("Küche – Thermostat 2")?;
/// assert_eq!(name.as_str(), "Küche – Thermostat 2");
///
/// assert_eq!(DeviceName::parse("").unwrap_err().kind(), ErrorKind::Empty);
/// assert_eq!(DeviceName::parse(" Lamp").unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// assert_eq!(DeviceName::parse("Lamp\u{202E}gnp.exe").unwrap_err().kind(), ErrorKind::InvalidCharacter);
/// assert_eq!(DeviceName::parse(&"x".repeat(65)).unwrap_err().kind(), ErrorKind::TooLong);
/// # Ok::<(), iot_input::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceName {
    text: InlineStr<{ DeviceName::MAX_BYTES }>,
}

impl DeviceName {
    /// The most characters (Unicode scalar values) a name may have.
    pub const MAX_CHARS: usize = 64;
    /// The most bytes a name can take (64 four-byte characters).
    pub const MAX_BYTES: usize = 4 * Self::MAX_CHARS;

    /// Validates a device name.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`] (at the 65th
    /// character) or [`ErrorKind::InvalidCharacter`] (at its offset).
    pub fn parse(input: &str) -> Result<Self, Error> {
        non_empty(input.as_bytes())?;
        let mut count = 0usize;
        for (at, c) in input.char_indices() {
            count += 1;
            if count > Self::MAX_CHARS {
                return Err(Error::new(ErrorKind::TooLong, at));
            }
            if is_forbidden(c) {
                return Err(Error::new(ErrorKind::InvalidCharacter, at));
            }
        }
        if let Some((at, c)) = input.char_indices().next_back()
            && c.is_whitespace()
        {
            return Err(Error::new(ErrorKind::InvalidCharacter, at));
        }
        if input.starts_with(char::is_whitespace) {
            return Err(Error::new(ErrorKind::InvalidCharacter, 0));
        }
        let text = InlineStr::new(input).ok_or(Error::new(ErrorKind::TooLong, Self::MAX_BYTES))?;
        Ok(Self { text })
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }
}

/// Characters no device name may contain.
///
/// `char::is_control` covers C0 and C1 (Unicode `Cc`); the list below is the
/// `Cf` (format) category, the other default-ignorable code points that
/// render as nothing, line/paragraph separators and noncharacters.
fn is_forbidden(c: char) -> bool {
    if c.is_control() {
        return true;
    }
    let cp = u32::from(c);
    matches!(
        cp,
        0x00ad                      // soft hyphen
        | 0x034f                    // combining grapheme joiner
        | 0x061c                    // Arabic letter mark
        | 0x0600..=0x0605 | 0x06dd | 0x070f | 0x0890..=0x0891 | 0x08e2
        | 0x115f..=0x1160           // Hangul fillers
        | 0x17b4..=0x17b5           // Khmer inherent vowels
        | 0x180b..=0x180f           // Mongolian variation selectors and vowel separator
        | 0x200b..=0x200f           // zero-width space/joiners, LRM, RLM
        | 0x2028..=0x202e           // line/paragraph separators, bidi embeddings and overrides
        | 0x2060..=0x206f           // word joiner, invisible operators, bidi isolates, deprecated format
        | 0x3164 | 0xffa0           // Hangul fillers
        | 0xfe00..=0xfe0f           // variation selectors
        | 0xfeff                    // zero-width no-break space (BOM)
        | 0xfff0..=0xfffb           // interlinear annotation and reserved specials
        | 0xfdd0..=0xfdef           // noncharacters
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0000..=0xe0fff         // tags and variation selectors supplement
    ) || cp & 0xfffe == 0xfffe // noncharacters U+xxFFFE, U+xxFFFF
}

impl fmt::Display for DeviceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DeviceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DeviceName").field(&self.as_str()).finish()
    }
}

crate::macros::impl_text_type!(DeviceName, "a device name");
