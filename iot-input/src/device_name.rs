//! User-chosen device names.

use core::fmt;

use crate::grammar::non_empty;
use crate::inline::InlineStr;
use crate::{Error, ErrorKind, unicode_tables};

/// A user-chosen label for a device, safe to show in apps and logs.
///
/// Accepts 1–[`DeviceName::MAX_CHARS`] Unicode characters with no control
/// characters, no bidirectional overrides, embeddings, isolates or marks
/// (which can make text display differently from what it is), no
/// zero-width or other invisible format characters (joiners, soft hyphen,
/// variation selectors, tag characters, Hangul fillers…), no line or
/// paragraph separators, no noncharacters, and no whitespace at either
/// end (such names are rejected, not trimmed). Also rejected, so that the
/// name shows as what it is: letters that render blank (U+2800 Braille
/// pattern blank, the Hangul fillers), private-use code points, code points
/// unassigned in Unicode 14.0.0 (the version of the generated tables; a
/// character assigned later is refused too), a name that starts with a
/// combining mark, and more than [`DeviceName::MAX_COMBINING_RUN`]
/// combining marks in a row. Spaces inside the name are fine. The text is
/// kept as given: it is not normalized; look-alike letters from different
/// scripts are not detected; right-to-left letters are allowed and reorder
/// the text around them as the bidi algorithm says (only the invisible
/// bidi *controls* are refused); emoji that need a variation selector or a
/// zero-width joiner (`❤️`, family emoji) are refused with them.
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
    /// The most combining marks (`Mn`, `Mc`, `Me`) in a row: enough for
    /// Vietnamese, Indic and Thai clusters, not for "Zalgo" stacks that
    /// overflow the rows around them.
    pub const MAX_COMBINING_RUN: usize = 4;

    /// Validates a device name.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Empty`], [`ErrorKind::TooLong`] (at the 65th
    /// character) or [`ErrorKind::InvalidCharacter`] (at its offset).
    pub fn parse(input: &str) -> Result<Self, Error> {
        non_empty(input.as_bytes())?;
        let mut count = 0usize;
        // Combining marks in a row; the first character counts as one if it
        // is a mark, so a name cannot start with one.
        let mut marks = 0usize;
        for (at, c) in input.char_indices() {
            count += 1;
            if count > Self::MAX_CHARS {
                return Err(Error::new(ErrorKind::TooLong, at));
            }
            if is_forbidden(c) {
                return Err(Error::new(ErrorKind::InvalidCharacter, at));
            }
            if unicode_tables::contains(unicode_tables::COMBINING, c) {
                marks += 1;
                if at == 0 || marks > Self::MAX_COMBINING_RUN {
                    return Err(Error::new(ErrorKind::InvalidCharacter, at));
                }
            } else {
                marks = 0;
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
/// `char::is_control` covers C0 and C1 (Unicode `Cc`); the generated tables
/// (Unicode 14.0.0, see `unicode_tables.rs`) the `Cf` (format) category,
/// line/paragraph separators, unassigned and private-use code points; the
/// list below the other default-ignorable code points and the letters that
/// render as nothing.
fn is_forbidden(c: char) -> bool {
    if c.is_control()
        || unicode_tables::contains(unicode_tables::FORMAT, c)
        || unicode_tables::contains(unicode_tables::UNASSIGNED_OR_PRIVATE, c)
    {
        return true;
    }
    let cp = u32::from(c);
    matches!(
        cp,
        0x00ad                      // soft hyphen
        | 0x034f                    // combining grapheme joiner
        | 0x061c                    // Arabic letter mark
        | 0x0600..=0x0605 | 0x06dd | 0x070f | 0x0890..=0x0891 | 0x08e2
        | 0x2800                    // Braille pattern blank: a "letter" that renders blank
        | 0x1d159                   // musical symbol null notehead (blank)
        | 0x16fe4                   // Khitan small script filler
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

#[cfg(test)]
mod tests {
    /// The docs (here, `mqtt::Options` and the conformance table) name the
    /// Unicode version of the generated tables.
    #[test]
    fn the_docs_name_the_unicode_version_of_the_tables() {
        assert_eq!(crate::unicode_tables::UNICODE_VERSION, "14.0.0");
        assert!(include_str!("manual/04_conformance.md").contains("Unicode 14.0.0"));
    }
}
